from collections import Counter
from pathlib import Path

import pytest

from catalog.formats.opendata import build_hours, kind_to_category
from catalog.hours import validate_hours
from catalog.importer import read_catalog

KUDAMATSU = Path(__file__).resolve().parents[2] / "data/opendata/kudamatsu_352071_preschool.cp932.csv"
HEADER = "全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,所在地_連結表記,緯度,経度,電話番号,受入年齢,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,一時預かりの有無,病児保育の有無,備考"


@pytest.fixture(scope="module")
def kudamatsu():
    return read_catalog(KUDAMATSU)


def test_kudamatsu_file_imports_unchanged(kudamatsu):
    assert kudamatsu.format == "opendata_childcare"
    assert kudamatsu.report.ok, kudamatsu.report.to_text()
    assert len(kudamatsu.resources) == 49
    assert kudamatsu.report.info["encoding"] == "cp932"
    assert Counter(r.category for r in kudamatsu.resources) == {
        "daycare": 28, "after_school_club": 11, "kindergarten": 4, "regional_hub": 4,
        "childrens_hall": 1, "sick_child_care": 1,
    }


def test_kudamatsu_report_names_every_cell_it_could_not_map(kudamatsu):
    unmapped = Counter((i.column, i.code) for i in kudamatsu.report.warnings)
    assert unmapped == {
        ("開始時間", "unmapped_value"): 11,  # 放課後児童クラブ: start time empty
        ("受入年齢", "unmapped_value"): 4,  # 原則、未就園児
        ("種別", "unmapped_value"): 2,  # その他
    }
    other = [i for i in kudamatsu.report.warnings if i.column == "種別"]
    assert {i.row for i in other} == {48, 49}
    assert all("その他" in i.message_ja for i in other)


def test_kudamatsu_fields(kudamatsu):
    by_id = {r.id: r for r in kudamatsu.resources}
    first = by_id["KD0000500001"]
    assert first.name == "下松市立潮音保育園"
    assert first.secondary_categories == ("temporary_care",)
    assert first.age_min_months == 3 and first.age_max_months is None
    assert first.opening_hours == "Mo-Sa 07:30-19:00; Sa 07:30-18:30; PH unknown; Dec 29-Jan 03 off"
    assert first.address == "山口県下松市潮音町4-2-1"
    assert (first.lat, first.lon) == (34.0229339, 131.8490058)
    assert first.extra["受入年齢"] == "3ヶ月から" and first.extra["種別"] == "認可公立保育所"
    assert by_id["KD0000500049"].opening_hours.startswith("Mo-Sa 07:00-19:00")  # written as 7:00
    assert by_id["KD0000500048"].category == "sick_child_care"  # その他 + 病児保育=有
    assert by_id["KD0000500047"].category == "childrens_hall"  # その他, 名称 児童センター
    assert by_id["KD0000500031"].secondary_categories == ("kindergarten", "temporary_care", "sick_child_care")
    assert by_id["KD0000500033"].opening_hours is None
    assert (by_id["KD0000500033"].age_min_months, by_id["KD0000500033"].age_max_months) == (72, 155)
    assert by_id["KD0000500043"].opening_hours == "Mo-Fr 09:00-16:00; PH off; Dec 29-Jan 03 off"
    assert by_id["KD0000500046"].address.endswith("ゆめタウン下松星プラザ３階")
    assert all(validate_hours(r.opening_hours) is None for r in kudamatsu.resources if r.opening_hours)


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("認可公立保育所", "daycare"), ("小規模保育施設", "daycare"), ("家庭的保育事業", "daycare"),
        ("事業所内保育事業", "daycare"), ("認定こども園（幼保連携型）", "daycare"), ("公立幼稚園", "kindergarten"),
        ("放課後児童クラブ", "after_school_club"), ("子育て支援センター", "regional_hub"),
        ("地域子育て支援拠点", "regional_hub"), ("児童館", "childrens_hall"), ("一時預かり", "temporary_care"),
        ("病児保育", "sick_child_care"), ("ファミリー・サポート・センター", "family_support_center"),
    ],
)
def test_kind_keywords(kind, expected):
    assert kind_to_category(kind)[0] == expected


def test_unknown_kind_is_kept_with_a_fallback_and_a_warning():
    row = "352071,X1,山口県下松市,ふしぎな館,,謎の施設,住所,34.0,131.8,0833,,,,,,,無,"
    result = read_catalog(f"{HEADER}\n{row}\n".encode("utf-8"))
    assert result.report.ok
    assert result.resources[0].category == "consultation_hub"
    [issue] = result.report.warnings
    assert issue.code == "unmapped_value" and "謎の施設" in issue.message_ja


def test_days_and_times_become_opening_hours():
    assert build_hours("月水木金土", "9:00", "14:00", "祝日・年末年始等はお休み") == "Mo,We-Sa 09:00-14:00; PH off; Dec 29-Jan 03 off"
    assert build_hours("月火木金土日", "11:00", "16:00", "") == "Mo,Tu,Th-Su 11:00-16:00; PH unknown"
    assert build_hours("月火水木金", "08:30", "15:00", "・水曜は14時まで") == "Mo-Fr 08:30-15:00; We 08:30-14:00; PH unknown"
    assert build_hours("月火水木金土", "", "18:30", "") is None


def test_bad_rows_in_opendata_layout():
    rows = [
        "352071,X1,市,,,保育所,住所,34.0,131.8,0833,3ヶ月から,月火,07:00,19:00,,有,無,",
        "352071,X1,市,B園,,保育所,住所,95.0,131.8,0833,3ヶ月から,月火,25:00,19:00,,たぶん,無,=1+1",
    ]
    result = read_catalog((f"{HEADER}\n" + "\n".join(rows) + "\n").encode("cp932"))
    got = {(i.code, i.row) for i in result.report.issues}
    assert {("missing_name", 2), ("duplicate_id", 3), ("lat_out_of_range", 3), ("formula_like", 3)} <= got
    assert ("unmapped_value", 3) in got  # 25:00 and たぶん are reported, not guessed
    assert result.resources[1].extra["備考"] == "=1+1"
