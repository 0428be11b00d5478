"""Person names, handled in code so a small model is carried: fullest form, aliases, same person.

The article is read as runs of capitalized words ("U.S. Gen. Marta L. Okonkwo-Reyes"). A run is
cut after its last title or honorific word and stripped of sentence-start words ("When", "On
Thursday"), leaving a name form ("Marta L. Okonkwo-Reyes"). Surnames match when equal after
folding, when one is a part of the other's hyphenated form, or by rapidfuzz ratio (spelling).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from summarizer.schema import Participant
from summarizer.text.fold import fold, name_in_article

MAX_ALIASES = 6
CANONICAL_RATIO = 85
SAME_PERSON_RATIO = 88
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof", "rev", "gen",
     "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "sen", "rep", "gov", "hon"}
)  # fmt: skip
TITLES = HONORIFICS | frozenset(
    {"president", "vice", "prime", "minister", "secretary", "general", "chancellor", "premier",
     "king", "queen", "prince", "princess", "emir", "sheikh", "pope", "chairman", "chairwoman",
     "chair", "chief", "director", "admiral", "senator", "governor", "mayor", "ambassador",
     "envoy", "commander", "spokesman", "spokeswoman", "spokesperson", "foreign", "defense",
     "defence", "state", "interior", "finance", "deputy", "acting", "former", "judge",
     "speaker", "leader", "head", "professor", "officials", "official", "ceo", "cabinet",
     # offices and ranks written before a name ("Chief Constable Hugh
     # Orde", "Representative Beto O'Rourke", "Imam Khomeini")
     "constable", "commissioner", "inspector", "superintendent", "sergeant", "lieutenant",
     "colonel", "brigadier", "marshal", "representative", "congressman", "congresswoman",
     "assemblyman", "councillor", "councilman", "imam", "ayatollah", "mufti", "rabbi",
     "bishop", "archbishop", "cardinal", "patriarch", "sultan", "duke", "duchess"}
)  # fmt: skip
LEADING_NOISE = frozenset(
    {"the", "but", "when", "after", "while", "on", "in", "at", "as", "if", "and", "meanwhile",
     "also", "then", "still", "however", "with", "for", "by", "from", "during", "before",
     "since", "although", "though", "yet", "so", "this", "that", "his", "her", "their", "its",
     "he", "she", "they", "it", "we", "a", "an", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday", "today", "yesterday", "tomorrow",
     # a question opens on an auxiliary or a wh-word: "Does Kim think ...?"
     "does", "did", "do", "is", "are", "was", "were", "has", "have", "had",  # not "Will", "Can"
     "why", "what", "how", "who", "where"}
)  # fmt: skip
# Words that make a capitalized run a body or a place, not a person ("Takasaki City Council").
BODY_WORDS = frozenset(
    {"city", "council", "college", "university", "party", "group", "ministry", "province",
     "county", "state", "street", "company", "bank", "union", "house", "news", "times", "post",
     "agency", "court", "club", "airport", "port", "committee", "assembly", "office", "river",
     "organization", "organisation", "foundation"}
)  # fmt: skip
PARTICLES = frozenset({"de", "da", "di", "du", "van", "von", "der", "den", "ter", "bin", "al"})
# "al-Bashir", "el-Sisi", "bin-Talal": a particle joined to a capitalized name by a hyphen.
_PREFIXED = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|ul|bin|ibn|abu|bint|ben)-[^\W\d_a-z]")
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*\.?")


@dataclass(frozen=True)
class Form:
    """One name form found in the article: its words (folded) and its text as written."""

    words: tuple[str, ...]
    text: str


def _token(m: re.Match[str]) -> tuple[int, int, str, bool]:
    """(start, end, word, ends_sentence) of a word, a possessive ("'s", "'") cut off; a
    trailing period ends a sentence unless the word is an initial or an abbreviated honorific.
    """
    token, start = m.group(), m.start()
    dotted = token[-1] == "."
    word = token[:-1] if dotted else token
    if word.endswith(_POSSESSIVE):
        word = word[: -1 if word[-1] != "s" else -2]
    abbrev = dotted and (len(word) == 1 or fold(word) in HONORIFICS)
    return start, start + len(word) + (1 if abbrev else 0), word, dotted and not abbrev


_POSSESSIVE = ("'", "’", "'s", "’s")


def _runs(article: str) -> list[list[tuple[int, int, str]]]:
    """Runs of capitalized words (particles allowed inside) separated only by spaces."""
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(article):
        if not current and not m.group()[0].isupper() and "-" not in m.group():
            continue  # a lower-case word outside a run: no run to begin, join or end
        start, end, word, stop = _token(m)
        if current:
            gap = article[current[-1][1] : start]
            if gap.strip() or "\n" in gap:
                runs.append(current)
                current = []
        prefixed = "-" in word and _PREFIXED.match(word)  # no hyphen, no "al-" prefix
        if word[:1].isupper() or (current and word in PARTICLES) or prefixed:
            current.append((start, end, word))
        elif current:
            runs.append(current)
            current = []
        if stop and current:
            runs.append(current)
            current = []
    return [*runs, current] if current else runs


def _is_title(word: str) -> bool:
    return any(part in TITLES for part in fold(word).split())


def name_forms(article: str) -> list[Form]:
    """Every name form in the article, in order: runs cut after titles, stripped of noise."""
    return list(_forms(article))


@functools.lru_cache(maxsize=64)  # more than the articles a daily run has in flight (32)
def _forms(article: str) -> tuple[Form, ...]:
    forms = []
    for run in _runs(article):
        cut = max((i + 1 for i, (_, _, w) in enumerate(run) if _is_title(w)), default=0)
        run = run[cut:]
        while run and (fold(run[0][2]) in LEADING_NOISE or run[0][2] in PARTICLES):
            run = run[1:]
        while run and run[-1][2] in PARTICLES:
            run = run[:-1]
        if run:
            text = " ".join(article[run[0][0] : run[-1][1]].split())
            forms.append(Form(tuple(_key(w) for _, _, w in run), text))
    return tuple(forms)


def strip_honorifics(name: str) -> str:
    """Drop leading honorific tokens: "Gen. Marta Reyes" -> "Marta Reyes"."""
    words = name.split()
    while len(words) > 1 and fold(words[0]) in HONORIFICS:
        words = words[1:]
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 16)  # each form's words against each name of each draft
def surname_match(a: str, b: str, ratio: int = CANONICAL_RATIO) -> bool:
    """Folded surnames equal, one a part of the other's hyphenated form, or similar spelling."""
    a, b = _key(a), _key(b)
    if a == b or (len(a) >= 3 and a in b.split("-")) or (len(b) >= 3 and b in a.split("-")):
        return True
    return min(len(a), len(b)) >= 4 and bool(fuzz.ratio(a, b) >= ratio)


