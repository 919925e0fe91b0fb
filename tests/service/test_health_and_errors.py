"""Health, readiness, metrics, security headers, CORS, and ONE error shape for every failure."""

from __future__ import annotations

import logging

import pytest

from tests.service.conftest import COUNSELLOR, app_for, make_settings, seed_catalog, running

ERROR_KEYS = {"code", "message_ja", "message_en", "details"}


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    err = body["error"]
    assert isinstance(err["code"], str) and err["code"]
    assert err["message_ja"] and err["message_en"] and isinstance(err["details"], list)
    return err


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "catalog_version": 1, "resources": 7,
                                             "municipality": "000000"}


def test_readyz_without_catalog_is_503(empty_client):
    assert empty_client.get("/healthz").status_code == 200
    assert_error_shape(empty_client.get("/readyz"), 503)


def test_every_error_has_one_shape(tmp_path):
    settings = make_settings(tmp_path, rate_limit_per_minute=30, max_body_bytes=2048)
    seed_catalog(settings)
    with running(app_for(settings)) as c:
        assert_error_shape(c.get("/no/such/page"), 404)
        assert_error_shape(c.get("/api/v1/resources/nope"), 404)
        assert_error_shape(c.delete("/api/v1/match"), 405)
        assert_error_shape(c.post("/api/v1/match", json={"text": "x" * 3000}), 413)
        assert_error_shape(c.post("/api/v1/match", content=b"x", headers={"content-type": "text/plain"}), 415)
        assert_error_shape(c.post("/api/v1/match", json={"text": ""}), 422)
        assert_error_shape(c.post("/api/v1/match", content=b"{", headers={"content-type": "application/json"}), 422)
        assert_error_shape(c.get("/api/v1/referrals"), 401)
        assert_error_shape(c.get("/api/v1/catalog/versions", headers=COUNSELLOR), 403)
        for _ in range(30):
            c.get("/api/v1/categories")
        assert_error_shape(c.get("/api/v1/categories"), 429)


def test_streamed_body_over_the_limit_is_413(tmp_path):
    settings = make_settings(tmp_path, max_body_bytes=2048)
    seed_catalog(settings)

    def chunks():
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    with running(app_for(settings)) as c:
        r = c.post("/api/v1/match", content=chunks(), headers={"content-type": "application/json"})
        assert_error_shape(r, 413)


def test_unhandled_error_is_500_in_the_shape_and_logs_no_message(tmp_path, caplog):
    settings = make_settings(tmp_path)
    seed_catalog(settings)
    app = app_for(settings)

    class Boom:
        taxonomy = None

        def match(self, concern, top=10):
            raise RuntimeError(f"failed on {concern.text}")

    with running(app, raise_server_exceptions=False) as c:
        snapshot = app.state.context.state.snapshot
        app.state.context.state.swap(snapshot.__class__(snapshot.version, snapshot.resources, Boom(),
                                                        snapshot.by_id, snapshot.areas))
        with caplog.at_level(logging.DEBUG):
            r = c.post("/api/v1/match", json={"text": "ひみつの相談ABC"})
        err = assert_error_shape(r, 500)
        assert err["code"] == "internal_error"
    assert "RuntimeError" in caplog.text
    assert "ひみつの相談ABC" not in caplog.text


def test_security_headers_and_no_cors_by_default(client):
    r = client.get("/", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and "/docs" in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "access-control-allow-origin" not in r.headers
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn.jsdelivr.net" in docs.headers["content-security-policy"]


def test_cors_when_configured(tmp_path):
    settings = make_settings(tmp_path, cors_origins="https://city.example.jp")
    with running(app_for(settings)) as c:
        ok = c.options("/api/v1/match", headers={"Origin": "https://city.example.jp",
                                                 "Access-Control-Request-Method": "POST"})
        assert ok.headers["access-control-allow-origin"] == "https://city.example.jp"
        other = c.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_metrics_use_route_templates_and_confidence_bands(client):
    client.post("/api/v1/match", json={"text": "ひみつの相談XYZ 子どもを預けたい"})
    client.get("/api/v1/resources/r-hub")
    client.get("/api/v1/resources/does-not-exist-123")
    text = client.get("/metrics").text
    assert 'route="/api/v1/resources/{resource_id}"' in text
    assert "does-not-exist-123" not in text and "r-hub" not in text
    assert "ひみつ" not in text and "XYZ" not in text
    assert 'tsunagu_http_requests_total{method="POST",route="/api/v1/match",status="200"} 1.0' in text
    assert "tsunagu_match_confidence_total" in text and 'band="low"' in text
    assert "tsunagu_catalog_resources 7.0" in text
    assert "tsunagu_http_request_duration_seconds_bucket" in text


def test_each_app_has_its_own_metrics(tmp_path):
    one, two = app_for(make_settings(tmp_path / "a")), app_for(make_settings(tmp_path / "b"))
    with running(one) as c1, running(two) as c2:
        c1.get("/healthz")
        assert 'route="/healthz"' in c1.get("/metrics").text
        assert 'route="/healthz"' not in c2.get("/metrics").text


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_openapi_is_served(client, path):
    assert client.get(path).status_code == 200


def test_openapi_documents_the_error_shape(client):
    spec = client.get("/openapi.json").json()
    match_op = spec["paths"]["/api/v1/match"]["post"]
    assert {"413", "415", "422", "429", "503"} <= set(match_op["responses"])
    assert "ErrorBody" in spec["components"]["schemas"]


def test_server_answers_while_the_index_is_built(tmp_path):
    """A large catalog takes a while to index: /healthz answers at once, /readyz and /match say
    503 until the index is in place."""
    import threading

    from fastapi.testclient import TestClient

    from service.app import create_app
    from tests.service.conftest import cached_builder

    settings = make_settings(tmp_path)
    seed_catalog(settings)
    release = threading.Event()

    def slow_builder(resources, contacts):
        release.wait(30)
        return cached_builder(resources, contacts)

    app = create_app(settings, matcher_builder=slow_builder)
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 200
        assert assert_error_shape(c.get("/readyz"), 503)["code"] == "catalog_loading"
        r = c.post("/api/v1/match", json={"text": "夜泣き"})
        assert assert_error_shape(r, 503)["code"] == "catalog_loading" and r.headers["retry-after"]
        release.set()
        assert app.state.context.state.wait_first_load(60)
        assert c.get("/readyz").status_code == 200
        assert c.post("/api/v1/match", json={"text": "夜泣き"}).status_code == 200
