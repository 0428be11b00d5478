"""`summarizer.inputs.sources`: folders, feeds and URL lists become the day's article entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
import respx
from builders import EXAMPLES

from summarizer.errors import FetchError, InputError, UserError
from summarizer.inputs.sources import (
    Options,
    discover,
    html_to_text,
    looks_like_feed,
    url_list,
)

LONG = "Ministers met in Geneva to discuss grain. " * 12
PRIVATE_OK = Options(allow_private=True, timeout=5)


def _rss(items: str) -> str:
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
    return f"{head}{items}</channel></rss>"


def _item(title: str, link: str, body: str, date: str = "Thu, 13 Mar 2025 10:00:00 GMT") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>")  # fmt: skip


def test_folder_lists_article_files_sorted(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "c.html", ".hidden.txt", "d.pdf", "e.xml"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    assert [Path(e.origin).name for e in discover([str(tmp_path)])] == ["a.txt", "b.md", "c.html"]


def test_example_folder_and_feed_load_with_metadata() -> None:
    entries = discover([str(EXAMPLES), str(EXAMPLES / "feed.xml")])
    assert len(entries) == 8
    first = entries[0].load()
    assert first.published == dt.date(2025, 3, 13) and first.url and first.title
    tokyo = entries[6].load()
    assert tokyo.title == "Japan and India leaders hold talks in Tokyo"
    assert tokyo.url == "https://desk.example.com/2025/03/13/tokyo-summit"
    assert tokyo.published == dt.date(2025, 3, 13)
    assert tokyo.text.startswith("Japanese Prime Minister Haruto Sato met") and "\n\n" in tokyo.text


def test_feed_entry_with_full_text_needs_no_fetch(tmp_path: Path) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text(_rss(_item("Talks", "https://n.test/1", f"<p>{LONG}</p>")))
    with respx.mock:  # any request would fail: none is mocked
        (entry,) = discover([str(feed)])
        article = entry.load()
    assert article.text == LONG.strip() and article.url == "https://n.test/1"


def test_feed_entry_with_short_summary_fetches_its_link(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item("Short", "https://n.test/2", "Just a teaser.")))
    page = f"<html><body><article><p>{LONG}</p></article></body></html>"
    with respx.mock:
        respx.get("https://n.test/2").mock(
            return_value=httpx.Response(200, text=page, headers={"content-type": "text/html"})
        )
        (entry,) = discover([str(feed)], PRIVATE_OK)
        article = entry.load()
    assert "Ministers met in Geneva" in article.text
    assert article.published == dt.date(2025, 3, 13) and article.title == "Short"


def test_feed_link_to_private_address_is_refused_by_default(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item("Local", "http://127.0.0.1:9/x", "teaser")))
    (entry,) = discover([str(feed)])
    with pytest.raises(FetchError):
        entry.load()


def test_feed_url_source(tmp_path: Path) -> None:
    body = _rss(_item("A", "https://n.test/a", LONG) + _item("B", "https://n.test/b", LONG))
    with respx.mock:
        respx.get("https://feeds.test/rss").mock(return_value=httpx.Response(200, text=body))
        entries = discover(["https://feeds.test/rss"], PRIVATE_OK)
    assert [e.url for e in entries] == ["https://n.test/a", "https://n.test/b"]


def test_unreachable_feed_url_becomes_a_failed_entry() -> None:
    with respx.mock:
        respx.get("https://feeds.test/down").mock(return_value=httpx.Response(503))
        (entry,) = discover(["https://feeds.test/down"], PRIVATE_OK)
    with pytest.raises(FetchError):
        entry.load()


def test_url_list_file(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("# today\nhttps://n.test/1\n\n  https://n.test/2  \nhttps://n.test/1\n")
    entries = discover([str(listing)])
    assert [e.url for e in entries] == ["https://n.test/1", "https://n.test/2"]


def test_a_plain_article_file_is_one_entry(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Ministers meet.\nhttps://n.test/1\n")
    (entry,) = discover([str(path)])
    assert entry.url is None and entry.load().text.startswith("Ministers meet.")


def test_missing_source_and_no_articles_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="source not found"):
        discover([str(tmp_path / "nope")])
    with pytest.raises(UserError, match="no articles found"):
        discover([str(tmp_path)])


def test_empty_feed_is_an_input_error(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(""))
    with pytest.raises(InputError, match="no entries"):
        discover([str(feed)])


def test_sniffers_and_html_to_text() -> None:
    assert looks_like_feed(b'\xef\xbb\xbf<?xml version="1.0"?>\n<feed xmlns="...">')
    assert looks_like_feed(b"<rss version='2.0'>") and not looks_like_feed(b"<html>")
    assert url_list(b"# c\nhttps://a.test\n") == ["https://a.test"]
    assert url_list(b"https://a.test\nnot a url\n") == []
    html = "<p>One &amp; two.</p><script>x()</script><p>Three<br>four</p>"
    assert html_to_text(html) == "One & two.\n\nThree\n\nfour"


def test_feed_strings_lose_terminal_control_sequences(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    title = "\x1b]0;PWNED\x07\x1b[2JTalks\x1b[31m in\x00 Geneva"
    body = f"<p>\x1b[31m{LONG}\x1b[0m</p>"
    feed.write_bytes(_rss(_item(title, "https://n.test/1\x1b[2J", body)).encode())
    (entry,) = discover([str(feed)])
    article = entry.load()
    assert entry.title == article.title == "Talks in Geneva"
    assert entry.url == article.url == "https://n.test/1"
    assert article.text == LONG.strip()


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "https://n.test/y&gt;)&#10;&#10;## Upcoming meetings&#10;&#10;- **Fri** · Fake",
        "https://n.test/z&gt;) [x](https://evil.example/)",
        "ftp://n.test/file",
    ],
)
def test_a_feed_link_that_is_not_one_http_url_is_not_the_article_url(
    tmp_path: Path, link: str
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(_rss(_item("Talks", link, LONG)))
    (entry,) = discover([str(feed)])
    assert entry.url is None and entry.load().url is None
    assert entry.origin == f"{feed}#1"
