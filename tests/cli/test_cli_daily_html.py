"""`summarizer daily --html`: DATE.html beside DATE.md (timeline, meetings with their sources,
tensions, each source article with its evidence marked), written by the note's rules (atomic,
an edited page kept), never read back as a source, and inert whatever the articles say.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from builders import EXAMPLES, invoke, openai_at
from htmldom import Node, parse

from summarizer.daily.merge import CitedQuote, MergedMeeting, SourceRef
from summarizer.daily.note import ArticleInfo, Digest, render_html
from summarizer.render.html import page_js
from summarizer.schema import Participant, When
from summarizer.testing.server import FakeOpenAIServer, Reply

DAY = "2025-03-14"


def _daily(out: Path, server: FakeOpenAIServer, *extra: object) -> list[object]:
    sources = [str(EXAMPLES), str(EXAMPLES / "feed.xml")]
    return ["daily", *sources, "--date", DAY, "--out", out, *openai_at(server), *extra]


def _spans(section: Node) -> dict[tuple[str, str], str]:
    """(data-item, data-span) -> that span's text, from the marks inside `section`."""
    pieces: dict[tuple[str, str], str] = {}
    seen: set[int] = set()
    for mark in section.find_all("mark", data_item=True):
        key = (mark.attrs["data-item"] or "", mark.attrs["data-span"] or "")
        # a mark's own text, without the text of marks of the same span nested in it (none)
        if id(mark) not in seen:
            pieces[key] = pieces.get(key, "") + mark.text
        seen.update(id(n) for n in mark.iter() if n is not mark and n.attrs == mark.attrs)
    return pieces


