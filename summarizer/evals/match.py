"""Fuzzy comparisons the scorer makes: participants, places, agenda items, tension parties.

Text is compared normalized: Unicode-decomposed with diacritics dropped, case-folded,
punctuation turned into spaces (`normalize`). Then:

- A participant with a name matches another with a name when any of their names/aliases
  agree with rapidfuzz similarity >= `threshold` (default `DEFAULT_THRESHOLD` = 85): the best of
  `fuzz.ratio` (spelling and transliteration variants), `fuzz.token_sort_ratio` (word order)
  and, when one side is a single word, the ratio of the two surnames (surname-only mentions).
- When either side has no name (a collective body, or someone named only by title), they match
  by organization/title (`fuzz.token_set_ratio`), provided their countries do not disagree.
  A side given only as its state (organization "U.S." or "Washington" for the United States)
  matches a nameless side of the same country that acts for it ("officials", "government",
  "delegation": the article named the state, a labeler its officials), and, just at the
  threshold, a named person of that country in such a role (its foreign minister; not an
  opposition leader).
- Places match when both are null, or both set and similar (ratio >= threshold) after the shared
  gazetteer (`text.places.country_named`: "US" = "United States").
- Agenda items and tension issues soft-match with `fuzz.token_set_ratio` >= 70
  (`SOFT_THRESHOLD`): word sets, so "sanctions" matches "Crimea sanctions".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from summarizer.evals.cases import GoldParticipant
from summarizer.text.places import country_named, state_of

DEFAULT_THRESHOLD = 85.0
SOFT_THRESHOLD = 70.0

_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Case-folded, diacritic-free, punctuation-free, single-spaced text."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", plain.casefold()).split())


def canonical_place(text: str) -> str:
    """Normalized place name with common country synonyms folded together."""
    norm = normalize(text).removeprefix("the ")
    country = country_named(norm)
    return normalize(country) if country else norm


def same_place(a: str | None, b: str | None, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Null equals null; otherwise both set and similar after normalization."""
    if a is None or b is None:
        return a is None and b is None
    return fuzz.ratio(canonical_place(a), canonical_place(b)) >= threshold


def soft_match(a: str, b: str, threshold: float = SOFT_THRESHOLD) -> bool:
    """Word-set similarity of two short phrases (agenda items, tension issues)."""
    return soft_score(a, b) >= threshold


def soft_score(a: str, b: str) -> float:
    """`fuzz.token_set_ratio` of the normalized phrases, 0-100."""
    return float(fuzz.token_set_ratio(normalize(a), normalize(b)))


def name_score(a: str, b: str) -> float:
    """Similarity (0-100) of two normalized names, allowing surname-only mentions."""
    if a == b:
        return 100.0
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    ta, tb = a.split(), b.split()
    if ta and tb and (len(ta) == 1 or len(tb) == 1):
        score = max(score, fuzz.ratio(ta[-1], tb[-1]))
    return float(score)


@dataclass(frozen=True)
class Person:
    """A participant pre-normalized for matching."""

    names: tuple[str, ...]
    roles: tuple[str, ...]
    country: str | None
    label: str
    state: bool = False  # nameless, and its only role names its own country ("U.S.")


def person(p: GoldParticipant) -> Person:
    """Normalize a participant's names (name + aliases), roles and country once."""
    names = [normalize(n) for n in (p.name, *p.aliases) if n] if p.name else []
    roles = [normalize(r) for r in (p.title, p.organization) if r]
    country = canonical_place(p.country) if p.country else None
    state = bool(country and not names and roles) and all(_state_of(r) == country for r in roles)
    kept = tuple(r for r in roles if r)
    return Person(tuple(n for n in names if n), kept, country, p.label(), state)


def _state_of(role: str) -> str | None:
    """The normalized country a role wholly names as a state: the country or its capital
    ("U.S.", "Washington"; not "Syrian rebels", which only holds one).
    """
    country = state_of(role)
    return normalize(country) if country else None


# The words of a role that acts for a state: a state side is its government, so it matches
# these ("U.S. officials", "the Iranian delegation", "Russia's foreign minister"), not any
# side of that country ("the Syrian rebels", "an opposition leader").
GOVERNMENT = frozenset({"government", "officials", "official", "delegation", "delegations",
                        "authorities", "ministry", "minister", "ministers", "president",
                        "premier", "chancellor", "secretary", "ambassador", "envoy", "king",
                        "administration", "cabinet"})  # fmt: skip


def _best(pairs: Iterable[float]) -> float:
    return max(pairs, default=0.0)


def body_score(gold: Person, pred: Person, threshold: float = DEFAULT_THRESHOLD) -> float:
    """Match by organization/title; 0 when both countries are set and disagree."""
    if gold.country and pred.country and fuzz.ratio(gold.country, pred.country) < threshold:
        return 0.0
    return _best(float(fuzz.token_set_ratio(a, b)) for a in gold.roles for b in pred.roles)


def participant_score(gold: Person, pred: Person, threshold: float = DEFAULT_THRESHOLD) -> float:
    """Similarity (0-100) of two participants: by names when both have one, else by role."""
    if gold.names and pred.names:
        return _best(name_score(a, b) for a in gold.names for b in pred.names)
    if gold.state or pred.state:
        return state_score(gold, pred, threshold)
    return body_score(gold, pred, threshold)


def state_score(gold: Person, pred: Person, threshold: float = DEFAULT_THRESHOLD) -> float:
    """A side given as its state and another of the same country: 100 for a nameless one
    (its officials, government, delegation), `threshold` for a named person of it (the same
    side, told less precisely: a name or title that matches outright is preferred).
    """
    if not gold.country or gold.country != pred.country:
        return 0.0
    other = pred if gold.state else gold
    if not other.state and not GOVERNMENT & {w for r in other.roles for w in r.split()}:
        return 0.0  # the state's government, not any side of that country
    return threshold if gold.names or pred.names else 100.0


def party_score(a: str, b: str) -> float:
    """Similarity (0-100) of two tension parties (countries, organizations, people)."""
    ca, cb = canonical_place(a), canonical_place(b)
    return float(max(fuzz.ratio(ca, cb), fuzz.token_set_ratio(ca, cb), name_score(ca, cb)))


def parties_overlap(
    gold: Iterable[str], pred: Iterable[str], threshold: float = DEFAULT_THRESHOLD
) -> bool:
    """At least one party in common (fuzzy)."""
    pred = list(pred)
    return any(party_score(a, b) >= threshold for a in gold for b in pred)
