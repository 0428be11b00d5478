"""Tests for `summarizer.pipeline.names`: fullest name forms, aliases, same person, merging."""

from __future__ import annotations

import pytest

from summarizer.pipeline.names import (
    canonicalize,
    dedupe_participants,
    name_forms,
    same_person,
    strip_honorifics,
    surname_match,
    titled_person,
)
from summarizer.schema import Participant

ARTICLE = (
    "BRUSSELS — U.S. Gen. Marta Okonkwo-Reyes met Valdonian Defence Minister Tomas Ilvesk "
    "on Thursday.\nWhen Okonkwo-Reyes arrived, Ilvesk's aides were waiting. Okonkwo told "
    'reporters the talks were "frank." Later, Okonkwo-Reye said she would return.\n'
    "On Friday Ilvesk will meet Mrs. Ines Okonkwo, a trade envoy, and Jüri Tamm-Saar."
)


def test_name_forms_cut_titles_and_sentence_words() -> None:
    texts = [f.text for f in name_forms(ARTICLE)]
    assert "Marta Okonkwo-Reyes" in texts
    assert "Tomas Ilvesk" in texts
    assert "Ines Okonkwo" in texts
    assert "Okonkwo-Reyes" in texts  # "When" stripped
    assert "Ilvesk" in texts  # possessive and "On Friday" stripped
    assert not any("Gen" in t or "Minister" in t for t in texts)


def test_canonicalize_finds_fullest_form_and_aliases() -> None:
    [p] = canonicalize([Participant(name="Okonkwo-Reyes", title="general")], ARTICLE)
    assert p.name == "Marta Okonkwo-Reyes"
    assert p.title == "general"
    assert p.aliases == ["Okonkwo-Reyes", "Okonkwo", "Okonkwo-Reye"]


def test_canonicalize_short_surname_that_two_people_share_stays() -> None:
    [p] = canonicalize([Participant(name="Okonkwo")], ARTICLE)
    assert p.name == "Okonkwo"  # Marta Okonkwo-Reyes or Ines Okonkwo: ambiguous, no guess


def test_canonicalize_strips_honorifics_and_keeps_only_occurring_aliases() -> None:
    person = Participant(name="Gen. Tomas Ilvesk", aliases=["Tom Ilvesk", "Ilvesk"])
    [p] = canonicalize([person], ARTICLE)
    assert p.name == "Tomas Ilvesk"
    assert p.aliases == ["Ilvesk"]


def test_canonicalize_given_name_selects_the_person() -> None:
    [p] = canonicalize([Participant(name="Ines Okonkwo-Reyes")], ARTICLE)
    assert p.name == "Ines Okonkwo"
    [q] = canonicalize([Participant(name="Marta Okonkwo")], ARTICLE)
    assert q.name == "Marta Okonkwo-Reyes"


def test_canonicalize_caps_and_dedupes_aliases() -> None:
    article = "Dr. Lena Vask spoke. " + " ".join(
        f"{v} said." for v in ["Vask", "VASK", "Vasks", "Vaske", "Vasko", "Vaskk", "Vassk", "Vaask"]
    )
    [p] = canonicalize([Participant(name="vask")], article)
    assert p.name == "Lena Vask"
    assert len(p.aliases) == 6
    assert len({a.casefold() for a in p.aliases}) == 6


def test_canonicalize_leaves_bodies_and_unknown_names() -> None:
    body = Participant(title="farm ministers", organization="EU")
    ghost = Participant(name="Pavel Novak")
    assert canonicalize([body, ghost], ARTICLE) == [body, ghost]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Okonkwo-Reyes", "Okonkwo", True),
        ("Marta Okonkwo-Reyes", "Okonkwo-Reye", True),
        ("Marta Okonkwo-Reyes", "Gen. Marta Okonkwo-Reyes", True),
        ("Marta Okonkwo", "Ines Okonkwo", False),
        ("M. Okonkwo", "Marta Okonkwo", True),
        ("Jüri Tamm-Saar", "Juri Tamm-Saar", True),
        ("Recep Erdoğan", "Erdogan", True),
        ("Tomas Ilvesk", "Marta Okonkwo-Reyes", False),
        ("Li", "Lin", False),
    ],
)
def test_same_person(a: str, b: str, same: bool) -> None:
    assert same_person(Participant(name=a), Participant(name=b)) is same
    assert same_person(Participant(name=b), Participant(name=a)) is same


def test_same_person_by_alias_and_bodies() -> None:
    a = Participant(name="Marta Okonkwo-Reyes", aliases=["MOR"])
    assert same_person(a, Participant(name="MOR"))
    body = Participant(organization="EU")
    assert same_person(body, Participant(organization="eu", title="ministers"))
    assert not same_person(body, Participant(organization="NATO"))
    assert not same_person(body, a)


