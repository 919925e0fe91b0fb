"""HTTP API speed: req/s, p50 and p99 of POST /api/v1/match beside a bare FastAPI endpoint,
measured in the same run on 127.0.0.1, so the ratio shows tsunagu's own overhead.

Both servers are uvicorn subprocesses (one worker each) started and stopped here; the sample
catalog (data/sample/catalog.csv, or a synthetic one when absent) is loaded into a temporary
SQLite database. Load is bounded in time and count and only ever goes to 127.0.0.1: `wrk` when
installed, otherwise a small keep-alive HTTP/1.1 client on asyncio (httpx would be the
bottleneck). Settings: TSUNAGU_BENCH_SECONDS (default 10), TSUNAGU_BENCH_CONNECTIONS (default 8).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data/sample/catalog.csv"
CONCERNS = ROOT / "data/eval/concerns.jsonl"
HOST = "127.0.0.1"
MAX_REQUESTS = 200_000  # a hard cap besides the time bound
READY_TIMEOUT = 900  # building the index of the sample catalog can take minutes on a busy box


# ---- the bare comparison app ---------------------------------------------------------------


class BareRequest(BaseModel):
    text: str


bare_app = FastAPI()


@bare_app.post("/bare")
async def bare(body: BareRequest) -> dict:
    return {"ok": True, "length": len(body.text)}


@bare_app.get("/healthz")
async def bare_health() -> dict:
    return {"status": "ok"}


# ---- servers -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _synthetic_catalog(path: Path) -> None:
    from catalog.export import export_csv
    from catalog.model import Resource
    from catalog.taxonomy import load_taxonomy

    resources = [
        Resource(id=f"s{i:04d}", name=f"{c.short_name} {i}", category=c.code, description=c.description,
                 service_areas=("全域",))
        for i, c in enumerate(list(load_taxonomy()) * 5)
    ]
    path.write_text(export_csv(resources), encoding="utf-8")


def _prepare_database(tmp: Path) -> str:
    from catalog.store import CatalogStore

    source = SAMPLE
    if not source.exists():
        source = tmp / "synthetic.csv"
        _synthetic_catalog(source)
    url = f"sqlite:///{tmp / 'bench.db'}"
    store = CatalogStore(url)
    store.create_schema()
    _result, info = store.import_file(source, activate=True)
    store.engine.dispose()
    print(f"catalog: {source.name}, {info.resource_count} resources")
    return url


def _start(app: str, port: int, env: dict[str, str], *, factory: bool) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port), "--workers", "1",
           "--no-access-log", "--log-level", "warning"]
    if factory:
        cmd.append("--factory")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_ready(port: int, path: str, proc: subprocess.Popen, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://{HOST}:{port}{path}", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{path} not ready within {timeout:.0f}s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


# ---- load ----------------------------------------------------------------------------------


def _get(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()


def _request(port: int, path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _connection(port: int, requests: list[bytes], deadline: float, latencies: list[float],
                      counts: dict[str, int]) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    i = 0
    try:
        while time.perf_counter() < deadline and counts["sent"] < MAX_REQUESTS:
            counts["sent"] += 1
            start = time.perf_counter()
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                counts["errors"] += 1
    finally:
        writer.close()


async def _load(port: int, requests: list[bytes], seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    counts = {"sent": 0, "errors": 0}
    start = time.perf_counter()
    deadline = start + seconds
    results = await asyncio.gather(
        *(_connection(port, requests, deadline, latencies, counts) for _ in range(connections)),
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - start
    counts["errors"] += sum(isinstance(r, Exception) for r in results)
    return _summary(latencies, elapsed, counts["errors"])


def _summary(latencies: list[float], elapsed: float, errors: int) -> dict:
    if not latencies:
        return {"requests": 0, "rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "errors": errors}
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "errors": errors,
    }


def _concerns() -> list[str]:
    if CONCERNS.exists():
        lines = [json.loads(line) for line in CONCERNS.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts = [row["text"] for row in lines if row.get("text")]
        if texts:
            return texts[:200]
    return ["夜中だけど親を病院に連れて行くので子どもをあずかってほしい", "2歳の子のことばが遅い気がする",
            "育休明けの保育園の申し込みはどうすれば", "ワンオペで疲れた、少し休みたい"]


def _warm(port: int, requests: list[bytes]) -> None:
    asyncio.run(_load(port, requests, 1.0, 2))


def main() -> None:
    seconds = float(os.environ.get("TSUNAGU_BENCH_SECONDS", "10"))
    connections = int(os.environ.get("TSUNAGU_BENCH_CONNECTIONS", "8"))
    tmp = Path(tempfile.mkdtemp(prefix="tsunagu-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGU_")}
        env.update({
            "TSUNAGU_DATABASE_URL": _prepare_database(tmp),
            "TSUNAGU_DEV_TOKENS_PATH": str(tmp / "dev-tokens.txt"),
            "TSUNAGU_RATE_LIMIT_PER_MINUTE": "0",
            "TSUNAGU_CATALOG_POLL_SECONDS": "0",
            "TSUNAGU_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        })
        api_port, bare_port = _free_port(), _free_port()
        procs.append(_start("service.app:create_app", api_port, env, factory=True))
        procs.append(_start("tests.bench.bench_api:bare_app", bare_port, env, factory=False))
        started = time.perf_counter()
        _wait_ready(bare_port, "/healthz", procs[1], 60)
        _wait_ready(api_port, "/readyz", procs[0], READY_TIMEOUT)
        print(f"servers ready in {time.perf_counter() - started:.1f}s (index build included)")

        texts = _concerns()
        match_requests = [_request(api_port, "/api/v1/match", json.dumps({"text": t}, ensure_ascii=False).encode())
                          for t in texts]
        bare_requests = [_request(bare_port, "/bare", json.dumps({"text": t}, ensure_ascii=False).encode())
                         for t in texts]
        _warm(api_port, match_requests)
        _warm(bare_port, bare_requests)
        tool = "asyncio keep-alive client" if not shutil.which("wrk") else "asyncio keep-alive client (wrk found but not needed)"
        print(f"load: {seconds:.0f}s each, {connections} connections, {len(texts)} distinct concerns, {tool}")
        rows = [
            ("bare FastAPI POST /bare", asyncio.run(_load(bare_port, bare_requests, seconds, connections))),
            ("tsunagu POST /api/v1/match", asyncio.run(_load(api_port, match_requests, seconds, connections))),
            # The same middleware stack without matching: what the service adds around the matcher.
            ("bare FastAPI GET /healthz", asyncio.run(_load(bare_port, [_get(bare_port, "/healthz")], seconds / 2, connections))),
            ("tsunagu GET /healthz", asyncio.run(_load(api_port, [_get(api_port, "/healthz")], seconds / 2, connections))),
        ]
        print(f"{'endpoint':32} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, r in rows:
            print(f"{name:32} {r['requests']:>9} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>7}")
        bare_rps, match_rps = rows[0][1]["rps"], rows[1][1]["rps"]
        if match_rps:
            print(f"ratio bare/match req/s: {bare_rps / match_rps:.1f}× "
                  f"(p50 {rows[1][1]['p50_ms'] / rows[0][1]['p50_ms']:.1f}×); matching itself is most of it")
        if rows[3][1]["rps"]:
            print(f"ratio bare/tsunagu GET /healthz req/s: {rows[2][1]['rps'] / rows[3][1]['rps']:.2f}× "
                  "(middleware: metrics, access log, limits, security headers)")
    finally:
        for proc in procs:
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
