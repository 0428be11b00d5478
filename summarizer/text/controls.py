r"""Terminal control characters out of strings that came from an input or a model.

A feed title, a front-matter field or a model answer can hold raw ESC sequences
(`\x1b]0;title\x07` sets the terminal's title, `\x1b[2J` clears the screen) or other C0/C1
control characters. `clean_controls` drops them, whole escape sequences (CSI, OSC, DCS, ...)
first so that their parameters do not show as text, then every other control character except
newline and tab; a CR (alone or in CRLF) becomes a newline. `clean_all` applies it to every
string inside a value (lists, tuples, dicts and pydantic models, recursively): the renderers
run it over what they show, so no control character reaches a terminal or a written file.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar, cast

from pydantic import BaseModel

T = TypeVar("T")

_SEQUENCE = re.compile(
    # CSI: ESC [ (or the C1 CSI) parameters, intermediates, one final byte.
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    # OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or the C1 ST).
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    # Any other escape: ESC, intermediates, one final byte (ESC c, ESC ( B, ...).
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_controls(text: str) -> str:
    """`text` without escape sequences and C0/C1 control characters (newline and tab kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


def clean_all(value: T) -> T:
    """`value` with `clean_controls` applied to every string in it; models are copied."""
    return cast(T, _clean(value))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_controls(value)
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(update={name: _clean(getattr(value, name)) for name in fields})
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value
