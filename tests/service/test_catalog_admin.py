"""Catalog management (analyst): validate, upload, list, diff, activate, roll back; the index
swaps while matching keeps answering."""

from __future__ import annotations

import threading

import pytest

from catalog.export import export_csv
from tests.service.conftest import ANALYST, COUNSELLOR, SAMPLE, app_for, make_settings, seed_catalog, running

BACKENDS = ("sqlite", "postgresql")  # the API suites run on both (tests/conftest.py)

NEW_HALL = SAMPLE[5].replace(id="r-hall-2", name="北児童館", service_areas=("北部",))
V2 = [*SAMPLE[:4], SAMPLE[4].replace(description="ことばや発達の相談（予約制）"), NEW_HALL]  # drops r-hall, r-189


def upload(client, resources, *, activate=False, headers=ANALYST, filename="catalog.csv", note=""):
    files = {"file": (filename, export_csv(resources).encode("utf-8"), "text/csv")}
    data = {"activate": "true" if activate else "false", "note": note}
    return client.post("/api/v1/catalog/versions", headers=headers, files=files, data=data)


def test_validate_reports_without_storing(client):
    good = client.post("/api/v1/catalog/validate", headers=ANALYST,
                       files={"file": ("c.csv", export_csv(V2).encode(), "text/csv")})
    assert good.status_code == 200 and good.json()["ok"] and good.json()["resource_count"] == len(V2)
    bad_csv = "ID,名称,分類\nx1,,temporary_care\nx1,重複,unknown_code\n".encode()
    bad = client.post("/api/v1/catalog/validate", headers=ANALYST, files={"file": ("c.csv", bad_csv, "text/csv")})
    assert bad.status_code == 200 and not bad.json()["ok"]
    assert bad.json()["report"]["error_count"] >= 2
    assert len(client.get("/api/v1/catalog/versions", headers=ANALYST).json()) == 1


def test_upload_diff_activate_rollback(client):
    r = upload(client, V2, note="2026年度版")
    assert r.status_code == 201, r.text
    v2 = r.json()["version"]
    assert v2["id"] == 2 and not v2["active"] and v2["resource_count"] == len(V2) and v2["note"] == "2026年度版"

    diff = client.get("/api/v1/catalog/versions/2/diff", headers=ANALYST).json()
    assert diff["old"] == 1 and diff["added"] == ["r-hall-2"]
    assert set(diff["removed"]) == {"r-hall", "r-189"}
    assert diff["changed"] == [{"resource_id": "r-dev", "fields": ["description"]}]

    assert client.get("/api/v1/resources/r-hall-2").status_code == 404  # not active yet
    act = client.post("/api/v1/catalog/versions/2/activate", headers=ANALYST)
    assert act.status_code == 200 and act.json()["previous"] == 1 and act.json()["active"]["id"] == 2
    assert client.get("/api/v1/resources/r-hall-2").status_code == 200
    assert client.get("/readyz").json()["catalog_version"] == 2
    assert client.post("/api/v1/match", json={"text": "遊び場"}).json()["catalog_version"] == 2

    back = client.post("/api/v1/catalog/rollback", headers=ANALYST)
    assert back.status_code == 200 and back.json()["active"]["id"] == 1
    assert client.get("/api/v1/resources/r-hall-2").status_code == 404
    versions = client.get("/api/v1/catalog/versions", headers=ANALYST).json()
    assert [v["active"] for v in versions] == [True, False]
    nothing = client.post("/api/v1/catalog/rollback", headers=ANALYST)
    assert nothing.status_code == 422 and nothing.json()["error"]["details"][0]["code"] == "nothing_to_roll_back"


def test_upload_with_activate_swaps_at_once(client):
    r = upload(client, V2, activate=True)
    assert r.status_code == 201 and r.json()["version"]["active"]
    assert client.get("/readyz").json() == {"status": "ready", "catalog_version": 2, "resources": len(V2),
                                             "municipality": "000000"}


def test_invalid_upload_stores_nothing_and_reports_rows(client):
    bad_csv = "ID,名称,分類\nx1,,temporary_care\n".encode()
    r = client.post("/api/v1/catalog/versions", headers=ANALYST, files={"file": ("c.csv", bad_csv, "text/csv")})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "import_failed" and "何も保存していません" in err["message_ja"]
    assert err["details"][0]["issues"][0]["row"] is not None
    assert len(client.get("/api/v1/catalog/versions", headers=ANALYST).json()) == 1


@pytest.mark.parametrize("headers, status", [({}, 401), (COUNSELLOR, 403)])
def test_only_analysts_manage_the_catalog(client, headers, status):
    assert upload(client, V2, headers=headers).status_code == status
    assert client.post("/api/v1/catalog/versions/1/activate", headers=headers).status_code == status
    assert client.post("/api/v1/catalog/rollback", headers=headers).status_code == status
    assert client.get("/api/v1/catalog/versions", headers=headers).status_code == status
    r = client.get("/api/v1/catalog/versions", headers=ANALYST)
    assert len(r.json()) == 1


def test_unknown_versions_are_404(client):
    assert client.post("/api/v1/catalog/versions/42/activate", headers=ANALYST).status_code == 404
    assert client.get("/api/v1/catalog/versions/42/diff", headers=ANALYST).status_code == 404
    assert client.get("/api/v1/catalog/versions/1/diff", headers=ANALYST, params={"against": 42}).status_code == 404


def test_oversized_and_wrong_type_uploads(tmp_path):
    settings = make_settings(tmp_path, max_upload_bytes=2048)
    seed_catalog(settings)
    with running(app_for(settings)) as c:
        big = c.post("/api/v1/catalog/versions", headers=ANALYST,
                     files={"file": ("c.csv", b"ID,name\n" + b"x" * 200_000, "text/csv")})
        assert big.status_code == 413 and big.json()["error"]["message_ja"]
        near = c.post("/api/v1/catalog/validate", headers=ANALYST,
                      files={"file": ("c.csv", b"ID,name\n" + b"x" * 3000, "text/csv")})
        assert near.status_code == 413  # over max_upload_bytes though inside the multipart allowance
        wrong = c.post("/api/v1/catalog/versions", headers=ANALYST, json={"file": "ID,名称"})
        assert wrong.status_code == 415
        empty = c.post("/api/v1/catalog/versions", headers=ANALYST, files={"file": ("c.csv", b"", "text/csv")})
        assert empty.status_code == 422
        assert len(c.get("/api/v1/catalog/versions", headers=ANALYST).json()) == 1


def test_activation_swaps_without_failing_requests_in_flight(tmp_path):
    """Matching keeps answering (200, old or new version) while versions flip back and forth."""
    settings = make_settings(tmp_path)
    seed_catalog(settings)
    with running(app_for(settings)) as c:
        assert upload(c, V2).status_code == 201
        statuses: list[int] = []
        versions: set[int] = set()
        stop = threading.Event()

        def ask() -> None:
            while not stop.is_set():
                r = c.post("/api/v1/match", json={"text": "子どもを預けたい"})
                statuses.append(r.status_code)
                versions.add(r.json().get("catalog_version"))

        worker = threading.Thread(target=ask)
        worker.start()
        try:
            for vid in (2, 1, 2, 1, 2):
                assert c.post(f"/api/v1/catalog/versions/{vid}/activate", headers=ANALYST).status_code == 200
        finally:
            stop.set()
            worker.join()
        assert statuses and set(statuses) == {200}
        assert versions <= {1, 2}
        assert c.get("/readyz").json()["catalog_version"] == 2
