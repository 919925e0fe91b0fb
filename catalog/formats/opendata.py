"""自治体標準オープンデータセット「子育て施設一覧」 (Table with its 51 standard columns) → resources.

Real files are messy, so this layout maps what it can and says what it could not, cell by cell,
as `unmapped_value` warnings. It never drops a row:

- 種別 → taxonomy code by keywords (保育所 → daycare, 幼稚園 → kindergarten, ...). When 種別 is
  その他 or unknown, the 名称 is tried with the same keywords, then the 病児保育/一時預かり flags;
  when nothing fits the row is kept as FALLBACK_CATEGORY (consultation_hub: the 利用者支援 window
  is where a family is sent when it is unclear what a place is), with a warning naming the value
  so an analyst can fix it.
- 一時預かりの有無=有 / 病児保育の有無=有 add temporary_care / sick_child_care as secondary codes.
- 利用可能曜日 + 開始時間 + 終了時間 → OpenStreetMap opening_hours. The dataset says nothing about
  public holidays, so `PH off` is only written when 利用可能日時特記事項 says 祝日 are closed;
  otherwise `PH unknown` (shown as 条件未確認), never a guess either way. 年末年始 closures
  become `Dec 29-Jan 03 off` (the public-office holidays of 行政機関の休日に関する法律), and
  「土曜は18時30分まで」-style notes shorten that day. The note itself stays in extra.
- 受入年齢 text → months (catalog.values.parse_age_range); the text stays in extra.
"""

from __future__ import annotations

import re
from typing import Any

from catalog import values
from catalog.formats.table import Table, records
from catalog.model import Resource
from catalog.taxonomy import Taxonomy
from catalog.validation import DuplicateChecker, ValidationReport, validate_resource

FORMAT_NAME = "opendata_childcare"
FALLBACK_CATEGORY = "consultation_hub"

_SIGNATURE = ("受入年齢", "利用可能曜日", "開始時間", "終了時間", "所在地_連結表記", "一時預かりの有無", "病児保育の有無")

# Checked in order on the NFKC text: specific words before general ones (病児保育 before 保育).
KIND_RULES: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = (
    (("病児", "病後児"), "sick_child_care", ()),
    (("一時預かり", "一時保育"), "temporary_care", ()),
    (("ファミリー・サポート", "ファミリーサポート", "ファミサポ"), "family_support_center", ()),
    (("放課後等デイ",), "after_school_day_service", ()),
    (("児童発達支援",), "child_development_support", ()),
    (("放課後児童", "学童", "児童クラブ", "児童の家"), "after_school_club", ()),
    (("子育て支援センター", "地域子育て支援拠点", "子育てひろば", "子育て広場", "つどいの広場"), "regional_hub", ()),
    (("児童館", "児童センター"), "childrens_hall", ()),
    (("ショートステイ", "トワイライト", "子育て短期支援"), "short_stay", ()),
    (("産後ケア",), "postpartum_care", ()),
    (("こども家庭センター", "子ども家庭センター"), "child_family_center", ()),
    (("保健センター",), "health_center", ()),
    (("子ども食堂", "こども食堂", "フードパントリー"), "food_support", ()),
    (("認定こども園",), "daycare", ("kindergarten",)),
    (("幼稚園",), "kindergarten", ()),
    (("保育", "託児"), "daycare", ()),
)

# Columns copied into fields; the address parts are covered by 所在地_連結表記.
_MAPPED = {"ID", "名称", "名称_カナ", "全国地方公共団体コード", "所在地_連結表記", "緯度", "経度", "電話番号", "URL", "団体名"}
_ADDRESS_PARTS = ("所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下")
_NOT_EXTRA = _MAPPED | set(_ADDRESS_PARTS) | {"地方公共団体名", "所在地_全国地方公共団体コード", "建物名等(方書)"}

_DAYS = "月火水木金土日"
_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = re.compile(r"(\d{1,2})\s*[:時]\s*(\d{1,2})?分?")
_DAY_UNTIL = re.compile(r"([月火水木金土日])曜日?は(\d{1,2})時(?:(\d{1,2})分)?まで")


def is_opendata_header(header: list[str]) -> bool:
    names = set(header)
    return "名称" in names and "種別" in names and sum(1 for s in _SIGNATURE if s in names) >= 2


