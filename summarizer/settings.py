"""Settings from flags and environment (pydantic-settings). Secrets stay `SecretStr`."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

BackendName = Literal["auto", "openai", "embedded", "fake"]
ModeName = Literal["tools", "json_schema", "md_json"]
SizeName = Literal["1.5b", "0.5b"]
StrategyName = Literal["auto", "whole", "staged"]


class Settings(BaseSettings):
    """Every knob of a model call. Flags override environment variables override defaults.

    Environment: OPENAI_API_KEY, OPENAI_BASE_URL (or SUMMARIZER_BASE_URL), SUMMARIZER_MODEL,
    SUMMARIZER_BACKEND, SUMMARIZER_MODE, SUMMARIZER_MAX_RETRIES, ...
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

    def resolved_backend(self) -> Literal["openai", "embedded", "fake"]:
        """`auto` means: a configured endpoint or key selects openai, otherwise embedded."""
        if self.backend != "auto":
            return self.backend
        return "openai" if (self.base_url or self.api_key) else "embedded"
