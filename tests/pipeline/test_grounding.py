"""`summarizer.pipeline.grounding`: quotes and names must be found in the article."""

from __future__ import annotations

import pytest
from builders import MARR_ARTICLE as ARTICLE
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


@pytest.mark.parametrize(
    ("participant", "grounded"),
    [
        (Participant(name="Ines Marr"), True),
        (Participant(name="Hilmut Marr"), False),
        (Participant(name="Erdogan"), True),
        (Participant(name="Recep Erdogan"), True),  # parts of the name occur
        (Participant(name="Inez Marr", aliases=["Marr"]), False),  # the name itself must occur
        (Participant(name="Ines Marr", aliases=["Marr"]), True),
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
