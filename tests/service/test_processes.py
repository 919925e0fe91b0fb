"""Several processes on one PostgreSQL database (issue #8): two real uvicorn workers; an analyst
activates a version through one, the other switches by polling within seconds, and requests in
flight meanwhile are all answered. And the database going away: /readyz 503 with a clear
message, matching goes on from memory, everything recovers when the database is back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from catalog.store import CatalogStore
from tests.pg import PostgresUnavailable, PostgresServer, in_ci
from tests.service.conftest import ANALYST, ANALYST_HASH, COUNSELLOR, COUNSELLOR_HASH, SAMPLE, app_for, make_settings, running

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read()[-3000:]}")
        try:
            value = predicate()
            if value:
                return value
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} not within {timeout:.0f}s")


@pytest.fixture
def two_workers(postgres_url, tmp_path):
    store = CatalogStore(postgres_url)
    v1 = store.add_version(SAMPLE, source="v1", activate=True)
    v2 = store.add_version(SAMPLE[:5], source="v2")
    store.engine.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGU_")} | {
        "TSUNAGU_DATABASE_URL": postgres_url, "TSUNAGU_ANALYST_TOKENS": ANALYST_HASH,
        "TSUNAGU_COUNSELLOR_TOKENS": COUNSELLOR_HASH, "TSUNAGU_CATALOG_POLL_SECONDS": "0.5",
        "TSUNAGU_RATE_LIMIT_PER_MINUTE": "0", "TSUNAGU_DEV_TOKENS_PATH": str(tmp_path / "dev.txt"),
        "TSUNAGU_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory", "--workers", "2",
         "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://{HOST}:{port}"
    try:
        # Fresh connections spread over both workers: ready only when 20 in a row say so.
        _wait(lambda: all(httpx.get(f"{base}/readyz", timeout=5).status_code == 200 for _ in range(20)),
              180, "both workers ready", proc)
        yield base, v1.id, v2.id
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        proc.stderr.close()


def test_an_activation_reaches_every_worker_within_seconds_without_failing_requests(two_workers):
    base, v1, v2 = two_workers
    statuses: list[int] = []
    stop = threading.Event()

    def keep_matching() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                statuses.append(client.post("/api/v1/match", json={"text": "夜に子どもを預けたい"}).status_code)

    traffic = [threading.Thread(target=keep_matching) for _ in range(3)]
    for t in traffic:
        t.start()
    try:
        time.sleep(0.5)
        r = httpx.post(f"{base}/api/v1/catalog/versions/{v2}/activate", headers=ANALYST, timeout=60)
        assert r.status_code == 200 and r.json()["active"]["id"] == v2
        switched = time.monotonic()

        def all_on_v2() -> bool:  # fresh connections: each may land on either worker
            return all(httpx.get(f"{base}/readyz", timeout=5).json()["catalog_version"] == v2 for _ in range(30))

        _wait(all_on_v2, 15, "every worker on the new version")
        elapsed = time.monotonic() - switched
        time.sleep(0.5)
    finally:
        stop.set()
        for t in traffic:
            t.join(60)
    assert statuses and set(statuses) == {200}, f"{len(statuses)} requests, statuses {set(statuses)}"
    assert elapsed < 15
    print(f"every worker on version {v2} {elapsed:.1f}s after activation; {len(statuses)} requests, all 200")


@pytest.fixture(scope="module")
def own_server():
    """A cluster of this module's own: the test stops and restarts it."""
    try:
        server = PostgresServer.start_new()
    except PostgresUnavailable as exc:
        if in_ci():
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))
    yield server
    server.close()


def test_losing_the_database_gives_503_on_readyz_and_clear_errors_then_recovers(own_server, tmp_path):
    url = own_server.new_database()
    settings = make_settings(tmp_path, database_url=url)
    store = CatalogStore(url)
    store.create_schema()
    store.add_version(SAMPLE, source="v1", activate=True)
    store.engine.dispose()
    with running(app_for(settings)) as client:
        assert client.get("/readyz").status_code == 200
        own_server.stop()
        try:
            down = client.get("/readyz")
            assert down.status_code == 503 and down.headers["retry-after"] == "5"
            error = down.json()["error"]
            assert error["code"] == "database_unavailable" and "データベース" in error["message_ja"]
            assert "cannot be reached" in error["message_en"]
            # Matching answers from the index in memory; what needs the database says so clearly.
            assert client.post("/api/v1/match", json={"text": "夜に子どもを預けたい"}).status_code == 200
            for r in (client.get("/api/v1/catalog/versions", headers=ANALYST),
                      client.post("/api/v1/referrals", json={"resource_id": "r-temp"}, headers=COUNSELLOR)):
                assert r.status_code == 503 and r.json()["error"]["code"] == "database_unavailable"
        finally:
            own_server.start()
        _wait(lambda: client.get("/readyz").status_code == 200, 30, "/readyz back")
        assert client.get("/api/v1/catalog/versions", headers=ANALYST).status_code == 200
        assert client.post("/api/v1/referrals", json={"resource_id": "r-temp"}, headers=COUNSELLOR).status_code == 201
