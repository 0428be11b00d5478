"""Make the skeleton of a real-news gold case from a record of ../shared/realnews.

    python evals/tools/import_realnews.py ../shared/realnews voa:8010842 wn:wn-2005-05-14-...

Writes `evals/cases/real/<id>.yaml` with the article exactly as the record has it (the text
byte-identical, the title, the publication date: the date part of VOA's UTC timestamp), the
credit line in `source`, the collection's tag, and an empty `expected` for the labeler to fill.
An existing case file is never overwritten. `--check` instead verifies that every case under
evals/cases/real still carries its record's text, title and date unchanged.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "evals" / "cases" / "real"
COLLECTIONS = {
    "voa": ("voa_stories.jsonl", "Voice of America (voanews.com): {url}"),
    "wn": ("wikinews.jsonl", "Wikinews (CC BY 2.5): {url}"),
}
TAGS = {"voa": "voa", "wn": "wikinews"}
LONG_CHARS = 5000  # the `long` tag: past about 800 words


def records(folder: Path, collection: str) -> dict[str, dict[str, Any]]:
    """The collection's records by id."""
    name = COLLECTIONS[collection][0]
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return {str(r["id"]): r for r in map(json.loads, lines)}


def case_id(collection: str, record: dict[str, Any]) -> str:
    """`wn-...` ids are already slugs; VOA ids get the first words of the title."""
    if collection == "wn":
        return str(record["id"])
    words = re.sub(r"[^a-z0-9]+", " ", record["title"].lower()).split()[:6]
    return "-".join(["voa", str(record["id"]), *words])


class _Literal(str):
    pass


class _Dumper(yaml.SafeDumper):
    """Writes no `&id001` anchors: a repeated place or person is spelled out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


_Dumper.add_representer(_Literal, _literal)


def skeleton(collection: str, record: dict[str, Any]) -> dict[str, Any]:
    """The case as a mapping, expected left empty."""
    text = record["text"]
    tags = [TAGS[collection]] + (["long"] if len(text) >= LONG_CHARS else [])
    return {
        "id": case_id(collection, record),
        "source": COLLECTIONS[collection][1].format(url=record["url"]),
        "tags": tags,
        "article": {
            "title": record["title"],
            "published": str(record["published"])[:10],
            "text": _Literal(text) if _literal_safe(text) else text,
        },
        "expected": {"meetings": [], "tensions": [], "optional_meetings": []},
        "notes": "",
    }


def _literal_safe(text: str) -> bool:
    """A block scalar keeps the text exactly only without trailing spaces or odd breaks."""
    lines = text.split("\n")
    return not any(line != line.rstrip() for line in lines) and "\r" not in text


def dump(case: dict[str, Any]) -> str:
    """YAML that loads back to exactly `case` (checked)."""
    out = yaml.dump(case, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    back = yaml.safe_load(out)
    if back["article"]["text"] != str(case["article"]["text"]):
        raise SystemExit(f"{case['id']}: YAML would not keep the text byte-identical")
    return out


def redump(path: Path) -> None:
    """Rewrite a case file in the canonical layout (the article as a block, no anchors)."""
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = case["article"]["text"]
    case["article"]["text"] = _Literal(text) if _literal_safe(text) else text
    path.write_text(dump(case), encoding="utf-8")


def create(folder: Path, specs: list[str]) -> int:
    """Write a skeleton per `collection:id` spec."""
    REAL.mkdir(parents=True, exist_ok=True)
    cache: dict[str, dict[str, dict[str, Any]]] = {}
    for spec in specs:
        collection, _, rid = spec.partition(":")
        recs = cache.setdefault(collection, records(folder, collection))
        case = skeleton(collection, recs[rid])
        path = REAL / f"{case['id']}.yaml"
        if path.exists():
            print(f"exists, left alone: {path.relative_to(ROOT)}")
            continue
        path.write_text(dump(case), encoding="utf-8")
        print(path.relative_to(ROOT))
    return 0


def check(folder: Path) -> int:
    """Every real case still matches its record; prints one line per problem."""
    by_source = {}
    for collection in COLLECTIONS:
        for rec in records(folder, collection).values():
            by_source[COLLECTIONS[collection][1].format(url=rec["url"])] = rec
    bad = 0
    for path in sorted(REAL.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        rec = by_source.get(case.get("source", ""))
        art = case.get("article", {})
        if rec is None:
            print(f"{path.name}: source names no record")
        elif art.get("text") != rec["text"]:
            print(f"{path.name}: article.text differs from the record")
        elif art.get("title") != rec["title"]:
            print(f"{path.name}: article.title differs from the record")
        elif str(art.get("published")) != str(rec["published"])[:10]:
            print(f"{path.name}: article.published differs from the record")
        else:
            continue
        bad += 1
    print(f"{len(list(REAL.glob('*.yaml')))} real cases, {bad} differ from their records")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: create skeletons, or --check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the realnews folder (../shared/realnews)")
    parser.add_argument("specs", nargs="*", help="collection:id, collection in voa|wn")
    parser.add_argument("--check", action="store_true", help="verify the committed cases")
    parser.add_argument("--redump", action="store_true", help="rewrite the cases canonically")
    args = parser.parse_args(argv)
    if args.redump:
        for path in sorted(REAL.glob("*.yaml")):
            redump(path)
    return check(args.folder) if args.check or args.redump else create(args.folder, args.specs)


if __name__ == "__main__":
    sys.exit(main())
