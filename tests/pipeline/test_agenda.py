"""`summarizer.pipeline.agenda`: the topics a sentence at or just after a meeting's lists,
read in code; `finalize.correct` adds them to the meeting's agenda with the listing sentence
as evidence. Our own sentences.
"""

from __future__ import annotations

from summarizer.pipeline.agenda import listed_topics
from summarizer.pipeline.article import Article
from summarizer.pipeline.finalize import correct
from summarizer.pipeline.mentions import MeetingMention
from summarizer.schema import Participant

MET = "Ana Lipovac met Johan Brekke in Ostvik on Monday."
LISTED = (
    "They discussed a number of issues including grain exports, the Keshet dam, and "
    "fishing quotas in the northern strait."
)


def test_the_next_sentence_lists_the_topics() -> None:
    topics, where = listed_topics(MET, f"{MET} {LISTED}")
    assert topics == ["grain exports", "Keshet dam", "fishing quotas in the northern strait"]
    assert where == LISTED


def test_a_list_ends_at_a_clause_and_skips_what_is_no_topic() -> None:
    text = (
        f"{MET} The agenda included grain exports, in the meeting hall, 40 ministries, "
        "and the Keshet dam, which has included the arrest of engineers, and fishing."
    )
    topics, _ = listed_topics(MET, text)
    assert topics == ["grain exports", "Keshet dam"]


def test_no_topics_from_a_list_of_countries_or_a_sentence_not_about_talks() -> None:
    countries = f"{MET} The talks had included China, Japan, Russia and Ghana."
    assert listed_topics(MET, countries) == ([], None)
    weather = f"{MET} Rain fell on Monday, Tuesday and Wednesday, including hail."
    assert listed_topics(MET, weather) == ([], None)
    said = f"{MET} They discussed grain exports, an aide said."
    assert listed_topics(MET, said) == ([], None)  # a source, not a second topic


def test_a_list_too_far_after_the_meeting_is_not_its_agenda() -> None:
    text = f"{MET} Prices rose. Markets fell. Shares slid. {LISTED}"
    assert listed_topics(MET, text) == ([], None)


def test_finalize_adds_the_listed_topics_and_their_sentence() -> None:
    people = [Participant(name="Ana Lipovac"), Participant(name="Johan Brekke")]
    mention = MeetingMention(
        participants=people, status="held", evidence=[MET], agenda=["Keshet dam"]
    )
    found = correct(mention, Article(text=f"{MET} {LISTED}"))  # the model's item is kept once
    assert found.agenda == ["Keshet dam", "grain exports", "fishing quotas in the northern strait"]
    assert found.evidence == [MET, LISTED]
