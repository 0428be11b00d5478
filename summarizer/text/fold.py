"""`fold`: the case-, diacritic-, dash- and quote-insensitive form names and phrases are
compared in, and whole-word phrase search over folded text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from summarizer.text.normalize import INVISIBLE, normalize

_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Case-, diacritic-, dash- and quote-insensitive form of a name or text, for matching.

    Two caches, so the many short names folded between two searches of an article never
    evict the article itself (it is folded once, not once per name).
    """
    return _fold_long(text) if len(text) > _SHORT else _fold_short(text)


_SHORT = 1000  # characters: a name, phrase or sentence; longer is an article


@functools.lru_cache(maxsize=4096)
def _fold_short(text: str) -> str:
    return _fold(text)


@functools.lru_cache(maxsize=16)
def _fold_long(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii() and not INVISIBLE.search(text):
        # all `normalize` changes in such a text: a backquote, whitespace runs (split below)
        text = text.replace("`", "'")
    else:
        text = normalize(text)[0].translate(_LETTERS)
        if not text.isascii():  # ASCII has nothing to decompose or strip
            text = unicodedata.normalize("NFKD", text)
            text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("-", " ").replace(".", " ").split())


def has_phrase(phrase: str, article: str) -> bool:
    r"""`phrase` occurs in `article` as whole words (`(?<!\w)phrase(?!\w)`), both folded."""
    needle = fold(phrase)
    if not needle:
        return False
    haystack = fold(article)
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        if not (_word_char(haystack, start - 1) or _word_char(haystack, end)):
            return True
        start = haystack.find(needle, start + 1)
    return False


def _word_char(text: str, i: int) -> bool:
    r"""`text[i]` is a character `\w` matches (a letter, digit or "_"); False off the ends."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def name_in_article(name: str, article: str) -> bool:
    """True when `name` occurs in `article` as whole words, ignoring case and diacritics."""
    return has_phrase(name, article)


@functools.lru_cache(maxsize=16)
def words(article: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(article)))
