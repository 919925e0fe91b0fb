"""The catalog quality report: what an analyst should fix before families meet the catalog.

- rows missing what matters for matching: neither 説明 nor こんなときに (the matcher then has only
  the name), no opening hours, no age range;
- stale rows: 確認日 more than 12 months before `today` (or never confirmed);
- closed services still listed: hours that are never open in the next 365 days, or a name or note
  saying 休止 / 閉所 / 廃止;
- coverage: resources per category × area, where a row serving 全域 (or a wider area) counts for
  every area, and the gaps — categories with no resource for an area.

Everything takes `today` so that reports (and tests) are reproducible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Iterable

from catalog.hours import JST, HoursSyntaxError, parse_hours
from catalog.model import WHOLE_MUNICIPALITY, WIDE_AREAS, Resource
from catalog.taxonomy import Taxonomy, load_taxonomy

STALE_AFTER_DAYS = 365
CLOSED_LOOKAHEAD_DAYS = 365
# Words that say a service stopped. Kept narrow: 「年末年始は休止」 is a schedule, not a closure,
# so 休止 only counts as 休止中 or as a stop announcement (休止しました/休止しています).
_CLOSED_WORDS_RE = re.compile(
    r"休止中|休止し(?:ました|ています|ております)|事業休止|閉所|閉鎖|廃止|閉園|休園中|事業終了|運営終了|受付終了"
)


ISSUE_KINDS = ("no_text", "no_hours", "no_age_range", "stale", "never_verified", "closed_hours", "closed_note")


@dataclass(frozen=True)
class QualityIssue:
    resource_id: str
    name: str
    kind: str  # no_text | no_hours | no_age_range | stale | never_verified | closed_hours | closed_note
    message_ja: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Coverage:
    """Resources per (category, area); `areas` are the municipality's districts."""

    categories: tuple[str, ...]
    areas: tuple[str, ...]
    counts: dict[tuple[str, str], int]

    def count(self, category: str, area: str) -> int:
        return self.counts.get((category, area), 0)

    @property
    def gaps(self) -> list[tuple[str, str]]:
        """(category, area) pairs that no resource serves, in taxonomy and area order."""
        return [(c, a) for c in self.categories for a in self.areas if self.count(c, a) == 0]

    def rows(self) -> list[dict[str, Any]]:
        """One dict per category: {"category": code, area: count, ...} (a table for pandas)."""
        return [{"category": c, **{a: self.count(c, a) for a in self.areas}} for c in self.categories]

    def to_dict(self) -> dict[str, Any]:
        return {"categories": list(self.categories), "areas": list(self.areas),
                "matrix": [[self.count(c, a) for a in self.areas] for c in self.categories],
                "gaps": [{"category": c, "area": a} for c, a in self.gaps]}


@dataclass(frozen=True)
class QualityReport:
    today: date
    total: int
    missing: list[QualityIssue] = field(default_factory=list)
    stale: list[QualityIssue] = field(default_factory=list)
    closed: list[QualityIssue] = field(default_factory=list)
    coverage: Coverage | None = None

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(ISSUE_KINDS, 0)
        for issue in (*self.missing, *self.stale, *self.closed):
            out[issue.kind] = out.get(issue.kind, 0) + 1
        out["coverage_gaps"] = len(self.coverage.gaps) if self.coverage else 0
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "total": self.total,
            "counts": self.counts,
            "missing": [i.to_dict() for i in self.missing],
            "stale": [i.to_dict() for i in self.stale],
            "closed": [i.to_dict() for i in self.closed],
            "coverage": self.coverage.to_dict() if self.coverage else None,
        }


# ---- checks ---------------------------------------------------------------------------------


def missing_fields(resources: Iterable[Resource]) -> list[QualityIssue]:
    """Rows the matcher can only find by name, or whose conditions it cannot check."""
    out: list[QualityIssue] = []
    for r in resources:
        if not (r.description or "").strip() and not r.example_concerns:
            out.append(QualityIssue(r.id, r.name, "no_text", "説明もこんなときにもありません（名称でしか見つかりません）",
                                    "no description and no example concerns (found by name only)"))
        if not (r.opening_hours or "").strip():
            out.append(QualityIssue(r.id, r.name, "no_hours", "開所時間がありません（時間の条件を確認できません）",
                                    "no opening hours (time cannot be checked)"))
        if r.age_min_months is None and r.age_max_months is None:
            out.append(QualityIssue(r.id, r.name, "no_age_range", "対象年齢がありません（年齢の条件を確認できません）",
                                    "no age range (age cannot be checked)"))
    return out


