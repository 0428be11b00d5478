"""What the parse of a trigger sentence says about its meeting beyond who meets: the tense of
the clause and the place it is put in. Code reads these; the model is not asked again.

- Tense: the verb that governs the trigger ("met", "led ... talks", "talks were held",
  "is due to meet", "said they would meet"). A past verb with no modal or "to" is a meeting
  that took place (`held`); a modal ("will", "would", "shall") or an infinitive "to" is one
  still ahead (`scheduled`); a present verb ("meets", a headline's tense) says neither.
- Place: an "in"/"at" phrase whose object is a place name (a GPE, LOC or FAC span) and that
  hangs from the trigger, from its governing verb, or from one of its parties ("meeting with
  Meshaal in Syria", "talks with Ukrainian officials in Jeddah"), or the one city a meeting
  noun of the clause is named for ("met Kim at the Singapore summit", "the Madrid talks").
  A place in another clause ("who arrived in Athens") is not the meeting's.

- Time: the time words hanging from the trigger, from a clause that modifies it ("a call made
  by Trump late last July"), or from its governing verb ("met on Tuesday", "held talks
  Monday"), not from a verb that only reports or handles the meeting ("the White House
  released last week a summary of a call ...": a `REPORTING` verb, or one the trigger hangs
  from through an "of").
- Plain: the meeting is stated in so many words (a meeting word whose own arguments are two
  sides, not negated, asked or conditional): code keeps it when the model says no.
- Hub: one side meeting each of the others in turn ("met with the IMF, then with Trump").

All are read from the trigger whose arguments are the candidate's parties (another trigger of
the sentence is another meeting: "Lipovac, who spoke to reporters in Berlin, will meet Brekke
in Vienna"). They are hints `assemble` prefers to a small model's guess; `finalize` still
checks every place against the evidence and the gazetteer, for every strategy.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from summarizer.strategies.staged.parties import REPORTING, WITHIN, arguments
from summarizer.strategies.staged.spans import Hints, Sentence, Span, Tense, bound_only
from summarizer.text.places import city_country, is_city

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
PLACE_PREPS = frozenset({"in", "at"})
# meeting nouns a city can name ("the Singapore summit", "the Madrid talks")
EVENTS = frozenset({"summit", "talk", "talks", "meeting", "conference", "negotiation",
                    "ministerial"})  # fmt: skip
MODALS = frozenset({"will", "would", "shall", "'ll"})
# "is due to meet", "agreed to hold talks": heads under which an infinitive is still ahead
# (not wishes or motion: "wanted to meet", "went to Ostvik to meet" say nothing of a plan)
AHEAD = frozenset({"be", "due", "set", "expect", "schedule", "plan", "agree", "decide",
                   "intend", "prepare", "arrange", "invite"})  # fmt: skip
NOUN_ARGUMENT = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "compound"})
VISITS = frozenset({"visit", "trip", "tour"})
CONDITIONAL = frozenset({"if", "unless", "whether", "would", "could", "might", "should"})
CALLS = frozenset({"phone", "call", "speak", "videoconference"})  # a party's place is not theirs
# Triggers that state a meeting by themselves once two sides are their arguments ("visit",
# "call", "discuss" and "host" also take places, names and topics as objects).
PLAIN = frozenset({"meet", "meeting", "talk", "talks", "summit", "speak", "confer", "negotiate",
                   "negotiation", "sit", "phone", "videoconference"})  # fmt: skip
# a participle or gerund ("meeting with ...", "held in ...") takes its tense from the clause
# it hangs from
DEPENDENT = frozenset({"advcl", "acl", "conj", "xcomp", "pcomp", "relcl"})


def with_hints(sentences: list[Sentence], docs: list[Any] | None) -> list[Sentence]:
    """Each sentence with parties given the hints of its parse (no hints without spaCy)."""
    if docs is None:
        return sentences
    return [
        replace(s, hints=hints(doc, s)) if s.parties else s
        for s, doc in zip(sentences, docs, strict=True)
    ]


def hints(doc: Any, sentence: Sentence) -> Hints:
    """The hints of the trigger whose arguments reach the most of the sentence's parties (the
    first of equals); `doc` is the sentence's parse.
    """
    best: tuple[int, Hints] | None = None
    for start, end in sentence.trigger_at:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        trigger = span.root
        found = arguments(trigger)
        tied = len(_tied(found, sentence))
        if best is not None and tied <= best[0]:
            continue
        verb = governing_verb(trigger)
        setting = _set_in(trigger)  # "told Trump in phone conversations": the call was held
        tense = tense_of(verb, setting) if verb is not None and not _unreal(doc, verb) else None
        call = trigger.lemma_.lower() in CALLS
        place = _place(trigger, verb, [] if call else found, sentence.spans, sentence.start)
        plain = (
            tense is not None
            and not _conditional(verb if verb is not None else trigger, trigger)
            and _plain(trigger, found, sentence)
        )
        hub = _hub(doc, trigger, verb, found, sentence)
        when = _when(trigger, verb, sentence, setting)
        supposed = verb is not None and _supposed(verb)
        best = (tied, Hints(tense, place, plain, hub, supposed, when))
    return best[1] if best else Hints()


def _tied(found: list[Any], sentence: Sentence) -> list[Span]:
    """The sentence's parties that contain one of the trigger's argument tokens."""
    return [
        p for p in sentence.parties if any(p.start <= sentence.start + t.idx < p.end for t in found)
    ]


def _unreal(doc: Any, verb: Any) -> bool:
    """Negated or asked: "have not held talks", "never met", "Did Lipovac meet Brekke?"."""
    negated = any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children)
    return negated or doc.text.rstrip(" \"'”’)").endswith("?")


def _supposed(verb: Any) -> bool:
    """The meeting's clause is an indirect question or a supposition, not a statement: "asked
    whether she had spoken to Castellan", "if they meet in Geneva" (its verb's "whether"/"if").
    """
    return any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in verb.children)


def _hub(doc: Any, trigger: Any, verb: Any | None, found: list[Any], sentence: Sentence
         ) -> Span | None:  # fmt: skip
    """The one side that meets each of the others in turn ("Mitsotakis met with the IMF, then
    with President Trump", "held separate talks with A and B"): the trigger's only subject,
    when its other arguments are two or more and "then"/"separate(ly)" sets them apart.
    """
    heads = [trigger, *([verb] if verb is not None else [])]
    subjects = [t for t in found if t.dep_ in ("nsubj", "nsubjpass")]
    objects = (
        [t for t in found if t not in subjects and t not in subjects[0].conjuncts]
        if (len(subjects) == 1)
        else []
    )
    if len(subjects) != 1 or subjects[0].conjuncts or len(objects) < 2:
        return None  # "Lipovac and Brekke met separately with Ruel": two subjects, no hub
    between = [t for t in doc if objects[0].i < t.i < objects[-1].i and t.lower_ == "then"]
    marked = any(t.head in heads or t.head.head in heads for t in between) or any(
        t.lower_ in ("separate", "separately") and t.head in heads for t in doc
    )
    if not marked:
        return None
    at = sentence.start + subjects[0].idx
    return next((p for p in sentence.parties if p.start <= at < p.end), None)


def _conditional(clause: Any, trigger: Any) -> bool:
    """A condition or a hedge in the meeting's clause ("would meet Kim if there is a
    prospect", "could meet"): the meeting is not stated plainly. What the clause reports
    ("told Brekke in a call that the border would reopen": a complement without the trigger)
    or another clause of the sentence says nothing of it.
    """
    reported = [c for c in clause.children if c.dep_ == "ccomp" and trigger not in c.subtree]
    hedges = [t for t in clause.subtree if t.lower_ in CONDITIONAL]
    return any(not any(t in c.subtree for c in reported) for t in hedges)


def _plain(trigger: Any, found: list[Any], sentence: Sentence) -> bool:
    """The meeting is stated in so many words: a meeting verb or noun (`PLAIN`) whose own
    arguments are two of the sentence's parties ("Raab spoke with Pompeo", "talks between
    Mugabe and Tsvangirai have failed"), none of them a transcript's speaker label.
    """
    if trigger.lemma_.lower() not in PLAIN and sentence.trigger not in PLAIN:
        return False
    tied = [
        p
        for p in _tied(found, sentence)
        if p != sentence.speaker and p.label in ("PERSON", "TITLE")
    ]
    return len(tied) >= 2


def governing_verb(token: Any) -> Any | None:
    """The trigger itself if it is a verb, else the verb it is an argument of ("held talks",
    "talks were held", "hours of talks") or that it sets ("told Trump in phone conversations",
    "agreed during talks": what is done in a meeting took place in it), else None (a trigger
    in a purpose or time phrase, "on their way for discussions", governs no tense).
    """
    for _ in range(4):
        if token.pos_ in ("VERB", "AUX"):
            return token
        of = token.dep_ == "pobj" and token.head.lower_ == "of"
        within = token.dep_ == "pobj" and token.head.lower_ in WITHIN
        if token.head is token or not (token.dep_ in NOUN_ARGUMENT or of or within):
            return None
        token = token.head.head if of or within else token.head
    return None


def _set_in(trigger: Any) -> bool:
    """The trigger names where its governing verb's act took place: "told Trump in phone
    conversations", "agreed during talks" (`WITHIN`), so that act's tense is the meeting's.
    """
    token = _noun(trigger)
    return token.dep_ == "pobj" and token.head.lower_ in WITHIN


def _noun(trigger: Any) -> Any:
    """The noun a compound trigger modifies ("phone" of "phone call"), else the trigger."""
    return trigger.head if trigger.dep_ == "compound" else trigger


def tense_of(verb: Any, setting: bool = False) -> Tense | None:
    """held / scheduled as the verb's form and auxiliaries state it (see the module doc);
    a reporting verb's tense is the report's, not the meeting's, unless the meeting is its
    `setting` (said in it).
    """
    for _ in range(2):
        if verb.lemma_.lower() in REPORTING and not setting:
            return None  # "the ministry confirmed the talks": the report's tense, not theirs
        aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in MODALS for a in aux) or _ahead(verb):
            return "scheduled"
        if any(a.tag_ == "TO" for a in aux):
            return "scheduled" if verb.head.lemma_.lower() in AHEAD else None  # "tried to"
        if verb.tag_ == "VBD" or any(a.tag_ == "VBD" or a.lower_ in ("has", "have", "had")
                                     for a in aux):  # fmt: skip
            return "held"
        if verb.tag_ in ("VBG", "VBN") and not aux and verb.dep_ in DEPENDENT:
            verb = verb.head  # "..., meeting with X": the tense of the clause it joins
            continue
        return None
    return None


def _ahead(verb: Any) -> bool:
    """An infinitive "to" under a verb of plans: "talks were to commence", "are expected to
    continue" (not "have failed to reach").
    """
    return verb.lemma_.lower() in AHEAD and any(
        c.dep_ == "xcomp" and any(a.tag_ == "TO" for a in c.children) for c in verb.children
    )


TIME_PREPS = frozenset({"on", "in", "at", "during"})
TIME_DEPS = frozenset({"npadvmod", "tmod", "advmod"})


def _when(trigger: Any, verb: Any | None, sentence: Sentence, setting: bool = False
          ) -> Span | None:  # fmt: skip
    """The first TIME span hanging from the trigger, a clause modifying it, or its governing
    verb (see the module docstring), as a bare time ("Tuesday", "late last July") or the
    object of on/in/at/during; a length of time or a bound ("since March", "by 2025") is
    none.
    """
    times = [s for s in sentence.spans if s.label == "TIME"
             and not bound_only(s, sentence.text, sentence.start)]  # fmt: skip
    trigger = _noun(trigger)
    heads = [trigger, *(c for c in trigger.children if c.dep_ in ("acl", "relcl"))]
    if verb is not None and verb.i != trigger.i and (setting or _own_verb(trigger, verb)):
        heads.append(verb)

    def time_at(token: Any) -> Span | None:
        at = sentence.start + token.idx
        return next((s for s in times if s.start <= at < s.end), None)

    for head in heads:
        for child in head.children:
            if child.dep_ in TIME_DEPS and (found := time_at(child)):
                return found
            if child.dep_ == "prep" and child.lower_ in TIME_PREPS:
                for obj in (c for c in child.children if c.dep_ == "pobj"):
                    if found := time_at(obj):
                        return found
    return None


def _city_at(token: Any, offset: int) -> Span | None:
    """A city known by its name alone (`places.city_country`: one of over half a million
    people) that NER left unlabelled, as the object of "in"/"at" ("will meet again in
    Odesa"): the proper noun with its compounds ("Addis Ababa"); not a small town that shares
    a word ("in March").
    """
    if token.pos_ != "PROPN":
        return None
    first = min([token.i, *(c.i for c in token.children if c.dep_ == "compound")])
    words = token.doc[first : token.i + 1]
    if not is_city(words.text) or city_country(words.text) is None:
        return None
    return Span(words.text, offset + words.start_char, offset + words.end_char, "GPE")


def _own_verb(trigger: Any, verb: Any) -> bool:
    """`verb` holds the meeting itself ("held talks", "talks were held"), not a report of it
    or a thing about it ("confirmed the talks", "released a summary of a call").
    """
    if verb.lemma_.lower() in REPORTING:
        return False
    token = trigger
    while token.i != verb.i and token.head.i != token.i:
        if token.dep_ == "pobj" and token.head.lower_ == "of":
            return False
        token = token.head
    return True


def _place(trigger: Any, verb: Any | None, parties: list[Any], spans: tuple[Span, ...],
           offset: int) -> Span | None:  # fmt: skip
    """The place span of the first "in"/"at" phrase hanging from the trigger, its verb or a
    party (in that order); for a visit, also its destination ("visited Taiwan", "a visit to
    Saudi Arabia").
    """
    places = [s for s in spans if s.label in PLACE_LABELS]

    def place_at(token: Any) -> Span | None:
        at = offset + token.idx
        return next((s for s in places if s.start <= at < s.end), None) or _city_at(token, offset)

    def named_for(noun: Any) -> Span | None:
        """The one city a meeting noun is named for: "the Singapore summit", "the Madrid
        talks" (not "the U.S.-China talks": two names, countries, are its sides).
        """
        if noun.lemma_.lower() not in EVENTS:
            return None
        named = [p for c in noun.children if c.dep_ == "compound" and (p := place_at(c))]
        return named[0] if len(named) == 1 and is_city(named[0].text) else None

    visit = trigger.lemma_.lower() in VISITS
    # a clause modifying the meeting noun places it as it times it (`_when`): "a meeting ...
    # that had been scheduled for Friday in Athens"
    clauses = (
        [c for c in trigger.children if c.dep_ in ("acl", "relcl")]
        if trigger.lemma_.lower() in EVENTS | VISITS  # not "counterparts, who battled ... in"
        else []
    )
    for head in [trigger, *clauses, *([verb] if verb is not None else []), *parties]:
        if head is trigger and (named := named_for(trigger)):
            return named
        for child in head.children:
            if visit and head is trigger and child.dep_ == "dobj" and place_at(child):
                return place_at(child)
            preps = PLACE_PREPS | ({"to"} if visit and head is trigger else set())
            if child.dep_ != "prep" or child.lower_ not in preps:
                continue
            for obj in (c for c in child.children if c.dep_ == "pobj"):
                if found := place_at(obj) or named_for(obj):
                    return found
    # "met with Kim for the first time at the Singapore summit": the event the clause puts
    # the meeting at, deeper in the clause
    clause = verb if verb is not None else trigger
    events = (t for t in clause.subtree if t.dep_ == "pobj" and t.head.lower_ in PLACE_PREPS)
    return next((named for t in events if (named := named_for(t))), None)
