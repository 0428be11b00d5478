"""Stage 3 of the staged strategy: per-window options and the response model built from them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from summarizer import prompts
from summarizer.article import Article
from summarizer.staged import plan
from summarizer.staged.questions import answer_model, build_messages, country_of

TEXT = (
    "Jack Straw, the British foreign secretary, arrived in Moscow on Sunday. "
    "Mr Straw met Sergei Ivanov, the Russian defence minister, on Monday in Moscow. "
    "The talks covered Iraq, an aide said.\n\n"
    "Inflation in Russia rose again in May, the statistics office said. "
    "Bread prices in the capital rose sharply last year, according to shop owners. "
    "Separately, the Velorian interior minister will meet his Castamiri counterpart next week."
)
ARTICLE = Article(text=TEXT, title="Straw in Moscow", published=dt.date(2003, 2, 5))


def _first_window() -> Any:
    window, options = plan(ARTICLE).asks[0]
    return window, options


def test_sides_are_the_windows_entities_with_coreference() -> None:
    _, options = _first_window()
    assert "Jack Straw" in options.sides  # "Mr Straw" resolves to the fullest form
    assert "Mr Straw" not in options.sides
    assert "Sergei Ivanov" in options.sides
    assert options.sides["Jack Straw"].name == "Jack Straw"
    assert options.sides["Jack Straw"].aliases == ["Straw"]
    assert "Monday" in options.times and "Sunday" in options.times
    assert "Moscow" in options.places


def test_title_side_gets_title_and_country() -> None:
    window, options = plan(ARTICLE).asks[-1]
    side = options.sides["Velorian interior minister"]
    assert (side.name, side.title, side.country) == (None, "interior minister", None)
    assert options.sides["Castamiri counterpart"].title == "counterpart"


def test_country_of_nationality_words() -> None:
    assert country_of("Russian", TEXT) == "Russia"
    assert country_of("Velorian", "The Velorian army left Veloria.") == "Veloria"
    assert country_of("Zorbish", TEXT) is None


def test_candidates_are_trigger_sentences_with_their_parties() -> None:
    _, options = _first_window()
    [candidate] = options.candidates
    assert candidate.sides == ("Jack Straw", "Sergei Ivanov")  # "Mr Straw" -> "Jack Straw"
    assert candidate.sentence.text.startswith("Mr Straw met Sergei Ivanov")


def _yes(**kw: Any) -> dict[str, Any]:
    base = {"meeting": True, "status": "held", "when": "Monday", "city": "Moscow",
            "country": None, "topics": ["Iraq"]}  # fmt: skip
    return base | kw


def test_enums_reject_time_words_and_places_not_in_the_window() -> None:
    _, options = _first_window()
    model = answer_model(options)
    assert model.model_validate({"answers": [_yes()]})
    assert model.model_validate({"answers": [{"meeting": False}]})
    for bad in (_yes(when="Friday"), _yes(city="Paris"), _yes(status="planned")):
        with pytest.raises(ValidationError):
            model.model_validate({"answers": [bad]})
    with pytest.raises(ValidationError):  # one answer per candidate, no more
        model.model_validate({"answers": [_yes(), _yes()]})


def test_schema_is_bounded_and_enumerated() -> None:
    _, options = _first_window()
    schema = answer_model(options).model_json_schema()
    answers = schema["properties"]["answers"]
    assert (answers["minItems"], answers["maxItems"]) == (1, 1)
    meeting = schema["$defs"]["Meeting"]["properties"]
    assert meeting["when"]["anyOf"][0]["enum"] == list(options.times)
    assert meeting["city"]["anyOf"][0]["enum"] == list(options.places)
    assert meeting["topics"]["maxItems"] == 2
    assert meeting["topics"]["items"]["maxLength"] == 48
    assert schema["$defs"]["NoMeeting"]["properties"]["meeting"]["const"] is False
    assert schema["$defs"]["Meeting"]["additionalProperties"] is False


def test_no_time_words_means_when_is_null() -> None:
    text = "Anna Berg met Piotr Nowak in Warsaw, the ministry said."
    _, options = plan(Article(text=text)).asks[0]
    assert options.times == ()
    schema = answer_model(options).model_json_schema()
    when = schema["$defs"]["Meeting"]["properties"]["when"]
    assert when["type"] == "null"


def test_system_prompt_is_identical_for_every_window_and_article() -> None:
    prompt = prompts.load("staged")
    other = Article(text="Anna Berg met Piotr Nowak in Warsaw on Friday, the ministry said.")
    windows = [(w, o, ARTICLE) for w, o in plan(ARTICLE).asks]
    windows += [(w, o, other) for w, o in plan(other).asks]
    messages = [build_messages(w, o, a, prompt) for w, o, a in windows]
    assert len(messages) == 3  # two windows in ARTICLE, one in `other`
    assert len({m[0]["content"] for m in messages}) == 1
    user = messages[0][1]["content"]
    assert "Mr Straw met Sergei Ivanov" in user
    assert "Mr Straw met" not in messages[0][0]["content"]
    assert '1. "Jack Straw" and "Sergei Ivanov", in the sentence "Mr Straw met' in user
    assert 'Times: "Monday"' in user


def test_window_without_two_parties_is_not_asked() -> None:
    text = "The committee met on Monday to review the budget. Inflation rose, the office said."
    assert plan(Article(text=text)).asks == []
