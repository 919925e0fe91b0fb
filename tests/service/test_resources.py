"""Browsing the catalog: filters, pagination, one resource, categories."""

from __future__ import annotations

import pytest

BACKENDS = ("sqlite", "postgresql")  # the API suites run on both (tests/conftest.py)


def ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_list_all_paginated(client):
    first = client.get("/api/v1/resources", params={"per_page": 3}).json()
    second = client.get("/api/v1/resources", params={"per_page": 3, "page": 2}).json()
    assert first["total"] == 7 and first["catalog_version"] == 1
    assert len(first["items"]) == 3 and len(second["items"]) == 3
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert client.get("/api/v1/resources", params={"page": 99}).json()["items"] == []


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "temporary_care"}, {"r-temp"}),
        ({"category": "一時預かり事業"}, {"r-temp"}),  # a name as people type it
        ({"area": "北部"}, {"r-twilight", "r-famisapo", "r-hub", "r-dev", "r-189"}),
        ({"free": "true"}, {"r-hub", "r-dev", "r-hall", "r-189"}),
        ({"q": "ファミリーサポート"}, {"r-famisapo"}),
        ({"q": "一時保育"}, {"r-temp"}),
        ({"language": "en"}, {"r-famisapo"} | {"r-twilight", "r-temp", "r-hub", "r-dev", "r-hall", "r-189"}),
    ],
)
def test_filters(client, params, expected):
    assert ids(client.get("/api/v1/resources", params=params)) == expected


def test_age_filter_drops_known_misfits_keeps_unknown(client):
    found = ids(client.get("/api/v1/resources", params={"age_months": 3}))
    assert "r-twilight" not in found and "r-temp" not in found  # 12+ and 6+ months
    assert "r-hall" in found  # no age range given: unknown is kept


def test_open_at_filter(client):
    found = ids(client.get("/api/v1/resources", params={"open_at": "2026-11-27T21:00+09:00"}))
    assert "r-twilight" in found and "r-189" in found
    assert "r-temp" not in found and "r-hub" not in found


@pytest.mark.parametrize(
    "params, field",
    [
        ({"age_months": -1}, "age_months"),
        ({"age_months": 400}, "age_months"),
        ({"open_at": "tonight"}, "open_at"),
        ({"free": "maybe"}, "free"),
        ({"page": 0}, "page"),
        ({"per_page": 1000}, "per_page"),
    ],
)
def test_bad_filters_get_422_with_field(client, params, field):
    r = client.get("/api/v1/resources", params=params)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == field


def test_unknown_area_and_category(client):
    r = client.get("/api/v1/resources", params={"area": "火星"})
    assert r.status_code == 422 and "中央" in r.json()["error"]["message_ja"]
    r = client.get("/api/v1/resources", params={"category": "spaceship"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["code"] == "unknown_category"


def test_one_resource_and_404(client):
    r = client.get("/api/v1/resources/r-famisapo")
    assert r.status_code == 200
    assert r.json()["name"] == "ファミリー・サポート・センター" and r.json()["languages"] == ["ja", "en"]
    missing = client.get("/api/v1/resources/nope")
    assert missing.status_code == 404 and missing.json()["error"]["message_en"]


def test_categories_with_counts(client):
    cats = client.get("/api/v1/categories").json()
    assert len(cats) == 38
    by_code = {c["code"]: c for c in cats}
    assert by_code["temporary_care"]["resource_count"] == 1
    assert by_code["daycare"]["resource_count"] == 0
    assert by_code["temporary_care"]["group"] == "あずける"


def test_categories_work_before_a_catalog_but_resources_do_not(empty_client):
    assert empty_client.get("/api/v1/categories").status_code == 200
    assert empty_client.get("/api/v1/resources").status_code == 503
