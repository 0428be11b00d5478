"""One hierarchy of errors: user errors (fix your input or config) apart from model errors."""

from __future__ import annotations

from typing import Any


class SummarizerError(Exception):
    """Base of every error this package raises on purpose.

    `hint` tells the user what to do; the CLI prints `message (hint)` on one line.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """Render as the single line the CLI prints."""
        text = " ".join(self.message.split())
        return f"{text} — {self.hint}" if self.hint else text


class UserError(SummarizerError):
    """The input or configuration is wrong; the user can fix it."""

    exit_code = 2


class InputError(UserError):
    """An article could not be read: missing, empty, binary, undecodable, too large."""


class FetchError(InputError):
    """A URL could not be fetched (unreachable, bad status, too large, not allowed)."""


class ConfigError(UserError):
    """Bad configuration: unknown backend or mode, malformed settings, bad suite file."""


class MissingKeyError(ConfigError):
    """A hosted endpoint needs an API key and none was given."""


class ModelNotFoundError(ConfigError):
    """The embedded model's weights are not on disk (or fail their checksum)."""


class CaseError(UserError):
    """A gold case or prediction file is malformed; the message names file and field."""


class OutputError(UserError):
    """An output could not be written (or would overwrite a file the user edited)."""


class BusyError(UserError):
    """Another run holds what this one needs (a `daily` run for the same day and folder)."""

    exit_code = 5


class ModelError(SummarizerError):
    """The model did not produce a valid, grounded answer within the retry budget.

    Carries what a user needs to debug it: the last raw completion, the validation errors
    of the last attempt, token usage summed over all attempts, and the attempt count.
    """

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        last_completion: Any = None,
        validation_errors: list[str] | None = None,
        usage: dict[str, int] | None = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(message, hint=hint)
        self.last_completion = last_completion
        self.validation_errors = validation_errors or []
        self.usage = usage or {}
        self.attempts = attempts


class EndpointError(ModelError):
    """The model endpoint kept failing (HTTP 429/5xx, connection, timeout) after retries."""


class TruncatedError(ModelError):
    """The model hit max_tokens (finish_reason=length) and the JSON was cut off."""


class RefusalError(ModelError):
    """The model refused or the provider's content filter stopped the answer."""
