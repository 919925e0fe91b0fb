"""Several processes, several municipalities, one PostgreSQL (issue #8): req/s, p50/p99 and
errors of POST /m/{code}/api/v1/match spread over 3 municipalities, served by 2 uvicorn worker
processes, first steady, then while an analyst switches one municipality's catalog version
(activate v2 a third of the way in, back to v1 at two thirds).

Everything stays on this machine: a throwaway PostgreSQL cluster (tests.pg) on a Unix socket,
the servers and the load on 127.0.0.1. Each municipality gets the sample catalog. Bounded:
TSUNAGU_BENCH_SECONDS per phase (default 10), TSUNAGU_BENCH_CONNECTIONS (default 8).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from catalog.municipality import municipality_code
from tests.bench.bench_api import (
    HOST, READY_TIMEOUT, ROOT, SAMPLE, _concerns, _free_port, _load, _request, _stop, _synthetic_catalog,
)

MUNICIPALITIES = [municipality_code(c) for c in ("35207", "13101", "27100")]  # 下松市, 千代田区, 大阪市
ANALYST_TOKEN = "bench-analyst-token-0123456789abcdef"


def _prepare(url: str, tmp: Path) -> tuple[int, int]:
    """The sample catalog in every municipality; a second, smaller version for the first one."""
    from catalog.importer import read_catalog
    from catalog.store import CatalogStore

    source = SAMPLE
    if not source.exists():
        source = tmp / "synthetic.csv"
        _synthetic_catalog(source)
    resources = read_catalog(source).resources
    store = CatalogStore(url)
    store.create_schema()
    first = store.for_municipality(MUNICIPALITIES[0])
    v1 = first.add_version(resources, source=source.name, activate=True).id
    v2 = first.add_version(resources[: len(resources) * 9 // 10], source="smaller.csv").id
    for code in MUNICIPALITIES[1:]:
        store.for_municipality(code).add_version(resources, source=source.name, activate=True)
    store.engine.dispose()
    print(f"catalog: {source.name}, {len(resources)} resources in each of {', '.join(MUNICIPALITIES)}")
    return v1, v2


def _get_json(port: int, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict]:
    import httpx

    r = httpx.request(method, f"http://{HOST}:{port}{path}", headers=headers, timeout=120)
    return r.status_code, r.json()


def _wait_all_ready(port: int, proc: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:  # fresh connections land on either worker: every municipality ready in both
            if all(httpx.get(f"http://{HOST}:{port}/m/{c}/readyz", timeout=5).status_code == 200
                   for c in MUNICIPALITIES for _ in range(6)):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError("workers not ready")


def _switch_during(port: int, seconds: float, v1: int, v2: int, log: list[str]) -> None:
    """Activate v2 after a third of the phase, v1 after two thirds; note how long until every
    worker serves the new version."""
    headers = {"Authorization": f"Bearer {ANALYST_TOKEN}"}
    path = f"/m/{MUNICIPALITIES[0]}"
    for at, version in ((seconds / 3, v2), (seconds / 3, v1)):
        time.sleep(at)
        start = time.perf_counter()
        status, _ = _get_json(port, f"{path}/api/v1/catalog/versions/{version}/activate", headers, "POST")
        answered = time.perf_counter() - start
        while True:
            seen = {_get_json(port, f"{path}/readyz")[1].get("catalog_version") for _ in range(10)}
            if seen == {version} or time.perf_counter() - start > 60:
                break
            time.sleep(0.1)
        log.append(f"activate v{version}: HTTP {status}, answered in {answered:.1f}s, "
                   f"both workers on it {time.perf_counter() - start:.1f}s after the request")


def main() -> None:
    from service.security import hash_token
    from tests.pg import PostgresUnavailable, postgres_server

    seconds = float(os.environ.get("TSUNAGU_BENCH_SECONDS", "10"))
    connections = int(os.environ.get("TSUNAGU_BENCH_CONNECTIONS", "8"))
    try:
        server = postgres_server()
    except PostgresUnavailable as exc:
        print(f"skipped: {exc}")
        return
    tmp = Path(tempfile.mkdtemp(prefix="tsunagu-bench-tenants-"))
    proc = None
    try:
        url = server.new_database()
        v1, v2 = _prepare(url, tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGU_")} | {
            "TSUNAGU_DATABASE_URL": url,
            "TSUNAGU_ANALYST_TOKENS": hash_token("bench-default-analyst-0123456789", n=2**10),
            "TSUNAGU_MUNICIPALITY_TOKENS": f"{MUNICIPALITIES[0]}:analyst:{hash_token(ANALYST_TOKEN, n=2**10)}",
            "TSUNAGU_COUNSELLOR_TOKENS": hash_token("bench-counsellor-token-0123456789", n=2**10),
            "TSUNAGU_DEV_TOKENS_PATH": str(tmp / "dev-tokens.txt"),
            "TSUNAGU_RATE_LIMIT_PER_MINUTE": "0",
            "TSUNAGU_CATALOG_POLL_SECONDS": "1",
            "TSUNAGU_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory", "--workers", "2",
             "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = time.perf_counter()
        _wait_all_ready(port, proc)
        print(f"2 workers x 3 municipalities ready in {time.perf_counter() - started:.1f}s (index builds included)")

        texts = _concerns()
        requests = [
            _request(port, f"/m/{MUNICIPALITIES[i % 3]}/api/v1/match", json.dumps({"text": t}, ensure_ascii=False).encode())
            for i, t in enumerate(texts * 3)
        ]
        asyncio.run(_load(port, requests, 2.0, 2))  # warm
        print(f"load: {seconds:.0f}s per phase, {connections} connections, 3 municipalities round robin, "
              f"{len(texts)} distinct concerns")
        steady = asyncio.run(_load(port, requests, seconds, connections))
        notes: list[str] = []
        switcher = threading.Thread(target=_switch_during, args=(port, seconds, v1, v2, notes))
        switcher.start()
        switching = asyncio.run(_load(port, requests, seconds, connections))
        switcher.join(120)
        print(f"{'phase (2 workers, PostgreSQL)':34} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, r in (("steady", steady), ("two version switches", switching)):
            print(f"{name:34} {r['requests']:>9} {r['rps']:>7.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>7}")
        for line in notes:
            print(line)
    finally:
        if proc is not None:
            _stop(proc)
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
