"""HSDS 3.0 JSON: export → import gives the same resources; other HSDS data maps as far as it can."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from catalog.export import export_hsds
from catalog.formats.hsds import hsds_id
from catalog.importer import read_catalog
from catalog.model import Resource

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "catalog.csv"
TABLES = {"organizations", "services", "locations", "service_at_locations", "schedules", "phones", "languages",
          "service_areas", "taxonomy_terms"}


def _round_trip(resources):
    result = read_catalog(export_hsds(resources).encode("utf-8"), filename="catalog.hsds.json")
    assert result.format == "hsds"
    assert result.report.ok, result.report.to_text()
    return result.resources


def test_the_whole_sample_survives_a_round_trip():
    resources = read_catalog(SAMPLE).resources
    back = _round_trip(resources)
    assert back == resources
    assert [r.extra for r in back] == [r.extra for r in resources]


def test_coordinates_extra_and_false_flags_survive():
    r = Resource(id="x-1", name="テスト窓口", category="daycare", secondary_categories=("temporary_care", "kindergarten"),
                 lat=35.681236, lon=139.767125, night=False, free=True, pregnant_ok=False, age_min_months=7,
                 age_max_months=71, verified_on=date(2026, 1, 5), extra={"備考": "駐車場あり"},
                 opening_hours='Mo-Fr 09:00-17:00; Sa[1] 10:00-12:00 "第1土曜"')
    [back] = _round_trip([r])
    assert back == r and back.extra == r.extra


def test_the_document_has_the_hsds_tables_with_stable_ids():
    resources = read_catalog(SAMPLE).resources[:5]
    doc = json.loads(export_hsds(resources))
    assert TABLES <= set(doc)
    service = doc["services"][0]
    assert service["id"] == hsds_id("service", resources[0].id)
    assert json.loads(export_hsds(resources))["services"][0]["id"] == service["id"]
    term = next(t for t in doc["taxonomy_terms"] if t["code"] == resources[0].category)
    assert term["parent_id"] and term["language"] == "ja"
    schedule = next(s for s in doc["schedules"] if s["description"] == "Mo-Fr 08:30-17:15; PH off")
    assert (schedule["freq"], schedule["byday"], schedule["opens_at"]) == ("WEEKLY", "MO,TU,WE,TH,FR", "08:30+09:00")


def test_foreign_hsds_maps_categories_ages_and_hours():
    doc = {
        "organizations": [{"id": "o1", "name": "NPO法人 みどり"}],
        "services": [{"id": "s1", "name": "親子ひろば みどり", "organization_id": "o1", "minimum_age": 0,
                      "maximum_age": 3, "assured_date": "2026-04-01T10:00:00Z"}],
        "taxonomy_terms": [{"id": "t1", "name": "地域子育て支援拠点"}],
        "attributes": [{"id": "a1", "link_id": "s1", "taxonomy_term_id": "t1", "link_entity": "service"}],
        "schedules": [{"id": "sc1", "service_id": "s1", "byday": "MO,WE", "opens_at": "10:00", "closes_at": "15:00"}],
        "phones": [{"id": "p1", "service_id": "s1", "number": "0299-00-0000"}],
    }
    result = read_catalog(json.dumps(doc, ensure_ascii=False).encode(), filename="other.json")
    assert result.report.ok, result.report.to_text()
    [r] = result.resources
    assert (r.id, r.category, r.age_min_months, r.age_max_months) == ("s1", "regional_hub", 0, 36)
    assert (r.opening_hours, r.provider, r.verified_on) == ("Mo,We 10:00-15:00", "NPO法人 みどり", date(2026, 4, 1))


def test_a_service_without_a_known_category_is_a_row_error():
    doc = {"services": [{"id": "s1", "name": "何か"}]}
    result = read_catalog(json.dumps(doc).encode(), filename="x.json")
    assert not result.report.ok
    assert "missing_category" in result.report.codes()
