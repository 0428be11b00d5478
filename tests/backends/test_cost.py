from pathlib import Path

import pytest

from summarizer.backends.cost import (
    DEFAULT_PRICES,
    FREE,
    Price,
    add_costs,
    cost_usd,
    format_cost,
    load_price_table,
    price_for,
)
from summarizer.errors import ConfigError
from summarizer.schema import Usage


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4.1-nano", "gpt-4.1-nano"),
        ("o4-mini", "o4-mini"),
        ("openai/gpt-4.1-mini", "gpt-4.1-mini"),
    ],
)
def test_price_lookup_by_name_dated_or_provider_prefixed(model: str, expected: str) -> None:
    assert price_for(model, DEFAULT_PRICES) == DEFAULT_PRICES[expected]


def test_unknown_model_has_no_price_and_no_cost() -> None:
    price = price_for("llama-3-70b-instruct", DEFAULT_PRICES)
    assert price is None
    assert cost_usd(Usage(prompt_tokens=100, completion_tokens=10), price) is None


def test_local_models_are_free() -> None:
    assert price_for("qwen2.5-1.5b-instruct-q4_k_m.gguf", DEFAULT_PRICES) == FREE
    assert price_for("anything", DEFAULT_PRICES, backend="embedded") == FREE


def test_cost_per_million_tokens() -> None:
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=500_000, total_tokens=1_500_000)
    assert cost_usd(usage, Price(input=2.5, output=10)) == pytest.approx(7.5)


def test_run_cost_is_unknown_if_any_part_is() -> None:
    assert add_costs([0.1, 0.2]) == pytest.approx(0.3)
    assert add_costs([0.1, None]) is None
    assert add_costs([]) == 0
    assert format_cost(None) == "n/a" and format_cost(0.01234) == "$0.0123"


def test_price_table_file_adds_and_overrides(tmp_path: Path) -> None:
    yaml_file = tmp_path / "prices.yaml"
    yaml_file.write_text("my-vllm: {input: 0, output: 0}\ngpt-4o: {input: 1, output: 2}\n")
    table = load_price_table(yaml_file)
    assert table["my-vllm"] == FREE and table["gpt-4o"] == Price(input=1, output=2)
    assert table["gpt-4o-mini"] == DEFAULT_PRICES["gpt-4o-mini"]
    json_file = tmp_path / "prices.json"
    json_file.write_text('{"x-model": {"input": 3, "output": 4}}')
    assert load_price_table(json_file)["x-model"] == Price(input=3, output=4)


@pytest.mark.parametrize(
    "content", ["- a list\n", "m: {input: -1, output: 1}\n", "m: {input: 1}\n", "m: {input: [\n"]
)
def test_bad_price_table_is_a_config_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError, match="price table"):
        load_price_table(path)


def test_missing_price_table_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_price_table(tmp_path / "nope.yaml")
