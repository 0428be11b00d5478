"""States as meeting sides: which country or capital an argument of a meeting word stands for
its government ("Talks between Kenya and Tanzania", "The U.S. has also met with ...", "Beijing
will hold talks with Hanoi"), read from the parse by `parties`; and names in a meeting sentence
that are no side: the event's name ("the NATO summit"), what is discussed, and who acts on
something about a meeting ("released a summary of a call") or on another meeting.
"""

from __future__ import annotations

from typing import Any

from summarizer.pipeline.names import DETERMINERS
from summarizer.strategies.staged.spans import SIDE_LABELS, Sentence, Span
from summarizer.text.places import state_of

NO_STATE_SIDE = frozenset({"visit", "host"})  # "visited India", "Qatar hosted": no counterpart
# verbs that only carry a meeting noun ("hold talks", "began negotiations"): their subject meets
SUPPORT_VERBS = frozenset({"hold", "have", "begin", "start", "open", "resume", "continue",
                           "conduct", "convene", "join", "attend"})  # fmt: skip
HAPPEN = frozenset({"take", "be", "occur", "end"})  # a meeting noun as their subject: it happens
TOPIC_VERBS = frozenset({"discuss", "negotiate", "debate", "review", "address"})
MEETING_NOUNS = frozenset({"talk", "talks", "meeting", "summit", "negotiation", "discussion"})
# nouns of a meeting's measure or phase, not of something about it: "eight hours of talks",
# "a new round of negotiations", "agreed to the resumption of talks" (their verb's subject
# can be a party); a meeting noun itself ("a preparatory meeting of the talks")
PARTITIVE = frozenset({"hour", "day", "week", "month", "year", "round", "series", "number",
                       "couple", "lot", "set", "part", "host", "start", "beginning", "end",
                       "resumption", "opening", "continuation", "close", "breakdown",
                       "collapse", "suspension", *MEETING_NOUNS})  # fmt: skip


def extent(token: Any, offset: int = 0) -> tuple[int, int]:
    """Where `token`'s phrase (its subtree) starts and ends, `offset` added (the sentence's
    start in the article, for offsets into it).
    """
    return offset + token.left_edge.idx, offset + token.right_edge.idx + len(token.right_edge)


def is_state(span: Span) -> bool:
    """A place span that names a country or a capital: a state that can hold talks."""
    return state_of(span.text) is not None


def state_role(token: Any, trigger: Any) -> bool:
    """The argument is the subject of the trigger or the object of "with"/"between"/"among"
    on it, itself or as a conjunct; or either of a support verb whose object the trigger is
    ("Beijing will hold talks with Hanoi"). A state as a side is one that meets: not where
    someone goes ("left Seoul to meet ..."), what a title is of, who does something else
    around a meeting ("Israel resumed strikes after the talks between ..."), or the host or
    destination of a visit (`NO_STATE_SIDE`; the sides of "talks between" it hosts stay).
    """
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ in ("nsubj", "nsubjpass"):
        owner = token.head
        if owner.i == trigger.i and trigger.lemma_ in NO_STATE_SIDE:
            return False
    elif token.dep_ == "pobj" and token.head.lower_ in ("with", "between", "among"):
        owner = token.head.head
    else:
        return False
    if owner.i == trigger.i:
        return True
    if token.dep_ == "pobj" and trigger.dep_ in ("nsubj", "nsubjpass"):
        # "a summit will take place between A and B", "talks were held with B"
        return trigger.head.i == owner.i and owner.lemma_.lower() in SUPPORT_VERBS | HAPPEN
    supported = trigger.dep_ == "dobj" and trigger.head.i == owner.i
    return supported and owner.lemma_.lower() in SUPPORT_VERBS


def event_name(noun: Any, sides: list[Span], offset: int) -> Span | None:
    """The one organization a meeting noun is named for ("the NATO summit", "the G7 talks"):
    the event's name, not a side. Two names ("the EU-China summit") or people are sides.
    """
    at = [offset + c.idx for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
    named = list(dict.fromkeys(s for s in sides for a in at if s.start <= a < s.end))
    return named[0] if len(named) == 1 and named[0].label == "ORG" else None


def topics(doc: Any, sentence: Sentence) -> set[Span]:
    """Sides named inside what is discussed ("meet to discuss ... the Siachen glacier and Sir
    Creek", "talks to discuss the case of Jimmy Lai"): the object of a topic verb is the
    agenda, and a name in it is no one at the table.
    """
    spans: set[Span] = set()
    for token in doc:
        if token.lemma_.lower() not in TOPIC_VERBS:
            continue
        for obj in (c for c in token.children if c.dep_ == "dobj"):
            left, right = extent(obj, sentence.start)
            spans |= {s for s in sentence.spans if left <= s.start and s.end <= right}
    return spans


POSSESSIVES = DETERMINERS - {"the"}  # "his meeting", "their talks"


def told_before(doc: Any, sentence: Sentence) -> bool:
    """Every meeting word of the sentence is a meeting it already told, possessed and with
    no sides of its own ("called on the government to follow his meeting with more efforts"):
    the other people the sentence names are not at that table.
    """
    nouns = [doc.char_span(a, b, alignment_mode="expand") for a, b in sentence.trigger_at]
    return bool(nouns) and all(
        n is not None
        and n.root.pos_ == "NOUN"
        and any(c.dep_ == "poss" and c.lower_ in POSSESSIVES for c in n.root.children)
        and not any(_names_side(c, sentence) for c in n.root.children if c.dep_ == "prep")
        for n in nouns
    )


def _names_side(prep: Any, sentence: Sentence) -> bool:
    """A "with"/"between" phrase that holds a side ("his meeting with Hu Jintao")."""
    if prep.lower_ not in ("with", "between"):
        return False
    left, right = sentence.start + prep.idx, extent(prep, sentence.start)[1]
    return any(s.label in SIDE_LABELS and left <= s.start < right for s in sentence.spans)


def about_it(token: Any) -> bool:
    """`token` is the "of" that makes the meeting what a thing is about: "released a summary
    of a call", "a transcript of the talks" (who releases it is no party); not a measure of
    it ("eight hours of talks", "a new round of negotiations": `PARTITIVE`).
    """
    head = token.head
    return token.lower_ == "of" and head.pos_ == "NOUN" and head.lemma_.lower() not in PARTITIVE


def holds_another(verb: Any, below: Any) -> bool:
    """`verb` has a meeting noun of its own as its object, not the one climbed from: "Out of
    the meeting with A, B also held talks with C and D" (the verb's parties are the talks').
    """
    return verb.pos_ == "VERB" and any(
        c.dep_ == "dobj" and c.i != below.i and c.lemma_.lower() in MEETING_NOUNS
        for c in verb.children
    )
