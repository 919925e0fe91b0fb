import pytest

from matcher.normalize import normalize_text
from matcher.situation import read_situation


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("1歳半の子がいます", 18),
        ("生後4か月です", 4),
        ("生後4ヶ月", 4),
        ("2歳3ヶ月の息子", 27),
        ("小3の娘", (3 + 5) * 12 + 12),
        ("小学2年生", (2 + 5) * 12 + 12),
        ("中2の息子が", (2 + 11) * 12 + 12),
        ("三歳の娘", 42),
        ("第1子4か月、支援者なし", 4),
        ("my son is 3 years old", 42),
        ("年長の子", 72),
    ],
)
def test_age_cues(text, months):
    assert read_situation(normalize_text(text)).child_age_months == months


def test_time_and_pregnancy_cues():
    s = read_situation(normalize_text("もう夜中だけど、泊まりで預けたい。土日も。妊娠中です"))
    assert (s.night, s.overnight, s.weekend, s.pregnant) == (True, True, True, True)
    calm = read_situation(normalize_text("午前中に遊べる場所"))
    assert (calm.night, calm.overnight, calm.weekend, calm.pregnant, calm.child_age_months) == (False, False, False, False, None)


def test_hiragana_time_cues():
    assert read_situation(normalize_text("こんやあずけたい")).night


def test_area_from_known_names():
    s = read_situation(normalize_text("北地区に住んでいます"), ("北地区", "南地区"))
    assert s.area == "北地区"
    assert read_situation(normalize_text("東京に住んでいます"), ("北地区",)).area is None


def test_nenchu_as_all_year_is_not_an_age():
    assert read_situation(normalize_text("年中無休の所はありますか")).child_age_months is None
