import datetime as dt
import io
import json

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console
from rich.markdown import Markdown

from summarizer.daily.merge import MergedMeeting, SourceRef
from summarizer.daily.note import (
    ArticleInfo,
    Digest,
    FailedArticle,
    NoteLines,
    cleaned,
    digest_json,
    note_body,
    note_lines,
    render_note,
    split_meetings,
)
from summarizer.daily.tensions import MergedTension
from summarizer.schema import Location, Participant, Status, Usage, When
from summarizer.text.controls import clean_all, clean_controls

DAY = dt.date(2025, 3, 14)
CONFLICT = ["2025-03-17", "2025-03-18"]
A = Participant(name="Adaeze Okonkwo", title="Foreign Minister", country="Nigeria")
B = Participant(name="Henrik Lindqvist", country="Sweden")
REF1, REF2 = SourceRef(n=1, title="Wire", url="https://x.test/1"), SourceRef(n=2, title="Brief")


def _meeting(day: int | None, status: Status, refs: list[SourceRef], **kw: object) -> MergedMeeting:
    when = When(date=dt.date(2025, 3, day), precision="day") if day else When(text="soon")
    return MergedMeeting.model_validate(
        {
            "participants": [A, B],
            "when": when,
            "status": status,
            "sources": refs,
            "location": Location(city="Geneva"),
        }
        | kw
    )


def _digest(**kw: object) -> Digest:
    base: dict[str, object] = {
        "date": DAY,
        "model": "gpt-4o-mini",
        "prompt_hash": "abc123",
        "meetings": [
            _meeting(24, "scheduled", [REF1]),
            _meeting(17, "scheduled", [REF1, REF2], conflicts={"when": CONFLICT}),
            _meeting(12, "held", [REF2], agenda=["chips", "rail"]),
            _meeting(15, "cancelled", [REF2]),
            _meeting(None, "unknown", [REF2]),
        ],
        "tensions": [
            MergedTension(parties=["Sweden", "Nigeria"], issue="arms licences", sources=[REF1]),
            MergedTension(parties=["Nigeria", "Sweden"], issue="fishing", sources=[REF2]),
        ],
        "articles": [
            ArticleInfo(
                n=1,
                title="Wire",
                url="https://x.test/1",
                usage=Usage(total_tokens=900),
                cost_usd=0.0002,
            ),
            ArticleInfo(n=2, title="Brief [draft]", origin="in/2.txt", cached=True),
        ],
        "usage": Usage(prompt_tokens=800, completion_tokens=100, total_tokens=900),
        "cost_usd": 0.0002,
    }
    return Digest.model_validate(base | kw)


def test_front_matter_is_yaml_with_run_facts() -> None:
    note = render_note(_digest())
    meta = yaml.safe_load(note.split("---\n")[1])
    assert meta["date"] == DAY and meta["sources"] == 2 and meta["failed"] == 0
    assert meta["model"] == "gpt-4o-mini" and meta["prompt_hash"] == "abc123"
    assert meta["cost_usd"] == 0.0002 and meta["tokens"] == 900 and meta["tags"] == ["briefing"]


def test_sections_in_order_and_upcoming_sorted_by_date() -> None:
    note = render_note(_digest())
    heads = [line for line in note.splitlines() if line.startswith("## ")]
    assert heads == ["## Upcoming meetings", "## Meetings held", "## Cancelled / postponed",
                     "## Tensions", "## Sources"]  # fmt: skip
    upcoming = note.split("## Upcoming meetings")[1].split("## Meetings held")[0]
    assert upcoming.index("2025-03-17") < upcoming.index("2025-03-24") < upcoming.index("soon")
    assert "**Mon 2025-03-17** · Adaeze Okonkwo (Foreign Minister, Nigeria) and" in upcoming
    assert "[1] [2]\n  - ⚠️ sources disagree on when: 2025-03-17 vs 2025-03-18" in upcoming
    held = note.split("## Meetings held")[1].split("## Cancelled")[0]
    assert "agenda: chips; rail [2]" in held
    assert "2025-03-15" in note.split("## Cancelled / postponed")[1].split("## Tensions")[0]


def test_tensions_grouped_by_parties() -> None:
    tensions = render_note(_digest()).split("## Tensions")[1].split("## Sources")[0]
    assert tensions.count("### Nigeria · Sweden") == 1
    assert "- **arms licences** [1]" in tensions and "- **fishing** [2]" in tensions


def test_sources_and_reference_links() -> None:
    note = render_note(_digest())
    sources = note.split("## Sources")[1]
    assert "1. [Wire](<https://x.test/1>) — 900 tokens, $0.0002" in sources
    assert "2. Brief \\[draft\\] — in/2.txt, cached" in sources
    assert note.rstrip().endswith("[1]: <https://x.test/1>")


def test_failed_articles_listed_with_error() -> None:
    failed = FailedArticle(origin="in/3.txt", title=None, error="in/3.txt is empty — pass a file")
    note = render_note(_digest(failed=[failed]))
    assert "## Failed articles\n\n- in/3.txt: in/3.txt is empty — pass a file" in note
    assert "failed: 1" in note


