"""Who takes part in the meeting a trigger sentence states, read from spaCy's dependency parse.

Small models asked to pick the sides of a meeting from a list pick the whole list, so code
picks them: the arguments of the trigger ("X met Y": subject and object; "talks between X and
Y": the objects of "between"; "X spoke by phone with Y": climb from "phone" to "spoke", then its
subject and the object of "with"; "X and Y agreed to meet": the subject of "agreed"), each with
its conjuncts. An argument maps to the side (person, organization, title) that contains it, or
else the first side inside its phrase ("her counterpart, Gunnar Hallvardsson"). "I"/"we" in a
transcript is the speaker; "the two leaders"/"they" are the parties of the previous trigger
sentence. A country or its capital that is the subject of the trigger (or of a support verb
over it: "Beijing will hold talks") or the object of "with"/"between" is its state's side
("Talks between Kenya and Tanzania", "The U.S. has met with ..."). A titled phrase naming
several sides is one per side (`coordination`). Without a parse, every side in the trigger
sentence is a party.
"""

from __future__ import annotations

import re
from typing import Any

from summarizer.pipeline.names import TITLES, surname_match
from summarizer.strategies.staged.coordination import coordinated
from summarizer.strategies.staged.sides import (
    TOPIC_VERBS,
    about_it,
    event_name,
    extent,
    holds_another,
    is_state,
    state_role,
    told_before,
    topics,
)
from summarizer.strategies.staged.spans import DATELINE, SIDE_LABELS, Sentence, Span
from summarizer.text.fold import fold

ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "agent", "attr"})
PARTY_PREPS = frozenset({"with", "between", "among", "by"})
TALK_VERBS = frozenset({"talk", "speak"})  # "talked to the French Prime Minister": "to" too
CLIMB_DEPS = frozenset({"pobj", "prep", "dobj", "compound", "nsubj", "nsubjpass", "attr"})
COLLECTIVE = re.compile(r"^(?:the\s+)?(?:two|both)\b|^(?:they|them|we)$", re.I)
_PAIR = re.compile(r"^(?:the\s+)?(?:two|both)\b", re.I)
PAIR = "pair"
REPORTING = frozenset(
    {"say", "confirm", "announce", "deny", "report", "tell", "describe", "refer", "welcome",
     "criticize", "criticise", "cancel", "postpone", "follow", "prepare", "call"}
)  # fmt: skip
# verbs of judging what others do: their subject comments on a meeting, it is no party to it
STANCE = frozenset({"oppose", "praise", "condemn", "urge", "warn", "accuse", "defend"})
SPEECH = frozenset({"say", "tell", "report", "announce"})  # verbs whose subject reports
COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "nsubjpass", "attr"})  # what is reported
PERSONAL = frozenset({"i", "me", "my", "we", "us", "our", "he", "him", "his", "she", "her",
                      "they", "them", "their"})  # fmt: skip
WITHIN = frozenset({"in", "during", "at"})  # a meeting as a setting: "told B in a call"
PREFERENCE = ("PERSON", "TITLE", "ORG")  # "Tarnwick's mayor, Agnes Pryce": the person
LOOKBACK = 5  # sentences a collective "the two" may refer back over
MAX_ALONGSIDE = 4


def find_parties(docs: list[Any] | None, sentences: list[Sentence]) -> list[tuple[Span, ...]]:
    """The parties of each sentence's meeting (empty for sentences without a trigger);
    `docs` are the sentences' spaCy parses, None without spaCy.
    """
    out: list[tuple[Span, ...]] = []
    recent: list[tuple[int, tuple[Span, ...]]] = []
    for i, sentence in enumerate(sentences):
        if not sentence.trigger:
            out.append(())
            continue
        dateline = DATELINE.match(sentence.text)
        cut = sentence.start + (dateline.end() if dateline else 0)
        sides = [s for s in sentence.spans if s.label in SIDE_LABELS and s.start >= cut]
        states = [s for s in sentence.spans if s.label == "GPE" and s.start >= cut and is_state(s)]
        if docs is None:
            parties, collective = sides, ""
        else:
            last = recent[-1][1] if recent else ()
            parties, collective = _from_parse(
                docs[i], sentence, sides, last, _named_before(sentences, i), states
            )
        if collective and len(parties) < 2:
            parties = _antecedent(recent, sentences, i, collective == PAIR) or parties
        if len(parties) < 2 and i + 1 < len(sentences):
            parties = _named_next(parties, sentences[i + 1]) or parties
        if len(set(parties)) < 2 and not (docs and told_before(docs[i], sentence)):
            aside = _speakers(docs[i], sentence) | topics(docs[i], sentence) if docs else set()
            parties = _named_alongside(parties, [s for s in sides if s not in aside])
        found = _drop_affiliations(tuple(dict.fromkeys(coordinated(parties, sentence))), sentence)
        out.append(found)
        if len(found) >= 2 and not any(s.label == "GPE" for s in found):
            recent.append((i, found))  # "the two leaders", "they": people and bodies, not states
    return out


