"""The issue's targets on our own safety eval set: no missed clear crisis, few false alarms."""

import json
from pathlib import Path

import pytest

from matcher.safety import evaluate_safety, format_safety_metrics

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval" / "safety.jsonl"


@pytest.fixture(scope="module")
def lines():
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def metrics(lines):
    return evaluate_safety(lines)


def test_eval_set_shape(lines):
    assert len(lines) >= 100
    assert len({line["id"] for line in lines}) == len(lines)
    assert sum(line["level"] == "none" for line in lines) >= 35
    heldout = sum(line["split"] == "heldout" for line in lines) / len(lines)
    assert 0.35 <= heldout <= 0.6
    kinds = {k for line in lines if line["clear"] for k in line["kind"]}
    assert {"medical", "violence", "self_harm", "abuse", "neglect", "dv", "exhaustion", "child_alone", "runaway"} <= kinds


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_every_clear_crisis_is_raised(metrics, split):
    m = metrics.splits[split]
    assert m.clear_recall == 1.0, m.missed


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_false_alarms_at_most_five_percent(metrics, split):
    m = metrics.splits[split]
    assert m.false_alarm_rate <= 0.05, m.false_alarms


def test_concerns_jsonl_lines_with_crisis_tag_are_understood():
    m = evaluate_safety(
        [
            '{"id": "a", "text": "もう死にたい", "tags": ["crisis"]}',
            '{"id": "b", "text": "一時預かりを探しています", "tags": []}',
            '{"id": "c", "text": "ファミサポを使いたい"}',
        ]
    )
    assert (m.overall.clear_recall, m.overall.false_alarm_rate) == (1.0, 0.0)
    assert m.overall.crises == 1 and m.overall.non_crisis == 2


def test_misses_and_false_alarms_are_listed_by_id():
    m = evaluate_safety([{"id": "x", "text": "ファミサポを使いたい", "level": "urgent", "clear": True}])
    assert m.overall.missed == ("x",)
    assert "x" in format_safety_metrics(m)


def test_borderline_lines_count_in_neither_rate():
    m = evaluate_safety(
        [
            {"id": "b1", "text": "産後うつかもしれない", "tags": ["borderline"]},
            {"id": "b2", "text": "ファミサポを使いたい", "tags": ["borderline"]},
        ]
    )
    assert m.overall.crises == 0 and m.overall.non_crisis == 0
