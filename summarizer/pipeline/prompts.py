"""Prompt templates: files under `prompts/`, rendered with jinja2 StrictUndefined.

A prompt named `briefing` resolves to the highest version on disk (`briefing-v1`, `briefing-v2`,
...); `briefing-v1` pins one. Each prompt has a `system` and a `user` template. The prompt's
identity (name + content hash) is recorded in every briefing's provenance.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import jinja2

from summarizer.errors import ConfigError

_VERSIONED = re.compile(r"^(?P<base>.+)-v(?P<version>\d+)\.(?P<role>system|user)\.j2$")


def prompts_dir() -> Path:
    """The repo's `prompts/` in a checkout, else the copy shipped inside the package."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parent / "prompts", package / "_prompts"):
        if candidate.is_dir():
            return candidate
    raise ConfigError("prompt templates not found", hint="reinstall the package")


@dataclass(frozen=True)
class Prompt:
    """A versioned pair of templates and the hash that identifies their content."""

    name: str
    system_source: str
    user_source: str

    @cached_property  # asked for each article's provenance and cache key
    def hash(self) -> str:
        """sha256 over both templates (first 16 hex digits)."""
        digest = hashlib.sha256(f"{self.system_source}\0{self.user_source}".encode())
        return digest.hexdigest()[:16]

    def render(self, **variables: Any) -> list[dict[str, str]]:
        """Chat messages for these variables; a missing variable is a `ConfigError` naming it."""
        return [
            {
                "role": "system",
                "content": _render(self.name, "system", self.system_source, variables),
            },
            {"role": "user", "content": _render(self.name, "user", self.user_source, variables)},
        ]


_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False)


@lru_cache(maxsize=32)
def _template(source: str) -> jinja2.Template:
    """The compiled template (compiling costs ~2 ms; a daily run renders hundreds)."""
    return _ENV.from_string(source)


def _render(name: str, role: str, source: str, variables: dict[str, Any]) -> str:
    try:
        return _template(source).render(**variables).strip()
    except jinja2.UndefinedError as e:
        raise ConfigError(f"prompt {name} ({role}): {e.message}") from e
    except jinja2.TemplateSyntaxError as e:
        raise ConfigError(f"prompt {name} ({role}) line {e.lineno}: {e.message}") from e


def available() -> dict[str, list[int]]:
    """Prompt base names and their versions on disk."""
    found: dict[str, set[int]] = {}
    for path in prompts_dir().glob("*.j2"):
        m = _VERSIONED.match(path.name)
        if m:
            found.setdefault(m["base"], set()).add(int(m["version"]))
    return {base: sorted(versions) for base, versions in sorted(found.items())}


@cache
def load(name: str = "briefing") -> Prompt:
    """Load `name` (latest version) or `name-vN` (that version)."""
    base, _, version = name.rpartition("-v")
    if not (base and version.isdigit()):
        versions = available().get(name)
        if not versions:
            known = ", ".join(available()) or "none"
            raise ConfigError(f"unknown prompt {name!r}", hint=f"available: {known}")
        base, version = name, str(versions[-1])
    full = f"{base}-v{version}"
    paths = [prompts_dir() / f"{full}.{role}.j2" for role in ("system", "user")]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise ConfigError(f"prompt {full}: missing template {', '.join(missing)}")
    system, user = (p.read_text(encoding="utf-8") for p in paths)
    return Prompt(name=full, system_source=system, user_source=user)