def _parts(word: str) -> list[str]:
    """The strict parts of a hyphenated key: "okonkwo-reyes" -> ["okonkwo", "reyes"]."""
    parts = word.split("-")
    return parts if len(parts) > 1 else []


def _given_compatible(a: tuple[str, ...], b: tuple[str, ...], ratio: int) -> bool:
    """Given names agree: one side has none, or their first full names match, or initials do."""
    full_a, full_b = [w for w in a if len(w) > 1], [w for w in b if len(w) > 1]
    if not a or not b:
        return True
    if full_a and full_b:
        return bool(fuzz.ratio(full_a[0], full_b[0]) >= ratio)
    return a[0][0] == b[0][0]


@functools.lru_cache(maxsize=4096)
def _key(word: str) -> str:
    """Folded form of one word; a hyphenated word stays one key ("okonkwo-reyes")."""
    return "-".join(fold(word).split())


@functools.lru_cache(maxsize=4096)
def split_name(name: str) -> tuple[tuple[str, ...], str]:
    """(given names, surname) of a name, folded, honorifics stripped."""
    words = [k for k in (_key(w) for w in strip_honorifics(name).split()) if k]
    return (tuple(words[:-1]), words[-1]) if words else ((), "")


def _candidates(surname: str, given: tuple[str, ...], forms: list[Form]) -> list[Form]:
    """Forms ending in a matching surname, cut there, whose given names fit the model's."""
    found = []
    for form in forms:
        hits = [i for i, w in enumerate(form.words) if surname_match(w, surname)]
        if hits:
            cut = Form(form.words[: hits[-1] + 1], _cut_text(form, hits[-1] + 1))
            if _given_compatible(cut.words[:-1], given, CANONICAL_RATIO):
                found.append(cut)
    return found


def _cut_text(form: Form, n: int) -> str:
    return " ".join(form.text.split()[:n]) if n < len(form.words) else form.text