def kind_to_category(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(category, extra secondary codes) for a 種別 or a name, by keywords; None when none fits."""
    folded = values.nfkc(text)
    for words, code, secondary in KIND_RULES:
        if any(w in folded for w in words):
            return code, secondary
    return None


def _time(text: str | None) -> str | None:
    """'7:00', '07:30', '7時30分' → '07:30'; None when not a time."""
    if not text:
        return None
    match = _TIME.fullmatch(values.nfkc(text).strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 24 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _day_ranges(indexes: list[int]) -> str:
    """[0,1,2,3,4,5] → 'Mo-Sa'; [0,2,3,4,5] → 'Mo,We-Sa'."""
    parts: list[str] = []
    run: list[int] = []
    for i in indexes + [99]:
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            if len(run) >= 3:
                parts.append(f"{_OSM_DAYS[run[0]]}-{_OSM_DAYS[run[-1]]}")
            else:
                parts.extend(_OSM_DAYS[d] for d in run)
        run = [i]
    return ",".join(parts)


def build_hours(days: str | None, start: str | None, end: str | None, note: str | None) -> str | None:
    """OSM opening_hours from the dataset's day letters, times and note; None when incomplete."""
    opens, closes = _time(start), _time(end)
    if not days or not opens or not closes:
        return None
    indexes = sorted({_DAYS.index(c) for c in values.nfkc(days) if c in _DAYS})
    if not indexes:
        return None
    rules = [f"{_day_ranges(indexes)} {opens}-{closes}"]
    note = values.nfkc(note or "")
    for match in _DAY_UNTIL.finditer(note):
        day = _DAYS.index(match[1])
        until = f"{int(match[2]):02d}:{int(match[3] or 0):02d}"
        if day in indexes and opens < until:
            rules.append(f"{_OSM_DAYS[day]} {opens}-{until}")
    closed_on_holidays = "祝" in note and ("休" in note or "除" in note)
    rules.append("PH off" if closed_on_holidays else "PH unknown")
    if "年末年始" in note:
        rules.append("Dec 29-Jan 03 off")
    return "; ".join(rules)


def _warn_unmapped(report: ValidationReport, row: int, column: str, value: str, ja: str, en: str) -> None:
    report.warn("unmapped_value", f"「{value}」{ja}", f"'{value}': {en}", row=row, column=column)


def _warn_hours(report: ValidationReport, row: int, days: str | None, start: str | None, end: str | None) -> None:
    """Say which of 曜日 / 開始時間 / 終了時間 stopped the opening hours from being built."""
    for column, value, reader in (("利用可能曜日", days, lambda v: any(c in _DAYS for c in values.nfkc(v))),
                                  ("開始時間", start, _time), ("終了時間", end, _time)):
        if not value:
            report.warn("unmapped_value", f"{column}が空なので開所時間を作れません（他の値は extra に残します）",
                        f"{column} is empty, so no opening hours (the other values are kept as extra)",
                        row=row, column=column)
            return
        if not reader(value):
            _warn_unmapped(report, row, column, value, "を読めないので開所時間を作れません", "unreadable, so no opening hours")
            return


def _flag(report: ValidationReport, row: int, record: dict[str, str], column: str) -> bool | None:
    text = record.get(column)
    try:
        return values.parse_bool(text)
    except values.ValueParseError:
        _warn_unmapped(report, row, column, text or "", "を有/無として読めません（無視します）", "not 有/無, ignored")
        return None


def _category(report: ValidationReport, row: int, record: dict[str, str], flags: dict[str, bool | None]) -> tuple[str, tuple[str, ...]]:
    kind = values.clean(record.get("種別")) or ""
    found = kind_to_category(kind) if kind and kind != "その他" else None
    if found:
        return found
    how_ja, how_en = "", ""
    name = record.get("名称", "")
    found = kind_to_category(name) if name else None
    if found:
        how_ja, how_en = f"名称から {found[0]} と判断しました", f"category {found[0]} taken from the name"
    elif flags.get("病児保育の有無"):
        found = ("sick_child_care", ())
        how_ja, how_en = "病児保育=有 から sick_child_care と判断しました", "病児保育=有, so sick_child_care"
    elif flags.get("一時預かりの有無"):
        found = ("temporary_care", ())
        how_ja, how_en = "一時預かり=有 から temporary_care と判断しました", "一時預かり=有, so temporary_care"
    else:
        found = (FALLBACK_CATEGORY, ())
        how_ja = f"対応する分類がないため {FALLBACK_CATEGORY} としました。分類を確認してください"
        how_en = f"no matching category, kept as {FALLBACK_CATEGORY}; please check"
    _warn_unmapped(report, row, "種別", kind, f"は分類に対応しません。{how_ja}", f"種別 has no category; {how_en}")
    return found


def _address(record: dict[str, str]) -> str | None:
    address = values.clean(record.get("所在地_連結表記"))
    if address is None:
        parts = [values.clean(record.get(p)) for p in _ADDRESS_PARTS]
        address = "".join(p for p in parts if p) or None
    building = values.clean(record.get("建物名等(方書)"))
    if building and (address is None or building not in address):
        address = f"{address} {building}" if address else building
    return address


def table_to_resources(
    table: Table, report: ValidationReport, taxonomy: Taxonomy, *, progress: bool = False
) -> list[Resource]:
    duplicates = DuplicateChecker()
    resources: list[Resource] = []
    mapping: dict[str, list[str]] = {}
    extra_columns: set[str] = set()
    for row, record in records(table, report, progress=progress):
        flags = {c: _flag(report, row, record, c) for c in ("一時預かりの有無", "病児保育の有無")}
        category, secondary = _category(report, row, record, flags)
        codes = mapping.setdefault(record.get("種別", ""), [])
        if category not in codes:
            codes.append(category)
        if flags["一時預かりの有無"]:
            secondary += ("temporary_care",)
        if flags["病児保育の有無"]:
            secondary += ("sick_child_care",)
        secondary = tuple(c for c in dict.fromkeys(secondary) if c != category)

        kwargs: dict[str, Any] = {
            "id": values.normalise_code(record.get("ID")) or "",
            "name": values.clean(record.get("名称")) or "",
            "category": category,
            "secondary_categories": secondary,
            "name_kana": values.normalise_code(record.get("名称_カナ")),
            "municipality_code": values.normalise_code(record.get("全国地方公共団体コード")),
            "address": _address(record),
            "phone": values.normalise_code(record.get("電話番号")),
            "url": values.clean(record.get("URL")),
            "provider": values.clean(record.get("団体名")),
            "keywords": tuple(k for k in (values.clean(record.get("種別")),) if k and k != "その他"),
        }
        if not kwargs["id"] and kwargs["municipality_code"]:
            kwargs["id"] = f"{kwargs['municipality_code']}-{row}"
            report.warn(
                "generated_id",
                f"ID が空なので「{kwargs['id']}」を付けました（行が動くと変わります）",
                f"empty ID, generated '{kwargs['id']}' (changes if rows move)",
                row=row,
                column="ID",
            )
        for column, field, parse in (("緯度", "lat", values.parse_lat), ("経度", "lon", values.parse_lon)):
            try:
                kwargs[field] = parse(record.get(column))
            except values.OutOfRange as exc:
                report.error(f"{field}_out_of_range", exc.message_ja, exc.message_en, row=row, column=column)
            except values.ValueParseError as exc:
                report.error("bad_number", exc.message_ja, exc.message_en, row=row, column=column)

        age_text = values.clean(record.get("受入年齢"))
        ages = values.parse_age_range(age_text)
        if ages is not None:
            kwargs["age_min_months"], kwargs["age_max_months"] = ages
        elif age_text:
            _warn_unmapped(report, row, "受入年齢", age_text, "を月齢として読めません（文字のまま残します）",
                           "age text not readable as months; kept as text")

        days, start, end = (values.clean(record.get(c)) for c in ("利用可能曜日", "開始時間", "終了時間"))
        hours = build_hours(days, start, end, record.get("利用可能日時特記事項"))
        kwargs["opening_hours"] = hours
        if hours is None and (days or start or end):
            _warn_hours(report, row, days, start, end)

        extra = {k: v for k, v in record.items() if k not in _NOT_EXTRA and values.clean(v)}
        extra_columns.update(extra)
        resource = Resource(**kwargs, extra=extra)
        validate_resource(report, resource, row, taxonomy, _LABELS)
        duplicates.check(report, resource.id, row)
        resources.append(resource)
    report.info["種別→分類 (category mapping)"] = {k: " / ".join(v) for k, v in mapping.items()}
    report.info["extra に保存した列 (kept as extra)"] = sorted(extra_columns, key=table.header.index)
    return resources


_LABELS = {
    "id": "ID",
    "name": "名称",
    "category": "種別",
    "secondary_categories": "種別",
    "opening_hours": "開始時間",
    "age_min_months": "受入年齢",
    "lat": "緯度",
    "lon": "経度",
}
