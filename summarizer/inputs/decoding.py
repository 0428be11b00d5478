"""Bytes -> text for `inputs.loaders`: BOMs, UTF-8, a declared charset, 8-bit detection.

The rules (see `loaders`' module docstring): a BOM (UTF-8/16/32) wins, then strict UTF-8,
then a declared charset (the HTTP server's, else a `<meta charset=...>` in the first 4 KB),
then detection of 8-bit text: cp1252 for few high bytes, windows-1251 for many that read as
Cyrillic. Binary files (PDF, images, archives, NUL bytes) are refused by their magic bytes.
"""

from __future__ import annotations

import codecs
import re

from summarizer.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.epub)"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_BINARY_HINT = "save or export it as plain text (.txt) first"
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Bytes -> str by the rules in the module docstring; `InputError` if it is not text."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _try_decode(data, codec, name)
    _reject_binary(data, name)
    for codec in filter(None, ("utf-8", encoding or declared_charset(data))):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    text = _detect_8bit(data)
    if text is None:
        raise InputError(f"{name} is not valid UTF-8 text", hint="re-save it as UTF-8")
    return text


def declared_charset(data: bytes) -> str | None:
    """The charset a `<meta>` tag in the first 4 KB declares, if Python knows it."""
    found = _META_CHARSET.search(data[:4096])
    if not found:
        return None
    label = found.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _detect_8bit(data: bytes) -> str | None:
    """8-bit text without a declared charset: cp1252 when high bytes are few (accents in
    Latin text), windows-1251 when they are many and read as Cyrillic; else None.
    """
    if _CONTROL_BYTES.search(data):
        return None
    high = sum(b >= 0x80 for b in data)
    codec = "cp1252" if high < 0.3 * len(data) else "cp1251"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if codec == "cp1251":
        letters = [c for c in text if ord(c) >= 0x80]
        cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
        if cyrillic < 0.9 * len(letters):
            return None
    return text


def _try_decode(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise InputError(f"{name} is not valid {codec} text", hint="re-save it as UTF-8") from e


def _reject_binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name} looks like {what}, not text", hint=_BINARY_HINT)
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks like a binary file, not text", hint=_BINARY_HINT)
