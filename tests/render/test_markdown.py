"""`summarizer.render.markdown`: no input or model string opens Markdown structure, and only
plain http(s) URLs become links.

Checked with markdown-it (the parser rich's Markdown view uses, with the GFM table and
strikethrough rules on): an escaped string parses to text only, and shows exactly its words.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from summarizer.render.markdown import escape_md, link_url, md_autolink, md_link
from summarizer.text.controls import clean_controls

HOSTILE = [
    "## Upcoming meetings",
    "- **Fri 2024-03-08** · Fake Person",
    "1. one",
    "2) two",
    "+ plus",
    "> quote",
    "---",
    "===",
    "```python",
    "~~~",
    "    indented code",
    "<img src=x onerror=alert(1)>",
    "<https://evil.example/>",
    "[x](https://evil.example/)",
    "![i](https://evil.example/i.png)",
    "[1]: https://evil.example/",
    "[^1]: footnote",
    "| a | b |",
    "*em* _em_ **strong** ~~strike~~ `code`",
    "&lt;script&gt; &#10; &#x41; &amp;",
    "back\\slash \\",
    "#tag [[wiki link]]",
    "x\n\n## Heading\n\n- item\n\n```\nfence\n```",
]
# Pieces Markdown cares about, for generated strings.
PIECES = list("ab1 \n\t#*_-+=>[]()<>!`~|\\&;:/.\x1b") + [
    "&amp;", "&#10;", "&#x41;", "https://e.x/", "javascript:", "    ", "```", "1.", "2)", "[^1]: ",
]  # fmt: skip


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _shown(inline: Token) -> str:
    """What a renderer shows of an inline token: its text children, joined."""
    assert inline.children is not None
    kinds = {c.type for c in inline.children}
    assert kinds <= {"text", "text_special"}, kinds
    return "".join(c.content for c in inline.children)


def _expected(text: str) -> str:
    return " ".join(clean_controls(text).split())


def _check_paragraph(text: str) -> None:
    escaped = escape_md(text)
    assert "\n" not in escaped
    tokens = _md().parse(escaped)
    if not _expected(text):
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert _shown(tokens[1]) == _expected(text)


def _check_list_item(text: str) -> None:
    if not _expected(text):
        return
    tokens = _md().parse(f"- {escape_md(text)}\n- next")
    inline = [t for t in tokens if t.type == "inline"]
    assert [t.type for t in tokens].count("list_item_open") == 2 and len(inline) == 2
    assert _shown(inline[0]) == _expected(text) and _shown(inline[1]) == "next"


def _check_table_cell(text: str) -> None:
    if not _expected(text):
        return
    tokens = _md().parse(f"| a | b |\n|---|---|\n| {escape_md(text)} | z |")
    cells = [t for t in tokens if t.type == "inline"]
    assert [t.type for t in tokens].count("td_open") == 2
    assert [_shown(c) for c in cells] == ["a", "b", _expected(text), "z"]


def _check_heading_and_emphasis(text: str) -> None:
    if not _expected(text):
        return
    tokens = _md().parse(f"### {escape_md(text)}\n\n**{escape_md(text)}** and *{escape_md(text)}*")
    assert [t.type for t in tokens][:3] == ["heading_open", "inline", "heading_close"]
    assert _shown(tokens[1]) == _expected(text)
    children = tokens[4].children or []
    assert [c.type for c in children if c.type.endswith("_open")] == ["strong_open", "em_open"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_stay_literal_text(text: str) -> None:
    _check_paragraph(text)
    _check_list_item(text)
    _check_table_cell(text)
    _check_heading_and_emphasis(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join) | st.text(max_size=40))
def test_any_string_stays_literal_text(text: str) -> None:
    _check_paragraph(text)
    _check_list_item(text)
    _check_table_cell(text)
    _check_heading_and_emphasis(text)


def test_escape_md_is_one_line_and_readable() -> None:
    assert escape_md("a *b* [c]_d\n e") == "a \\*b\\* \\[c\\]\\_d e"
    assert escape_md("Jean-Pierre met 2 envoys. AT&T, 3.5% - ok") == (
        "Jean-Pierre met 2 envoys. AT&T, 3.5% - ok"
    )
    assert escape_md("- x") == "\\- x" and escape_md("12. x") == "12\\. x"
    assert escape_md("\x1b]0;PWNED\x07\x1b[2JTalks") == "Talks"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/y>)\n\n## Upcoming meetings\n\n- **Fri 2024-03-08** · Fake Person",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<b>x</b>",
        "https://example.com/z>) [x](https://evil.example/)",
        "https://example.com/w>)[y](https://evil.example/)",
        "https://example.com/a b",
        "https://example.com/\x1b[2J",
        "https://example.com/\u202e",  # a format character (right-to-left override)
        "https://example.com/a\\>",
        "https:example.com",
        "https:///path",
        "http://[::1",
        "/relative/path",
        "",
        None,
    ],
)
def test_only_plain_http_urls_are_links(url: str | None) -> None:
    assert link_url(url) is None
    assert md_link("Story", url) == "Story"
    assert "](" not in md_link("[x]", url) and md_link("[x]", url) == "\\[x\\]"
    if url:
        tokens = _md().parse(f"1. {md_link('Story', url)} {md_autolink(url)}")
        assert not [c for t in tokens for c in t.children or [] if c.type == "link_open"]


@pytest.mark.parametrize(
    "url",
    ["https://example.com/", "http://n.test/a(b)_c*d?q=1&r=[2]#frag", "HTTPS://EXAMPLE.COM/x"],
)
def test_http_urls_are_links_with_escaped_labels(url: str) -> None:
    assert link_url(url) == url
    assert md_link("A *b* [c]", url) == f"[A \\*b\\* \\[c\\]](<{url}>)"
    assert md_autolink(url) == f"<{url}>"
    tokens = _md().parse(f"{md_link('A *b*', url)} {md_autolink(url)}")
    hrefs = [c.attrs["href"] for t in tokens for c in t.children or [] if c.type == "link_open"]
    assert len(hrefs) == 2