def stale_rows(resources: Iterable[Resource], today: date | None = None,
               max_age_days: int = STALE_AFTER_DAYS) -> list[QualityIssue]:
    """Rows confirmed more than `max_age_days` before `today`, oldest first; never-confirmed last."""
    today = today or date.today()
    limit = today - timedelta(days=max_age_days)
    old = sorted((r for r in resources if r.verified_on is not None and r.verified_on < limit),
                 key=lambda r: (r.verified_on, r.id))
    out = [QualityIssue(r.id, r.name, "stale",
                        f"確認日 {r.verified_on.isoformat()} から {(today - r.verified_on).days} 日たっています",
                        f"last confirmed {r.verified_on.isoformat()}, {(today - r.verified_on).days} days ago")
           for r in old]
    out += [QualityIssue(r.id, r.name, "never_verified", "確認日がありません", "never confirmed (no verified_on)")
            for r in resources if r.verified_on is None]
    return out


@lru_cache(maxsize=4096)
def never_open(hours: str, today: date, days: int = CLOSED_LOOKAHEAD_DAYS) -> bool:
    """True when `hours` parse and are closed (not open, not unknown) for `days` from `today`."""
    try:
        oh = parse_hours(hours)
    except HoursSyntaxError:
        return False
    start = datetime.combine(today, time(0, 0), tzinfo=JST)
    for _begin, _end, state, _comment in oh.intervals(start, start + timedelta(days=days)):
        if str(state).lower() != "closed":  # open or unknown: not a closed service
            return False
    return True


def closed_rows(resources: Iterable[Resource], today: date | None = None) -> list[QualityIssue]:
    """Services that look closed but are still listed."""
    today = today or date.today()
    out: list[QualityIssue] = []
    for r in resources:
        if r.opening_hours and r.opening_hours.strip() and never_open(r.opening_hours.strip(), today):
            out.append(QualityIssue(r.id, r.name, "closed_hours",
                                    f"開所時間「{r.opening_hours}」では今後1年間一度も開いていません",
                                    f"opening hours '{r.opening_hours}' are never open in the next 365 days"))
            continue
        texts = [r.name, r.description or "", r.eligibility_note or "", r.fee or "", *r.extra.values()]
        hit = next((m for t in texts if (m := _CLOSED_WORDS_RE.search(t))), None)
        if hit is not None:
            out.append(QualityIssue(r.id, r.name, "closed_note", f"「{hit.group(0)}」と書かれています",
                                    f"a note says '{hit.group(0)}' (closed or stopped)"))
    return out


def district_areas(resources: Iterable[Resource]) -> tuple[str, ...]:
    """The municipality's districts named in the catalog (not 全域 or wider areas), sorted."""
    names = {a for r in resources for a in r.service_areas}
    return tuple(sorted(a for a in names if a != WHOLE_MUNICIPALITY and a not in WIDE_AREAS))


def coverage(resources: Iterable[Resource], taxonomy: Taxonomy | None = None,
             areas: Iterable[str] | None = None) -> Coverage:
    """Resources per category × area. A row counts under each of its categories (primary and
    secondary) and each area it serves; 全域 and wider rows count for every area."""
    resources = list(resources)
    taxonomy = taxonomy or load_taxonomy()
    area_list = tuple(areas) if areas is not None else district_areas(resources)
    counts: dict[tuple[str, str], int] = {}
    for r in resources:
        served = area_list if r.serves_whole_municipality else [a for a in r.service_areas if a in area_list]
        for code in r.categories:
            for area in served:
                counts[(code, area)] = counts.get((code, area), 0) + 1
    return Coverage(tuple(taxonomy.codes), area_list, counts)


def quality_report(resources: Iterable[Resource], *, today: date | None = None,
                   taxonomy: Taxonomy | None = None) -> QualityReport:
    """All checks of this module over one catalog."""
    resources = list(resources)
    today = today or date.today()
    return QualityReport(
        today=today,
        total=len(resources),
        missing=missing_fields(resources),
        stale=stale_rows(resources, today),
        closed=closed_rows(resources, today),
        coverage=coverage(resources, taxonomy),
    )
