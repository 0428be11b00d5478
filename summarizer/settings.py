"""Settings from flags and environment (pydantic-settings). Secrets stay `SecretStr`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from summarizer.errors import ConfigError

BackendName = Literal["auto", "openai", "embedded", "fake"]
ModeName = Literal["tools", "json_schema", "md_json"]
SizeName = Literal["1.5b", "0.5b"]
StrategyName = Literal["auto", "whole", "staged"]
DEFAULT_ARTICLE_TIMEOUT = 600.0  # seconds per article in `daily` (loading and briefing)

# The flag that sets a field, where one does (for error lines).
FLAGS = {
    "backend": "--backend",
    "model": "--model",
    "base_url": "--base-url",
    "mode": "--mode",
    "max_retries": "--max-retries",
    "embedded_size": "--size",
    "strategy": "--strategy",
    "article_timeout": "--article-timeout",
}
_ENV = {"base_url": "SUMMARIZER_BASE_URL", "api_key": "SUMMARIZER_API_KEY"}
_PARSING = ("int_parsing", "float_parsing", "bool_parsing", "literal_error", "string_type")


class Settings(BaseSettings):
    """Every knob of a model call. Flags override environment variables override defaults.

    Environment: OPENAI_API_KEY, OPENAI_BASE_URL (or SUMMARIZER_BASE_URL), SUMMARIZER_MODEL,
    SUMMARIZER_BACKEND, SUMMARIZER_MODE, SUMMARIZER_MAX_RETRIES, SUMMARIZER_ARTICLE_TIMEOUT,
    SUMMARIZER_CONTEXT_TOKENS, ...
    A bad value is one `ConfigError` line naming the variable and the flag.
    """

    model_config = SettingsConfigDict(env_prefix="SUMMARIZER_", extra="ignore")

    backend: BackendName = "auto"
    model: str | None = None
    base_url: str | None = Field(
        None, validation_alias=AliasChoices("SUMMARIZER_BASE_URL", "OPENAI_BASE_URL", "base_url")
    )
    api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SUMMARIZER_API_KEY", "OPENAI_API_KEY", "api_key")
    )
    mode: ModeName | None = None
    strategy: StrategyName = "auto"
    temperature: float = 0.0
    seed: int | None = 0
    max_tokens: int = 2048
    timeout: float = 120.0
    max_retries: int = Field(2, ge=0, description="Re-asks after a validation/grounding failure.")
    transport_retries: int = Field(5, ge=0, description="Retries on 429/5xx/connection/timeout.")
    retry_max_wait: float = Field(30.0, description="Upper bound of one backoff wait, seconds.")
    embedded_size: SizeName = "1.5b"
    threads: int | None = Field(None, description="CPU threads for the embedded model.")
    context_tokens: int | None = Field(
        None,
        gt=0,
        description="The model's context window in tokens: the whole strategy splits a longer "
        "article into chunks. Embedded: llama.cpp's n_ctx (default $SUMMARIZER_CTX or 8192); "
        "OpenAI-compatible: unset means never split.",
    )
    article_timeout: float = Field(
        DEFAULT_ARTICLE_TIMEOUT, gt=0, description="`daily`: seconds one article may take."
    )

    def __init__(self, **values: Any) -> None:
        """Read flags (`values`) and environment; a bad value is a `ConfigError` naming the
        variable and flag, one line (never pydantic's multi-line report).
        """
        try:
            super().__init__(**values)
        except ValidationError as e:
            raise ConfigError(
                "; ".join(_problem(err) for err in e.errors()),
                hint="fix the flag or the environment variable",
            ) from None

    def resolved_backend(self) -> Literal["openai", "embedded", "fake"]:
        """`auto` means: a configured endpoint or key selects openai, otherwise embedded."""
        if self.backend != "auto":
            return self.backend
        return "openai" if (self.base_url or self.api_key) else "embedded"


def _problem(err: Any) -> str:
    """`SUMMARIZER_X / --x: VALUE is ...` for one pydantic error."""
    field = str(err["loc"][0]) if err.get("loc") else "?"
    field = {"SUMMARIZER_BASE_URL": "base_url", "OPENAI_BASE_URL": "base_url"}.get(field, field)
    names = [_ENV.get(field, f"SUMMARIZER_{field.upper()}"), FLAGS.get(field, "")]
    where = " / ".join(n for n in names if n)
    kind, ctx, value = err.get("type", ""), err.get("ctx") or {}, err.get("input")
    shown = repr(value) if kind in _PARSING else str(value)
    if kind == "int_parsing":
        what = "is not a valid integer"
    elif kind == "float_parsing":
        what = "is not a number"
    elif kind == "literal_error":
        what = f"is not one of {ctx.get('expected')}"
    elif kind == "greater_than_equal":
        what = f"is less than {_number(ctx.get('ge'))}"
    elif kind == "greater_than":
        what = f"is not greater than {_number(ctx.get('gt'))}"
    else:
        what = f"is not valid ({err.get('msg', kind)})"
    return f"{where}: {shown} {what}"


def _number(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value
