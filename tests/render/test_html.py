"""`summarizer.render.html`: highlighting at character offsets (overlaps, unicode, escaping),
the briefing page's content, and pages that stay text whatever the article or model says.

Pages are read back with the strict parser in tests/htmldom.py: an end tag that does not close
the open element fails, so a broken mark or table cannot pass.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from importlib import resources

import pytest
from builders import GOLD_ARTICLE, briefing, gold_briefing, meeting, provenance
from htmldom import Node, item_text, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.pipeline.article import Article
from summarizer.render.brief_page import briefing_page
from summarizer.render.html import (
    PALETTE,
    base_css,
    colour_css,
    environment,
    highlight,
    item_class,
    locate,
    page_js,
    render_page,
    safe_href,
)
from summarizer.schema import (
    Briefing,
    Location,
    MeetingFormat,
    Participant,
    Quote,
    Source,
    Tension,
    Usage,
    When,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = f"{SCRIPT} {IMG}"


def _quote(text: str, words: str) -> Quote:
    start = text.index(words)
    return Quote(text=words, start=start, end=start + len(words))


def _marks(fragment: str) -> Node:
    return parse(fragment)


# --- highlight ------------------------------------------------------------------------------


def test_one_span_is_one_mark_with_the_label_as_class_and_data() -> None:
    out = highlight("Ana met Ivan in Bonn.", [(0, 12, "m1")])
    assert str(out) == (
        '<mark class="hl hl-m1" data-item="m1" data-span="0">Ana met Ivan</mark> in Bonn.'
    )


def test_text_is_escaped_inside_and_outside_marks() -> None:
    text = "a <b>&\"' " + SCRIPT
    out = str(highlight(text, [(2, 5, "m1")]))
    assert "<b>" not in out and "<script>" not in out
    doc = _marks(out)
    assert doc.text == text
    assert [m.text for m in doc.find_all("mark")] == ["<b>"]


def test_a_label_is_escaped_in_attributes_and_made_a_safe_class() -> None:
    label = IMG
    doc = _marks(str(highlight("some text", [(0, 4, label)])))
    (mark,) = doc.find_all("mark")
    assert mark.attrs["data-item"] == label
    assert mark.classes() == {"hl", item_class(label)}
    assert re.fullmatch(r"hl-[A-Za-z0-9_-]+", item_class(label))
    assert not doc.find_all("img")


def test_overlapping_spans_nest_and_each_reads_as_its_own_text() -> None:
    text = "Dunford will meet Gerasimov in Baku on Thursday."
    spans = [(0, 27, "m1"), (18, 35, "m2"), (18, 27, "t1")]  # crossing, and one inside both
    doc = _marks(str(highlight(text, spans)))  # the strict parser fails on broken nesting
    assert doc.text == text
    for k, (start, end, label) in enumerate(spans):
        assert item_text(doc, label, span=str(k)) == text[start:end]
    # 'Gerasimov' is covered by all three: m1 outermost (earliest start), then m2, then t1
    inner = [
        m for m in doc.find_all("mark") if m.text == "Gerasimov" and not m.find_all("mark")[1:]
    ]
    assert inner and inner[0].attrs["data-item"] == "t1"
    outer = [m for m in doc.find_all("mark", data_item="m1") if "Gerasimov" in m.text]
    assert [n.attrs["data-item"] for n in outer[0].iter()] == ["m1", "m2", "t1"]


def test_same_span_twice_and_adjacent_spans() -> None:
    text = "alpha beta gamma"
    doc = _marks(str(highlight(text, [(0, 5, "m1"), (0, 5, "m2"), (5, 10, "t1")])))
    assert item_text(doc, "m1") == item_text(doc, "m2") == "alpha"
    assert item_text(doc, "t1") == " beta"
    assert doc.text == text


def test_spans_are_clipped_to_the_text_and_empty_ones_dropped() -> None:
    text = "short"
    doc = _marks(str(highlight(text, [(-3, 2, "a"), (3, 99, "b"), (4, 4, "c"), (9, 12, "d")])))
    assert item_text(doc, "a") == "sh" and item_text(doc, "b") == "rt"
    assert not doc.find_all("mark", data_item="c") and not doc.find_all("mark", data_item="d")
    assert doc.text == text


def test_offsets_are_characters_not_bytes_or_utf16_units() -> None:
    text = "Erdoğan 🇹🇷 met Ｍarr — «𝒜» in Zürich\u0301 on 星期四.\n\nNext paragraph."
    words = ["Erdoğan", "🇹🇷", "«𝒜»", "Zürich\u0301", "星期四", "Next paragraph"]
    spans = [(text.index(w), text.index(w) + len(w), f"m{i}") for i, w in enumerate(words)]
    out = str(highlight(text, spans))
    doc = _marks(out)
    assert doc.text == text
    for (_, _, label), word in zip(spans, words, strict=True):
        assert item_text(doc, label) == word
    assert ".\n\n<mark" in out  # paragraphs kept as they are (shown with white-space: pre-wrap)


def test_control_characters_are_dropped_but_offsets_still_hold() -> None:
    text = "a\x1b[2Jb Varga\x07 met Brandt"
    start = text.index("Varga")
    doc = _marks(str(highlight(text, [(start, start + 6, "m1")])))
    assert item_text(doc, "m1") == "Varga"
    assert "\x1b" not in doc.text and "\x07" not in doc.text


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=40),
    st.lists(st.tuples(st.integers(-2, 45), st.integers(-2, 45)), max_size=6),
)
def test_any_spans_give_well_formed_marks_over_the_exact_text(
    text: str, pairs: list[tuple[int, int]]
) -> None:
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\r]", "", text)  # controls: dropped, as tested
    spans = [(a, b, f"m{k % 3}") for k, (a, b) in enumerate(pairs)]
    doc = _marks(str(highlight(text, spans)))
    assert doc.text == text
    for k, (a, b, label) in enumerate(spans):
        s, e = max(0, a), min(len(text), b)
        assert item_text(doc, label, span=str(k)) == (text[s:e] if s < e else "")


def test_locate_uses_the_stored_offsets_then_the_text() -> None:
    text = "one two one two"
    assert locate(text, "one", 8, 11) == (8, 11)
    assert locate(text, "one", 4, 7) == (0, 3)  # offsets of something else: found by its text
    assert locate(text, "one", None, None) == (0, 3)
    assert locate(text, "three", 0, 5) is None
    assert locate(text, "", 0, 0) is None


# --- primitives -----------------------------------------------------------------------------


def test_environment_autoescapes_and_is_strict() -> None:
    env = environment()
    assert env.from_string("{{ x }}").render(x=SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render()


def test_templates_and_assets_ship_inside_the_package() -> None:
    folder = resources.files("summarizer.render").joinpath("templates")
    names = {p.name for p in folder.iterdir()}
    assert {"base.html.j2", "base.css", "page.js", "brief.html.j2", "daily.html.j2"} <= names


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("https://example.com/x y", None),
        ('https://example.com/"><img src=x onerror=alert(1)>', None),
        ("/relative/path", None),
        (None, None),
    ],
)
def test_safe_href_links_only_plain_http_urls(url: str | None, href: str | None) -> None:
    assert safe_href(url) == href


def test_the_page_script_is_the_only_one_allowed_to_run() -> None:
    page = render_page("base.html.j2", title="t")
    doc = parse(page)
    (script,) = doc.find_all("script")
    assert script.text == str(page_js())
    (meta,) = doc.find_all("meta", http_equiv="Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(script.text.encode()).digest()).decode()
    policy = meta.attrs["content"] or ""
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    with pytest.raises(ValueError, match="script"):
        render_page("base.html.j2", title="t", script="x = '</script>'")


def test_base_css_prints_and_fits_a_phone() -> None:
    css = str(base_css())
    assert "@media print" in css and "@media (max-width" in css and "pre-wrap" in css
    assert "url(" not in css and "@import" not in css  # nothing fetched


def test_each_label_gets_its_own_colour() -> None:
    rules = str(colour_css(["m1", "m2", "t1", "m1"]))
    assert rules.count("--hl") == 3
    assert f".hl-m1 {{ --hl: {PALETTE[0]}; }}" in rules and PALETTE[2] in rules


# --- the briefing page ----------------------------------------------------------------------

STRAW = (
    "Jack Straw, the British foreign secretary, met Sergei Ivanov in Moscow on Monday.\n\n"
    "The talks covered Iraq, an aide said. Britain and Russia remain at odds over Iraq.\n\n"
    "Mr Straw and Ivanov will meet again in London next month, the Foreign Office said."
)


def _straw_briefing() -> Briefing:
    straw, ivanov = (
        Participant(name="Jack Straw", title="foreign secretary"),
        Participant(name="Sergei Ivanov"),
    )
    first = meeting(
        [straw, ivanov],
        When(text="on Monday", date=dt.date(2024, 5, 6), precision="day"),
        location=Location(city="Moscow", country="Russia"),
        status="held",
        agenda=["Iraq"],
        format=MeetingFormat(modality="in_person", scope="bilateral"),
        evidence=[
            _quote(STRAW, "Jack Straw, the British foreign secretary, met Sergei Ivanov in Moscow"),
            _quote(STRAW, "The talks covered Iraq"),
        ],
    )
    again = meeting(
        [straw, ivanov],
        When(text="next month", date=dt.date(2024, 6, 1), precision="month"),
        city="London",
        status="scheduled",
        evidence=[_quote(STRAW, "Mr Straw and Ivanov will meet again in London next month")],
    )
    dispute = Tension(
        parties=["Britain", "Russia"],
        issue="Iraq",
        description="They disagree over Iraq.",
        evidence=[_quote(STRAW, "Britain and Russia remain at odds over Iraq")],
    )
    b = briefing([first, again], [dispute], title="Straw in Moscow", url="https://news.example/s")
    usage = Usage(prompt_tokens=1200, completion_tokens=345, total_tokens=1545)
    prov = provenance(model="qwen-1.5b", prompt_hash="0123abcd", strategy="staged", attempts=2)
    return b.model_copy(update={"provenance": prov.model_copy(update={"usage": usage})})


@pytest.fixture
def straw_page() -> tuple[Node, str, Briefing]:
    b = _straw_briefing()
    page = briefing_page([(Article(text=STRAW, origin="straw.txt"), b)])
    return parse(page), page, b


def test_every_evidence_span_is_a_mark_with_its_text(
    straw_page: tuple[Node, str, Briefing],
) -> None:
    doc, _, b = straw_page
    (body,) = doc.find_all("div", **{"class": "article-text"})
    assert body.text == STRAW  # the whole article, paragraphs and all
    items = [("m1", b.meetings[0]), ("m2", b.meetings[1]), ("t1", b.tensions[0])]
    spans = 0
    for label, value in items:
        for quote in value.evidence:
            pieces = [m for m in body.find_all("mark", data_item=label) if m.text == quote.text]
            assert pieces, (label, quote.text)
            assert STRAW[quote.start : quote.end] == quote.text
            spans += 1
    assert len({m.attrs["data-span"] for m in body.find_all("mark")}) == spans == 4


def test_side_panel_and_tables_target_the_marks(straw_page: tuple[Node, str, Briefing]) -> None:
    doc, _, _ = straw_page
    (panel,) = doc.find_all("aside")
    assert [e.attrs["data-target"] for e in panel.find_all(data_target=True)] == ["m1", "m2", "t1"]
    rows = doc.find_all("tr", data_target=True)
    assert [r.attrs["data-target"] for r in rows] == ["m1", "m2", "t1"]
    (section,) = doc.find_all("section", data_scope=True)
    assert section.find_all("mark", data_item="m1") and section.find_all(data_target="m1")


def test_meeting_table_has_every_field(straw_page: tuple[Node, str, Briefing]) -> None:
    doc, _, _ = straw_page
    first = doc.find_all("tr", data_target="m1")[0]
    cells = [" ".join(c.text.split()) for c in first.find_all("td")]
    assert cells[1] == "Jack Straw (foreign secretary) Sergei Ivanov"
    assert cells[2] == "Moscow, Russia"
    assert cells[3] == "“on Monday” → Mon 2024-05-06"  # the words as written, then the date
    assert cells[4:7] == ["held", "in person · bilateral", "Iraq"]
    later = doc.find_all("tr", data_target="m2")[0]
    assert "“next month” → June 2024" in " ".join(later.text.split())
    (tension,) = doc.find_all("tr", data_target="t1")
    assert [c.text for c in tension.find_all("td")][1:] == [
        "Britain, Russia",
        "Iraq",
        "They disagree over Iraq.",
    ]


def test_each_item_has_its_own_colour(straw_page: tuple[Node, str, Briefing]) -> None:
    doc, _, _ = straw_page
    style = "".join(s.text for s in doc.find_all("style"))
    colours = {
        label: re.search(rf"\.hl-{label} \{{ --hl: (#[0-9a-f]+); \}}", style)
        for label in ("m1", "m2", "t1")
    }
    assert all(colours.values())
    assert len({m.group(1) for m in colours.values() if m}) == 3


def test_provenance_footer(straw_page: tuple[Node, str, Briefing]) -> None:
    doc, _, _ = straw_page
    (footer,) = doc.find_all("footer")
    (dl,) = footer.find_all("dl")
    terms = [t.text for t in dl.find_all("dt")]
    values = dict(zip(terms, (" ".join(d.text.split()) for d in dl.find_all("dd")), strict=True))
    assert values["Model"] == "qwen-1.5b (fake, fake)"
    assert values["Prompt"] == "briefing-v1 0123abcd"
    assert values["Strategy"] == "staged" and values["Attempts"] == "2"
    assert values["Tokens"] == "1,545 (1,200 prompt, 345 completion)"


def test_page_is_self_contained(straw_page: tuple[Node, str, Briefing]) -> None:
    doc, page, _ = straw_page
    assert page.startswith("<!DOCTYPE html>")
    assert not doc.find_all("link") and not doc.find_all("img") and not doc.find_all("iframe")
    assert all("src" not in n.attrs for n in doc.iter())
    (script,) = doc.find_all("script")
    assert script.text == str(page_js())
    links = [a.attrs["href"] for a in doc.find_all("a")]
    assert links == ["https://news.example/s"]  # the source; nothing else leaves the page


def test_quote_not_at_its_offsets_is_found_by_text_or_listed_apart() -> None:
    text = "Ana Duarte met Ivan Petrov in Bonn on Friday."
    moved = Quote(text="Ivan Petrov", start=0, end=11)  # stale offsets: found by its text
    lost = Quote(text="They signed a treaty.", start=3, end=24)
    m = meeting(
        [Participant(name="Ana Duarte"), Participant(name="Ivan Petrov")],
        evidence=[moved, lost],
    )
    doc = parse(briefing_page([(Article(text=text), briefing([m]))]))
    (body,) = doc.find_all("div", **{"class": "article-text"})
    assert item_text(body, "m1") == "Ivan Petrov" and body.text == text
    quotes = doc.find_all("blockquote")
    assert [q.text for q in quotes] == ["They signed a treaty."]
    assert quotes[0].find_all("mark", data_item="m1")


def test_several_articles_are_one_section_each_with_their_own_labels() -> None:
    one = (Article(text=GOLD_ARTICLE, title="Generals"), gold_briefing())
    two = (Article(text=STRAW, title="Straw"), _straw_briefing())
    doc = parse(briefing_page([one, two]))
    sections = doc.find_all("section", data_scope=True)
    assert [s.attrs["id"] for s in sections] == ["article-1", "article-2"]
    assert item_text(sections[0], "m1") == "Joseph Dunford will meet Valery Gerasimov"
    assert item_text(sections[1], "t1") == "Britain and Russia remain at odds over Iraq"
    assert [a.attrs["href"] for a in doc.find_all("nav")[0].find_all("a")] == [
        "#article-1",
        "#article-2",
    ]
    assert len(doc.find_all("dl", **{"class": "provenance"})) == 2
    with pytest.raises(ValueError, match="at least one"):
        briefing_page([])


def test_no_meetings_says_so() -> None:
    doc = parse(briefing_page([(Article(text="Wheat prices rose."), briefing(summary="-"))]))
    assert "No meetings stated in this article." in doc.text
    assert not doc.find_all("mark")


# --- hostile input --------------------------------------------------------------------------


def hostile_briefing(text: str) -> Briefing:
    """A briefing whose every model string carries script and an attribute break-out."""
    person = Participant(
        name=f"Ana {IMG}", aliases=[SCRIPT], title=SCRIPT, organization=IMG, country=HOSTILE
    )
    m = meeting(
        [person, Participant(name="Ivan <b onmouseover=alert(1)>Petrov</b>")],
        When(text=f"Friday {SCRIPT}", date=dt.date(2024, 5, 10), precision="day", time=IMG),
        location=Location(venue=SCRIPT, city=IMG, country="javascript:alert(1)"),
        status="held",
        format=MeetingFormat(context_event=HOSTILE),
        agenda=[SCRIPT, IMG, "<a href='javascript:alert(1)'>click</a>"],
        evidence=[_quote(text, SCRIPT), _quote(text, IMG)],
    )
    t = Tension(
        parties=[SCRIPT, IMG],
        issue=HOSTILE,
        description=f"<style>body{{display:none}}</style>{IMG}",
        evidence=[_quote(text, IMG)],
    )
    b = briefing([m], [t], summary=HOSTILE, title=HOSTILE, url="javascript:alert(1)")
    prov = provenance(model=SCRIPT, prompt_hash=IMG, backend=IMG, strategy=SCRIPT)
    return b.model_copy(
        update={"provenance": prov, "source": Source(title=HOSTILE, url=f"https://x.example/{IMG}")}
    )


HOSTILE_TEXT = (
    f"Ana met Ivan.\n\nHe wrote {SCRIPT} on the wall, and then {IMG} too.\n"
    '<a href="javascript:alert(1)">link</a> <iframe src=//evil.example></iframe>'
)


def assert_inert(doc: Node, *, script: str) -> None:
    """The parsed page runs nothing but `script`, loads nothing, links no javascript: URL."""
    scripts = doc.find_all("script")
    assert [s.text for s in scripts] == [script], "an injected <script> element"
    for node in doc.iter():
        handlers = [a for a in node.attrs if a.startswith("on")]
        assert not handlers, f"<{node.tag}> has event handler attributes {handlers}"
        assert "src" not in node.attrs, f"<{node.tag} src> would load something"
    assert not doc.find_all("img") and not doc.find_all("iframe") and not doc.find_all("b")
    for a in doc.find_all("a"):
        href = (a.attrs.get("href") or "").strip().lower()
        assert href.startswith(("http://", "https://", "#")), f"a link to {href!r}"
        assert "javascript:" not in href and "<" not in href and '"' not in href
    assert len(doc.find_all("style")) == 1


def test_hostile_article_and_model_fields_render_as_text() -> None:
    b = hostile_briefing(HOSTILE_TEXT)
    page = briefing_page([(Article(text=HOSTILE_TEXT, title=SCRIPT, url="javascript:x"), b)])
    doc = parse(page)
    assert_inert(doc, script=str(page_js()))
    (body,) = doc.find_all("div", **{"class": "article-text"})
    assert body.text == HOSTILE_TEXT  # shown as the words it is
    assert item_text(body, "m1", span="0") == SCRIPT and item_text(body, "t1") == IMG
    shown = doc.text
    for words in (f"Ana {IMG}", "Ivan <b onmouseover=alert(1)>Petrov</b>", "javascript:alert(1)"):
        assert words in shown
    assert doc.find_all("title")[0].text == HOSTILE
    # the javascript: source URL is shown as text, never linked
    assert not [a for a in doc.find_all("a") if "alert" in (a.attrs.get("href") or "")]
