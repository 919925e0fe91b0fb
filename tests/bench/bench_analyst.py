"""Analyst tools and import speed: 10,000 synthetic rows imported, checked for duplicates, and a
10,000-row import against the sample catalog's 186. Prints seconds; no targets are asserted."""

from __future__ import annotations

import time

from catalog.duplicates import find_duplicates
from catalog.importer import read_catalog
from catalog.quality import quality_report
from tests.catalog.synthetic import synthetic_catalog_csv


def main() -> None:
    data = synthetic_catalog_csv(10_000, seed=3).encode()
    t0 = time.perf_counter()
    resources = read_catalog(data).resources
    t1 = time.perf_counter()
    pairs = find_duplicates(resources)
    t2 = time.perf_counter()
    quality_report(resources)
    t3 = time.perf_counter()
    print(f"{'step':<34}{'rows':>8}{'seconds':>10}")
    print(f"{'read + validate CSV':<34}{len(resources):>8}{t1 - t0:>10.2f}")
    print(f"{'duplicates within catalog':<34}{len(resources):>8}{t2 - t1:>10.2f}   ({len(pairs)} pairs)")
    print(f"{'quality report':<34}{len(resources):>8}{t3 - t2:>10.2f}")


if __name__ == "__main__":
    main()
