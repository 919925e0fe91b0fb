"""Unmet needs: aggregation over plain match-log rows, and reading the log table since a date."""

from __future__ import annotations

from datetime import date, datetime, timezone

from catalog.db import make_engine
from catalog.model import Resource
from catalog.records import MatchLogEntry, MatchLogStore, create_record_tables
from catalog.unmet import demand, low_confidence, read_match_log, time_band, unmet_list, unmet_needs


def entry(i: int, categories, *, area="北地区", band="high", age="1-2歳", hour=10, weekday=1, words=(),
          created=datetime(2026, 11, 1, tzinfo=timezone.utc)) -> MatchLogEntry:
    return MatchLogEntry(f"q{i}", 1, list(categories), 0.9 if band == "high" else 0.2, band, area, age, hour,
                         weekday, "none", list(words), 3, created)


CATALOG = [
    Resource(id="n", name="通園 北", category="universal_nursery", service_areas=("北地区",), age_min_months=6,
             age_max_months=35, opening_hours="Mo-Fr 09:00-16:00"),
    Resource(id="s", name="トワイライト", category="short_stay", service_areas=("全域",), age_min_months=12,
             age_max_months=143, opening_hours="Mo-Fr 17:00-19:00"),
    Resource(id="x", name="南のひろば", category="regional_hub", service_areas=("南地区",)),
]


def test_time_bands():
    assert [time_band(h) for h in (None, 2, 7, 12, 18, 22)] == ["指定なし", "深夜", "朝", "日中", "夕方", "夜間"]


def test_demand_counts_each_category_by_area_age_time_and_day():
    rows = [entry(1, ["universal_nursery"]), entry(2, ["universal_nursery", "regional_hub"]),
            entry(3, ["universal_nursery"], weekday=6)]
    table = demand(rows)
    assert table[0] == {"category": "universal_nursery", "area": "北地区", "age_band": "1-2歳", "time_band": "日中",
                        "day": "平日", "count": 2}
    assert sum(r["count"] for r in table) == 4


def test_low_confidence_words_need_enough_matches_to_be_shown():
    rows = [entry(i, ["regional_hub"], band="low", words=["習い事", "ピアノ"] if i < 3 else ["習い事"])
            for i in range(4)]
    rows.append(entry(9, ["regional_hub"], words=["習い事"]))
    report = low_confidence(rows, min_word_count=3)
    assert report["count"] == 4
    assert report["top_words"] == [{"word": "習い事", "count": 4}, {"word": "ピアノ", "count": 3}]
    assert low_confidence(rows, min_word_count=5)["top_words"] == []


def test_unmet_needs_name_area_age_and_time_gaps():
    rows = [
        entry(1, ["universal_nursery"], area="南地区"),  # no 通園 serves 南地区
        entry(2, ["universal_nursery"], area="北地区", age="3-5歳"),  # 北 serves 6-35 months only
        entry(3, ["short_stay"], area="北地区", age="3-5歳", hour=22),  # nothing open at 22:00
        entry(4, ["short_stay"], area="北地区", age="3-5歳", hour=18),  # open 17-19: met
        entry(5, ["universal_nursery"], area="北地区", age="1-2歳"),  # met
        entry(6, ["food_support"]),  # no such resource at all
    ]
    found = {(u.category, u.area, u.age_band, u.time_band): u.reasons_ja[0] for u in unmet_list(rows, CATALOG)}
    assert found == {
        ("universal_nursery", "南地区", "1-2歳", "日中"): "南地区で利用できる資源がありません",
        ("universal_nursery", "北地区", "3-5歳", "日中"): "3-5歳が使える資源が北地区にありません",
        ("short_stay", "北地区", "3-5歳", "夜間"): "平日の夜間に開いている資源がありません",
        ("food_support", "北地区", "1-2歳", "日中"): "この分類の資源がカタログにありません",
    }


def test_report_since_a_date_and_as_json():
    old = entry(1, ["regional_hub"], created=datetime(2026, 1, 1, tzinfo=timezone.utc))
    new = entry(2, ["regional_hub"], area="南地区")
    report = unmet_needs([old, new], CATALOG, since=date(2026, 6, 1))
    assert report.matches == 1 and report.by_category == {"regional_hub": 1}
    assert report.unmet == []
    data = report.to_dict()
    assert data["since"].startswith("2026-06-01") and "text" not in str(data)


def test_read_match_log_since(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    create_record_tables(engine)
    MatchLogStore(engine).add_many([entry(1, ["a"], created=datetime(2026, 1, 1, tzinfo=timezone.utc)),
                                    entry(2, ["b"], created=datetime(2026, 11, 1, tzinfo=timezone.utc))])
    assert [e.query_id for e in read_match_log(engine)] == ["q1", "q2"]
    assert [e.query_id for e in read_match_log(engine, date(2026, 6, 1))] == ["q2"]
    engine.dispose()


def test_read_match_log_keeps_to_one_municipality(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    create_record_tables(engine)
    MatchLogStore(engine, "131016").add_many([entry(1, ["a"])])
    MatchLogStore(engine, "352071").add_many([entry(2, ["b"])])
    assert [e.query_id for e in read_match_log(engine, municipality="131016")] == ["q1"]
    assert [e.query_id for e in read_match_log(engine, municipality="352071")] == ["q2"]
    assert len(read_match_log(engine)) == 2
    engine.dispose()