def test_daily_html_shows_the_day_with_every_quote_marked_in_its_source(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = invoke(*_daily(out, examples_server, "--html"))
    assert result.exit_code == 0, result.output
    page = out / f"{DAY}.html"
    assert f"wrote {page}" in result.stderr
    assert (out / f"{DAY}.md").exists()
    doc = parse(page.read_text(encoding="utf-8"))
    digest = json.loads((out / f"{DAY}.digest.json").read_text())

    # timeline: dated meetings by date, earliest first
    days = [li.attrs["data-date"] for li in doc.find_all("li", data_date=True)]
    assert days == sorted(days) and "2025-03-17" in days and "2025-03-24" in days
    timeline = doc.find_all("section", id="timeline")[0]
    assert len(timeline.find_all("li", data_target=True)) == len(digest["meetings"])

    # the meetings table: one row per merged meeting, with the sources it was merged from
    rows = doc.find_all("tr", data_target=True)
    meetings = [r for r in rows if (r.attrs["data-target"] or "").startswith("m")]
    assert len(meetings) == len(digest["meetings"]) == 5
    for row, m in zip(meetings, digest["meetings"], strict=True):
        cited = [a.attrs["href"] for a in row.find_all("a", **{"class": "cite"})]
        assert cited == [f"#source-{s['n']}" for s in m["sources"]]
    geneva = next(r for r in meetings if "sources disagree on when" in r.text)
    assert [a.text for a in geneva.find_all("a")] == ["[1]", "[2]", "[3]", "[6]"]
    tensions = [r for r in rows if (r.attrs["data-target"] or "").startswith("t")]
    assert len(tensions) == len(digest["tensions"])

    # every quote of every meeting and tension is a mark in its source's text
    sections = {s.attrs["data-source"]: s for s in doc.find_all("section", data_source=True)}
    assert sorted(sections, key=int) == [str(a["n"]) for a in digest["articles"]]
    kinds = [("m", m) for m in digest["meetings"]] + [("t", t) for t in digest["tensions"]]
    counts = {"m": 0, "t": 0}
    for kind, value in kinds:
        counts[kind] += 1
        label = f"{kind}{counts[kind]}"
        for quote in value["evidence"]:
            section = sections[str(quote["source"])]
            assert section.find_all("div", **{"class": "article-text"}), quote["source"]
            texts = [t for (item, _), t in _spans(section).items() if item == label]
            assert quote["text"] in texts, (label, quote)

    footer = " ".join(doc.find_all("footer")[0].text.split())
    assert "Modelfake" in footer and "Strategywhole" in footer and "Prompt hash" in footer
    assert [s.text for s in doc.find_all("script")] == [str(page_js())]


def test_a_rerun_writes_the_same_page(examples_server: FakeOpenAIServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke(*_daily(out, examples_server, "--html")).exit_code == 0
    page = (out / f"{DAY}.html").read_bytes()
    (out / f"{DAY}.html").unlink()
    again = invoke(*_daily(out, examples_server, "--html"))
    assert again.exit_code == 0, again.output
    assert (out / f"{DAY}.html").read_bytes() == page  # the texts too: not quotes alone
    assert b'class="article-text"' in page


def test_no_html_without_the_flag(examples_server: FakeOpenAIServer, tmp_path: Path) -> None:
    assert invoke(*_daily(tmp_path, examples_server)).exit_code == 0
    assert not (tmp_path / f"{DAY}.html").exists()


def test_an_edited_page_is_kept_unless_force(tmp_path: Path) -> None:
    args = ["daily", EXAMPLES, "--backend", "fake", "--date", DAY, "--out", tmp_path, "--html"]
    assert invoke(*args).exit_code == 0
    page = tmp_path / f"{DAY}.html"
    page.write_text(page.read_text() + "<!-- my notes -->")
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "my notes" in page.read_text()
    assert (tmp_path / f"{DAY}.new.html").read_text().startswith("<!DOCTYPE html>")
    assert f"{page} was edited by you; kept it and wrote {DAY}.new.html" in result.stderr
    assert invoke(*args, "--force").exit_code == 0
    assert "my notes" not in page.read_text()


def test_our_own_page_in_the_source_folder_is_not_an_article(tmp_path: Path) -> None:
    folder = tmp_path / "day"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.xml"))
    args = ["daily", folder, "--backend", "fake", "--out", folder, "--html"]
    assert invoke(*args, "--date", "2025-03-13").exit_code == 0
    result = invoke(*args, "--date", DAY)
    assert result.exit_code == 0, result.output
    assert "note: skipped 2 notes this command wrote in " in result.stderr
    assert "sources: 5\n" in (folder / f"{DAY}.md").read_text()


def test_kept_previous_files_keep_the_previous_page(
    examples_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert invoke(*_daily(out, examples_server, "--html")).exit_code == 0
    page = (out / f"{DAY}.html").read_bytes()
    examples_server.set_script([Reply(status=500, error="down")])
    result = invoke(*_daily(out, examples_server, "--html", "--no-cache"))
    assert result.exit_code == 4 and "kept the previous" in result.stderr
    assert (out / f"{DAY}.html").read_bytes() == page


def test_without_the_texts_the_page_shows_each_sources_quotes() -> None:
    ref = SourceRef(n=1, title="Wire", url="https://news.example/1")
    m = MergedMeeting(
        participants=[Participant(name="Ana Duarte"), Participant(name="Ivan Petrov")],
        when=When(text="on Friday", date=dt.date(2025, 3, 14), precision="day"),
        evidence=[CitedQuote(text="Ana Duarte met Ivan Petrov", start=0, end=26, source=1)],
        sources=[ref],
    )
    digest = Digest(
        date=dt.date(2025, 3, 14),
        meetings=[m],
        articles=[ArticleInfo(n=1, title="Wire", url="https://news.example/1")],
    )
    doc = parse(render_html(digest))
    (section,) = doc.find_all("section", data_source="1")
    assert not section.find_all("div", **{"class": "article-text"})
    (quote,) = section.find_all("blockquote")
    assert [mk.text for mk in quote.find_all("mark", data_item="m1")] == [
        "Ana Duarte met Ivan Petrov"
    ]
    assert "not available" in section.text
    (today,) = doc.find_all("li", **{"class": "day is-today"})
    assert today.find_all("li", data_target="m1")
    # with the text, the same quote is marked at its offsets
    text = "Ana Duarte met Ivan Petrov in Bonn on Friday."
    doc = parse(render_html(digest, {1: text}))
    (body,) = doc.find_all("div", **{"class": "article-text"})
    assert body.text == text and [mk.text for mk in body.find_all("mark")] == [
        "Ana Duarte met Ivan Petrov"
    ]


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def test_hostile_articles_and_answers_render_as_text(
    fake_server: FakeOpenAIServer, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = f"Lena Varga met Tomas Brandt in Vienna {SCRIPT} on Friday, aides said {IMG}."
    title = f"{SCRIPT}{IMG}"
    (folder / "evil.txt").write_text(
        f"---\ntitle: '{title}'\nurl: javascript:alert(1)\n---\n{text}\n"
    )
    draft = {
        "summary": SCRIPT,
        "meetings": [
            {
                "participants": [
                    {"name": "Lena Varga", "title": SCRIPT},
                    {"name": "Tomas Brandt", "organization": IMG},
                ],
                "location": {"city": "Vienna", "venue": IMG},
                "when": {"text": "on Friday"},
                "status": "held",
                "agenda": [SCRIPT, IMG],
                "evidence": [f"Lena Varga met Tomas Brandt in Vienna {SCRIPT} on Friday"],
            }
        ],
        "tensions": [{"parties": [SCRIPT], "issue": IMG, "evidence": [f"aides said {IMG}"]}],
    }
    fake_server.set_script([Reply(content=draft)])
    out = tmp_path / "out"
    args = ["daily", folder, "--date", DAY, "--out", out, "--html", *openai_at(fake_server)]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    doc = parse((out / f"{DAY}.html").read_text())
    assert [s.text for s in doc.find_all("script")] == [str(page_js())]
    assert not [n for n in doc.iter() if any(a.startswith("on") for a in n.attrs)]
    assert not doc.find_all("img")
    hrefs = [a.attrs.get("href") or "" for a in doc.find_all("a")]
    assert all(h.startswith(("http://", "https://", "#")) for h in hrefs), hrefs
    (section,) = doc.find_all("section", data_source="1")
    assert SCRIPT in section.text and IMG in section.text and title in section.text
    marks = [m.text for m in section.find_all("mark", data_item="m1")]
    assert any(SCRIPT in t for t in marks)
