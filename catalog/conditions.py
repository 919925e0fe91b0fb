"""Structured fit between a resource and a family's situation.

Each check answers FITS, FAILS or UNKNOWN with a short Japanese label a counsellor can read
aloud. UNKNOWN is not a failure: it is shown as 条件未確認.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import Enum
from typing import NamedTuple

from catalog.hours import as_jst, is_open_at
from catalog.model import Resource


class Fit(str, Enum):
    FITS = "fits"
    FAILS = "fails"
    UNKNOWN = "unknown"


class Condition(NamedTuple):
    kind: str  # age | pregnancy | area | time | night | holiday | overnight | language | free
    fit: Fit
    label: str  # Japanese, e.g. 「対象年齢 0〜35か月：該当」


def months_label(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years}歳{rest}か月"
    if years:
        return f"{years}歳"
    return f"{rest}か月"


def age_range_label(r: Resource) -> str:
    lo = months_label(r.age_min_months) if r.age_min_months is not None else ""
    hi = months_label(r.age_max_months) if r.age_max_months is not None else ""
    return f"{lo}〜{hi}" if (lo or hi) else "不明"


def age_fits(r: Resource, child_age_months: int | None) -> Condition | None:
    if child_age_months is None:
        return None
    if r.age_min_months is None and r.age_max_months is None:
        return Condition("age", Fit.UNKNOWN, "対象年齢：条件未確認")
    too_young = r.age_min_months is not None and child_age_months < r.age_min_months
    too_old = r.age_max_months is not None and child_age_months > r.age_max_months
    label = f"対象年齢 {age_range_label(r)}"
    if too_young or too_old:
        return Condition("age", Fit.FAILS, f"{label}：対象外")
    return Condition("age", Fit.FITS, f"{label}：該当")


def pregnancy_fits(r: Resource, pregnant: bool | None) -> Condition | None:
    if not pregnant:
        return None
    if r.pregnant_ok is None:
        return Condition("pregnancy", Fit.UNKNOWN, "妊娠中の利用：条件未確認")
    if r.pregnant_ok:
        return Condition("pregnancy", Fit.FITS, "妊娠中の方も利用可")
    return Condition("pregnancy", Fit.FAILS, "妊娠中の方は対象外")


def _fold_area(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).strip().replace(" ", "")
    for suffix in ("地区", "地域", "エリア"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def area_fits(r: Resource, area: str | None) -> Condition | None:
    if not area:
        return None
    if not r.service_areas:
        return Condition("area", Fit.UNKNOWN, "対象地区：条件未確認")
    if r.serves_whole_municipality:
        return Condition("area", Fit.FITS, "対象地区：全域")
    wanted = _fold_area(area)
    served = [_fold_area(a) for a in r.service_areas]
    if wanted in served:
        return Condition("area", Fit.FITS, f"対象地区：{area}")
    return Condition("area", Fit.FAILS, f"対象地区 {'・'.join(r.service_areas)}：{area}は対象外")


def time_fits(r: Resource, needed_at: datetime | None) -> Condition | None:
    """Open at the time help is needed, from opening hours, falling back to the 夜間/休日 flags."""
    if needed_at is None:
        return None
    at = as_jst(needed_at)
    when = f"{at.month}/{at.day} {at.hour:02d}:{at.minute:02d}"
    state = is_open_at(r.opening_hours, at)
    if state is True:
        return Condition("time", Fit.FITS, f"{when} は開所時間内")
    if state is False:
        return Condition("time", Fit.FAILS, f"{when} は開所時間外")
    night = at.hour >= 18 or at.hour < 7
    weekend = at.weekday() >= 5
    if night and r.night is False:
        return Condition("time", Fit.FAILS, "夜間は対応していません")
    if weekend and r.holiday is False:
        return Condition("time", Fit.FAILS, "土日・祝日は対応していません")
    if (night and r.night) or (weekend and r.holiday and not night):
        return Condition("time", Fit.FITS, "夜間・休日対応あり" if night else "休日対応あり")
    return Condition("time", Fit.UNKNOWN, "開所時間：条件未確認")


def flag_fits(r: Resource, kind: str, wanted: bool | None) -> Condition | None:
    """night / holiday / overnight / free wanted by the family (from text cues or filters)."""
    if not wanted:
        return None
    labels = {"night": "夜間対応", "holiday": "休日対応", "overnight": "宿泊", "free": "無料"}
    value = getattr(r, kind)
    label = labels[kind]
    if value is None:
        return Condition(kind, Fit.UNKNOWN, f"{label}：条件未確認")
    return Condition(kind, Fit.FITS if value else Fit.FAILS, f"{label}：{'あり' if value else 'なし'}")


def language_fits(r: Resource, language: str | None) -> Condition | None:
    if not language or language == "ja":
        return None
    if not r.languages:
        return Condition("language", Fit.UNKNOWN, f"{language} での対応：条件未確認")
    if language in r.languages:
        return Condition("language", Fit.FITS, f"{language} で対応可")
    return Condition("language", Fit.FAILS, f"{language} での対応なし")
