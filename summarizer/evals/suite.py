"""Suite files: which cases, which backend/model/prompt/strategy, and what counts as passing.

    # evals/suite.yaml
    name: gold
    cases: cases                 # a directory or a glob, relative to this file
    backend: embedded            # any field left out comes from flags / environment
    prompt: briefing
    thresholds:                  # absolute floors (ceilings for *false_positive_rate)
      meetings.f1: 0.6
    tolerances:                  # allowed drop below the baseline, per metric
      date.exact: 0.05
    default_tolerance: 0.02
    tag_thresholds:              # floors for the cases carrying a tag (real, composed, ...)
      real:
        meetings.precision: 0.8

Metric names in `thresholds` and `tolerances` must be the scorer's own (`METRIC_NAMES`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from summarizer.errors import ConfigError
from summarizer.evals.cases import GoldCase, read_yaml, validation_message
from summarizer.evals.fields import FieldConfig
from summarizer.evals.match import DEFAULT_THRESHOLD, SOFT_THRESHOLD
from summarizer.evals.metrics import METRIC_NAMES
from summarizer.settings import BackendName, ModeName, StrategyName

DEFAULT_TOLERANCE = 0.02


class Suite(BaseModel):
    """One eval suite."""

    model_config = ConfigDict(extra="forbid")

    name: str = "eval"
    cases: str | None = Field(None, description="Directory or glob of case files.")
    only: list[str] | None = Field(None, description="Run only these case ids (default: all).")
    backend: BackendName | None = None
    model: str | None = None
    base_url: str | None = None
    mode: ModeName | None = None
    prompt: str = "briefing"
    strategy: StrategyName | None = None
    concurrency: int = Field(4, ge=1)
    match_threshold: float = Field(DEFAULT_THRESHOLD, ge=0, le=100)
    soft_threshold: float = Field(SOFT_THRESHOLD, ge=0, le=100)
    thresholds: dict[str, float] = Field(default_factory=dict)
    tolerances: dict[str, float] = Field(default_factory=dict)
    tag_thresholds: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="Per case tag: absolute floors, as `thresholds`."
    )
    default_tolerance: float = Field(DEFAULT_TOLERANCE, ge=0)
    price_table: str | None = Field(None, description="YAML/JSON price table (USD per 1M).")

    def select(self, cases: list[GoldCase]) -> list[GoldCase]:
        """The suite's cases: all of them, or those named in `only` (unknown ids are an error)."""
        if self.only is None:
            return cases
        unknown = sorted(set(self.only) - {c.id for c in cases})
        if unknown:
            raise ConfigError(f"suite {self.name}: unknown case id(s) {', '.join(unknown)}")
        return [c for c in cases if c.id in set(self.only)]

    @field_validator("thresholds", "tolerances")
    @classmethod
    def _known_metrics(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(METRIC_NAMES))
        if unknown:
            raise ValueError(f"unknown metric {', '.join(unknown)}")
        return value

    @field_validator("tag_thresholds")
    @classmethod
    def _known_tag_metrics(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for tag, limits in value.items():
            unknown = sorted(set(limits) - set(METRIC_NAMES))
            if unknown:
                raise ValueError(f"{tag}: unknown metric {', '.join(unknown)}")
        return value

    def tolerance(self, metric: str) -> float:
        """The allowed drop below the baseline for `metric`."""
        return self.tolerances.get(metric, self.default_tolerance)

    def scoring(self) -> FieldConfig:
        """The scorer's thresholds."""
        return FieldConfig(self.match_threshold, self.soft_threshold)


def load_suite(path: str | Path) -> Suite:
    """Read a suite file; relative `cases`/`price_table` resolve against the file's folder."""
    path = Path(path)
    data = read_yaml(path, ConfigError)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        suite = Suite.model_validate(data)
    except ValidationError as e:
        raise ConfigError(validation_message(str(path), e)) from e
    updates = {
        key: str(path.parent / value)
        for key, value in (("cases", suite.cases), ("price_table", suite.price_table))
        if value is not None and not Path(value).is_absolute()
    }
    return suite.model_copy(update=updates)
