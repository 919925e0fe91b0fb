"""Unmet needs (地域課題の発見) from the privacy-preserving match log.

Pure aggregation over plain log rows (catalog.records.MatchLogEntry, or dicts with the same
keys), so it is testable without a database; `read_match_log` is the one function that reads the
table. Nothing here sees or produces a concern's text — the log holds none — and content words are
shown only when at least `min_word_count` matches used them, so a rare word cannot single out a
family.

The report answers:
- demand: needs asked for, by category × area × age band × time band (and day type);
- low confidence: how many concerns the catalog could not serve well, by area and age band, with
  their most frequent content words;
- unmet: needs asked for where the catalog has nothing — no resource of the category serving the
  area, none for the child's age band, or none open at the hour asked for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Mapping

from catalog.hours import JST, is_open_at
from catalog.model import Resource
from catalog.records import MatchLogEntry

ALL_AREAS = "（地区なし）"
MIN_WORD_COUNT = 3
# Age bands of matcher.privacy.age_band as month ranges (inclusive), to check resources' ages.
AGE_BAND_MONTHS: dict[str, tuple[int, int]] = {
    "0歳": (0, 11), "1-2歳": (12, 35), "3-5歳": (36, 71), "6-11歳": (72, 143),
    "12-14歳": (144, 179), "15-17歳": (180, 215), "18歳以上": (216, 264),
}
TIME_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 5, "深夜"), (6, 8, "朝"), (9, 16, "日中"), (17, 19, "夕方"), (20, 23, "夜間"),
)
NO_TIME = "指定なし"


def time_band(hour: int | None) -> str:
    """深夜 0-5 · 朝 6-8 · 日中 9-16 · 夕方 17-19 · 夜間 20-23 · 指定なし."""
    if hour is None:
        return NO_TIME
    return next(label for low, high, label in TIME_BANDS if low <= hour <= high)


def day_type(weekday: int | None) -> str:
    if weekday is None:
        return NO_TIME
    return "土日" if weekday >= 5 else "平日"


def _get(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key)


def _created(row: Any) -> datetime:
    value = _get(row, "created_at")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _since_moment(since: date | datetime | None) -> datetime | None:
    if since is None:
        return None
    if not isinstance(since, datetime):
        since = datetime.combine(since, time(0, 0), tzinfo=JST)
    return since if since.tzinfo else since.replace(tzinfo=JST)


def select_since(rows: Iterable[Any], since: date | datetime | None) -> list[Any]:
    moment = _since_moment(since)
    return [r for r in rows if moment is None or _created(r) >= moment]


# ---- report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnmetNeed:
    category: str
    area: str
    age_band: str
    time_band: str
    count: int
    reasons_ja: tuple[str, ...]
    reasons_en: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "reasons_ja": list(self.reasons_ja), "reasons_en": list(self.reasons_en)}


@dataclass(frozen=True)
class UnmetNeedsReport:
    since: str | None
    matches: int
    demand: list[dict[str, Any]] = field(default_factory=list)  # category, area, age_band, time_band, day, count
    by_category: dict[str, int] = field(default_factory=dict)
    low_confidence: dict[str, Any] = field(default_factory=dict)
    unmet: list[UnmetNeed] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since, "matches": self.matches, "demand": self.demand,
                "by_category": self.by_category, "low_confidence": self.low_confidence,
                "unmet": [u.to_dict() for u in self.unmet]}


def demand(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Needs asked for, counted by category × area × age band × time band × day type, most first.
    A match counts under each category it logged (a concern can span needs)."""
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    for row in rows:
        area = _get(row, "area") or ALL_AREAS
        key = (area, _get(row, "age_band") or "不明", time_band(_get(row, "needed_hour")),
               day_type(_get(row, "needed_weekday")))
        for code in _get(row, "categories") or ():
            counts[(code, *key)] += 1
    return [{"category": c, "area": a, "age_band": g, "time_band": t, "day": d, "count": n}
            for (c, a, g, t, d), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def low_confidence(rows: Iterable[Any], *, bands: tuple[str, ...] = ("low",), top: int = 20,
                   min_word_count: int = MIN_WORD_COUNT) -> dict[str, Any]:
    """Concerns the catalog could not serve well (confidence band in `bands`): counts by area and
    age band and their content words used by at least `min_word_count` matches."""
    chosen = [r for r in rows if _get(r, "confidence_band") in bands]
    words: Counter[str] = Counter()
    for r in chosen:
        words.update(set(_get(r, "content_words") or ()))  # once per match: counts families, not repeats
    shown = [(w, n) for w, n in words.most_common() if n >= min_word_count][:top]
    return {
        "bands": list(bands),
        "count": len(chosen),
        "by_area": dict(Counter(_get(r, "area") or ALL_AREAS for r in chosen).most_common()),
        "by_age_band": dict(Counter(_get(r, "age_band") or "不明" for r in chosen).most_common()),
        "by_category": dict(Counter(c for r in chosen for c in (_get(r, "categories") or ())[:1]).most_common()),
        "top_words": [{"word": w, "count": n} for w, n in shown],
        "min_word_count": min_word_count,
    }


def _serves_area(r: Resource, area: str) -> bool:
    return area == ALL_AREAS or r.serves_whole_municipality or area in r.service_areas


def _serves_age(r: Resource, band: str) -> bool:
    if band not in AGE_BAND_MONTHS:
        return True  # unknown age: cannot be a gap
    low, high = AGE_BAND_MONTHS[band]
    lo = r.age_min_months if r.age_min_months is not None else 0
    hi = r.age_max_months if r.age_max_months is not None else 10**6
    return lo <= high and low <= hi


# A reference week for "open at that hour": Monday 2026-11-09 (no public holiday that week).
_REFERENCE_MONDAY = date(2026, 11, 9)


def _open_at(r: Resource, hour: int, weekday: int | None) -> bool:
    """Open (or unknown: not a gap) at `hour` on `weekday` of a reference week."""
    day = _REFERENCE_MONDAY + timedelta(days=weekday if weekday is not None else 0)
    state = is_open_at(r.opening_hours, datetime.combine(day, time(hour, 30), tzinfo=JST))
    if state is None:  # no usable hours: the 夜間 flag is all we know
        if hour >= 18 or hour < 6:
            return r.night is not False
        return True
    return state


def unmet_list(rows: Iterable[Any], resources: Iterable[Resource], *, min_count: int = 1) -> list[UnmetNeed]:
    """Needs asked for (category × area × age band × time band) that no resource can meet."""
    resources = list(resources)
    by_category: dict[str, list[Resource]] = {}
    for r in resources:
        for code in r.categories:
            by_category.setdefault(code, []).append(r)
    grouped: Counter[tuple[str, str, str, str]] = Counter()
    hours: dict[tuple[str, str, str, str], list[tuple[int, int | None]]] = {}
    for row in rows:
        hour, weekday = _get(row, "needed_hour"), _get(row, "needed_weekday")
        for code in _get(row, "categories") or ():
            key = (code, _get(row, "area") or ALL_AREAS, _get(row, "age_band") or "不明", time_band(hour))
            grouped[key] += 1
            if hour is not None:
                hours.setdefault(key, []).append((hour, weekday))
    out: list[UnmetNeed] = []
    for key, count in grouped.items():
        if count < min_count:
            continue
        code, area, band, tband = key
        candidates = by_category.get(code, [])
        ja: list[str] = []
        en: list[str] = []
        in_area = [r for r in candidates if _serves_area(r, area)]
        if not candidates:
            ja.append("この分類の資源がカタログにありません")
            en.append("no resource of this category in the catalog")
        elif not in_area:
            ja.append(f"{area}で利用できる資源がありません")
            en.append(f"no resource serves {area}")
        else:
            for_age = [r for r in in_area if _serves_age(r, band)]
            if not for_age:
                ja.append(f"{band}が使える資源が{area}にありません")
                en.append(f"no resource in {area} takes children aged {band}")
            elif key in hours and not any(_open_at(r, h, w) for r in for_age for h, w in hours[key]):
                days = sorted({day_type(w) for _h, w in hours[key]} - {NO_TIME})
                when = "・".join(days) + ("の" if days else "") + tband
                ja.append(f"{when}に開いている資源がありません")
                en.append(f"nothing open at the times asked for ({when})")
        if ja:
            out.append(UnmetNeed(code, area, band, tband, count, tuple(ja), tuple(en)))
    out.sort(key=lambda u: (-u.count, u.category, u.area, u.age_band, u.time_band))
    return out


def unmet_needs(rows: Iterable[Any], resources: Iterable[Resource] | None = None, *,
                since: date | datetime | None = None, top_words: int = 20,
                min_word_count: int = MIN_WORD_COUNT, low_bands: tuple[str, ...] = ("low",),
                min_count: int = 1) -> UnmetNeedsReport:
    """The whole report over match-log rows (since `since`); `resources` (the active catalog)
    enables the unmet list."""
    chosen = select_since(rows, since)
    by_category = Counter(c for r in chosen for c in (_get(r, "categories") or ()))
    return UnmetNeedsReport(
        since=_since_moment(since).isoformat() if since is not None else None,
        matches=len(chosen),
        demand=demand(chosen),
        by_category=dict(by_category.most_common()),
        low_confidence=low_confidence(chosen, bands=low_bands, top=top_words, min_word_count=min_word_count),
        unmet=unmet_list(chosen, resources, min_count=min_count) if resources is not None else [],
    )


# ---- reading the log -------------------------------------------------------------------------


def read_match_log(engine, since: date | datetime | None = None, municipality: str | None = None) -> list[MatchLogEntry]:
    """Match-log rows written at or after `since` (all without), oldest first; only
    `municipality`'s rows when given (one municipality never sees another's log)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from catalog.records import MatchLogRow, _aware

    query = select(MatchLogRow).order_by(MatchLogRow.id)
    if municipality is not None:
        query = query.where(MatchLogRow.municipality_code == municipality)
    moment = _since_moment(since)
    if moment is not None:
        query = query.where(MatchLogRow.created_at >= moment.astimezone(timezone.utc))
    with Session(engine) as session:
        return [
            MatchLogEntry(r.query_id, r.catalog_version, list(r.categories or []), r.confidence, r.confidence_band,
                          r.area, r.age_band, r.needed_hour, r.needed_weekday, r.safety_level,
                          list(r.content_words or []), r.result_count, _aware(r.created_at))
            for r in session.scalars(query)
        ]
