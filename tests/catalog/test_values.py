from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.values import (
    OutOfRange,
    ValueParseError,
    parse_age_range,
    parse_bool,
    parse_date,
    parse_int,
    parse_lat,
    parse_lon,
    split_multi,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("可", True), ("不可", False), ("要", True), ("不要", False), ("true", True), ("FALSE", False),
        ("yes", True), ("No", False), ("1", True), ("0", False), ("○", True), ("×", False),
        ("有", True), ("無", False), ("１", True), ("０", False), ("ｙｅｓ", True), (" 可 ", True),
    ],
)
def test_bool_words(text, expected):
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", [None, "", "  ", "\u3000"])
def test_empty_is_unknown_never_no(text):
    assert parse_bool(text) is None
    assert parse_int(text) is None
    assert parse_lat(text) is None
    assert parse_date(text) is None
    assert split_multi(text) == ()
    assert parse_age_range(text) is None


def test_unreadable_bool_raises_bilingual_reason():
    with pytest.raises(ValueParseError) as exc:
        parse_bool("たぶん")
    assert "たぶん" in exc.value.message_ja and "yes/no" in exc.value.message_en


def test_multi_values_split_on_half_and_full_width_semicolons():
    assert split_multi("ja; en；zh;;") == ("ja", "en", "zh")


def test_months_are_whole_non_negative_numbers():
    assert parse_int("３５") == 35
    assert parse_int("12.0") == 12
    for bad in ("1.5", "-1", "三"):
        with pytest.raises(ValueParseError):
            parse_int(bad)


def test_coordinates_have_ranges():
    assert parse_lat("34.02") == pytest.approx(34.02)
    assert parse_lon("-122.5") == pytest.approx(-122.5)
    with pytest.raises(OutOfRange):
        parse_lat("134.0")
    with pytest.raises(OutOfRange):
        parse_lon("181")
    with pytest.raises(ValueParseError):
        parse_lat("北緯34度")
    with pytest.raises(ValueParseError):
        parse_lat("nan")


def test_dates_with_dash_or_slash():
    assert parse_date("2026-04-01") == date(2026, 4, 1)
    assert parse_date("2026/4/1") == date(2026, 4, 1)
    assert parse_date("２０２６/０４/０１") == date(2026, 4, 1)
    for bad in ("2026-02-30", "4/1", "令和8年4月1日"):
        with pytest.raises(ValueParseError):
            parse_date(bad)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3ヶ月から", (3, None)),
        ("生後57日から", (1, None)),
        ("1歳から", (12, None)),
        ("満3歳から5歳", (36, 71)),
        ("0歳〜2歳", (0, 35)),
        ("0～2歳", (0, 35)),
        ("5歳まで", (None, 71)),
        ("3歳未満", (None, 35)),
        ("1歳6か月以上", (18, None)),
        ("(幼)3歳から(保)1歳6ヶ月から", (18, None)),
        ("3ヶ月から2歳児クラス相当まで", (3, 47)),
        ("3ヶ月から小学校6年生まで", (3, 155)),
        ("小学生", (72, 155)),
        ("11ケ月から", (11, None)),
    ],
)
def test_age_text_to_months(text, expected):
    assert parse_age_range(text) == expected


@pytest.mark.parametrize("text", ["原則、未就園児", "どなたでも", "要相談"])
def test_unreadable_age_text_is_none(text):
    assert parse_age_range(text) is None


@given(st.integers(0, 17), st.integers(0, 17))
def test_year_ranges_are_inclusive_to_the_end_of_the_upper_year(low, high):
    lo, hi = sorted((low, high))
    assert parse_age_range(f"{lo}歳から{hi}歳まで") == (12 * lo, 12 * hi + 11)
    assert parse_age_range(f"{lo}歳〜{hi}歳") == (12 * lo, 12 * hi + 11)


@given(st.lists(st.text(st.characters(blacklist_characters=";；", blacklist_categories=("Cs", "Zs", "Cc", "Zl", "Zp")), min_size=1), max_size=6))
def test_split_multi_inverts_join(items):
    assert split_multi(";".join(items)) == tuple(items)
