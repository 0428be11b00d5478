"""Tests for summarizer.inputs.loaders: loading paths, stdin, URLs and strings into an `Article`."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from summarizer.errors import FetchError, InputError
from summarizer.inputs import loaders as article
from summarizer.inputs.fetch import FetchedPage
from summarizer.inputs.loaders import clean, detect_language, guess_title, load, load_text
from summarizer.pipeline.article import Article

BODY = (
    "Ministers meet in Riga\n\n"
    "The foreign minister of Latvia met her Finnish counterpart on Thursday in Riga. "
    "They said that the talks were useful and that they will meet again in June.\n"
)
PARAGRAPH = (
    "The foreign minister of Latvia met her Finnish counterpart on Thursday in Riga to "
    "discuss fisheries and energy. "
)
HTML = (
    '<!doctype html><html lang="en-GB"><head><title>Ministers meet in Riga</title>'
    '<meta property="article:published_time" content="2021-03-04">'
    '<link rel="canonical" href="https://news.example.org/riga"></head><body><article>'
    f"<h1>Ministers meet in Riga</h1><p>{PARAGRAPH * 4}</p><p>They will meet again in June.</p>"
    "</article><script>var tracking = 1;</script></body></html>"
)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _error(source: str, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        load(source, **kwargs)  # type: ignore[arg-type]
    line = info.value.one_line()
    assert "\n" not in line
    return line


# --- Plain text and Markdown ---------------------------------------------------------------


def test_text_file_keeps_text_and_guesses_title_and_language(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", BODY)
    got = load(str(path))
    assert got.text == BODY.strip()
    assert got.title == "Ministers meet in Riga"
    assert got.language == "en"
    assert got.origin == str(path)
    assert got.published is None


def test_front_matter_sets_metadata_and_is_removed_from_text(tmp_path: Path) -> None:
    front = (
        "---\ntitle: Riga talks\npublished: 2021-03-04\nurl: https://news.example.org/r\n"
        "language: en\nsource: Example News\ntags: [a, b]\n---\n"
    )
    got = load(str(_write(tmp_path, "a.md", front + BODY)))
    assert got == Article(
        text=BODY.strip(),
        title="Riga talks",
        url="https://news.example.org/r",
        published=dt.date(2021, 3, 4),
        language="en",
        origin=str(tmp_path / "a.md"),
    )


def test_front_matter_accepts_date_alias_and_datetime(tmp_path: Path) -> None:
    got = load(str(_write(tmp_path, "a.md", "---\ndate: 2021-03-04T10:00:00Z\n---\n" + BODY)))
    assert got.published == dt.date(2021, 3, 4)


def test_explicit_published_wins_over_front_matter(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.md", "---\npublished: 2021-03-04\n---\n" + BODY)
    assert load(str(path), published=dt.date(2020, 1, 2)).published == dt.date(2020, 1, 2)


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("---\ntitle: [unclosed\n---\n", "malformed YAML front matter in"),
        ("---\n- a\n- b\n---\n", "is not a mapping"),
        ("---\npublished: last week\n---\n", "published in front matter of .* is not a date"),
    ],
)
def test_bad_front_matter_names_the_file(tmp_path: Path, front: str, message: str) -> None:
    path = _write(tmp_path, "bad.md", front + BODY)
    line = _error(str(path))
    assert str(path) in line
    assert re.search(message, line)


def test_markdown_heading_becomes_title(tmp_path: Path) -> None:
    got = load(str(_write(tmp_path, "a.md", "# Riga talks\n\nSome text here.")))
    assert got.title == "Riga talks"
    assert got.text.startswith("# Riga talks")


def test_newlines_control_and_zero_width_characters_are_cleaned(tmp_path: Path) -> None:
    raw = "Title\r\n\r\nLine\u200b one\x07 and\ttab\u2060.\rEnd\ufeff."
    got = load(str(_write(tmp_path, "a.txt", raw)))
    assert got.text == "Title\n\nLine one and\ttab.\nEnd."


# --- Refusals ------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "file not found: " in _error(str(tmp_path / "nope.txt"))


def test_directory_points_to_daily(tmp_path: Path) -> None:
    line = _error(str(tmp_path))
    assert "is a directory" in line and "summarizer daily" in line


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", "\u200b\ufeff\n".encode(), b"---\nt: x\n---\n"])
def test_empty_input(tmp_path: Path, data: bytes) -> None:
    line = _error(str(_write(tmp_path, "e.txt", data)))
    assert line.endswith("is empty — pass a file with the article's text")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"text\x00with\x00nuls", "a binary file"),
    ],
)
def test_binary_input_is_named(tmp_path: Path, data: bytes, what: str) -> None:
    assert f"looks like {what}" in _error(str(_write(tmp_path, "b.txt", data)))


def test_undecodable_bytes_ask_for_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, "u.txt", b"abc \x81\x8d\x8f\x90\x9d\x1b\xfe")
    assert f"{path} is not valid UTF-8 text — re-save it as UTF-8" == _error(str(path))


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article, "MAX_BYTES", 2_000_000)
    path = _write(tmp_path, "big.txt", b"word " * 1_000_000)
    assert "is 5.0 MB; the limit is 2.0 MB — split it" in _error(str(path))


# --- Encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32", "utf-16-be"])
def test_bom_encodings(tmp_path: Path, encoding: str) -> None:
    data = ("\ufeff" if encoding == "utf-16-be" else "") + "Café in Zürich\n\nText."
    got = load(str(_write(tmp_path, "a.txt", data.encode(encoding))))
    assert got.text == "Café in Zürich\n\nText."


def test_cp1252_fallback_for_8bit_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "Café “quoted” – naïve.\n".encode("cp1252"))
    assert load(str(path)).text == "Café “quoted” – naïve."


# --- HTML ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page.html", "page.txt"])
def test_html_main_text_and_metadata(tmp_path: Path, name: str) -> None:
    got = load(str(_write(tmp_path, name, HTML)))
    assert "met her Finnish counterpart" in got.text
    assert "tracking" not in got.text and "<p>" not in got.text
    assert got.title == "Ministers meet in Riga"
    assert got.published == dt.date(2021, 3, 4)
    assert got.url == "https://news.example.org/riga"
    assert got.language == "en"


def test_html_without_article_text(tmp_path: Path) -> None:
    page = "<html><head><title>App</title></head><body><script>render()</script></body></html>"
    line = _error(str(_write(tmp_path, "app.html", page)))
    assert "no article text found in" in line and "JavaScript" in line


# --- stdin, URLs, strings ------------------------------------------------------------------


def test_stdin_bytes() -> None:
    got = load("-", stdin=io.BytesIO(BODY.encode()), published=dt.date(2021, 3, 4))
    assert got.text == BODY.strip() and got.origin == "-"
    assert got.published == dt.date(2021, 3, 4)


def test_empty_stdin() -> None:
    line = _error("-", stdin=io.BytesIO(b""))
    assert line == "stdin is empty — pass a file with the article's text"


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=utf-8", HTML.encode(), "met her Finnish counterpart"),
        ("text/plain; charset=iso-8859-1", "Café talks\n\nBody.".encode("latin-1"), "Café talks"),
        ("", HTML.encode(), "met her Finnish counterpart"),
    ],
)
def test_url_dispatches_on_content_type(
    monkeypatch: pytest.MonkeyPatch, content_type: str, body: bytes, expected: str
) -> None:
    calls: list[dict[str, object]] = []

    def fake_fetch(url: str, **kwargs: object) -> FetchedPage:
        calls.append({"url": url, **kwargs})
        return FetchedPage(url, "https://news.example.org/final", content_type, body)

    monkeypatch.setattr(article, "fetch_url", fake_fetch)
    got = load("https://news.example.org/start", allow_private=False)
    assert expected in got.text
    assert got.url == "https://news.example.org/final"
    assert got.origin == "https://news.example.org/start"
    assert calls[0]["allow_private"] is False


def test_non_http_url_scheme_is_refused() -> None:
    with pytest.raises(FetchError, match=r"only http\(s\) URLs are supported"):
        load("ftp://example.org/article.txt")


def test_load_text() -> None:
    got = load_text(BODY, url="https://news.example.org/x")
    assert got.title == "Ministers meet in Riga" and got.url == "https://news.example.org/x"
    assert load_text(BODY, title="Given").title == "Given"
    with pytest.raises(InputError, match="text is empty"):
        load_text(" \u200b ")


def test_load_text_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article, "MAX_BYTES", 10)
    with pytest.raises(InputError, match="text is 11 bytes; the limit is 10 bytes"):
        load_text("x" * 11)


# --- Helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Ministers meet in Riga", "Ministers meet in Riga"),
        ("## Heading two", "Heading two"),
        ("The minister met her counterpart.", None),
        ("x" * 150, None),
    ],
)
def test_guess_title(line: str, title: str | None) -> None:
    assert guess_title(f"\n\n{line}\nbody") == title


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The minister said that the talks with the union were useful and will go on.", "en"),
        ("Der Minister sagte, dass die Gespräche mit der Union nicht einfach sind und auch", "de"),
        ("Le ministre a dit que les discussions avec les partenaires sont utiles", "fr"),
        ("El ministro dijo que las conversaciones con los socios fueron útiles para la paz", "es"),
        ("Il ministro ha detto che gli incontri della settimana sono utili per la pace", "it"),
        ("O ministro disse que as conversas com os parceiros não foram fáceis para o país", "pt"),
        ("De minister zei dat het overleg met de partners niet eenvoudig is voor het land", "nl"),
        ("Министр заявил, что переговоры с партнёрами прошли успешно.", "ru"),
        ("Riga Helsinki Tallinn", None),
        ("", None),
    ],
)
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


def test_clean_keeps_tabs_and_newlines() -> None:
    assert clean("a\tb\r\nc\x00d\x85e") == "a\tb\ncde"
