import datetime as dt
import functools
import random

from builders import briefing, meeting

from summarizer.daily.day_merge import DayMerge
from summarizer.daily.merge import (
    SourceRef,
    dates_compatible,
    merge_meetings,
    places_compatible,
    same_meeting,
    sides_match,
    union_phrases,
)
from summarizer.daily.tensions import merge_tensions
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    Participant,
    Precision,
    Quote,
    Tension,
    When,
)

OKONKWO = Participant(name="Adaeze Okonkwo", country="Nigeria", title="Foreign Minister")
LINDQVIST = Participant(name="Henrik Lindqvist", country="Sweden", title="Foreign Minister")
LINDQUIST = Participant(name="Henrik Lindquist", country="Sweden")
SWEDISH_FM = Participant(title="foreign minister", country="Sweden")
MELNYK = Participant(name="Taras Melnyk", country="Ukraine")


def _day(day: int, precision: Precision = "day") -> When:
    return When(date=dt.date(2025, 3, day), precision=precision)


_meeting = functools.partial(meeting, city="Geneva")  # the talks are in Geneva unless said


def _items(*briefings: Briefing) -> list[tuple[SourceRef, Briefing]]:
    return [(SourceRef(n=n, title=f"a{n}"), b) for n, b in enumerate(briefings, 1)]


def test_different_spellings_merge_and_cite_both_sources() -> None:
    merged = merge_meetings(
        _items(
            briefing([_meeting([OKONKWO, LINDQVIST], _day(17), agenda=["grain shipments"])]),
            briefing([_meeting([LINDQUIST, OKONKWO], _day(17), agenda=["maritime security"])]),
        )
    )
    assert len(merged) == 1
    (m,) = merged
    assert [s.n for s in m.sources] == [1, 2]
    assert [p.name for p in m.participants] == ["Adaeze Okonkwo", "Henrik Lindqvist"]
    assert "Henrik Lindquist" in m.participants[1].aliases
    assert m.agenda == ["grain shipments", "maritime security"] and m.conflicts == {}


def test_participant_named_only_by_title_merges_into_the_named_one() -> None:
    (m,) = merge_meetings(
        _items(
            briefing([_meeting([OKONKWO, LINDQVIST], _day(17))]),
            briefing([_meeting([SWEDISH_FM, OKONKWO], _day(17))]),
        )
    )
    assert [p.name for p in m.participants] == ["Adaeze Okonkwo", "Henrik Lindqvist"]
    assert [s.n for s in m.sources] == [1, 2]


def test_same_two_people_a_week_later_do_not_merge() -> None:
    merged = merge_meetings(
        _items(
            briefing([_meeting([OKONKWO, LINDQVIST], _day(17))]),
            briefing([_meeting([OKONKWO, LINDQVIST], _day(24))]),
        )
    )
    assert [m.when.date for m in merged] == [dt.date(2025, 3, 17), dt.date(2025, 3, 24)]


def test_one_day_apart_merges_and_flags_the_conflict() -> None:
    (m,) = merge_meetings(
        _items(
            briefing(
                [_meeting([OKONKWO, LINDQVIST], _day(17), status="scheduled")],
                published=dt.date(2025, 3, 13),
            ),
            briefing(
                [_meeting([OKONKWO, LINDQUIST], _day(18), status="held")],
                published=dt.date(2025, 3, 19),
            ),
        )
    )
    assert m.conflicts == {"when": ["2025-03-17", "2025-03-18"], "status": ["scheduled", "held"]}
    assert m.status == "held"  # the latest-published article's


def test_meetings_with_a_different_counterpart_do_not_merge() -> None:
    merged = merge_meetings(
        _items(
            briefing([_meeting([OKONKWO, LINDQVIST], _day(17))]),
            briefing([_meeting([OKONKWO, MELNYK], _day(17))]),
        )
    )
    assert len(merged) == 2


def test_different_cities_do_not_merge_but_venues_only_conflict() -> None:
    a = _meeting([OKONKWO, LINDQVIST], _day(17), city="Geneva")
    b = _meeting([OKONKWO, LINDQVIST], _day(17), city="Stockholm")
    assert len(merge_meetings(_items(briefing([a]), briefing([b])))) == 2
    c = a.model_copy(update={"location": Location(venue="Palais des Nations", city="Geneva")})
    d = a.model_copy(update={"location": Location(venue="Hotel President", city="Geneva")})
    (m,) = merge_meetings(_items(briefing([c]), briefing([d])))
    assert m.conflicts["location"] == ["Palais des Nations, Geneva", "Hotel President, Geneva"]


def test_missing_date_or_place_is_compatible() -> None:
    assert dates_compatible(When(), _day(17))
    assert dates_compatible(_day(10, "week"), _day(16))
    assert not dates_compatible(_day(10, "week"), _day(18))
    assert dates_compatible(_day(1, "month"), _day(31))
    assert places_compatible(Location(city="Geneva"), Location(country="Switzerland"))
    assert places_compatible(Location(country="US"), Location(country="United States"))
    assert not places_compatible(Location(country="France"), Location(country="Germany"))


def test_sides_rule() -> None:
    assert sides_match([OKONKWO, LINDQVIST], [SWEDISH_FM, OKONKWO])
    assert not sides_match([OKONKWO, LINDQVIST], [MELNYK, SWEDISH_FM])
    many = [OKONKWO, LINDQVIST, MELNYK, Participant(name="Jan Nowicki")]
    assert sides_match(many, [OKONKWO, LINDQVIST, Participant(name="Meera Iyer")])


