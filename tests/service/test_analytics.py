"""Analyst reports over HTTP: role checks, the one error shape, and the reports themselves."""

from __future__ import annotations

from datetime import datetime, timezone

from catalog.db import make_engine
from catalog.records import MatchLogEntry, MatchLogStore, create_record_tables
from tests.service.conftest import ANALYST, COUNSELLOR, SAMPLE, app_for, running, seed_catalog

DUPLICATE = SAMPLE[1].replace(id="r-temp-old", name="一時預かり事業　ひまわり保育園", verified_on=None)


def _log(settings, entries):
    engine = make_engine(settings.database_url)
    create_record_tables(engine)
    MatchLogStore(engine).add_many(entries)
    engine.dispose()


def _entry(i, categories, area, created=datetime(2026, 11, 1, tzinfo=timezone.utc), band="high", words=()):
    return MatchLogEntry(f"q{i}", 1, categories, 0.2 if band == "low" else 0.9, band, area, "1-2歳", 10, 2, "none",
                         list(words), 3, created)


def test_every_report_needs_the_analyst_role(client):
    for path in ("duplicates", "quality", "coverage", "unmet-needs"):
        url = f"/api/v1/analytics/{path}"
        assert client.get(url).status_code == 401
        response = client.get(url, headers=COUNSELLOR)
        assert response.status_code == 403
        assert set(response.json()["error"]) == {"code", "message_ja", "message_en", "details"}
        assert client.get(url, headers=ANALYST).status_code == 200


def test_duplicates_of_the_active_catalog(settings):
    seed_catalog(settings, [*SAMPLE, DUPLICATE])
    with running(app_for(settings)) as client:
        body = client.get("/api/v1/analytics/duplicates", headers=ANALYST).json()
    assert [(p["a"], p["b"]) for p in body["pairs"]] == [("r-temp", "r-temp-old")]
    assert body["pairs"][0]["explanation"].startswith("名称")


def test_quality_and_coverage(client):
    quality = client.get("/api/v1/analytics/quality", params={"today": "2026-11-23"}, headers=ANALYST).json()
    assert quality["total"] == len(SAMPLE) and quality["today"] == "2026-11-23"
    assert quality["counts"]["no_text"] == 0
    cov = client.get("/api/v1/analytics/coverage", headers=ANALYST).json()
    assert cov["areas"] == ["中央", "北部"]
    row = cov["categories"].index("development_consultation")
    assert cov["matrix"][row] == [0, 1]
    assert {"category": "development_consultation", "area": "中央"} in cov["gaps"]


def test_a_bad_date_is_a_422_in_the_error_shape(client):
    response = client.get("/api/v1/analytics/quality", params={"today": "23/11/2026"}, headers=ANALYST)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_unmet_needs_from_the_match_log(settings):
    seed_catalog(settings)
    _log(settings, [
        _entry(1, ["development_consultation"], "中央"),  # served only in 北部
        _entry(2, ["development_consultation"], "北部"),
        _entry(3, ["temporary_care"], "中央", created=datetime(2025, 1, 1, tzinfo=timezone.utc)),
    ])
    with running(app_for(settings)) as client:
        body = client.get("/api/v1/analytics/unmet-needs", params={"since": "2026-06-01"}, headers=ANALYST).json()
        everything = client.get("/api/v1/analytics/unmet-needs", headers=ANALYST).json()
    assert body["matches"] == 2 and everything["matches"] == 3
    assert [(u["category"], u["area"]) for u in body["unmet"]] == [("development_consultation", "中央")]
    assert body["unmet"][0]["reasons_ja"] == ["中央で利用できる資源がありません"]


def test_unmet_needs_without_a_catalog_still_counts_demand(settings):
    _log(settings, [_entry(1, ["food_support"], "中央")])
    with running(app_for(settings)) as client:
        body = client.get("/api/v1/analytics/unmet-needs", headers=ANALYST).json()
        assert client.get("/api/v1/analytics/quality", headers=ANALYST).status_code == 503
    assert body["matches"] == 1 and body["catalog_version"] is None and body["unmet"] == []