def test_empty_day_says_none_reported() -> None:
    note = render_note(_digest(meetings=[], tensions=[], articles=[], cost_usd=None,
                               cost_note="no price known"))  # fmt: skip
    assert note.count("_None reported._") == 5
    assert "cost_usd: null" in note and "cost_note: no price known" in note


def test_split_meetings_unknown_status_goes_by_date() -> None:
    past = _meeting(10, "unknown", [REF1])
    future = _meeting(20, "unknown", [REF1])
    upcoming, held, off = split_meetings([past, future], DAY)
    assert (upcoming, held, off) == ([future], [past], [])


def test_note_body_drops_front_matter_and_renders_with_rich() -> None:
    body = note_body(render_note(_digest()))
    assert body.startswith("# Briefing 2025-03-14")
    out = io.StringIO()
    Console(file=out, width=80).print(Markdown(body))
    assert "Upcoming meetings" in out.getvalue() and "Adaeze Okonkwo" in out.getvalue()


def test_digest_json_uses_briefing_field_names() -> None:
    data = json.loads(digest_json(_digest()))
    meeting = data["meetings"][1]
    assert {"participants", "location", "when", "status", "format", "agenda", "evidence",
            "sources", "conflicts"} <= set(meeting)  # fmt: skip
    assert meeting["sources"][0] == {"n": 1, "title": "Wire", "url": "https://x.test/1"}
    assert Digest.model_validate(data) == _digest()


def test_a_staged_day_shows_its_tensions_like_any_other() -> None:
    staged = _digest(strategy="staged")
    assert staged.tensions  # the staged strategy extracts tensions too (its tension stage)
    note = render_note(staged)
    assert note.split("## Tensions\n\n", 1)[1].startswith("### ")
    empty = render_note(_digest(tensions=[], strategy="staged"))
    assert empty.split("## Tensions\n\n", 1)[1].startswith("_None reported._")


# --- hostile strings (issue 13 items 2-4) ---------------------------------------------------

INJECTED = "x\n\n## Upcoming meetings\n\n- **Fri 2024-03-08** · Fake Person [1]\n\n"
HOSTILE_URLS = [
    "https://x.test/y>)\n\n## Upcoming meetings\n\n- **Fri 2024-03-08** · Fake Person",
    "javascript:alert(1)",
    "https://x.test/z>) [x](https://evil.example/)",
    "https://x.test/w>)[y](https://evil.example/)",
    "https://x.test/a b",
    "https://x.test/a\\>",
]


