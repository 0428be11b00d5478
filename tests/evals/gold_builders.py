"""Builders for small inline gold cases (never the evals/cases files)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from summarizer.evals.cases import GoldCase, parse_case
from summarizer.evals.predictions import GoldShapePrediction, Predicted
from summarizer.schema import (
    Briefing,
    Location,
    Meeting,
    Participant,
    Provenance,
    Quote,
    Source,
    Tension,
    When,
)

ARTICLE = (
    "BAKU, Feb 15 - General Joseph Dunford will meet Valery Gerasimov in Baku on Thursday, "
    "officials said. Separately, Ana Duarte met Ivan Petrov in Bonn on Friday. "
    "Russia and the United States remain at odds over Crimea sanctions."
)


class Gold:
    """Builders for gold-shape dicts; `standard()` is the two-meeting case tests perturb."""

    @staticmethod
    def person(
        name: str | None,
        aliases: list[str] | None = None,
        title: str | None = None,
        organization: str | None = None,
        country: str | None = None,
    ) -> dict[str, Any]:
        return {
            "name": name,
            "aliases": aliases or [],
            "title": title,
            "organization": organization,
            "country": country,
        }

    @staticmethod
    def meeting(*people: dict[str, Any], **fields: Any) -> dict[str, Any]:
        location = {"city": None, "country": None, "venue": None} | fields.pop("location", {})
        base = {"date": None, "date_text": None, "status": "scheduled", "agenda": []}
        return {"participants": list(people), "location": location, **base, **fields}

    @classmethod
    def standard(cls) -> dict[str, Any]:
        m1 = cls.meeting(
            cls.person("Joseph Dunford", ["Dunford"], "General", "US military", "United States"),
            cls.person("Valery Gerasimov", ["Gerasimov"], "Chief of Staff", None, "Russia"),
            location={"city": "Baku", "country": "Azerbaijan"},
            date="2017-02-16",
            date_text="Thursday",
            status="scheduled",
            agenda=["military relations", "communication channels"],
        )
        m2 = cls.meeting(
            cls.person("Ana Duarte", ["Duarte"], None, None, "Portugal"),
            cls.person("Ivan Petrov", ["Petrov"], None, None, "Russia"),
            location={"city": "Bonn", "country": "Germany"},
            date="2017-02-10",
            date_text="Friday",
            status="held",
            agenda=["Ukraine"],
        )
        return cls.case(
            meetings=[m1, m2],
            tensions=[{"parties": ["Russia", "United States"], "issue": "Crimea sanctions"}],
        )

    @staticmethod
    def case(
        case_id: str = "01-standard",
        meetings: list[dict[str, Any]] | None = None,
        tensions: list[dict[str, Any]] | None = None,
        optional: list[dict[str, Any]] | None = None,
        text: str = ARTICLE,
    ) -> dict[str, Any]:
        return {
            "id": case_id,
            "source": "original",
            "article": {"title": "Generals to meet", "published": "2017-02-15", "text": text},
            "expected": {
                "meetings": meetings or [],
                "tensions": tensions or [],
                "optional_meetings": optional or [],
            },
            "notes": "test case",
        }

    @staticmethod
    def parse(data: dict[str, Any]) -> GoldCase:
        return parse_case(copy.deepcopy(data), "inline.yaml")

    @staticmethod
    def as_prediction(expected: dict[str, Any]) -> Predicted:
        shape = GoldShapePrediction.model_validate(
            {"meetings": expected["meetings"], "tensions": expected["tensions"]}
        )
        return Predicted(meetings=shape.meetings, tensions=shape.tensions)

    @staticmethod
    def write(directory: Path, data: dict[str, Any], name: str | None = None) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name or data['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return path


def briefing() -> Briefing:
    """A valid Briefing of `ARTICLE`: the first standard meeting and the tension."""
    return Briefing(
        source=Source(title="T", published=dt.date(2017, 2, 15)),
        summary="Generals meet.",
        meetings=[
            Meeting(
                participants=[
                    Participant(
                        name="Joseph Dunford", aliases=["Dunford"], country="United States"
                    ),
                    Participant(name="Valery Gerasimov", country="Russia"),
                ],
                location=Location(city="Baku", country="Azerbaijan"),
                when=When(text="Thursday", date=dt.date(2017, 2, 16), precision="day"),
                status="scheduled",
                agenda=["military relations"],
                evidence=[Quote(text="Joseph Dunford will meet Valery Gerasimov")],
            )
        ],
        tensions=[
            Tension(
                parties=["Russia", "United States"],
                issue="Crimea sanctions",
                evidence=[Quote(text="at odds over Crimea sanctions")],
            )
        ],
        provenance=Provenance(
            prompt_name="briefing-v1",
            prompt_hash="abc",
            backend="fake",
            model="fake",
            mode="fake",
            created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        ),
    )