def test_evidence_keeps_its_source() -> None:
    quote = Quote(text="They will meet.", start=0, end=15)
    (m,) = merge_meetings(
        _items(
            briefing([_meeting([OKONKWO, LINDQVIST], _day(17), evidence=[quote])]),
            briefing([_meeting([OKONKWO, LINDQVIST], _day(17), evidence=[quote])]),
        )
    )
    assert [(q.text, q.source) for q in m.evidence] == [(quote.text, 1), (quote.text, 2)]


def test_agenda_union_is_fuzzy() -> None:
    assert union_phrases(["Grain", "grain shipments", "Sahel mission", "the Sahel mission"]) == [
        "grain shipments",
        "the Sahel mission",
    ]


def test_tensions_merge_by_parties_and_issue() -> None:
    t1 = Tension(parties=["Nigeria", "Sweden"], issue="Swedish arms export licences")
    t2 = Tension(parties=["Sweden", "Nigeria"], issue="suspension of arms export licences",
                 description="Nigeria calls it unfair.")  # fmt: skip
    t3 = Tension(parties=["Nigeria", "Sweden"], issue="fishing quotas")
    t4 = Tension(parties=["Poland", "Ukraine"], issue="arms export licences")
    merged = merge_tensions(_items(briefing(tensions=[t1, t3]), briefing(tensions=[t2, t4])))
    assert [(t.issue, [s.n for s in t.sources]) for t in merged] == [
        ("Swedish arms export licences", [1, 2]),
        ("fishing quotas", [1]),
        ("arms export licences", [2]),
    ]
    assert merged[0].description == "Nigeria calls it unfair."


POOL = [
    OKONKWO, LINDQVIST, LINDQUIST, SWEDISH_FM, MELNYK,
    Participant(name="Anna Varga"), Participant(name="Hanna Varga"), Participant(name="A. Varga"),
    Participant(name="Varga"), Participant(name="Ana Vargas"), Participant(name="Anna Varga-Kis"),
    Participant(name="Marta Okonkwo-Reyes"), Participant(name="Gen. Marta Reyes"),
    Participant(name="Marta Reyes", aliases=["Okonkwo-Reyes"]), Participant(name="Okonkwo"),
    Participant(name="Tarass Melnik", aliases=["Taras Melnyk"]),
    Participant(organization="EU"), Participant(organization="eu", title="Commission"),
    Participant(title="Foreign Minister"),
]  # fmt: skip


def _brute_force(items: list[tuple[SourceRef, Briefing]]) -> list[list[int]]:
    """The merge rule tried against every group: the reference the blocked merge must equal."""
    groups: list[list[tuple[int, Meeting]]] = []
    for ref, item in items:
        for one in item.meetings:
            group = next((g for g in groups if all(same_meeting(one, m) for _, m in g)), None)
            if group is None:
                groups.append([(ref.n, one)])
            else:
                group.append((ref.n, one))
    return [list(dict.fromkeys(n for n, _ in g)) for g in groups]


def test_blocked_merge_groups_as_comparing_every_pair() -> None:
    rng = random.Random(7)
    for _ in range(20):
        briefings = [
            briefing([
                _meeting(rng.sample(POOL, rng.choice([2, 2, 3])), _day(rng.choice([14, 15, 17])),
                         city=rng.choice(["Geneva", "Vienna", None]))
                for _ in range(rng.choice([1, 1, 2]))
            ])
            for _ in range(30)
        ]  # fmt: skip
        items = _items(*briefings)
        assert [[s.n for s in m.sources] for m in merge_meetings(items)] == _brute_force(items)


def _random_day(rng: random.Random, n: int) -> list[tuple[SourceRef, Briefing]]:
    tensions = [Tension(parties=["Nigeria", "Sweden"], issue="arms export licences"),
                Tension(parties=["Sweden", "Nigeria"], issue="suspended arms export licences"),
                Tension(parties=["Poland", "Ukraine"], issue="grain transit")]  # fmt: skip
    briefings = [
        briefing([
            _meeting(rng.sample(POOL, 2), _day(rng.choice([14, 17])),
                     city=rng.choice(["Geneva", None]))
            for _ in range(rng.choice([0, 1, 2]))
        ], tensions=rng.sample(tensions, rng.choice([0, 1])))
        for _ in range(n)
    ]  # fmt: skip
    return _items(*briefings)


def test_a_day_merge_resumed_from_any_prefix_is_the_whole_merge() -> None:
    rng = random.Random(11)
    for _ in range(10):
        items = _random_day(rng, 20)
        whole = (merge_meetings(items), merge_tensions(items))
        for cut in (0, 1, 7, 19, 20):
            ahead = DayMerge()
            for ref, b in items[:cut]:
                ahead.add(ref, b)
            ahead.meetings()  # combined early: groups joined later are combined again
            merge = ahead.resume(items)
            assert merge is ahead and merge.items == items
            assert (merge.meetings(), merge.tensions()) == whole


def test_a_day_merge_of_other_first_items_starts_again() -> None:
    items = _random_day(random.Random(3), 10)
    ahead = DayMerge()
    for ref, b in items[:2]:
        ahead.add(ref, b)
    swapped = [items[1], items[0], *items[2:]]
    copied = [(ref, b.model_copy()) for ref, b in items]  # equal, but not the same briefings
    for given in (swapped, copied, items[:1]):
        merge = ahead.resume(given)
        assert merge is not ahead and merge.items == given
        assert merge.meetings() == merge_meetings(given)