def _fullest(candidates: list[Form], surname: str) -> Form | None:
    """The longest full form (most words, then most frequent); None when two disagree.

    A form whose surname is only a part of the model's ("Okonkwo" for "Okonkwo-Reyes") is
    a short form: the fullest form only when no form has the model's whole surname.
    """
    full = [c for c in candidates if len(c.words) > 1]
    full = [c for c in full if c.words[-1] not in _parts(surname)] or full
    if not full:
        return None
    best = max(full, key=lambda c: (len(c.words), sum(x.words == c.words for x in full)))
    if any(not _given_compatible(c.words[:-1], best.words[:-1], CANONICAL_RATIO) for c in full):
        return None
    return best


def _family_first(word: str, forms: list[Form], article: str) -> Form | None:
    """A one-word name that ends no fuller form but begins one is its family name written
    first ("Chiang" of "Chiang Kai-shek", "Lien" of "Lien Chan", "Roh" of "Roh Moo-hyun"):
    the shortest such form, the others being longer runs of it ("Xi Jinping Thought"). Not a
    name the article titles alone ("President Trump", "Chancellor Merz": a surname, and
    "Trump Organization" a body), nor one two people share ("Kim Jong Un", "Kim Dae-jung").
    """
    fuller = [f for f in forms if len(f.words) > 1]
    if any(f.words[-1] == word for f in fuller) or _titled_alone(word, article):
        return None
    starts = {
        f.text: f
        for f in fuller
        if f.words[0] == word and len(f.words) <= 3 and not set(f.words[1:]) & BODY_WORDS
    }
    shortest = min(starts.values(), key=lambda f: len(f.words), default=None)
    if shortest is None or any(
        f.words[: len(shortest.words)] != shortest.words for f in starts.values()
    ):
        return None
    return shortest


def _titled_alone(word: str, article: str) -> bool:
    """The article writes `word` right after a title or honorific ("President Trump")."""
    for run in _runs(article):
        keys = [_key(w) for _, _, w in run]
        for i in range(1, len(keys)):
            if keys[i] == word and _is_title(run[i - 1][2]) and (i + 1 == len(keys)):
                return True
    return False


def _dedupe(names: list[str], exclude: str) -> list[str]:
    seen = {exclude.casefold()}
    out = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out[:MAX_ALIASES]


def _canonical(p: Participant, forms: list[Form], article: str) -> Participant:
    assert p.name is not None
    given, surname = split_name(p.name)
    if not surname:
        return p
    candidates = _candidates(surname, given, forms)
    best = _fullest(candidates, surname) or (
        None if given else _family_first(surname, forms, article)
    )
    name = best.text if best else strip_honorifics(p.name)
    if best:
        candidates = [
            c
            for c in candidates
            if _given_compatible(c.words[:-1], best.words[:-1], CANONICAL_RATIO)
        ]
    found = [p.name, *p.aliases, *(c.text for c in candidates)]
    aliases = [a for a in found if name_in_article(a, article)]
    return p.model_copy(update={"name": name, "aliases": _dedupe(aliases, name)})


def canonicalize(participants: list[Participant], article: str) -> list[Participant]:
    """Give each person the fullest form of their name in the article; add the article's other
    forms and spellings of it as aliases (only forms that occur, deduped, at most 6).
    """
    forms = name_forms(article)
    return [_canonical(p, forms, article) if p.name else p for p in participants]


DETERMINERS = frozenset({"the", "his", "her", "their", "its"})  # before a title: "the premier"
_DETERMINER = re.compile(rf"^(?:{'|'.join(sorted(DETERMINERS))})\s+", re.I)
# roles named relative to someone else: who holds one depends on whose it is
RELATIONAL = frozenset({"counterpart", "colleague", "equivalent", "host", "guest", "number"})
ADDRESS = frozenset({"majesty", "highness", "holiness", "excellency"})  # "Her Majesty": one person


def titled_person(title: str, article: str) -> str | None:
    """The one person the article names with `title` right before or after the name
    ("French Prime Minister Dominique de Villepin", "Fouad Siniora, the Lebanese Prime
    Minister"), so that "the French Prime Minister" of another sentence is that person.

    None for a bare role ("the premier"), a relational one ("his Russian counterpart":
    whose?), a plural title, or when no person, or more than one ("the Prime Minister" of a
    story that names a French and a Lebanese one), is named so.
    """
    title = " ".join(title.split())
    last = fold(title.split()[-1]) if title else ""
    title = title if last in ADDRESS else _DETERMINER.sub("", title)  # "Her Majesty", not "His"
    if len(title.split()) < 2 or (last.endswith("s") and not last.endswith("ss")):
        return None  # a bare role ("the president") may be anyone's
    if last in RELATIONAL:
        return None  # "his Russian counterpart" is Lavrov for Tillerson, Gerasimov for Dunford
    return _titled(title, article)


