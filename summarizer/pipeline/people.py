"""Many participants compared at once: each distinct one is matched once, and only against
those it could be (`People`), exactly as `names.same_person` would match them.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, process

from summarizer.pipeline.names import SAME_PERSON_RATIO, full_key, same_person, split_name
from summarizer.schema import Participant
from summarizer.text.fold import fold

Identity = tuple[str | None, tuple[str, ...], str | None, str | None]


def identity(p: Participant) -> Identity:
    """The fields `same_person` reads: participants with equal identities match alike."""
    return p.name, tuple(p.aliases), p.organization, p.title


class People:
    """Participants seen so far, and who is `same_person` as whom, for many comparisons.

    Each distinct participant is compared once, and only with those it could match: a shared
    folded name or alias, surname (or part of a hyphenated one), organization or title, or a
    similar full name or surname (rapidfuzz, below the match ratio). Exactly `same_person`.
    """

    def __init__(self) -> None:
        self._ids: dict[Identity, int] = {}
        self._people: list[Participant] = []
        self._matches: list[set[int]] = []
        self._blocks: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        self._fulls: dict[int, str] = {}
        self._surnames: dict[int, str] = {}

    def id(self, p: Participant) -> int:
        """A number for `p`'s identity; a new one is matched against everyone seen."""
        key = identity(p)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self._people)
            self._add(found, p)
        return found

    def matches(self, p: Participant) -> set[int]:
        """The ids of every participant seen that is the same person as `p` (maybe itself)."""
        return self._matches[self.id(p)]

    def same(self, a: Participant, b: Participant) -> bool:
        """`same_person(a, b)`, from the table (`same_person` is symmetric)."""
        return self.id(b) in self.matches(a)

    def _add(self, new: int, p: Participant) -> None:
        self._people.append(p)
        self._matches.append(set())
        for i in self._candidates(new, p):
            if same_person(p, self._people[i]):
                self._matches[new].add(i)
                self._matches[i].add(new)

    def _candidates(self, new: int, p: Participant) -> set[int]:
        found = {new}
        for block in _blocks(p):
            found |= self._blocks[block]
            self._blocks[block].add(new)
        if p.name is not None:
            full, surname = full_key(p.name), split_name(p.name)[1]
            found |= _similar(full, self._fulls) | _similar(surname, self._surnames)
            self._fulls[new], self._surnames[new] = full, surname
        return found


def _blocks(p: Participant) -> set[tuple[str, str]]:
    """Exact keys two matching participants share (the fuzzy matches are found apart)."""
    if p.name is None:
        return {(kind, fold(x)) for kind, x in (("org", p.organization), ("title", p.title)) if x}
    surname = split_name(p.name)[1]
    parts = [part for part in surname.split("-") if len(part) >= 3]
    found = {("name", fold(x)) for x in [p.name, *p.aliases]}
    return found | {("surname", x) for x in [surname, *parts]}


def _similar(text: str, seen: dict[int, str]) -> set[int]:
    """Ids whose text is near `text`: a superset of those at `SAME_PERSON_RATIO` or above."""
    cutoff = SAME_PERSON_RATIO - 5
    hits = process.extract(text, seen, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    return {i for _, _, i in hits}
