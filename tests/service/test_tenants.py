"""Municipalities over HTTP (both backends): a request names its municipality by header or path;
one never sees or changes another's catalog, referrals or log; the shared tenant's national
resources reach every municipality; tokens act for their own municipality only."""

from __future__ import annotations

import pytest

from catalog.model import Resource
from catalog.records import MatchLogStore
from catalog.store import CatalogStore
from service.app import refresh_catalogs
from service.security import hash_token
from tests.service.conftest import ANALYST, COUNSELLOR, SAMPLE, app_for, auth, make_settings, running

BACKENDS = ("sqlite", "postgresql")
TOKYO, OSAKA, KYOTO = "131016", "271004", "261009"
TOKENS = {(code, role): f"{role}-{code}-token-0123456789" for code in (TOKYO, OSAKA) for role in ("counsellor", "analyst")}


def local(code: str, name: str) -> list[Resource]:
    return [
        Resource(id=f"{code}-temp", name=f"{name}一時預かり", category="temporary_care",
                 description="保護者の急な用事のとき、日中にお子さんを一時的にお預かりします。", service_areas=("全域",)),
        Resource(id=f"{code}-hall", name=f"{name}児童館", category="childrens_hall",
                 description="0歳から18歳まで自由に遊べます。", service_areas=("全域",)),
    ]


def H(code: str, role: str | None = None) -> dict[str, str]:
    headers = {"X-Tsunagu-Municipality": code}
    if role:
        headers |= auth(TOKENS[(code, role)])
    return headers


@pytest.fixture
def tenant_settings(tmp_path, database_url):
    scoped = [f"{code}:{role}:{hash_token(token, n=2**8)}" for (code, role), token in TOKENS.items()]
    return make_settings(tmp_path, database_url=database_url, municipality_tokens=scoped,
                         municipalities=[TOKYO, OSAKA])


@pytest.fixture
def client(tenant_settings):
    shared = CatalogStore(tenant_settings.database_url)  # 000000: default and shared
    shared.create_schema()
    shared.add_version(SAMPLE, source="shared", activate=True)
    shared.for_municipality(TOKYO).add_version(local(TOKYO, "東京"), source="tokyo", activate=True)
    shared.for_municipality(OSAKA).add_version(local(OSAKA, "大阪"), source="osaka", activate=True)
    shared.engine.dispose()
    with running(app_for(tenant_settings)) as c:
        yield c


def ids(response) -> set[str]:
    return {item["resource"]["id"] for item in response.json()["results"]}


def test_each_municipality_matches_its_own_catalog_plus_the_shared_national_lines(client):
    body = {"text": "急な用事で子どもを預けたい。虐待かもしれない", "top": 10}
    tokyo = client.post("/api/v1/match", json=body, headers=H(TOKYO))
    osaka = client.post(f"/m/{OSAKA}/api/v1/match", json=body)  # the path form
    assert tokyo.status_code == osaka.status_code == 200
    assert f"{TOKYO}-temp" in ids(tokyo) and not any(i.startswith(OSAKA) for i in ids(tokyo))
    assert f"{OSAKA}-temp" in ids(osaka) and not any(i.startswith(TOKYO) for i in ids(osaka))
    listed = client.get("/api/v1/resources", params={"per_page": 100}, headers=H(TOKYO)).json()
    # 189 (全国) comes from the shared tenant; the shared tenant's local entries do not.
    assert {r["id"] for r in listed["items"]} == {f"{TOKYO}-temp", f"{TOKYO}-hall", "r-189"}
    assert client.get("/api/v1/resources/r-temp", headers=H(TOKYO)).status_code == 404
    default = client.get("/api/v1/resources", params={"per_page": 100}).json()
    assert {r["id"] for r in default["items"]} == {r.id for r in SAMPLE}  # no header: the default
    assert client.get("/readyz", headers=H(OSAKA)).json()["municipality"] == OSAKA


def test_tokens_act_only_for_their_own_municipality(client):
    tokyo_versions = client.get("/api/v1/catalog/versions", headers=H(TOKYO, "analyst"))
    assert tokyo_versions.status_code == 200 and [v["resource_count"] for v in tokyo_versions.json()] == [2]
    osaka_id = client.get("/api/v1/catalog/versions", headers=H(OSAKA, "analyst")).json()[0]["id"]
    # Tokyo's analyst naming Osaka, by header or path: refused.
    stolen = {"Authorization": H(TOKYO, "analyst")["Authorization"]}
    assert client.get("/api/v1/catalog/versions", headers=stolen | {"X-Tsunagu-Municipality": OSAKA}).status_code == 403
    r = client.post(f"/m/{OSAKA}/api/v1/catalog/versions/{osaka_id}/activate", headers=stolen)
    assert r.status_code == 403 and r.json()["error"]["details"][0]["code"] == "other_municipality"
    # Tokyo's analyst at home cannot reach Osaka's version by id either.
    assert client.post(f"/api/v1/catalog/versions/{osaka_id}/activate", headers=H(TOKYO, "analyst")).status_code == 404
    # The global tokens act for the default municipality only.
    assert client.get("/api/v1/catalog/versions", headers=ANALYST | {"X-Tsunagu-Municipality": TOKYO}).status_code == 403
    assert client.get("/api/v1/catalog/versions", headers=ANALYST).status_code == 200
    assert client.get("/api/v1/catalog/versions", headers=auth(TOKENS[(TOKYO, "analyst")])).status_code == 403