@functools.lru_cache(maxsize=256)
def _titled(title: str, article: str) -> str | None:
    full = sorted({f.text for f in name_forms(article) if len(f.words) >= 2}, key=len)[::-1]
    if not full:
        return None
    people = "|".join(re.escape(n) for n in full)
    # a title that ends another person's title ("Prime Minister" of "Lebanese Prime Minister")
    # names that person too: the title is then ambiguous
    role = rf"(?i:(?:the\s+)?(?:[\w’'.-]+\s+){{0,3}}{re.escape(title)})"
    titled = rf"(?:(?i:{'|'.join(sorted(TITLES))})\s+)?({people})"  # "Her Majesty Queen X"
    pattern = rf"(?<!\w)(?:{role},?\s+{titled}|({people}),\s+{role})(?!\w)"
    found = {m[1] or m[2] for m in re.finditer(pattern, article)}
    keys = {full_key(n) for n in found}
    return max(found, key=len) if len(keys) == 1 else None


def called(*names: str | None) -> list[str]:
    """The names given (none empty) and the surname of each of two words or more, in order."""
    given = [n for n in names if n]
    return list(dict.fromkeys(given + [n.split()[-1] for n in given if len(n.split()) > 1]))


def same_person(a: Participant, b: Participant) -> bool:
    """Same person: a shared name or alias, a similar full name, or a matching surname with
    compatible given names (diacritics and case ignored). Bodies: same organization or title.
    """
    if a.name is None or b.name is None:
        return a.name is None and b.name is None and _same_body(a, b)
    if {fold(x) for x in [a.name, *a.aliases]} & {fold(x) for x in [b.name, *b.aliases]}:
        return True
    (given_a, sur_a), (given_b, sur_b) = split_name(a.name), split_name(b.name)
    if fuzz.ratio(full_key(a.name), full_key(b.name)) >= SAME_PERSON_RATIO or _ends(a.name, b.name):
        return True
    return surname_match(sur_a, sur_b, SAME_PERSON_RATIO) and _given_compatible(
        given_a, given_b, SAME_PERSON_RATIO
    )


def _ends(a: str, b: str) -> bool:
    """One name of two or more words is how the other, fuller one ends: the same person under
    a multi-word surname ("Lula da Silva" of "Luiz Inacio Lula da Silva", "de la Cruz").
    """
    short, full = sorted((full_key(a).split(), full_key(b).split()), key=len)
    return 2 <= len(short) < len(full) and full[-len(short) :] == short


@functools.lru_cache(maxsize=4096)
def full_key(name: str) -> str:
    return fold(strip_honorifics(name))


def _same_body(a: Participant, b: Participant) -> bool:
    """Same organization or title, unless they are of two countries or organizations ("the
    Thai and the Cambodian military leaders", "the U.S. and the Russian ambassador").
    """
    for x, y in [(a.country, b.country), (a.organization, b.organization)]:
        if x and y and fold(x) != fold(y):
            return False
    pairs = [(a.organization, b.organization), (a.title, b.title)]
    return any(x and y and fold(x) == fold(y) for x, y in pairs)


def _merge(a: Participant, b: Participant) -> Participant:
    """One participant from two records of one person: the fuller name, all aliases."""
    first, second = (a, b) if len((a.name or "").split()) >= len((b.name or "").split()) else (b, a)
    name = first.name or ""
    aliases = _dedupe([second.name or "", *first.aliases, *second.aliases], name)
    return first.model_copy(
        update={
            "aliases": [x for x in aliases if x],
            "title": first.title or second.title,
            "organization": first.organization or second.organization,
            "country": first.country or second.country,
        }
    )


def dedupe_participants(participants: list[Participant]) -> list[Participant]:
    """Merge participants that are the same person (see `same_person`), keeping first order."""
    merged: list[Participant] = []
    for p in participants:
        k = next((k for k, q in enumerate(merged) if same_person(q, p)), None)
        if k is None:
            merged.append(p)
        else:
            merged[k] = _merge(merged[k], p)
    return merged