def test_one_title_of_two_countries_or_bodies_is_two_sides() -> None:
    """The same title under two countries ("the Thai and the Cambodian military leaders") or two
    organizations is two sides; with one country, or none stated, it is one.
    """
    thai = Participant(title="military leaders", country="Thailand")
    assert not same_person(thai, Participant(title="military leaders", country="Cambodia"))
    assert same_person(thai, Participant(title="Military leaders", country="thailand"))
    assert same_person(thai, Participant(title="military leaders"))
    envoy = Participant(title="envoy", organization="EU")
    assert not same_person(envoy, Participant(title="envoy", organization="African Union"))
    assert len(dedupe_participants([thai, thai.model_copy(update={"country": "Cambodia"})])) == 2


def test_dedupe_participants_merges_one_person() -> None:
    merged = dedupe_participants(
        [
            Participant(name="Okonkwo-Reyes", country="United States"),
            Participant(name="Tomas Ilvesk"),
            Participant(name="Marta Okonkwo-Reyes", title="general", aliases=["Okonkwo-Reye"]),
        ]
    )
    assert [p.name for p in merged] == ["Marta Okonkwo-Reyes", "Tomas Ilvesk"]
    assert merged[0].aliases == ["Okonkwo-Reyes", "Okonkwo-Reye"]
    assert (merged[0].title, merged[0].country) == ("general", "United States")


@pytest.mark.parametrize(
    ("name", "stripped"),
    [("Gen. Marta Reyes", "Marta Reyes"), ("Mr Reyes", "Reyes"), ("Dr.", "Dr.")],
)
def test_strip_honorifics(name: str, stripped: str) -> None:
    assert strip_honorifics(name) == stripped


def test_surname_match() -> None:
    assert surname_match("Okonkwo", "Okonkwo-Reyes")
    assert surname_match("Okonkwo-Reye", "okonkwo-reyes")
    assert not surname_match("Li", "Libya")


def test_a_multi_word_surname_alone_is_the_same_person() -> None:
    full, short = Participant(name="Luiz Inacio Lula da Silva"), Participant(name="Lula da Silva")
    assert same_person(full, short) and same_person(short, full)
    assert not same_person(Participant(name="John Smith"), Participant(name="Jane Smith"))


def test_a_family_name_written_first_is_the_full_name() -> None:
    text = (
        "Party leader Chiang Kai-shek and Mao Zedong met in the city. Later that year Chiang "
        "and Mao talked again. Kim Jong Un and Kim Dae-jung met once; Kim spoke first. "
        "The Takasaki City Council met. Takasaki voted."
    )
    people = [Participant(name=n) for n in ("Chiang", "Mao", "Kim", "Takasaki")]
    assert [p.name for p in canonicalize(people, text)] == [
        "Chiang Kai-shek",
        "Mao Zedong",
        "Kim",  # two Kims: no answer
        "Takasaki",  # a council, not a person
    ]


def test_an_arabic_article_joins_the_name() -> None:
    text = "Sudanese President Omar Hassan al-Bashir met the envoy. Then al-Bashir left."
    assert "Omar Hassan al-Bashir" in [f.text for f in name_forms(text)]
    [p] = canonicalize([Participant(name="al-Bashir")], text)
    assert p.name == "Omar Hassan al-Bashir"


def test_a_titled_surname_or_a_longer_run_is_no_family_name() -> None:
    text = (
        "President Trump met Kim at the White House. The Trump Organization denied it. "
        "Trump said so. Xi Jinping met Biden. Xi Jinping Thought is taught. Xi said so. "
        "Will Hurd met the envoy."
    )
    people = [Participant(name="Trump"), Participant(name="Xi")]
    assert [p.name for p in canonicalize(people, text)] == ["Trump", "Xi Jinping"]
    assert "Will Hurd" in [f.text for f in name_forms(text)]


TITLED = (
    "Velorian Prime Minister Anna Reis flew to Skarn on Monday. Odd Lunde, the Skarnish Prime "
    "Minister, talked to the Velorian Prime Minister by phone. Lunde later met his Kestrian "
    "counterpart, Tomas Feldgren."
)


@pytest.mark.parametrize(
    ("title", "person"),
    [
        ("the Velorian Prime Minister", "Anna Reis"),  # the title before the name
        ("Skarnish Prime Minister", "Odd Lunde"),  # after it, as an apposition
        ("his Kestrian counterpart", None),  # whose counterpart depends on whose it is
        ("the Prime Minister", None),  # ends two people's titles: ambiguous
        ("the foreign minister", None),  # nobody is named so
        ("Velorian Prime Ministers", None),  # a plural is no one person
    ],
)
def test_a_title_is_the_one_person_the_article_names_with_it(
    title: str, person: str | None
) -> None:
    assert titled_person(title, TITLED) == person


def test_an_office_or_rank_before_a_name_is_no_part_of_it() -> None:
    text = (
        "Chief Constable Halvar Dunmore met the mayor on Monday. Representative Ines Varga "
        "and Imam Yusuf Adeyemi joined Lieutenant Colonel Mara Quist at the port."
    )
    texts = [f.text for f in name_forms(text)]
    assert texts == ["Halvar Dunmore", "Ines Varga", "Yusuf Adeyemi", "Mara Quist"]
