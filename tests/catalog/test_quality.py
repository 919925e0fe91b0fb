"""The quality report: missing facts, stale rows, closed services, coverage gaps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from catalog.importer import read_catalog
from catalog.model import Resource
from catalog.quality import closed_rows, coverage, missing_fields, never_open, quality_report, stale_rows

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "catalog.csv"
WRITTEN_ON = date(2026, 11, 23)  # the sample's "today" (data/sample/README.md)


@pytest.fixture(scope="module")
def sample():
    return read_catalog(SAMPLE).resources


def test_the_sample_has_nineteen_stale_rows_oldest_first(sample):
    stale = [i for i in stale_rows(sample, WRITTEN_ON) if i.kind == "stale"]
    assert len(stale) == 19
    ids = [i.resource_id for i in stale]
    assert {"WKB-0043", "WKB-0073", "WKB-0109"} <= set(ids)  # the duplicates' leftovers
    dates = [next(r.verified_on for r in sample if r.id == i) for i in ids]
    assert dates == sorted(dates)


def test_stale_is_measured_from_today():
    r = Resource(id="a", name="窓口", category="daycare", verified_on=date(2025, 1, 1))
    assert stale_rows([r], date(2025, 12, 1)) == []
    assert [i.kind for i in stale_rows([r], date(2026, 1, 2))] == ["stale"]
    assert [i.kind for i in stale_rows([r.replace(verified_on=None)], date(2026, 1, 2))] == ["never_verified"]


def test_missing_what_matters_for_matching():
    bare = Resource(id="a", name="窓口", category="daycare")
    full = Resource(id="b", name="窓口", category="daycare", example_concerns=("預けたい",),
                    opening_hours="Mo-Fr 09:00-17:00", age_max_months=71)
    assert sorted(i.kind for i in missing_fields([bare, full])) == ["no_age_range", "no_hours", "no_text"]


@pytest.mark.parametrize("hours, closed", [
    ("off", True),
    ("2024 Jan 01-2025 Dec 31 Mo-Fr 09:00-17:00", True),  # ended before today
    ("Mo-Fr 09:00-17:00; PH off", False),
    ("We[3] 17:30-20:00", False),
    ("Mo-Fr unknown", False),  # unknown is not closed
    ("not hours at all", False),  # a syntax error is the validator's business
])
def test_never_open_in_the_next_year(hours, closed):
    assert never_open(hours, WRITTEN_ON) is closed


def test_closed_services_from_hours_or_notes():
    rows = [
        Resource(id="h", name="旧ひろば", category="regional_hub", opening_hours="off"),
        Resource(id="n", name="ひろば", category="regional_hub", extra={"備考": "令和7年3月末で廃止"}),
        Resource(id="s", name="親子教室（休止中）", category="parenting_circle"),
        Resource(id="ok", name="ひろば", category="regional_hub", description="年末年始は休止します。"),
    ]
    found = {i.resource_id: i.kind for i in closed_rows(rows, WRITTEN_ON)}
    assert found == {"h": "closed_hours", "n": "closed_note", "s": "closed_note"}


def test_whole_municipality_rows_count_for_every_area_and_gaps_are_listed():
    rows = [
        Resource(id="1", name="a", category="daycare", service_areas=("北地区",)),
        Resource(id="2", name="b", category="food_support", service_areas=("全域",)),
        Resource(id="3", name="c", category="daycare", secondary_categories=("temporary_care",), service_areas=("南地区",)),
    ]
    cov = coverage(rows)
    assert cov.areas == ("北地区", "南地区")
    assert cov.count("food_support", "北地区") == 1 and cov.count("food_support", "南地区") == 1
    assert cov.count("temporary_care", "南地区") == 1
    assert ("daycare", "北地区") not in cov.gaps and ("temporary_care", "北地区") in cov.gaps
    assert cov.rows()[0]["category"] == cov.categories[0]


def test_the_sample_report(sample):
    report = quality_report(sample, today=WRITTEN_ON)
    assert report.total == 186
    assert report.counts["stale"] == 19
    assert ("universal_nursery", "南地区") in report.coverage.gaps
    assert report.closed == []
    data = report.to_dict()
    assert data["counts"]["coverage_gaps"] == len(data["coverage"]["gaps"])
    assert len(data["coverage"]["matrix"]) == 38
