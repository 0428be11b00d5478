"""Required literals of a regular expression: what any text it matches must contain.

`required(pattern)` reads a pattern's source and returns lower-case ASCII strings of which
every match of it (under `re.IGNORECASE`) contains at least one, or None when it cannot tell.
An ASCII text containing none of them cannot match, so the search is skipped: the gazetteer's
249 country patterns are searched in every run of capitalized words of an article (most of them
no country at all), and the search is most of the cost of reading the article's places.

The reading is conservative: a literal run ends at anything but a plain character (a class,
an escape, a quantifier on its last character, an assertion); a group counts when it must
match (a quantifier of at least one, a lookahead); a negative assertion, an optional part or
any syntax not listed here counts for nothing, and an unknown construct makes the whole
pattern unknown (None: always searched). So it can only say less than the pattern requires,
never more.
"""

from __future__ import annotations

import re

_QUANTIFIER = re.compile(r"[*+?]|\{(\d*)(?:,(\d*))?\}")
_ZERO = frozenset("*?")
_CLASS_ESCAPES = frozenset("bBAZdDsSwW")
_PLAIN = frozenset(" !\"#%&',-/:;<=>@_`~") | frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

Required = frozenset[str]


class _Unknown(Exception):
    """A construct the reader does not know: the pattern requires nothing it can tell."""


def required(pattern: str) -> Required | None:
    """Strings (lower case, ASCII) one of which every match of `pattern` contains; None if
    the pattern's source has no such literal the reader can be sure of.
    """
    try:
        found, end = _alternation(pattern, 0)
    except _Unknown:
        return None
    return found if end == len(pattern) else None


def _alternation(src: str, i: int) -> tuple[Required | None, int]:
    """Branches up to an unmatched ")" or the end: one of them matches, so the union."""
    union: set[str] = set()
    known = True
    while True:
        found, i = _sequence(src, i)
        known = known and found is not None
        union |= found or set()
        if i < len(src) and src[i] == "|":
            i += 1
            continue
        return (frozenset(union) if known and union else None), i


def _sequence(src: str, i: int) -> tuple[Required | None, int]:
    """Items up to "|", ")" or the end: each is a candidate; the one with the longest
    shortest string is kept.
    """
    candidates: list[Required] = []
    run: list[str] = []
    while i < len(src) and src[i] not in "|)":
        char, group, i = _atom(src, i)
        quantified = _QUANTIFIER.match(src, i)
        at_least_one = True
        if quantified:
            at_least_one = _at_least_one(quantified)
            i = quantified.end()
            if i < len(src) and src[i] in "?+":  # lazy or possessive
                i += 1
        if char is not None and not quantified:
            run.append(char)
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        if group is not None and at_least_one:
            candidates.append(group)
    if run:
        candidates.append(frozenset({"".join(run)}))
    if not candidates:
        return None, i
    return max(candidates, key=lambda c: min(len(s) for s in c)), i


def _at_least_one(quantifier: re.Match[str]) -> bool:
    text = quantifier.group()
    if text in _ZERO:
        return False
    if text == "+":
        return True
    low = quantifier.group(1)
    return bool(low) and int(low) >= 1


def _atom(src: str, i: int) -> tuple[str | None, Required | None, int]:
    """(a plain character, or what a group requires, and where the atom ends)."""
    char = src[i]
    if char == "(":
        return _group(src, i)
    if char == "\\":
        return _escape(src, i)
    if char == "[":
        end = src.find("]", i + 2)  # "[]...]" holds a "]"; a class ends at the next one
        if end < 0 or "[" in src[i + 1 : end]:
            raise _Unknown
        return None, None, end + 1
    if char in ".^$":
        return None, None, i + 1
    if char.lower() in _PLAIN:
        return char.lower(), None, i + 1
    if char.isascii():  # "*", "+", "?", "{", "}" out of place, or anything else
        raise _Unknown
    return None, None, i + 1  # a letter of another script ends a run (case rules differ)


def _group(src: str, i: int) -> tuple[str | None, Required | None, int]:
    counts = True
    if src.startswith("(?:", i):
        i += 3
    elif src.startswith("(?=", i):
        i += 3  # a lookahead must match where it stands: its text is in the text
    elif src.startswith("(?!", i) or src.startswith("(?<=", i) or src.startswith("(?<!", i):
        i += 3 if src.startswith("(?!", i) else 4
        counts = False
    elif src.startswith("(?", i):
        raise _Unknown  # named groups, flags, conditionals
    else:
        i += 1
    found, i = _alternation(src, i)
    if i >= len(src) or src[i] != ")":
        raise _Unknown
    return None, (found if counts else None), i + 1


def _escape(src: str, i: int) -> tuple[str | None, Required | None, int]:
    if i + 1 >= len(src):
        raise _Unknown
    char = src[i + 1]
    if char in _CLASS_ESCAPES:
        return None, None, i + 2
    if char == "x":
        code = src[i + 2 : i + 4]
        if len(code) != 2 or not all(c in "0123456789abcdefABCDEF" for c in code):
            raise _Unknown
        value = chr(int(code, 16))
        return (value.lower() if value.lower() in _PLAIN else None), None, i + 4
    if char.isalnum():  # \1, \n, \t, \u..., \N{...}: not read here
        raise _Unknown
    return (char if char in _PLAIN or char in ".()[]{}|*+?^$\\" else None), None, i + 2


# The characters outside ASCII that `re.IGNORECASE` matches to an ASCII letter, or whose lower
# case holds one: "İ" (U+0130), "ı" (U+0131), "ſ" (U+017F, an "s") and the Kelvin sign (U+212A).
_ASCII_CASE = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str) -> str | None:
    """`text` in lower case, in which to look for `required` literals: a text a pattern
    matches holds one of them. None for a text with an `_ASCII_CASE` character, where a match
    may spell a literal without its ASCII letters (search such a text with every pattern).
    """
    return None if _ASCII_CASE.search(text) else text.lower()
