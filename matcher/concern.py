"""A family's concern as the matcher receives it: free text plus optional structured facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAX_AGE_MONTHS = 264  # 22 years: 子ども・若者 services reach into young adulthood


class InvalidConcern(ValueError):
    """A concern whose structured fields are out of range."""


@dataclass(frozen=True)
class Concern:
    text: str
    child_age_months: int | None = None
    pregnant: bool | None = None
    area: str | None = None
    needed_at: datetime | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        if self.child_age_months is not None and not 0 <= self.child_age_months <= MAX_AGE_MONTHS:
            raise InvalidConcern(f"child_age_months must be 0..{MAX_AGE_MONTHS}")

    @classmethod
    def from_query(cls, line: dict[str, Any]) -> "Concern":
        """From a batch query line of the contract (ARCHITECTURE.md)."""
        needed_at = line.get("needed_at")
        return cls(
            text=str(line.get("text") or ""),
            child_age_months=line.get("child_age_months"),
            pregnant=line.get("pregnant"),
            area=line.get("area") or None,
            needed_at=datetime.fromisoformat(needed_at) if needed_at else None,
            language=line.get("language") or None,
        )
