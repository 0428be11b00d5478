"""What a run cost: a price table (USD per 1M tokens) and the arithmetic over `Usage`.

Prices are looked up by model name: exactly, then without a dated suffix
(`gpt-4o-2024-08-06` -> `gpt-4o`), then by the longest known prefix. Local models (the
embedded backend, `.gguf` files) cost 0. An unknown model has no price: its cost is `None`,
never a guess and never a crash. `--price-table FILE` (YAML or JSON) adds or overrides rows:

    gpt-4o: {input: 2.5, output: 10}
    my-vllm-model: {input: 0, output: 0}
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.errors import ConfigError
from summarizer.schema import Usage


class Price(BaseModel):
    """USD per one million tokens."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0, description="USD per 1M prompt tokens.")
    output: float = Field(ge=0, description="USD per 1M completion tokens.")


PriceTable = dict[str, Price]

FREE = Price(input=0, output=0)
LOCAL_BACKENDS = frozenset({"embedded", "fake"})

DEFAULT_PRICES: PriceTable = {
    name: Price(input=i, output=o)
    for name, (i, o) in {
        "gpt-4o": (2.50, 10.00),
        "gpt-4o-mini": (0.15, 0.60),
        "gpt-4.1": (2.00, 8.00),
        "gpt-4.1-mini": (0.40, 1.60),
        "gpt-4.1-nano": (0.10, 0.40),
        "gpt-5": (1.25, 10.00),
        "gpt-5-mini": (0.25, 2.00),
        "gpt-5-nano": (0.05, 0.40),
        "o3": (2.00, 8.00),
        "o3-mini": (1.10, 4.40),
        "o4-mini": (1.10, 4.40),
        "gpt-3.5-turbo": (0.50, 1.50),
        "fake": (0.0, 0.0),
    }.items()
}

_ROW_HINT = "write one row per model: `NAME: {input: USD per 1M, output: USD per 1M}`"
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$|-\d{4}$")


def load_price_table(path: Path | None) -> PriceTable:
    """The default table, with the rows of `path` (YAML or JSON) added or overriding."""
    table = dict(DEFAULT_PRICES)
    if path is None:
        return table
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise ConfigError(f"cannot read price table {path}: {e}") from e
    if not isinstance(raw, dict):
        raise ConfigError(f"price table {path} is not a mapping", hint=_ROW_HINT)
    for name, row in raw.items():
        try:
            table[str(name)] = Price.model_validate(row)
        except ValidationError as e:
            first = e.errors()[0]
            raise ConfigError(
                f"price table {path}: {name}: {first['msg']}",
                hint=_ROW_HINT,
            ) from e
    return table


def price_for(model: str, table: PriceTable, *, backend: str | None = None) -> Price | None:
    """The price of `model`, or None when the table does not know it (see module docstring)."""
    if backend in LOCAL_BACKENDS or model.endswith(".gguf"):
        return FREE
    name = model.rsplit("/", 1)[-1] if model not in table else model
    for candidate in (name, _DATED.sub("", name)):
        if candidate in table:
            return table[candidate]
    prefixes = [known for known in table if name.startswith(known + "-")]
    return table[max(prefixes, key=len)] if prefixes else None


def cost_usd(usage: Usage, price: Price | None) -> float | None:
    """USD for this usage at this price; None without a price."""
    if price is None:
        return None
    dollars = usage.prompt_tokens * price.input + usage.completion_tokens * price.output
    return round(dollars / 1_000_000, 6)


def add_costs(costs: list[float | None]) -> float | None:
    """Sum; None if any part is unknown (a partial sum would understate the bill)."""
    if any(c is None for c in costs):
        return None
    return round(sum(c for c in costs if c is not None), 6)


def format_cost(cost: float | None) -> str:
    """`$0.0123`, or `n/a` when unknown."""
    return "n/a" if cost is None else f"${cost:.4f}"
