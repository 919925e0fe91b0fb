"""The labelled evaluation set (data/eval/concerns.jsonl) stays well-formed and covers what it claims.

The checks below are the contract that README.md in data/eval describes; a line that breaks one of
them would silently distort hit@k, crisis recall or the oos AUC, so they fail loudly instead.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from catalog.taxonomy import load_taxonomy

EVAL_FILE = Path(__file__).resolve().parents[2] / "data" / "eval" / "concerns.jsonl"

REQUIRED = {"id", "text", "gold", "tags", "split"}
OPTIONAL = {"child_age_months", "pregnant", "area", "needed_at", "language"}
SPLITS = {"dev", "heldout"}
MAX_AGE_MONTHS = 264  # 22 years: youth services reach into early adulthood
EMERGENCY_GROUP = "緊急・安全"

# Tag vocabulary documented in data/eval/README.md; an unknown tag is almost always a typo
# ("crsis") that would drop a concern out of the crisis metrics.
TAGS = {
    # who is writing
    "parent", "counsellor", "analyst", "citizen", "youth",
    # how it is typed
    "colloquial", "polite", "formal", "shorthand", "hiragana", "katakana", "typo", "dialect",
    "long", "easy_ja", "english", "other_language", "abbreviation",
    # what it tests
    "crisis", "lookalike", "borderline", "oos", "multi_need", "temporal",
}


def expected_split(concern_id: str) -> str:
    """The split rule: stable per id, so adding lines never moves existing ones between splits."""
    return "heldout" if hashlib.sha256(f"tsunagu-eval:{concern_id}".encode()).digest()[0] % 5 < 2 else "dev"


def problems(row: object, codes: set[str]) -> list[str]:
    """Everything wrong with one parsed line; an empty list means the line is valid."""
    if not isinstance(row, dict):
        return ["not a JSON object"]
    found = []
    missing = REQUIRED - row.keys()
    if missing:
        return [f"missing {sorted(missing)}"]
    unknown = row.keys() - REQUIRED - OPTIONAL
    if unknown:
        found.append(f"unknown keys {sorted(unknown)}")
    if not isinstance(row["id"], str) or not row["id"]:
        found.append("id must be a non-empty string")
    if not isinstance(row["text"], str) or not row["text"].strip():
        found.append("text must be non-empty")
    tags = row["tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return found + ["tags must be a list of strings"]
    if set(tags) - TAGS:
        found.append(f"unknown tags {sorted(set(tags) - TAGS)}")
    if len(tags) != len(set(tags)):
        found.append("repeated tag")
    gold = row["gold"]
    if not isinstance(gold, dict):
        return found + ["gold must be an object"]
    for code, grade in gold.items():
        if code not in codes:
            found.append(f"unknown category {code!r}")
        if type(grade) is not int or grade not in (1, 2):
            found.append(f"grade of {code} must be 1 or 2")
    best = [c for c, g in gold.items() if g == 2]
    if "oos" in tags:
        if gold:
            found.append("an oos concern has empty gold")
        if "crisis" in tags:
            found.append("a concern cannot be both oos and crisis")
    elif not 1 <= len(best) <= 2:
        found.append("an in-scope concern needs one or two grade-2 categories")
    if "crisis" in tags and ("lookalike" in tags or "borderline" in tags):
        found.append("crisis excludes lookalike and borderline")
    if row["split"] not in SPLITS:
        found.append(f"split must be one of {sorted(SPLITS)}")
    elif isinstance(row["id"], str) and row["split"] != expected_split(row["id"]):
        found.append("split does not follow the id-hash rule")
    if "child_age_months" in row:
        age = row["child_age_months"]
        if type(age) is not int or not 0 <= age <= MAX_AGE_MONTHS:
            found.append(f"child_age_months must be an int in 0..{MAX_AGE_MONTHS}")
    if "pregnant" in row and type(row["pregnant"]) is not bool:
        found.append("pregnant must be a boolean")
    if "area" in row and (not isinstance(row["area"], str) or not row["area"].strip()):
        found.append("area must be a non-empty string")
    if "language" in row and (not isinstance(row["language"], str) or not row["language"].isalpha()):
        found.append("language must be a language code such as en or zh")
    if "needed_at" in row:
        try:
            when = datetime.fromisoformat(row["needed_at"])
        except (TypeError, ValueError):
            found.append("needed_at must be ISO 8601")
        else:
            if when.tzinfo is None:
                found.append("needed_at must carry a timezone")
    return found


@pytest.fixture(scope="module")
def codes() -> set[str]:
    return set(load_taxonomy().codes)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with EVAL_FILE.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def grade2_counts(rows: list[dict], split: str | None = None) -> Counter:
    return Counter(
        code
        for r in rows
        if split is None or r["split"] == split
        for code, grade in r["gold"].items()
        if grade == 2
    )


def test_every_line_is_valid(rows, codes):
    bad = {r.get("id", i): p for i, r in enumerate(rows) if (p := problems(r, codes))}
    assert bad == {}


def test_ids_and_texts_are_unique(rows):
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)


def test_at_least_300_concerns(rows):
    assert len(rows) >= 300


def test_every_category_is_best_fit_often_enough_in_both_splits(rows, codes):
    overall, heldout = grade2_counts(rows), grade2_counts(rows, "heldout")
    assert {c: overall[c] for c in codes if overall[c] < 5} == {}
    assert {c: heldout[c] for c in codes if heldout[c] < 2} == {}


def test_enough_crisis_and_out_of_scope_concerns(rows):
    tags = Counter(t for r in rows for t in r["tags"])
    assert tags["crisis"] >= 25
    assert tags["oos"] >= 25
    assert tags["lookalike"] >= 15


def test_crisis_concerns_point_at_an_emergency_category(rows):
    tax = load_taxonomy()
    for r in rows:
        if "crisis" in r["tags"]:
            best = [c for c, g in r["gold"].items() if g == 2]
            assert any(tax.get(c).group == EMERGENCY_GROUP for c in best), r["id"]


def test_split_is_roughly_sixty_forty_and_each_split_has_every_kind(rows):
    dev_share = sum(r["split"] == "dev" for r in rows) / len(rows)
    assert 0.5 <= dev_share <= 0.7
    for tag in ("crisis", "oos", "lookalike", "multi_need", "english", "counsellor", "analyst"):
        assert {r["split"] for r in rows if tag in r["tags"]} == SPLITS, tag


def test_structured_attributes_are_present_on_enough_concerns(rows):
    with_attrs = [r for r in rows if {"child_age_months", "pregnant", "area", "needed_at"} & r.keys()]
    assert len(with_attrs) >= 60
    assert sum("needed_at" in r for r in rows) >= 10
    assert sum("area" in r for r in rows) >= 10


# The checker itself must reject broken lines, or the data test above could pass vacuously.
GOOD = {"id": "c001", "text": "こどもをあずけたい", "gold": {"temporary_care": 2}, "tags": ["parent"], "split": expected_split("c001")}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"gold": {"no_such_category": 2}}, "unknown category"),
        ({"gold": {"temporary_care": 3}}, "must be 1 or 2"),
        ({"gold": {"temporary_care": 1}}, "one or two grade-2"),
        ({"tags": ["oos"]}, "oos concern has empty gold"),
        ({"tags": ["crsis"]}, "unknown tags"),
        ({"split": "test"}, "split must be one of"),
        ({"split": "heldout" if GOOD["split"] == "dev" else "dev"}, "id-hash rule"),
        ({"needed_at": "2026-11-28T22:00"}, "timezone"),
        ({"needed_at": "Saturday night"}, "ISO 8601"),
        ({"child_age_months": 300}, "child_age_months"),
        ({"child_age_months": True}, "child_age_months"),
        ({"pregnant": "yes"}, "pregnant"),
        ({"colour": "blue"}, "unknown keys"),
    ],
)
def test_checker_rejects_broken_lines(codes, change, message):
    assert problems(GOOD, codes) == []
    found = problems({**GOOD, **change}, codes)
    assert any(message in p for p in found), found


def test_checker_accepts_an_out_of_scope_line(codes):
    assert problems({**GOOD, "gold": {}, "tags": ["citizen", "oos"]}, codes) == []


# -- the probe set: a second author's concerns, used for tuning (all dev) --------------------------
PROBE_FILE = EVAL_FILE.with_name("probe.jsonl")


def test_probe_lines_are_valid_and_all_dev(codes):
    with PROBE_FILE.open(encoding="utf-8") as f:
        probe = [json.loads(line) for line in f if line.strip()]
    # Its lines were read while tuning, so none may count as held-out: the id-hash rule does not apply.
    bad = {r["id"]: p for r in probe if (p := [x for x in problems(r, codes) if "id-hash" not in x])}
    assert bad == {}
    assert {r["split"] for r in probe} == {"dev"}
    assert len(probe) >= 150
    assert {r["id"] for r in probe}.isdisjoint(_ids_of(EVAL_FILE))


def _ids_of(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as f:
        return {json.loads(line)["id"] for line in f if line.strip()}
