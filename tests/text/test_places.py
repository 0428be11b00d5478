"""`summarizer.text.places`: countries from nationality words, as the article spells them."""

from __future__ import annotations

from builders import STRAW_VISIT as TEXT

from summarizer.text.places import country_of


def test_country_of_nationality_words() -> None:
    assert country_of("Russian", TEXT) == "Russia"
    assert country_of("Velorian", "The Velorian army left Veloria.") == "Veloria"
    assert country_of("Zorbish", TEXT) is None
