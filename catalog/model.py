"""The domain model: a local resource as the catalog describes it.

Every optional fact may be unknown (None or empty). Unknown is never "no": the matcher shows it
as 条件未確認 instead of treating it as a failure.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

WHOLE_MUNICIPALITY = "全域"
WIDE_AREAS = frozenset({"全国", "都道府県", "全県", "県内全域"})


@dataclass(frozen=True, slots=True)
class Resource:
    id: str
    name: str
    category: str
    secondary_categories: tuple[str, ...] = ()
    name_kana: str | None = None
    description: str | None = None
    example_concerns: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    age_min_months: int | None = None
    age_max_months: int | None = None
    pregnant_ok: bool | None = None
    eligibility_note: str | None = None
    service_areas: tuple[str, ...] = ()
    municipality_code: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    url: str | None = None
    opening_hours: str | None = None
    night: bool | None = None
    holiday: bool | None = None
    overnight: bool | None = None
    fee: str | None = None
    free: bool | None = None
    reservation: bool | None = None
    languages: tuple[str, ...] = ()
    provider: str | None = None
    verified_on: date | None = None
    # Source fields that have no column of their own (e.g. 受入年齢 text, 備考), kept for people.
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def categories(self) -> tuple[str, ...]:
        """Primary category first, then the secondary ones, without repeats."""
        return tuple(dict.fromkeys((self.category, *self.secondary_categories)))

    @property
    def serves_whole_municipality(self) -> bool:
        return any(a == WHOLE_MUNICIPALITY or a in WIDE_AREAS for a in self.service_areas)

    @property
    def is_wide_area(self) -> bool:
        """National or prefecture-wide lines (189, #8000 ...) shared across municipalities."""
        return any(a in WIDE_AREAS for a in self.service_areas)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, tuples as lists)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, dict):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Resource":
        """The inverse of to_dict; unknown keys are ignored so old stored rows still load."""
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if value is not None and f.name in _TUPLE_FIELDS:
                value = tuple(value)
            elif value is not None and f.name == "verified_on" and isinstance(value, str):
                value = date.fromisoformat(value)
            elif f.name == "extra":
                value = dict(value or {})
            kwargs[f.name] = value
        return cls(**kwargs)

    def replace(self, **changes: Any) -> "Resource":
        return dataclasses.replace(self, **changes)


_TUPLE_FIELDS = frozenset(
    f.name for f in dataclasses.fields(Resource) if f.type in ("tuple[str, ...]",)
)

RESOURCE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Resource))