def _tokens(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(markdown)


def _structure(markdown: str) -> tuple[list[str], list[str]]:
    """(heading texts, link targets) as a Markdown renderer (markdown-it, rich) sees them."""
    tokens = _tokens(markdown)
    shown = ["".join(c.content for c in t.children or []) for t in tokens]
    headings = [shown[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open"]
    inline = [c for t in tokens for c in t.children or []]
    return headings, [str(c.attrs["href"]) for c in inline if c.type == "link_open"]


def test_hostile_article_urls_are_no_links_and_open_no_section() -> None:
    articles = [ArticleInfo(n=i, title=f"Story {i}", url=u) for i, u in enumerate(HOSTILE_URLS, 1)]
    note = render_note(_digest(meetings=[], tensions=[], articles=articles))
    headings, links = _structure(note_body(note))
    assert headings == ["Briefing 2025-03-14", "Upcoming meetings", "Meetings held",
                        "Cancelled / postponed", "Tensions", "Sources"]  # fmt: skip
    assert links == []
    assert "Fake Person" not in note and "evil.example" not in note
    for i in range(1, len(HOSTILE_URLS) + 1):
        assert f"\n{i}. Story {i} — " in note


def test_hostile_strings_everywhere_stay_text() -> None:
    hostile = Participant(name=INJECTED, title="<b>x</b>", country="`code`")
    meeting = _meeting(17, "scheduled", [REF1], participants=[hostile, B],
                       location=Location(city="# Geneva", venue="| a | b |"),
                       agenda=["1. item", "~~gone~~ [z](https://evil.example/)"],
                       format={"context_event": "<script>alert(1)</script>"},
                       conflicts={"when": ["- a", "> b"]})  # fmt: skip
    tension = MergedTension(parties=["#Ukraine", "- Russia"], issue=INJECTED,
                            description="```\ncode\n```", sources=[REF1])  # fmt: skip
    article = ArticleInfo(
        n=1, title=f"[t](https://evil.example/) {INJECTED}", url="https://x.test/1"
    )
    failed = FailedArticle(origin="f.xml#2", title="## Failed", error="- x\n## y")
    note = render_note(_digest(meetings=[meeting], tensions=[tension], articles=[article],
                               failed=[failed]))  # fmt: skip
    headings, links = _structure(note_body(note))
    assert headings[:6] == ["Briefing 2025-03-14", "Upcoming meetings", "Meetings held",
                            "Cancelled / postponed", "Tensions", "#Ukraine · - Russia"]  # fmt: skip
    assert headings[6:] == ["Sources", "Failed articles"]
    assert links == ["https://x.test/1", "https://x.test/1", "https://x.test/1"]
    kinds = {c.type for t in _tokens(note_body(note)) for c in t.children or []}
    assert not kinds & {"html_inline", "code_inline", "s_open", "image"}
    blocks = {t.type for t in _tokens(note_body(note))}
    assert not blocks & {"fence", "code_block", "html_block", "table_open", "blockquote_open"}
    assert "- **Fri 2024-03-08** · Fake Person" not in note


def test_control_characters_never_reach_the_note() -> None:
    esc = "\x1b]0;PWNED\x07\x1b[2J"
    meeting = _meeting(17, "scheduled", [REF1], agenda=[f"{esc}grain"],
                       participants=[Participant(name=f"{esc}Adaeze Okonkwo"), B])  # fmt: skip
    tension = MergedTension(parties=[f"{esc}Sweden"], issue=f"{esc}arms", sources=[REF1])
    article = ArticleInfo(n=1, title=f"{esc}Wire", url="https://x.test/1", origin=f"{esc}o")
    failed = FailedArticle(origin=f"{esc}f", error=f"{esc}is empty")
    note = render_note(_digest(meetings=[meeting], tensions=[tension], articles=[article],
                               failed=[failed], model=f"{esc}gpt"))  # fmt: skip
    assert "\x1b" not in note and "\x07" not in note and "PWNED" not in note
    assert "Adaeze Okonkwo" in note and "1. [Wire](<https://x.test/1>)" in note
    out = io.StringIO()
    Console(file=out, width=100).print(Markdown(note_body(note)))
    assert "\x1b" not in out.getvalue() and "grain" in out.getvalue()


def test_cleaned_is_clean_all_and_copies_nothing_without_a_control_character() -> None:
    digest = _digest()
    assert cleaned(digest) is digest and clean_all(digest) == digest
    changed = [chr(c) for c in range(0xA0) if clean_controls(f"a{chr(c)}b") != f"a{chr(c)}b"]
    assert len(changed) == 63  # C0 but tab and newline (CR too), DEL, C1
    for char in changed:
        for digest in (_digest(model=f"gpt{char}"), _digest(failed=[FailedArticle(
            origin="o", error=f"bad \\{char}")])):  # fmt: skip
            assert cleaned(digest) == clean_all(digest) != digest, repr(char)
    alarm = _digest(model="a\\b\\f\\u0001")  # escaped backslashes: the slow way, same result
    assert cleaned(alarm) == alarm
    plain = _digest(model="Erdoğan\u2028 “gpt” \\ \u00a0 é\t\n")  # no control character
    assert cleaned(plain) is plain


def test_lines_rendered_ahead_give_the_same_note() -> None:
    digest = _digest()
    lines = NoteLines()
    note_lines(digest.meetings[:3], lines)
    note_lines(digest.articles, lines)
    assert len(lines.by_json) == len(lines.by_item) == 3 + len(digest.articles)
    stale = NoteLines({key: "stale" for key in lines.by_json})  # by content: the lines it writes
    assert render_note(digest, stale).count("stale") == 3 + len(digest.articles)
    assert render_note(digest, lines) == render_note(digest)
    same = digest.model_copy(deep=True)  # other objects, the same JSON: taken by their JSON
    assert render_note(same, lines) == render_note(digest)
    held = NoteLines(by_item={k: (i, j, "ahead!") for k, (i, j, _) in lines.by_item.items()})
    assert render_note(digest, held).count("ahead!") == 3 + len(digest.articles)  # the very items
    assert render_note(same, held) == render_note(digest)  # not theirs
    dirty = _digest(model="\x1b[2Jgpt", meetings=[_meeting(24, "scheduled", [REF1],
                    agenda=["\x1b]0;x\x07grain"])])  # fmt: skip
    ahead = NoteLines()
    note_lines(dirty.meetings, ahead)
    assert ahead == NoteLines() and render_note(dirty, ahead) == render_note(dirty)


def test_the_digest_json_from_items_made_ahead_is_the_digest_json() -> None:
    failed = FailedArticle(origin="in/x.txt", error="timed out\n  \"meetings\": []")
    digests = [_digest(), _digest(failed=[failed]), _digest(meetings=[], articles=[]),
               _digest(model="gpt\x1b\u2028é", tensions=[]), _digest(articles=[])]  # fmt: skip
    for digest in digests:
        for some in (digest.meetings[:2], digest.articles[:1], []):
            ahead = NoteLines()
            note_lines(some, ahead)
            note_lines(_digest().meetings, ahead)  # other objects: not taken
            assert digest_json(digest, ahead) == digest.model_dump_json(indent=2) + "\n"


def test_the_digest_json_given_finds_what_its_compact_json_does() -> None:
    for digest in (_digest(), _digest(model="gpt\x1b"), _digest(model="a\\b")):
        shown = digest_json(digest)
        assert cleaned(digest, shown) == cleaned(digest)
        assert (cleaned(digest, shown) is digest) == (cleaned(digest) is digest)
        assert render_note(digest, None, shown) == render_note(digest)
