"""Matcher speed: per-query latency (p50/p99, tokenisation included), index build time and
memory, on the sample catalog and on synthetic catalogs of 1k, 10k and 100k resources.

Targets (benchmark, not test): p99 ≤ 2 ms at the sample size and ≤ 15 ms at 100k; 100k indexed
in ≤ 60 s. Set TSUNAGU_BENCH_SIZES=1000,10000 to run fewer sizes. "p99 long" is the p99 of the
long concerns alone (LONG_CONCERN characters or more), which make up the overall p99.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from pathlib import Path

from catalog.model import Resource
from catalog.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data/sample/catalog.csv"
GOLD = ROOT / "data/eval/concerns.jsonl"
AREAS = ["中央地区", "北地区", "南地区", "東地区", "西地区"]
HOURS = ["Mo-Fr 08:30-17:15; PH off", "Mo-Sa 07:00-19:00; PH off", "24/7", "Tu-Su 10:00-16:00", None]
LONG_CONCERN = 200  # characters


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def synthetic_resources(n: int, seed: int = 0) -> list[Resource]:
    """Resources whose text is recombined from the taxonomy's own sentences, so most are unique."""
    rng = random.Random(seed)
    tax = load_taxonomy()
    phrases = []
    for c in tax:
        phrases += [p for p in c.description.replace("。", "、").split("、") if p]
        phrases.append(c.short_name)
    out = []
    for i in range(n):
        cat = rng.choice(tax.categories)
        lo = rng.choice([None, 0, 6, 12, 36, 72])
        hi = None if lo is None else lo + rng.choice([11, 35, 71, 143])
        out.append(
            Resource(
                id=f"S{i:06d}",
                name=f"{rng.choice(['みどり', 'ひかり', 'さくら', 'あおば', 'なかよし'])}{cat.short_name}{i}",
                category=cat.code,
                description="、".join(rng.sample(phrases, 4)) + "。",
                example_concerns=tuple(rng.sample(phrases, 2)),
                age_min_months=lo,
                age_max_months=hi,
                service_areas=(rng.choice(AREAS + ["全域"]),),
                opening_hours=rng.choice(HOURS),
            )
        )
    return out


def _queries() -> list[dict]:
    if GOLD.exists():
        return [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [{"text": t} for t in ("子どもを預けたい", "夜中に熱が出た", "発達が心配", "ママ友がほしい")]


def _p99(times_ms: list[float]) -> float:
    ordered = sorted(times_ms)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3)


def measure(resources: list[Resource], label: str, queries: list[dict], repeat: int = 1) -> dict:
    from matcher import Concern, Matcher

    rss0 = _rss_mb()
    t0 = time.perf_counter()
    matcher = Matcher.build(resources)
    build_s = time.perf_counter() - t0
    rss1 = _rss_mb()
    concerns = [Concern.from_query(q) for q in queries]
    for c in concerns[:20]:  # warm caches
        matcher.match(c)
    times, long_times = [], []
    for _ in range(repeat):
        for c in concerns:
            t = time.perf_counter()
            matcher.match(c)
            times.append((time.perf_counter() - t) * 1000)
            if len(c.text) >= LONG_CONCERN:
                long_times.append(times[-1])
    return {
        "catalog": label,
        "resources": len(resources),
        "build_s": round(build_s, 2),
        "memory_mb": round(rss1 - rss0, 1),
        "queries": len(times),
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": _p99(times),
        "p99_long_ms": _p99(long_times) if long_times else None,
    }


def main() -> None:
    from catalog.importer import read_catalog

    queries = _queries()
    rows = []
    if SAMPLE.exists():
        rows.append(measure(read_catalog(SAMPLE).resources, "sample", queries, repeat=3))
    sizes = [int(x) for x in os.environ.get("TSUNAGU_BENCH_SIZES", "1000,10000,100000").split(",") if x]
    for n in sizes:
        rows.append(measure(synthetic_resources(n), f"synthetic {n}", queries))
    print("\n== matcher benchmark (targets: p99 ≤ 2 ms sample, ≤ 15 ms at 100k; 100k build ≤ 60 s)")
    header = f"{'catalog':<18}{'resources':>10}{'build s':>9}{'mem MB':>9}{'queries':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99 long':>10}"
    print(header)
    for r in rows:
        print(
            f"{r['catalog']:<18}{r['resources']:>10}{r['build_s']:>9}{r['memory_mb']:>9}{r['queries']:>9}"
            f"{r['p50_ms']:>9}{r['p99_ms']:>9}{str(r['p99_long_ms']):>10}"
        )


if __name__ == "__main__":
    main()
