"""Behaviour of the whole matcher on a small in-memory catalog (the real lexicons and model)."""

from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

import pytest

from catalog.conditions import Fit
from catalog.model import Resource
from matcher import Concern, Matcher
from matcher.needs import NeedScore
from matcher.rank import _with_safety_needs


def _r(id, name, category, **kw):
    return Resource(id=id, name=name, category=category, **kw)


CATALOG = [
    _r("ts", "子育て短期支援事業（トワイライトステイ・ショートステイ）", "short_stay", night=True, overnight=True,
       age_min_months=0, age_max_months=215, service_areas=("全域",), opening_hours="24/7"),
    _r("tc1", "ひかり保育園 一時預かり", "temporary_care", age_min_months=6, age_max_months=71,
       service_areas=("北地区",), opening_hours="Mo-Fr 08:30-17:00; PH off", night=False),
    _r("tc2", "みどり保育園 一時預かり", "temporary_care", age_min_months=12, age_max_months=71,
       service_areas=("南地区",), opening_hours="Mo-Sa 08:00-18:00; PH off", night=False),
    _r("fsc", "ファミリー・サポート・センター", "family_support_center", age_min_months=2, age_max_months=143,
       service_areas=("全域",)),
    _r("dev", "発達相談（ことばと発達の相談室）", "development_consultation", service_areas=("全域",)),
    _r("hub1", "子育てひろば ぽかぽか", "regional_hub", age_min_months=0, age_max_months=47, service_areas=("北地区",)),
    _r("hub2", "子育て支援センター にじいろ", "regional_hub", age_min_months=0, age_max_months=47, service_areas=("南地区",)),
    _r("ment", "こころの相談ダイヤル", "mental_health_line", service_areas=("全国",), phone="0570-064-556"),
    _r("ped", "こども医療電話相談", "pediatric_emergency", service_areas=("都道府県",), phone="#8000"),
    _r("gc", "児童相談所", "child_guidance_center", service_areas=("全国",), phone="189"),
    _r("sick", "病児保育室 すこやか", "sick_child_care", age_min_months=6, age_max_months=143, service_areas=("全域",)),
    _r("gaku", "中央放課後児童クラブ", "after_school_club", age_min_months=72, age_max_months=143, service_areas=("中央地区",)),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher.build(CATALOG)


def test_night_story_without_shared_words_finds_twilight_stay(matcher):
    result = matcher.match(Concern("もう夜中だけど、親を病院に連れて行くので、子どもをあずかってほしい"))
    assert result.results[0].resource.id == "ts"
    # 日中だけの一時預かりは夜間に合わない: 出てくるなら「夜間対応：なし」で合わない扱い
    for r in result.results:
        if r.resource.id in ("tc1", "tc2"):
            assert not r.fits and any(c.kind == "night" for c in r.conditions)


def test_hiragana_only_development_worry(matcher):
    result = matcher.match(Concern("うちのこ おちつきがない きがする"))
    assert result.results[0].category == "development_consultation"


def test_age_outside_range_is_never_ranked_as_fitting(matcher):
    result = matcher.match(Concern("子どもを少しの時間預けたい", child_age_months=3))
    fitting = [r for r in result.results if r.fits]
    failed = [r for r in result.results if not r.fits]
    assert {r.resource.id for r in failed} >= {"tc1", "tc2"}
    assert all(result.results.index(f) > result.results.index(g) for f in failed for g in fitting)
    label = next(c for c in failed[0].conditions if c.kind == "age")
    assert label.fit is Fit.FAILS and "対象外" in label.label


def test_area_and_unknown_conditions(matcher):
    result = matcher.match(Concern("子育てひろばで遊びたい", area="南地区", child_age_months=10))
    top = result.results[0]
    assert top.resource.id == "hub2"
    hub1 = next(r for r in result.results if r.resource.id == "hub1")
    assert not hub1.fits
    fsc = [r for r in result.results if r.resource.id == "dev"]
    if fsc:  # a resource with no age range shows 条件未確認, not a failure
        assert any(c.fit is Fit.UNKNOWN for c in fsc[0].conditions)


def test_closed_at_needed_time_is_demoted(matcher):
    saturday_night = datetime.fromisoformat("2026-11-28T21:00+09:00")
    result = matcher.match(Concern("子どもを預けたい", child_age_months=24, needed_at=saturday_night))
    ids = [r.resource.id for r in result.results]
    assert ids.index("ts") < ids.index("tc1")
    assert not next(r for r in result.results if r.resource.id == "tc1").fits


def test_multi_need_concern_covers_both_needs_in_top_three(matcher):
    result = matcher.match(Concern("熱が出ても仕事を休めないので病児保育を使いたい。あと子どもの言葉の発達も心配"))
    top3 = {r.category for r in result.results[:3]}
    assert {"sick_child_care", "development_consultation"} <= top3


def test_reasons_name_the_need_and_conditions(matcher):
    result = matcher.match(Concern("ファミサポを使いたい", child_age_months=30))
    top = result.results[0]
    assert top.resource.id == "fsc"
    assert any("ファミリー" in reason or "ニーズ" in reason for reason in top.reasons)
    assert any(c.kind == "age" and c.fit is Fit.FITS for c in top.conditions)


def test_confidence_is_lower_for_what_the_catalog_cannot_serve(matcher):
    served = matcher.match(Concern("夜、子どもを泊まりで預けたい")).confidence
    unserved = matcher.match(Concern("住宅ローンの借り換えについて相談したい")).confidence
    assert 0.0 <= unserved < served <= 1.0


def test_vague_concern_gets_clarifying_hints(matcher):
    hints = matcher.match(Concern("預けたい")).hints
    assert any("年齢" in h for h in hints)
    assert any("いつ" in h for h in hints)


def test_crisis_pins_safety_and_raises_emergency_category(matcher):
    result = matcher.match(Concern("もう死にたい"))
    assert result.safety["level"] == "urgent"
    assert result.safety["contacts"]
    assert result.results[0].category == "mental_health_line"


def test_contract_line_shape(matcher):
    line = matcher.match(Concern("学童に入れたい", child_age_months=80)).to_contract("q1")
    assert set(line) == {"id", "results", "safety", "confidence"}
    assert line["id"] == "q1" and 0 <= line["confidence"] <= 1
    first = line["results"][0]
    assert set(first) == {"resource_id", "name", "category", "score", "reasons"}
    assert line["safety"]["level"] in {"none", "concern", "urgent"}


def test_writing_in_another_language_adds_multilingual_need():
    from matcher.rank import writes_in_other_language

    assert writes_in_other_language(Concern("I need help with daycare"), "i need help with daycare")
    assert writes_in_other_language(Concern("保育園", language="pt"), "保育園")
    assert not writes_in_other_language(Concern("保育園を探しています"), "保育園を探しています")


def test_fast_need_vector_equals_sklearn_decision():
    import numpy as np

    from matcher.needs import NeedModel

    texts = ["夜に子どもを預けたい", "発達が心配です", "ママ友がほしい", "住宅ローン"]
    model = NeedModel(C=0.5).fit(texts, ["預ける 夜", "発達 心配", "ママ友", "ローン"], ["a", "b", "c", "none"], [1, 1, 1, 1])
    X = model._features(["夜の預かり"], ["夜 預ける"])
    expected = model.clf.decision_function(X)[0]
    z = (np.log(list(model.predict("夜の預かり", "夜 預ける").values())))
    # softmax is invariant to a shift: compare differences of the decisions
    got = (z - z[0]) * model.temperature
    assert np.allclose(got, expected - expected[0])


class _Assessment(NamedTuple):
    level: str
    kinds: tuple[str, ...]


@pytest.mark.parametrize(
    "level, expected",
    [
        # A worry before anything happened: the municipality's own centre first, 児相 after it.
        ("concern", {"child_family_center": 0.6, "child_guidance_center": 0.6 * 0.8}),
        # An urgent danger: the emergency service first.
        ("urgent", {"child_guidance_center": 0.9, "child_family_center": 0.9 * 0.8}),
    ],
)
def test_safety_need_order_depends_on_urgency(level, expected):
    needs = [NeedScore("child_guidance_center", 0.0, 0.0, 0.0), NeedScore("child_family_center", 0.5, 0.5, 0.0),
             NeedScore("regional_hub", 0.2, 0.2, 0.0)]
    out = {n.code: n.probability for n in _with_safety_needs(needs, _Assessment(level, ("abuse",)))}
    assert out["child_guidance_center"] == pytest.approx(expected["child_guidance_center"])
    assert out["child_family_center"] == pytest.approx(1 - 0.5 * (1 - expected["child_family_center"]))
    assert out["regional_hub"] == pytest.approx(0.2)


def test_no_danger_leaves_needs_alone():
    needs = [NeedScore("regional_hub", 0.7, 0.7, 0.0)]
    assert _with_safety_needs(needs, _Assessment("none", ())) == needs


def test_diversity_makes_room_for_each_need_then_keeps_score_order(matcher, monkeypatch):
    monkeypatch.setattr(matcher, "settings", replace(matcher.settings, diversity_decay=0.5, diversity_min_share=0.4))
    scored = [  # (failed, score, index, category, need, conditions), best first
        (False, 1.0, 0, "A", 1.0, []),
        (False, 0.9, 1, "A", 1.0, []),
        (False, 0.7, 2, "A", 1.0, []),
        (False, 0.6, 3, "B", 0.6, []),  # a second need (0.6 ≥ 0.4 × 1.0)
        (False, 0.3, 4, "C", 0.05, []),  # no need, lexical only
    ]
    order = [entry[2] for entry in matcher._diversify(scored, top=5)]
    # B moves up to second (0.9 × 0.5 < 0.6); once A and B are both shown the rest keep score order,
    # so A's third resource (0.7) still comes before the unneeded C (0.3).
    assert order == [0, 3, 1, 2, 4]
