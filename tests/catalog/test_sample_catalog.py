"""The sample catalog in data/sample: complete, valid, and its sparse variant derived from it.

The sample is the fictional 青葉県若葉野市 (code 992011). These tests keep it usable as the shared
fixture for matching, evaluation and the quality reports: every category present, every value in
the documented format, and the sparse file exactly the rich one with the free text removed.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

from catalog.hours import validate_hours
from catalog.taxonomy import load_taxonomy

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
RICH = SAMPLE / "catalog.csv"
SPARSE = SAMPLE / "catalog_sparse.csv"

# The Japanese headers of shared/catalog-format.md, in its order.
HEADER = [
    "ID", "名称", "名称_カナ", "分類", "副分類", "説明", "こんなときに", "キーワード",
    "対象年齢_下限_月", "対象年齢_上限_月", "妊婦対象", "対象者", "地区", "全国地方公共団体コード",
    "住所", "緯度", "経度", "電話番号", "URL", "開所時間", "夜間対応", "休日対応", "宿泊", "料金",
    "無料", "予約", "対応言語", "運営", "確認日",
]  # fmt: skip
# Free text a real open-data export usually lacks; emptied in the sparse variant.
FREE_TEXT_COLUMNS = ("説明", "こんなときに", "キーワード")
DISTRICTS = {"中央地区", "北地区", "南地区", "東地区", "西地区"}
AREAS = DISTRICTS | {"全域", "全国", "都道府県"}
# The day the sample was written: "stale" (older than 12 months) is measured from here, not from
# today, so the share of stale rows does not drift as time passes.
WRITTEN_ON = date(2026, 11, 23)
# Deliberate near-duplicates (same phone, two spellings) for the duplicates report.
NEAR_DUPLICATES = [("WKB-0042", "WKB-0043"), ("WKB-0072", "WKB-0073"), ("WKB-0108", "WKB-0109")]


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def sparse_variant(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The same rows with 説明, こんなときに and キーワード emptied (everything else unchanged)."""
    return [{k: ("" if k in FREE_TEXT_COLUMNS else v) for k, v in row.items()} for row in rows]


def write_table(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """How catalog_sparse.csv was written: `write_table(SPARSE, *...sparse_variant...)`."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def rich_rows() -> list[dict[str, str]]:
    return read_table(RICH)[1]


def split(cell: str) -> list[str]:
    return [part.strip() for part in cell.replace("；", ";").split(";") if part.strip()]


def test_file_is_utf8_without_bom_and_has_every_documented_column():
    raw = RICH.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")  # raises if not UTF-8
    header, _ = read_table(RICH)
    assert header == HEADER


def test_has_at_least_170_rows_with_unique_ids_names_and_categories():
    rows = rich_rows()
    assert len(rows) >= 170
    ids = [r["ID"] for r in rows]
    assert all(ids) and len(set(ids)) == len(ids)
    assert all(r["名称"].strip() and r["分類"].strip() for r in rows)


def test_every_category_resolves_and_each_of_the_38_is_primary_at_least_twice():
    taxonomy = load_taxonomy()
    primary = Counter()
    unresolved = []
    for r in rich_rows():
        category = taxonomy.resolve(r["分類"])
        if category is None:
            unresolved.append((r["ID"], r["分類"]))
            continue
        primary[category.code] += 1
        unresolved += [(r["ID"], s) for s in split(r["副分類"]) if taxonomy.resolve(s) is None]
    assert unresolved == []
    assert len(taxonomy) == 38
    assert set(primary) == set(taxonomy.codes)
    assert min(primary.values()) >= 2, [c for c, n in primary.items() if n < 2]


def test_ages_are_whole_months_and_min_is_not_above_max():
    bad = []
    for r in rich_rows():
        lo, hi = r["対象年齢_下限_月"], r["対象年齢_上限_月"]
        for cell in (lo, hi):
            if cell and not cell.isdigit():
                bad.append((r["ID"], cell))
        if lo.isdigit() and hi.isdigit() and int(lo) > int(hi):
            bad.append((r["ID"], f"{lo}>{hi}"))
    assert bad == []


def test_every_opening_hours_value_parses():
    failures = [(r["ID"], r["開所時間"]) for r in rich_rows() if r["開所時間"] and validate_hours(r["開所時間"])]
    assert failures == []


def test_flags_languages_and_codes_use_the_documented_values():
    rows = rich_rows()
    for column in ("妊婦対象", "夜間対応", "休日対応", "宿泊", "無料"):
        assert {r[column] for r in rows} <= {"", "可", "不可"}, column
    assert {r["予約"] for r in rows} <= {"", "要", "不要"}
    languages = {code for r in rows for code in split(r["対応言語"])}
    assert all(re.fullmatch(r"[a-z]{2}", code) for code in languages)
    assert {r["全国地方公共団体コード"] for r in rows} <= {"", "992011", "990001"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["確認日"]) for r in rows)


def test_areas_are_the_five_districts_the_whole_city_or_wider():
    rows = rich_rows()
    used = [area for r in rows for area in split(r["地区"])]
    assert set(used) <= AREAS
    assert DISTRICTS <= set(used)
    assert any(len(split(r["地区"])) > 1 for r in rows)


def test_about_a_tenth_of_rows_were_verified_more_than_a_year_before_writing():
    rows = rich_rows()
    cutoff = WRITTEN_ON.replace(year=WRITTEN_ON.year - 1)
    verified = [date.fromisoformat(r["確認日"]) for r in rows]
    assert all(d <= WRITTEN_ON for d in verified)
    stale = sum(d < cutoff for d in verified)
    assert 0.05 <= stale / len(rows) <= 0.15


def test_mix_of_rich_and_sparse_rows_like_real_open_data():
    rows = rich_rows()
    rich = [r for r in rows if r["説明"] and r["こんなときに"]]
    bare = [r for r in rows if not any(r[c] for c in FREE_TEXT_COLUMNS)]
    assert 0.35 <= len(rich) / len(rows) <= 0.5
    assert len(bare) / len(rows) >= 0.4
    # こんなときに holds several short phrases in a parent's words, not one long sentence.
    assert all(3 <= len(split(r["こんなときに"])) <= 6 for r in rows if r["こんなときに"])
    assert all(len(p) <= 30 for r in rows for p in split(r["こんなときに"]))


def test_deliberate_near_duplicates_share_a_phone_but_not_the_spelling():
    by_id = {r["ID"]: r for r in rich_rows()}
    for a, b in NEAR_DUPLICATES:
        assert by_id[a]["電話番号"] == by_id[b]["電話番号"]
        assert by_id[a]["名称"] != by_id[b]["名称"]


def test_sparse_file_is_exactly_the_rich_file_without_free_text():
    header, rows = read_table(RICH)
    sparse_header, sparse_rows = read_table(SPARSE)
    assert sparse_header == header
    assert sparse_rows == sparse_variant(rows)
    assert any(r["説明"] for r in rows)  # the derivation really removed something


def test_both_files_import_with_no_errors_or_warnings():
    from catalog.importer import read_catalog

    for path in (RICH, SPARSE):
        result = read_catalog(path)
        assert result.report.ok, result.report.to_text(20)
        assert result.report.warnings == []
        assert len(result.resources) == len(rich_rows())