def _from_parse(
    doc: Any,
    sentence: Sentence,
    sides: list[Span],
    earlier: tuple[Span, ...],
    preceding: tuple[Span, ...] = (),
    states: list[Span] | None = None,
) -> tuple[list[Span], str]:
    """Parties of the first trigger with two of them (else the best found), and the kind of
    collective that stood among the arguments: `PAIR` ("the two leaders", "both men"), "they"
    (a pronoun), or "" (none). An argument that is only a country or its capital (`states`)
    is that state's side ("The U.S. has met with ...", "talks between India and Pakistan"),
    except as what is visited or hosted: a visit to a country names no counterpart.
    """
    best: list[Span] = []
    collective = ""
    for start, end in sentence.trigger_at:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        parties: list[Span] = []
        # the trigger can be a party itself: "informed his counterpart"
        itself = [span.root] if span.root.dep_ in ARGUMENT_DEPS else []
        for token in [*itself, *arguments(span.root)]:
            phrase = _phrase(token)
            found = sides_of(token, sides, sentence.speaker, sentence.start)
            if token.i == span.root.i:  # "attending the NATO summit": NATO names the event
                found = [s for s in found if s != event_name(token, sides, sentence.start)]
            if token.lower_ in ("they", "them"):  # the people this sentence named before it
                at = sentence.start + token.idx
                before = [s for s in sides if s.label == "PERSON" and s.end <= at]
                found = before if len(before) >= 2 else found
            if COLLECTIVE.search(phrase) and len(phrase.split()) <= 3:
                collective = PAIR if _PAIR.match(phrase) else token.lower_
                if token.lower_ != "we" and not any(s.label == "PERSON" for s in found):
                    continue  # "the two leaders" (no names given): the last candidate's sides
            found = found or _pronoun(token, sides, sentence.start, earlier or preceding)
            at = sentence.start + token.idx
            state = [s for s in states or () if s.start <= at < s.end]
            if state and not any(s.start <= at < s.end for s in sides):
                # the token is a state's name: that side, not a side its phrase runs on to
                # ("between the United States and the Taliban": the conjunct has its turn)
                found = state if state_role(token, span.root) else found
            parties += [s for s in found if s not in parties]
        if len(parties) >= 2:
            return parties, collective
        best = parties if len(parties) > len(best) else best
    return best, collective


def arguments(trigger: Any) -> list[Any]:
    """The argument tokens of a trigger token (see the module docstring), in order.

    A trigger with its own "between" names its parties there, whatever governs it: "Volker
    worked to arrange a meeting between Zelensky and Trump", "the House subpoenaed a transcript
    of a call between Trump and Zelensky", "Oli discussed the negotiations between the
    government and the Maoists": who arranges, subpoenas or discusses it is no party.
    """
    between = [
        obj
        for prep in trigger.children
        if prep.dep_ == "prep" and prep.lower_ == "between"
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]
    if between:
        return list(dict.fromkeys(t for obj in between for t in (obj, *obj.conjuncts)))
    heads = [trigger]
    token = trigger
    while token.dep_ in CLIMB_DEPS and token.head is not token and token.pos_ != "VERB":
        # "the ministry confirmed the talks": the ministry is no party; but "A told B in
        # phone conversations" sets the telling in the meeting (A and B spoke), and the
        # noun "call" of "phone call" reports nothing
        setting = token.dep_ == "prep" and token.lower_ in WITHIN
        judging = REPORTING | STANCE  # "the visit was opposed by Su": Su judges it
        reports = token.head.pos_ in ("VERB", "AUX") and token.head.lemma_.lower() in judging
        if (reports and not setting) or holds_another(token.head, token) or about_it(token):
            break
        token = token.head
        heads.append(token)
    # "agreed to meet", "is due to hold talks", "said ... and agreed to meet": the subject is
    # higher up (an open complement's, or the first of two conjoined verbs')
    for _ in range(3):
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
            break
        if token.dep_ not in ("xcomp", "acomp", "ccomp", "advcl", "conj") or token.head is token:
            break
        token = token.head
        heads.append(token)
    found: list[Any] = []
    for head in heads:
        for child in head.children:
            if child in heads:
                continue
            if child.dep_ == "dobj" and head.lemma_.lower() in TOPIC_VERBS:
                continue  # "discussed the restructuring of Mozambique's debt": a topic
            if child.dep_ in ARGUMENT_DEPS:
                found += [child, *child.conjuncts]
            elif child.dep_ == "prep" and (
                child.lower_ in PARTY_PREPS
                or (child.lower_ == "to" and head.lemma_.lower() in TALK_VERBS)
            ):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        found += [obj, *obj.conjuncts]
    return list(dict.fromkeys(found))