def test_referrals_and_the_match_log_are_kept_per_municipality(client, tenant_settings):
    made = client.post("/api/v1/referrals", json={"resource_id": f"{TOKYO}-temp"}, headers=H(TOKYO, "counsellor"))
    assert made.status_code == 201
    ref_id = made.json()["id"]
    assert client.post("/api/v1/referrals", json={"resource_id": f"{TOKYO}-temp"},
                       headers=H(OSAKA, "counsellor")).status_code == 422  # not in Osaka's catalog
    assert client.get(f"/api/v1/referrals/{ref_id}", headers=H(OSAKA, "counsellor")).status_code == 404
    assert client.patch(f"/api/v1/referrals/{ref_id}", json={"outcome": "connected"},
                        headers=H(OSAKA, "counsellor")).status_code == 404
    assert client.get("/api/v1/referrals", headers=H(OSAKA, "counsellor")).json()["total"] == 0
    assert client.get("/api/v1/referrals", headers=COUNSELLOR).json()["total"] == 0
    assert client.get("/api/v1/referrals", headers=H(TOKYO, "counsellor")).json()["total"] == 1

    client.post("/api/v1/match", json={"text": "子どもを預けたい"}, headers=H(OSAKA))
    ctx = client.app.state.context
    assert ctx.match_log.flush()
    assert MatchLogStore(ctx.engine, OSAKA).count() == 1 and MatchLogStore(ctx.engine, TOKYO).count() == 0


@pytest.mark.parametrize(("headers", "path", "status", "code"), [
    ({"X-Tsunagu-Municipality": "131017"}, "/api/v1/resources", 422, "invalid_municipality"),
    ({}, "/m/12/api/v1/resources", 404, "invalid_municipality"),
    ({"X-Tsunagu-Municipality": KYOTO}, "/api/v1/resources", 404, "unknown_municipality"),  # not in the allow-list
    ({"X-Tsunagu-Municipality": TOKYO}, "/", 404, "not_per_municipality"),  # pages: default only
    ({}, f"/m/{TOKYO}/api/v1/analytics/quality", 404, "not_per_municipality"),
])
def test_a_municipality_that_cannot_be_served_is_refused_clearly(client, headers, path, status, code):
    r = client.get(path, headers=headers)
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert r.json()["error"]["message_ja"] and r.json()["error"]["message_en"]


def test_a_new_shared_version_reaches_every_municipality_and_lru_bounds_memory(tmp_path, database_url):
    settings = make_settings(tmp_path, database_url=database_url, max_loaded_municipalities=2)
    shared = CatalogStore(settings.database_url)
    shared.create_schema()
    shared.add_version(SAMPLE, source="shared", activate=True)
    for code in (TOKYO, OSAKA):
        shared.for_municipality(code).add_version(local(code, code), source=code, activate=True)
    with running(app_for(settings)) as client:
        ctx = client.app.state.context
        for code in (TOKYO, OSAKA, TOKYO):  # the third request rebuilds Tokyo after Osaka pushed it out
            assert client.get("/api/v1/resources", headers={"X-Tsunagu-Municipality": code}).status_code == 200
        assert [code for code, _ in ctx.tenants.loaded()] == ["000000", TOKYO]
        national = Resource(id="r-8000", name="子ども医療電話相談 #8000", category="child_guidance_center",
                            service_areas=("全国",))
        shared.add_version([*SAMPLE, national], source="shared 2", activate=True)  # e.g. by another worker
        refresh_catalogs(ctx)
        r = client.get("/api/v1/resources/r-8000", headers={"X-Tsunagu-Municipality": TOKYO})
        assert r.status_code == 200
    shared.engine.dispose()


def test_a_default_municipality_other_than_000000_owns_unnamed_requests(tmp_path, database_url):
    settings = make_settings(tmp_path, database_url=database_url, default_municipality=TOKYO)
    store = CatalogStore(settings.database_url, TOKYO)
    store.create_schema()
    store.add_version(local(TOKYO, "東京"), source="tokyo", activate=True)
    store.for_municipality("000000").add_version(SAMPLE, source="shared", activate=True)
    with running(app_for(settings)) as client:
        assert client.post("/api/v1/match", json={"text": "子どもを預けたい"}).status_code == 200
        assert client.get("/readyz").json()["municipality"] == TOKYO
        assert client.get("/api/v1/catalog/versions", headers=ANALYST).json()[0]["source"] == "tokyo"
        ctx = client.app.state.context
        assert ctx.match_log.flush()
        assert MatchLogStore(ctx.engine, TOKYO).count() == 1 and MatchLogStore(ctx.engine).count() == 0
    store.engine.dispose()


def test_referrals_and_category_counts_use_a_municipality_catalog_even_before_it_is_loaded(tenant_settings):
    # No preloading (one municipality kept loaded): the request itself must load the catalog
    # rather than record an id it never checked, or count nothing.
    settings = tenant_settings.model_copy(update={"max_loaded_municipalities": 1})
    shared = CatalogStore(settings.database_url)
    shared.create_schema()
    shared.add_version(SAMPLE, source="shared", activate=True)
    shared.for_municipality(TOKYO).add_version(local(TOKYO, "東京"), source="tokyo", activate=True)
    shared.for_municipality(OSAKA).add_version(local(OSAKA, "大阪"), source="osaka", activate=True)
    shared.engine.dispose()
    with running(app_for(settings)) as c:
        counts = {row["code"]: row["resource_count"] for row in c.get("/api/v1/categories", headers=H(OSAKA)).json()}
        assert (counts["temporary_care"], counts["childrens_hall"]) == (1, 1)
        assert c.post("/api/v1/referrals", json={"resource_id": f"{TOKYO}-temp"},
                      headers=H(OSAKA, "counsellor")).status_code == 422
        made = c.post("/api/v1/referrals", json={"resource_id": f"{TOKYO}-temp"}, headers=H(TOKYO, "counsellor"))
        assert made.status_code == 201 and made.json()["category"] == "temporary_care"
