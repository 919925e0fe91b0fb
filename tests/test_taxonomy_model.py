from datetime import date, datetime

from catalog import Fit, Resource, age_fits, area_fits, load_taxonomy, time_fits
from catalog.hours import is_open_at


def test_taxonomy_has_38_stable_codes():
    tax = load_taxonomy()
    assert len(tax) == 38
    assert tax.get("short_stay").group == "あずける"


def test_taxonomy_resolves_names_and_codes():
    tax = load_taxonomy()
    assert tax.resolve("一時預かり事業").code == "temporary_care"
    assert tax.resolve("ｔｅｍｐｏｒａｒｙ_care").code == "temporary_care"
    assert tax.resolve("存在しない分類") is None


def test_resource_round_trips_through_dict():
    r = Resource(id="a", name="ひろば", category="regional_hub", keywords=("遊び場",), verified_on=date(2026, 4, 1))
    assert Resource.from_dict(r.to_dict()) == r


def test_age_fit_inclusive_bounds_and_unknown():
    r = Resource(id="a", name="x", category="temporary_care", age_min_months=6, age_max_months=71)
    assert age_fits(r, 6).fit is Fit.FITS
    assert age_fits(r, 71).fit is Fit.FITS
    assert age_fits(r, 72).fit is Fit.FAILS
    assert age_fits(Resource(id="b", name="y", category="daycare"), 10).fit is Fit.UNKNOWN


def test_area_fit_whole_municipality_and_suffix():
    r = Resource(id="a", name="x", category="regional_hub", service_areas=("北地区",))
    assert area_fits(r, "北").fit is Fit.FITS
    assert area_fits(r, "南地区").fit is Fit.FAILS
    assert area_fits(r.replace(service_areas=("全域",)), "南地区").fit is Fit.FITS


def test_hours_use_japanese_public_holidays():
    hours = "Mo-Fr 08:30-17:15; PH off"
    assert is_open_at(hours, datetime(2026, 11, 24, 10, 0)) is True
    assert is_open_at(hours, datetime(2026, 11, 23, 10, 0)) is False  # 勤労感謝の日
    r = Resource(id="a", name="x", category="health_center", opening_hours=hours)
    assert time_fits(r, datetime(2026, 11, 24, 20, 0)).fit is Fit.FAILS


def test_hours_today_lists_open_spans():
    from catalog.hours import hours_today

    spans = hours_today("Mo-Fr 08:30-17:15; PH off", datetime(2026, 11, 24, 12, 0))
    assert [(a.hour, a.minute, b.hour, b.minute) for a, b in spans] == [(8, 30, 17, 15)]
    assert hours_today("Mo-Fr 08:30-17:15; PH off", datetime(2026, 11, 23, 12, 0)) == []  # 祝日