def sides_of(token: Any, sides: list[Span], speaker: Span | None, offset: int = 0) -> list[Span]:
    """The sides an argument token stands for: the speaker for "I"/"we"; the people named in
    its phrase ("the two water ministers, Tomasz Brel and Farida Nasser"); else the side
    containing it, else the preferred side inside its phrase; [] for a place or a pronoun.
    `offset` is where the token's sentence starts in the article.
    """
    if token.lower_ in ("i", "we"):
        return [speaker] if speaker else []
    at = offset + token.idx
    left, right = extent(token, offset)
    inside = [s for s in sides if left <= s.start and s.end <= right]
    people = [s for s in inside if s.label == "PERSON"]
    if people:
        return people
    containing = [s for s in sides if s.start <= at < s.end]
    if containing:
        return containing[:1]
    return sorted(inside, key=lambda s: PREFERENCE.index(s.label))[:1]


def _pronoun(token: Any, sides: list[Span], offset: int, earlier: tuple[Span, ...]) -> list[Span]:
    """He/she: the last person named before it in the sentence, else the first of the last
    candidate's (or, with none, of the sentences just before: `_named_before`) that this
    sentence does not name: "He invited Dr. Singh" is not Singh.
    """
    if token.lower_ not in ("he", "she"):
        return []
    people = [s for s in sides if s.label == "PERSON"]
    before = [s for s in people if s.end <= offset + token.idx]
    if before:
        return before[-1:]
    named = [p.text.split()[-1] for p in people]
    return [s for s in earlier if s.label == "PERSON" and not any(
        surname_match(s.text.split()[-1], n) for n in named)][:1]  # fmt: skip


def _antecedent(
    recent: list[tuple[int, tuple[Span, ...]]], sentences: list[Sentence], i: int, pair: bool
) -> list[Span]:
    """What a collective in sentence `i` refers to: the last candidate's parties (within
    `LOOKBACK` sentences); for a pair ("the two leaders", "both men"), the nearer of those and
    the two people (two surnames) one of the two sentences just before names ("Prime Minister
    A and President B declared a truce. The two leaders made the announcement at a summit
    ..."), the candidate's on a tie. A pronoun ("they", "we") can stand for any group, so only
    a candidate's parties resolve it. [] when there is nothing to refer to.
    """
    earlier = [(j, p) for j, p in recent if i - j <= LOOKBACK][-1:]
    for j in range(i - 1, max(-1, i - 3) if pair else i - 1, -1):
        people = [s for s in sentences[j].spans if s.label == "PERSON"]
        if people:
            if len({fold(s.text.split()[-1]) for s in people}) == 2 and (
                not earlier or j > earlier[0][0]
            ):
                return list(dict.fromkeys(people))
            break
    return list(earlier[0][1]) if earlier else []


def _named_before(sentences: list[Sentence], i: int) -> tuple[Span, ...]:
    """The people the nearest of the two sentences before sentence `i` names ("Australian
    Prime Minister John Howard began a visit of India yesterday. ... He will meet ...").
    """
    for sentence in reversed(sentences[max(0, i - 2) : i]):
        people = tuple(s for s in sentence.spans if s.label == "PERSON")
        if people:
            return people
    return ()


def _named_next(parties: list[Span], following: Sentence) -> list[Span]:
    """A plural title as the only party ("Water ministers from Ostrenia and Kestria met ...")
    stands for the two to four people the next sentence names ("Water Minister Ilse Marovic
    and her counterpart, Tomas Feldgren, said ..."), when it names them by that role
    (singular) or as counterparts; else [].
    """
    plural = [p for p in parties if p.label == "TITLE" and p.text.lower().endswith("s")]
    if not plural:
        return []
    role = plural[0].text.lower().split()[-1].removesuffix("s")
    people = [s for s in following.spans if s.label == "PERSON"]
    words = following.text.lower()
    if 2 <= len(people) <= 4 and (role in words or "counterpart" in words):
        return people
    return []


