"""Tests for `summarizer.pipeline.grounding`: quotes and names must be found in the article."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from summarizer.pipeline import grounding
from summarizer.pipeline.grounding import (
    GroundedBriefingDraft,
    check_draft,
    grounding_rate,
    locate,
    participant_grounded,
)
from summarizer.schema import BriefingDraft, MeetingDraft, Participant, Quote, TensionDraft
from summarizer.text.fold import name_in_article
from summarizer.text.normalize import find_quote, normalize
from summarizer.text.sentences import sentences

ARTICLE = (
    "ANKARA \u2014 President Recep Tayyip Erdo\u011fan met  Valdonian envoy Ines Marr "
    "on Thursday.\n"
    "\u201cWe agreed  to keep talking,\u201d Marr said \u2013 adding that the\n"
    "border dispute remained open. Farm ministers of the EU will meet in Libya next week.\n"
)


def test_normalize_maps_each_char_to_its_original_index() -> None:
    text, index = normalize("a  \u201cb\u201d \u2014 c")
    assert text == 'a "b" - c'
    assert len(index) == len(text)
    assert [index[i] for i in (0, 1, 2, 3, 6, 8)] == [0, 1, 3, 4, 7, 9]


def test_normalize_composes_nfc_and_keeps_case() -> None:
    text, index = normalize("Erdog\u0306an SAID")
    assert text == "Erdo\u011fan SAID"
    assert index[5] == 6


@pytest.mark.parametrize(
    "quote",
    [
        '"We agreed to keep talking," Marr said',  # straight quotes, single spaces
        "We agreed to keep talking",
        "We agreed to keep talking.",  # model added a period
        "Marr said - adding that the border dispute remained open",  # hyphen for en dash
        "adding that the border dispute remained open",  # model dropped the period
        "  Farm ministers of the EU will meet in Libya next week.  ",
        "\u201cWe agreed to keep talking,\u201d",
        "the\nborder dispute",
    ],
)
def test_find_quote_tolerates_normalized_differences(quote: str) -> None:
    assert find_quote(ARTICLE, quote) is not None


@pytest.mark.parametrize(
    "quote",
    [
        "We agreed to stop talking",  # one word changed
        "we agreed to keep talking",  # case is not normalized
        "We agreed ... talking",  # no ellipses
        " agreed to keep talkin",  # cuts a word
        "",
        '  ""  ',
    ],
)
def test_find_quote_rejects(quote: str) -> None:
    assert find_quote(ARTICLE, quote) is None


def test_offsets_slice_the_original_text() -> None:
    start, end = find_quote(ARTICLE, '"We agreed to keep talking," Marr said') or (0, 0)
    assert ARTICLE[start:end] == "We agreed  to keep talking,\u201d Marr said"
    start, end = find_quote(ARTICLE, "Erdogan met Valdonian") or (0, 0)
    assert (start, end) == (0, 0)  # diacritics count for quotes
    start, end = find_quote(ARTICLE, "Erdo\u011fan met Valdonian") or (0, 0)
    assert ARTICLE[start:end] == "Erdo\u011fan met  Valdonian"


def test_offsets_with_trailing_period_tolerance() -> None:
    span = find_quote(ARTICLE, "the border dispute remained open,")
    assert span is not None
    assert ARTICLE[span[0] : span[1]] == "the\nborder dispute remained open"


def test_find_quote_skips_occurrences_inside_words() -> None:
    assert find_quote("Libyan talks. Li talks.", "Li talks") == (14, 22)


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Recep Tayyip Erdogan", True),
        ("ERDOĞAN", True),
        ("Erdogan", True),
        ("Ines Marr", True),
        ("Li", False),  # not inside "Libya"
        ("Libya", True),
        ("Ines  Marr", True),
        ("Ines Mar", False),
        ("", False),
    ],
)
def test_name_in_article(name: str, found: bool) -> None:
    assert name_in_article(name, ARTICLE) is found


@pytest.mark.parametrize(
    ("participant", "grounded"),
    [
        (Participant(name="Ines Marr"), True),
        (Participant(name="Hilmut Marr"), False),
        (Participant(name="Erdogan"), True),
        (Participant(name="Recep Erdogan"), True),  # parts of the name occur
        (Participant(name="Inez Marr", aliases=["Marr"]), True),
        (Participant(name=None, title="farm ministers", organization="EU"), True),
        (Participant(name=None, title="EU farm ministers"), True),
        (Participant(name=None, title="EU finance ministers"), False),
        (Participant(name=None, organization="African Union"), False),
        (Participant(name=None, title="Farm minister of the EU"), True),
    ],
)
def test_participant_grounded(participant: Participant, grounded: bool) -> None:
    assert participant_grounded(participant, ARTICLE) is grounded


def _draft(**meeting: object) -> dict[str, object]:
    people = [{"name": "Ines Marr"}, {"name": "Hilmut Kohl"}]
    base: dict[str, object] = {"participants": people, "evidence": ["We agreed to keep talking"]}
    return {"summary": "Talks.", "meetings": [base | meeting], "tensions": []}


def test_check_draft_names_field_paths() -> None:
    draft = BriefingDraft.model_validate(_draft(evidence=["We agreed to keep talking", "Nope."]))
    draft.tensions.append(
        TensionDraft(parties=["Valdonia"], issue="border", evidence=["The border is shut"])
    )
    problems = check_draft(draft, ARTICLE)
    assert [p.split(" The closest sentence")[0] for p in problems] == [
        'meetings[0].participants[1]: name "Hilmut Kohl" does not occur in the article; '
        "use the spelling the article uses",
        'meetings[0].evidence[1]: quote not found verbatim in the article: "Nope." '
        "— copy a whole sentence exactly, word for word.",
        'tensions[0].evidence[0]: quote not found verbatim in the article: "The border is shut" '
        "— copy a whole sentence exactly, word for word.",
    ]


def test_check_draft_reports_invented_bodies() -> None:
    meeting = MeetingDraft(
        participants=[Participant(name="Ines Marr"), Participant(organization="Arctic Council")]
    )
    draft = BriefingDraft(summary="x", meetings=[meeting])
    assert check_draft(draft, ARTICLE) == [
        'meetings[0].participants[1]: body "Arctic Council" does not occur in the article; '
        "use the article's words for the organization or title"
    ]


def test_grounded_draft_validator_raises_every_problem() -> None:
    with pytest.raises(ValidationError) as info:
        GroundedBriefingDraft.model_validate(
            _draft(evidence=["We agreed to stop talking"]), context={"article": ARTICLE}
        )
    message = str(info.value)
    assert 'meetings[0].participants[1]: name "Hilmut Kohl"' in message
    expected = 'meetings[0].evidence[0]: quote not found verbatim in the article: "We agreed'
    assert f'{expected} to stop talking" — copy a whole sentence exactly, word for word.' in message


def test_grounded_draft_passes_when_grounded_or_without_context() -> None:
    good = _draft(participants=[{"name": "Ines Marr"}, {"name": "Erdogan"}])
    assert GroundedBriefingDraft.model_validate(good, context={"article": ARTICLE})
    assert GroundedBriefingDraft.model_validate(_draft())  # no context: grounding skipped


def test_grounded_draft_keeps_the_tool_name() -> None:
    assert GroundedBriefingDraft.model_json_schema()["title"] == "BriefingDraft"


def test_locate_replaces_text_with_the_article_slice() -> None:
    quotes = locate(['"We agreed to keep talking," Marr said', "invented"], ARTICLE)
    assert len(quotes) == 1
    quote = quotes[0]
    assert quote.start is not None and quote.end is not None
    assert quote.text == ARTICLE[quote.start : quote.end]
    assert quote.text.startswith("We agreed  to keep")


def test_grounding_rate() -> None:
    assert grounding_rate([], ARTICLE) == 1.0
    assert grounding_rate(["We agreed to keep talking", Quote(text="invented")], ARTICLE) == 0.5


WORDS = ["talks", "Erdo\u011fan", "“border”", "ministers", "—", "said,", "don’t", "EU", "Li"]
SPACES = [" ", "  ", "\n", " \t"]


@given(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SPACES)), min_size=1, max_size=30),
    st.data(),
)
def test_any_substring_of_words_is_found(pairs: list[tuple[str, str]], data: st.DataObject) -> None:
    article = "".join(word + space for word, space in pairs)
    i = data.draw(st.integers(0, len(pairs) - 1))
    j = data.draw(st.integers(i + 1, len(pairs)))
    quote = " ".join(word for word, _ in pairs[i:j])
    span = find_quote(article, quote)
    assert span is not None
    found = normalize(article[span[0] : span[1]])[0]
    wanted = normalize(quote)[0].strip("\"' ")
    assert found in (wanted, wanted.rstrip(".,;:").rstrip("\"' "))


ARTICLE_SNAP = (
    "Officials said the U.S. envoy, Mara Quill, will meet the premier on Friday. "
    "Talks are expected to cover grain exports."
)


def test_near_verbatim_quote_snaps_to_the_article_sentence() -> None:
    sloppy = "Officials said the U. S. envoy Mara Quill will meet the premier on Friday."
    assert grounding.snap_quote(ARTICLE_SNAP, sloppy) == (
        "Officials said the U.S. envoy, Mara Quill, will meet the premier on Friday."
    )


def test_paraphrase_is_not_snapped_and_error_names_closest_sentence() -> None:
    paraphrase = "Mara Quill and the premier meet Friday about grain."
    assert grounding.snap_quote(ARTICLE_SNAP, paraphrase) is None
    (problem,) = grounding._quote_problems("meetings[0].evidence", [paraphrase], ARTICLE_SNAP)
    assert "meetings[0].evidence[0]" in problem
    assert "closest sentence in the article is" in problem


def test_sentences_split_on_terminal_punctuation_and_lines() -> None:
    assert sentences('He said "Yes." Then left.\nNew line') == [
        'He said "Yes."',
        "Then left.",
        "New line",
    ]


MIXED = list("ab .-'`\"\t\n\xa0\u2009éø“”—−\u0301Å\u212b\u1100\u1161")


@given(st.text(alphabet=st.sampled_from(MIXED)))
def test_normalize_fast_path_equals_character_by_character(text: str) -> None:
    # a trailing invisible character forces the per-character path and adds nothing
    assert normalize(text) == normalize(text + "\u200b")
