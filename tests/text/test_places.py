"""`summarizer.text.places`: countries from nationality words, as the article spells them."""

from __future__ import annotations

from builders import STRAW_VISIT as TEXT

from summarizer.text.places import capital_of, city_country, country_named, country_of, is_country


def test_country_of_nationality_words() -> None:
    assert country_of("Russian", TEXT) == "Russia"
    assert country_of("Velorian", "The Velorian army left Veloria.") == "Veloria"
    assert country_of("Zorbish", TEXT) is None


def test_nationality_words_are_formed_from_country_names() -> None:
    formed = {
        "German": "Germany", "Iranian": "Iran", "Iraqi": "Iraq", "Lebanese": "Lebanon",
        "Chinese": "China", "Cambodian": "Cambodia", "North Korean": "North Korea",
        "Azerbaijani": "Azerbaijan", "Thai": "Thailand", "British": "United Kingdom",
    }  # fmt: skip
    for word, country in formed.items():
        assert country_of(word, "") == country, word


def test_countries_by_any_of_their_names() -> None:
    for name in ("U.S.", "USA", "United States of America", "America"):
        assert country_named(name) == "United States", name
    assert country_named("Russian Federation") == "Russia"
    assert country_named("Republic of Korea") == "South Korea"
    assert country_named("Bonn") is None


def test_a_country_is_never_a_city_and_a_city_has_its_country() -> None:
    assert is_country("Azerbaijan") and not is_country("Bonn")
    assert city_country("Bonn", "talks in Bonn, Germany") == "Germany"
    assert city_country("Jeddah") == "Saudi Arabia"  # a big city needs no country beside it
    assert city_country("Bonn") is None  # a town may share a name; only the article decides
    assert city_country("Ravel") is None  # an invented town
    assert capital_of("Pyongyang") == "North Korea"
