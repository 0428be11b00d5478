"""Place data and place matching, in one module: nationality words, country aliases, and
whether an article mentions a place (itself or by its demonym).

Tables here are data for every layer (the pipeline, the daily merge, the scorer); each
consumer folds keys with its own normaliser. They cover real countries' common forms; an
invented country is recognised from the article's own words (`country_of`, `mentioned`).
"""

from __future__ import annotations

import re

from summarizer.text.fold import fold, name_in_article, words

DEMONYMS = {
    "american": "United States", "british": "United Kingdom", "chinese": "China",
    "french": "France", "german": "Germany", "turkish": "Turkey", "russian": "Russia",
    "japanese": "Japan", "south korean": "South Korea", "korean": "South Korea",
    "dutch": "Netherlands", "greek": "Greece", "spanish": "Spain", "swiss": "Switzerland",
    "polish": "Poland", "swedish": "Sweden", "danish": "Denmark", "finnish": "Finland",
    "norwegian": "Norway", "icelandic": "Iceland", "irish": "Ireland", "ukrainian": "Ukraine",
    "israeli": "Israel", "iranian": "Iran", "iraqi": "Iraq", "saudi": "Saudi Arabia",
    "emirati": "United Arab Emirates", "indian": "India", "pakistani": "Pakistan",
    "kenyan": "Kenya", "georgian": "Georgia", "egyptian": "Egypt", "brazilian": "Brazil",
    "mexican": "Mexico", "canadian": "Canada", "australian": "Australia", "italian": "Italy",
    "portuguese": "Portugal", "belgian": "Belgium", "austrian": "Austria",
    "hungarian": "Hungary", "romanian": "Romania", "lithuanian": "Lithuania",
    "latvian": "Latvia", "estonian": "Estonia", "moldovan": "Moldova", "kazakh": "Kazakhstan",
    "ethiopian": "Ethiopia", "nigerian": "Nigeria", "argentine": "Argentina",
    "argentinian": "Argentina", "chilean": "Chile", "tanzanian": "Tanzania",
    "ugandan": "Uganda", "croatian": "Croatia", "serbian": "Serbia", "czech": "Czech Republic",
}  # fmt: skip

# Other names of a country -> the name the tool writes (and the scorer compares).
COUNTRY_ALIASES = {
    "US": "United States", "U.S.": "United States", "USA": "United States",
    "U.S.A.": "United States", "America": "United States",
    "United States of America": "United States", "UK": "United Kingdom",
    "U.K.": "United Kingdom", "Britain": "United Kingdom", "Great Britain": "United Kingdom",
    "Russian Federation": "Russia", "PRC": "China", "People's Republic of China": "China",
    "UAE": "United Arab Emirates", "The Netherlands": "Netherlands", "Holland": "Netherlands",
    "EU": "European Union",
}  # fmt: skip


def country_of(demonym: str, article: str) -> str | None:
    """The country a nationality word names: a small table of real ones, else an article word
    sharing its first five letters ("Velorian" -> "Veloria"); None when neither is found.
    """
    key = fold(demonym)
    if key in DEMONYMS:
        return DEMONYMS[key]
    words = {w for w in _capitalized(article) if fold(w) != key}
    found = [w for w in words if len(key) >= 5 and fold(w)[:5] == key[:5]]
    return min(found, key=len) if found else None


def _capitalized(text: str) -> list[str]:
    words = (w.strip(".,;:!?\"'()’”") for w in text.split() if w[:1].isupper())
    return [re.sub(r"['’]s$", "", w) for w in words]


def mentioned(phrase: str, article: str) -> bool:
    """`phrase` occurs in the article, or (for places and countries) its demonym does.

    "Russia" counts as mentioned by "Russian"; "Nerevia" by "Nerevan": a word of the article
    sharing the phrase's first five letters (case/diacritic-insensitive). Shorter words must
    match whole.
    """
    if name_in_article(phrase, article):
        return True
    parts = fold(phrase).split()
    if len(parts) != 1 or len(parts[0]) < 5:
        return False
    stem = parts[0][:5]
    return any(w.startswith(stem) for w in words(article))


def keep_mentioned(value: str | None, article: str) -> str | None:
    """`value` if the article mentions it, else None: code never keeps an invented place."""
    return value if value and mentioned(value, article) else None
