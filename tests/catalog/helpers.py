"""Small builders for catalog files used across the catalog tests."""

from __future__ import annotations

import csv
import io

HEADER = ["ID", "名称", "分類", "対象年齢_下限_月", "対象年齢_上限_月", "緯度", "経度", "開所時間", "地区"]


def catalog_csv(rows: list[list[str]], header: list[str] | None = None, *, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return out.getvalue()


def good_row(i: int = 1, **cells: str) -> list[str]:
    row = dict(zip(HEADER, [f"R{i}", f"ひろば{i}", "regional_hub", "0", "35", "34.02", "131.85", "Mo-Fr 09:00-16:00", "北"]))
    row.update(cells)
    return [row[h] for h in HEADER]