def _named_alongside(parties: list[Span], sides: list[Span]) -> list[Span]:
    """Where the parse finds fewer than two parties, the people the trigger sentence names
    join the one it found: a meeting sentence names its sides even when the parse does not tie
    them to the trigger ("Ishiba visited Taiwan and told President Lai ...", "During a visit by
    Starmer to the White House, Trump said ...", "A and B told C in phone conversations ...").
    Only two to `MAX_ALONGSIDE` people: a sentence listing more is a roll call, not a meeting.
    Whether it states a meeting is the model's question, as for every candidate.
    """
    people = [s for s in sides if s.label == "PERSON"]
    merged = list(dict.fromkeys([*parties, *people]))
    if not 2 <= len(people) + len([p for p in parties if p.label != "PERSON"]) <= MAX_ALONGSIDE:
        return parties
    return merged if len(merged) >= 2 else parties


def _speakers(doc: Any, sentence: Sentence) -> set[Span]:
    """People who report or judge the meeting rather than hold it: the subject or agent of a
    speech or stance verb whose complement holds the trigger and names its two sides
    ("O'Brien said the president would meet Kim", "Lien's visit was opposed by Su"). Not
    where the meeting is the setting of the remark ("During a visit by Starmer, Trump said
    ...": a prepositional phrase).
    """
    people = [s for s in sentence.spans if s.label == "PERSON"]
    triggers = [sentence.start + a for a, _ in sentence.trigger_at]
    found: set[Span] = set()
    for token in doc:
        if token.lemma_.lower() not in SPEECH | STANCE:
            continue
        reported = [c for c in token.children if c.dep_ in COMPLEMENTS]
        reported = [c for c in reported if any(_within(c, at - sentence.start) for at in triggers)]
        if not reported or any(_involved(c, token, sentence) for c in reported):
            continue
        for child in token.children:
            who = [child, *child.conjuncts] if child.dep_ == "nsubj" else []
            if child.dep_ == "agent":
                who = [g for g in child.children if g.dep_ == "pobj"]
            for t in who:
                found |= {p for p in people if _names(t, p, sentence.start)}
    return found


def _names(token: Any, person: Span, offset: int) -> bool:
    """`person` is named by `token`'s phrase, not by a clause inside it: "the ruling party's
    Chairman Su" names Su; "Trump, who met Kim, said ..." names Trump, not Kim.
    """
    clauses = [c for c in token.subtree if c.dep_ in ("relcl", "acl", "advcl", "ccomp")]
    at = [offset + t.idx for t in token.subtree if not any(t in c.subtree for c in clauses)]
    return any(person.start <= a < person.end for a in at)


def _involved(reported: Any, verb: Any, sentence: Sentence) -> bool:
    """The speaker is in what they report ("she had asked Vik", "We talked about ...", "their
    talks"), is the side the report lacks ("said the talks with Brekke were frank": one side
    named), or tells it to a side ("Basescu told the delegation ..."): a party after all.
    """
    if any(t.lower_ in PERSONAL for t in reported.subtree):
        return True
    sides = [s for s in sentence.spans if s.label in ("PERSON", "TITLE", "ORG")]
    triggers = [
        span.root
        for a, b in sentence.trigger_at
        if (span := verb.doc.char_span(a, b, alignment_mode="expand")) is not None
        and _within(reported, span.root.idx)
    ]
    lacking = not any(
        len([t for t in arguments(g) if _within(reported, t.idx)]) >= 2 for g in triggers
    )
    if lacking and verb.lemma_.lower() not in STANCE:
        return True  # "said the talks with Brekke were frank": the other side is the speaker
        # (who opposes or praises a visit is not its other side: "Lien's visit was opposed
        # by Su")
    listeners = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c is not reported]
    return any(s.start <= sentence.start + c.idx < s.end for c in listeners for s in sides)


def _within(token: Any, at: int) -> bool:
    """Offset `at` (in the sentence) lies in `token`'s phrase."""
    left, right = extent(token)
    return left <= at < right


def _drop_affiliations(parties: tuple[Span, ...], sentence: Sentence) -> tuple[Span, ...]:
    """Drop a side that only qualifies a person named right after it, with nothing but title
    words between ("Netball Malawi president Grace Banda"): the person is the party.
    """

    def qualifies(side: Span) -> bool:
        for person in (p for p in parties if p.label == "PERSON" and p.start > side.end):
            gap = sentence.text[side.end - sentence.start : person.start - sentence.start]
            words = [re.sub(r"['’]s$", "", w.lower()) for w in gap.split()]
            if words and all(w in TITLES for w in words):
                return True
        return False

    return tuple(p for p in parties if not qualifies(p))


def _phrase(token: Any) -> str:
    return str(token.doc[token.left_edge.i : token.i + 1].text)
