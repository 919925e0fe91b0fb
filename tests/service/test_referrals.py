"""Referral records: counsellor role only, no names, outcomes later; failures change nothing."""

from __future__ import annotations

import pytest

from tests.service.conftest import ANALYST, COUNSELLOR, auth

BACKENDS = ("sqlite", "postgresql")  # the API suites run on both (tests/conftest.py)


def count(client) -> int:
    return client.get("/api/v1/referrals", headers=COUNSELLOR).json()["total"]


def test_counsellor_records_a_referral_and_its_outcome(client):
    match = client.post("/api/v1/match", json={"text": "夜に子どもを預けたい"}).json()
    r = client.post("/api/v1/referrals", headers=COUNSELLOR,
                    json={"resource_id": "r-twilight", "query_id": match["query_id"], "memo": "来週利用予定"})
    assert r.status_code == 201, r.text
    ref = r.json()
    assert ref["resource_name"].startswith("子育て短期支援事業") and ref["category"] == "short_stay"
    assert ref["catalog_version"] == 1 and ref["outcome"] is None and ref["query_id"] == match["query_id"]

    r = client.patch(f"/api/v1/referrals/{ref['id']}", headers=COUNSELLOR, json={"outcome": "connected"})
    assert r.status_code == 200
    assert r.json()["outcome"] == "connected" and r.json()["outcome_label"] == "つながった"
    assert client.get(f"/api/v1/referrals/{ref['id']}", headers=COUNSELLOR).json()["outcome_at"]
    # analysts may read referral records too
    assert client.get("/api/v1/referrals", headers=ANALYST).json()["total"] == 1


@pytest.mark.parametrize(
    "headers, status",
    [({}, 401), (auth("wrong-token"), 401), ({"Authorization": "Basic abc"}, 401), ({"Authorization": "Bearer"}, 401)],
)
def test_missing_or_wrong_token_changes_nothing(client, headers, status):
    r = client.post("/api/v1/referrals", headers=headers, json={"resource_id": "r-twilight"})
    assert r.status_code == status
    assert r.json()["error"]["code"] == "unauthorized" and "www-authenticate" in r.headers
    assert count(client) == 0


def test_outcome_update_needs_the_role_and_changes_nothing_without_it(client):
    ref = client.post("/api/v1/referrals", headers=COUNSELLOR, json={"resource_id": "r-hub"}).json()
    r = client.patch(f"/api/v1/referrals/{ref['id']}", json={"outcome": "not_used"})
    assert r.status_code == 401
    assert client.get(f"/api/v1/referrals/{ref['id']}", headers=COUNSELLOR).json()["outcome"] is None


@pytest.mark.parametrize(
    "body, code",
    [
        ({"resource_id": "r-hub", "memo": "あ" * 201}, "string_too_long"),
        ({"resource_id": "r-hub", "memo": "母の携帯 090-1234-5678"}, "tsunagu_personal_data"),
        ({"resource_id": "r-hub", "memo": "連絡は mama@example.jp"}, "tsunagu_personal_data"),
        ({"resource_id": "r-hub", "name": "山田花子"}, "extra_forbidden"),
        ({"resource_id": "r-hub", "memo": "山田花子さんに紹介"}, "personal_name"),
        ({"resource_id": "r-hub", "memo": "ゆいとくんの件"}, "personal_name"),
        ({"resource_id": "does-not-exist"}, "unknown_resource"),
        ({"resource_id": ""}, "string_too_short"),
    ],
)
def test_refused_referrals_store_nothing(client, body, code):
    r = client.post("/api/v1/referrals", headers=COUNSELLOR, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["code"] == code
    assert r.json()["error"]["message_ja"]
    assert count(client) == 0


def test_bad_outcome_and_unknown_referral(client):
    ref = client.post("/api/v1/referrals", headers=COUNSELLOR, json={"resource_id": "r-hub"}).json()
    r = client.patch(f"/api/v1/referrals/{ref['id']}", headers=COUNSELLOR, json={"outcome": "maybe"})
    assert r.status_code == 422 and "connected" in r.json()["error"]["message_ja"]
    assert client.patch("/api/v1/referrals/999", headers=COUNSELLOR, json={"outcome": "unknown"}).status_code == 404
    assert client.get("/api/v1/referrals/999", headers=COUNSELLOR).status_code == 404


def test_listing_is_paginated_newest_first(client):
    for rid in ("r-hub", "r-dev", "r-hall"):
        client.post("/api/v1/referrals", headers=COUNSELLOR, json={"resource_id": rid})
    page = client.get("/api/v1/referrals", headers=COUNSELLOR, params={"limit": 2}).json()
    assert page["total"] == 3 and [i["resource_id"] for i in page["items"]] == ["r-hall", "r-dev"]
