import math
from datetime import datetime

from catalog.model import Resource
from matcher.concern import Concern
from matcher.evaluate import Ranked, auc, dcg, evaluate, hit_at, ideal_gains, ndcg_at, reciprocal_rank, violations

GOLD = {"short_stay": 2, "temporary_care": 1}


def test_hit_and_reciprocal_rank_use_grade_two_only():
    cats = ["temporary_care", "regional_hub", "short_stay"]
    assert hit_at(cats, GOLD, 1) == 0.0
    assert hit_at(cats, GOLD, 3) == 1.0
    assert reciprocal_rank(cats, GOLD) == 1 / 3


def test_ndcg_against_catalog_ideal():
    ideal = [2, 1, 0, 0, 0]
    cats = ["temporary_care", "short_stay"]
    expected = ((2**1 - 1) / math.log2(2) + (2**2 - 1) / math.log2(3)) / ((2**2 - 1) / math.log2(2) + (2**1 - 1) / math.log2(3))
    assert math.isclose(ndcg_at(cats, GOLD, ideal, 5), expected)
    assert ndcg_at(["short_stay", "temporary_care"], GOLD, ideal, 5) == 1.0
    assert dcg([]) == 0


def test_ideal_gains_use_best_category_of_each_resource():
    rs = [
        Resource(id="a", name="a", category="daycare", secondary_categories=("temporary_care",)),
        Resource(id="b", name="b", category="short_stay"),
        Resource(id="c", name="c", category="regional_hub"),
    ]
    assert ideal_gains(rs, GOLD) == [2, 1, 0]


def test_auc_counts_ties_half():
    assert auc([0.9, 0.5], [0.5, 0.1]) == (1 + 1 + 0.5 + 1) / 4
    assert math.isnan(auc([], [0.1]))


def test_violations_only_for_given_attributes():
    r = Resource(id="a", name="a", category="temporary_care", age_min_months=6, age_max_months=71,
                 service_areas=("北地区",), opening_hours="Mo-Fr 09:00-17:00")
    assert violations(r, Concern("x")) == []
    assert violations(r, Concern("x", child_age_months=80, area="南地区", needed_at=datetime(2026, 11, 28, 21))) == ["age", "area", "time"]


def test_evaluate_whole_run():
    rs = [Resource(id="a", name="a", category="short_stay"), Resource(id="b", name="b", category="regional_hub")]
    lines = [
        {"id": "q1", "text": "泊まり", "gold": {"short_stay": 2}, "tags": []},
        {"id": "q2", "text": "殴られる", "gold": {"dv_support": 2}, "tags": ["crisis"]},
        {"id": "q3", "text": "住宅ローン", "gold": {}, "tags": ["oos"]},
    ]

    def rank(concern):
        if concern.text == "泊まり":
            return Ranked(["a", "b"], ["short_stay", "regional_hub"], "none", 0.9)
        if concern.text == "殴られる":
            return Ranked(["b"], ["regional_hub"], "urgent", 0.5)
        return Ranked(["b"], ["regional_hub"], "concern", 0.2)

    m, rows = evaluate(rank, lines, rs)
    assert (m.hit1, m.hit3, m.mrr) == (0.5, 0.5, 0.5)
    assert m.crisis_recall == 1.0 and m.false_alarm_rate == 0.5
    assert m.confidence_auc == 1.0
    assert len(rows) == 3
