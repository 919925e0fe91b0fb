"""POST /api/v1/match: results with reasons and conditions, safety pass-through, bad input → 4xx."""

from __future__ import annotations

import pytest

from tests.service.conftest import app_for, make_settings, seed_catalog, running

BACKENDS = ("sqlite", "postgresql")  # the API suites run on both (tests/conftest.py)

CONCERN = "夜中だけど、親を病院に連れて行くので、子どもをあずかってほしい"


def test_match_returns_ranked_results_with_reasons_and_conditions(client):
    r = client.post("/api/v1/match", json={"text": CONCERN, "child_age_months": 30, "needed_at": "2026-11-27T21:00+09:00"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["catalog_version"] == 1
    assert body["results"], body
    top = body["results"][0]
    assert top["resource"]["id"] == "r-twilight"
    assert top["category"]["code"] == "short_stay" and top["category"]["name"]
    assert top["reasons"]
    assert {c["kind"] for c in top["conditions"]} >= {"age", "time"}
    assert all(c["fit"] in ("fits", "fails", "unknown") for c in top["conditions"])
    assert 0 <= body["confidence"] <= 1 and body["confidence_band"] in ("low", "mid", "high")
    assert body["safety"]["level"] in ("none", "concern", "urgent")
    assert body["needs"][0]["code"] == "short_stay"
    assert len(body["query_id"]) == 32
    assert r.headers["cache-control"] == "no-store"


def test_match_respects_top_and_failed_conditions_rank_last(client):
    body = client.post("/api/v1/match", json={"text": CONCERN, "child_age_months": 200, "top": 3}).json()
    assert len(body["results"]) == 3
    fits = [x["fits"] for x in body["results"]]
    assert fits == sorted(fits, reverse=True)  # fitting ones first


def test_area_is_matched_in_the_catalogs_spelling(client):
    r = client.post("/api/v1/match", json={"text": "子どもを一時的に預けたい", "area": "中央地区"})
    assert r.status_code == 200
    labels = [c["label"] for x in r.json()["results"] for c in x["conditions"] if c["kind"] == "area"]
    assert any("中央" in label for label in labels)


def test_unknown_area_lists_the_known_ones(client):
    r = client.post("/api/v1/match", json={"text": "子どもを預けたい", "area": "火星"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert "火星" in err["message_ja"] and "中央" in err["message_ja"] and "北部" in err["message_ja"]
    assert err["details"][0]["known_areas"] == ["中央", "北部"]


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"text": ""}, 422, "text"),
        ({"text": "   \n\t　"}, 422, "text"),
        ({"text": "あ" * 20_000}, (413, 422), None),  # 60–120 kB depending on JSON escaping
        ({"text": "あ" * 40_000}, 413, None),  # over the 64 kB body limit however encoded
        ({"text": "a" * 20_000}, 422, "text"),
        ({"text": "a" * 5_000}, 422, "text"),  # under the schema ceiling, over the configured 4,000
        ({"text": "夜\x00泣き"}, 422, "text"),
        ({"text": "夜\x1b泣き"}, 422, "text"),
        ({"text": "ねない", "child_age_months": -1}, 422, "child_age_months"),
        ({"text": "ねない", "child_age_months": 400}, 422, "child_age_months"),
        ({"text": "ねない", "child_age_months": "two"}, 422, "child_age_months"),
        ({"text": "ねない", "needed_at": "yesterday night"}, 422, "needed_at"),
        ({"text": "ねない", "needed_at": "2026-13-45T99:00"}, 422, "needed_at"),
        ({"text": "ねない", "language": "日本語"}, 422, "language"),
        ({"text": "ねない", "top": 0}, 422, "top"),
        ({"text": "ねない", "unexpected": 1}, 422, "unexpected"),
        ({}, 422, "text"),
        ([], 422, None),
    ],
)
def test_bad_input_gets_a_bilingual_4xx(client, body, status, field):
    r = client.post("/api/v1/match", json=body)
    assert r.status_code in (status if isinstance(status, tuple) else (status,)), r.text
    err = r.json()["error"]
    assert err["message_ja"] and err["message_en"]
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in err["message_ja"])
    if field:
        assert field in [d["field"] for d in err["details"]] or field in err["message_en"]


def test_lone_surrogate_is_refused(client):
    r = client.post("/api/v1/match", content=b'{"text": "\\ud800\\u3042"}', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "Unicode" in r.json()["error"]["details"][0]["message_ja"]


def test_too_long_text_names_the_configured_limit(client):
    r = client.post("/api/v1/match", json={"text": "a" * 20_000})
    assert "4000" in r.json()["error"]["details"][0]["message_ja"]


def test_emoji_and_hiragana_only_text_are_answered(client):
    for text in ("😢😢😢", "よるねてくれない🍼", "ｱｽﾞｹﾀｲ"):
        r = client.post("/api/v1/match", json={"text": text})
        assert r.status_code == 200, (text, r.text)


@pytest.mark.parametrize(
    "content, content_type, status",
    [
        ("text=夜泣き", "application/x-www-form-urlencoded", 415),
        ("夜泣き", "text/plain", 415),
        ("{not json", "application/json", 422),
        ("<xml/>", "application/xml", 415),
    ],
)
def test_wrong_content_types(client, content, content_type, status):
    r = client.post("/api/v1/match", content=content.encode(), headers={"content-type": content_type})
    assert r.status_code == status
    assert set(r.json()["error"]) == {"code", "message_ja", "message_en", "details"}


def test_match_without_catalog_is_503(empty_client):
    r = empty_client.post("/api/v1/match", json={"text": CONCERN})
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "catalog_not_ready"


def test_naive_needed_at_is_japan_time(client):
    # 21:00 in Japan: the twilight stay (17-22) is open; in UTC it would be 06:00 the next day.
    body = client.post("/api/v1/match", json={"text": CONCERN, "needed_at": "2026-11-27T21:00"}).json()
    twilight = next(x for x in body["results"] if x["resource"]["id"] == "r-twilight")
    time_condition = next(c for c in twilight["conditions"] if c["kind"] == "time")
    assert time_condition["fit"] == "fits"


def test_rate_limit_answers_429_with_retry_after(tmp_path):
    
    settings = make_settings(tmp_path, rate_limit_per_minute=2)
    seed_catalog(settings)
    with running(app_for(settings)) as c:
        assert c.post("/api/v1/match", json={"text": "夜泣き"}).status_code == 200
        assert c.get("/api/v1/resources").status_code == 200
        r = c.post("/api/v1/match", json={"text": "夜泣き"})
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["code"] == "rate_limited"
        assert c.get("/healthz").status_code == 200  # health is never limited
