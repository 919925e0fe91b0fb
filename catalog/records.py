"""Records kept beside the catalog: counsellors' referrals and the privacy-preserving match log.

Neither table holds a name or a concern's text. A referral says which suggested resource was
used and, later, whether the family got there; a match-log row keeps only aggregates an analyst
needs to find unmet needs (categories, confidence band, area, age band, time, content words).
Portable SQL only (SQLite and PostgreSQL).

Every row belongs to a municipality (catalog.municipality); a store is bound to one and reads,
counts and changes only that municipality's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalog.db import Base
from catalog.errors import CatalogError
from catalog.municipality import SHARED, municipality_code

MEMO_MAX_CHARS = 200


class ReferralNotFound(CatalogError, KeyError):
    """A referral id that is not recorded."""


class Outcome(str, Enum):
    connected = "connected"
    not_used = "not_used"
    unknown = "unknown"

    @property
    def label_ja(self) -> str:
        return {"connected": "つながった", "not_used": "利用に至らず", "unknown": "不明"}[self.value]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ReferralRow(Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    resource_id: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str | None] = mapped_column(String(100), nullable=True)
    catalog_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    query_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    memo: Mapped[str | None] = mapped_column(String(MEMO_MAX_CHARS), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    municipality_code: Mapped[str] = mapped_column(String(6), default=SHARED, server_default=SHARED, index=True)


class MatchLogRow(Base):
    __tablename__ = "match_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    catalog_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float)
    confidence_band: Mapped[str] = mapped_column(String(10))
    area: Mapped[str | None] = mapped_column(String(100), nullable=True)
    age_band: Mapped[str] = mapped_column(String(20))
    needed_hour: Mapped[int | None] = mapped_column(Integer, nullable=True)
    needed_weekday: Mapped[int | None] = mapped_column(Integer, nullable=True)
    safety_level: Mapped[str] = mapped_column(String(20))
    content_words: Mapped[list] = mapped_column(JSON, default=list)
    result_count: Mapped[int] = mapped_column(Integer, default=0)
    municipality_code: Mapped[str] = mapped_column(String(6), default=SHARED, server_default=SHARED, index=True)


@dataclass(frozen=True)
class Referral:
    id: int
    created_at: datetime
    resource_id: str
    category: str | None
    catalog_version: int | None
    query_id: str | None
    memo: str | None
    outcome: Outcome | None
    outcome_at: datetime | None
    municipality_code: str = SHARED

    @classmethod
    def _from_row(cls, row: ReferralRow) -> "Referral":
        return cls(row.id, _aware(row.created_at), row.resource_id, row.category, row.catalog_version,
                   row.query_id, row.memo, Outcome(row.outcome) if row.outcome else None,
                   _aware(row.outcome_at) if row.outcome_at else None, row.municipality_code)


@dataclass(frozen=True)
class MatchLogEntry:
    """One match, as much as may be kept of it (see matcher.privacy)."""

    query_id: str
    catalog_version: int | None
    categories: list[str]
    confidence: float
    confidence_band: str
    area: str | None
    age_band: str
    needed_hour: int | None
    needed_weekday: int | None
    safety_level: str
    content_words: list[str]
    result_count: int
    created_at: datetime = field(default_factory=_now)
    municipality_code: str | None = None  # None: the municipality of the store that writes it

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["created_at"] = self.created_at.isoformat()
        return out


def _aware(value: datetime) -> datetime:
    """SQLite drops the zone of a stored datetime; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def create_record_tables(engine: Engine) -> None:
    """Migrate the database to the newest schema (every table; catalog.schema)."""
    from catalog.schema import upgrade_schema

    upgrade_schema(engine)


class ReferralStore:
    """Counsellors' referral records of one municipality."""

    def __init__(self, engine: Engine, municipality: str = SHARED):
        self.engine = engine
        self.municipality = municipality_code(municipality)

    def for_municipality(self, code: str) -> "ReferralStore":
        return ReferralStore(self.engine, code)

    def _row(self, session: Session, referral_id: int) -> ReferralRow:
        row = session.get(ReferralRow, referral_id)
        if row is None or row.municipality_code != self.municipality:
            raise ReferralNotFound(referral_id)
        return row

    def create_schema(self) -> None:
        create_record_tables(self.engine)

    def add(self, resource_id: str, *, category: str | None = None, catalog_version: int | None = None,
            query_id: str | None = None, memo: str | None = None) -> Referral:
        if memo is not None and len(memo) > MEMO_MAX_CHARS:
            raise ValueError(f"memo longer than {MEMO_MAX_CHARS} characters")
        with Session(self.engine) as session, session.begin():
            row = ReferralRow(resource_id=resource_id, category=category, catalog_version=catalog_version,
                              query_id=query_id, memo=memo or None, created_at=_now(),
                              municipality_code=self.municipality)
            session.add(row)
            session.flush()
            return Referral._from_row(row)

    def get(self, referral_id: int) -> Referral:
        with Session(self.engine) as session:
            return Referral._from_row(self._row(session, referral_id))

    def set_outcome(self, referral_id: int, outcome: Outcome | str) -> Referral:
        outcome = Outcome(outcome)
        with Session(self.engine) as session, session.begin():
            row = self._row(session, referral_id)
            row.outcome = outcome.value
            row.outcome_at = _now()
            session.flush()
            return Referral._from_row(row)

    def list(self, *, limit: int = 50, offset: int = 0) -> list[Referral]:
        with Session(self.engine) as session:
            rows = session.scalars(select(ReferralRow).where(ReferralRow.municipality_code == self.municipality)
                                   .order_by(ReferralRow.id.desc()).limit(limit).offset(offset))
            return [Referral._from_row(r) for r in rows]

    def count(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(ReferralRow)
                                  .where(ReferralRow.municipality_code == self.municipality)) or 0

    def outcome_counts(self) -> dict[str, int]:
        """Referrals by outcome ('pending' for those without one yet)."""
        with Session(self.engine) as session:
            rows = session.execute(select(ReferralRow.outcome, func.count())
                                   .where(ReferralRow.municipality_code == self.municipality)
                                   .group_by(ReferralRow.outcome))
            return {(outcome or "pending"): n for outcome, n in rows}


class MatchLogStore:
    """The privacy-preserving log of matches, for the unmet-needs report. Each entry is written
    under its own municipality_code; reading is limited to the store's municipality."""

    def __init__(self, engine: Engine, municipality: str = SHARED):
        self.engine = engine
        self.municipality = municipality_code(municipality)

    def for_municipality(self, code: str) -> "MatchLogStore":
        return MatchLogStore(self.engine, code)

    def create_schema(self) -> None:
        create_record_tables(self.engine)

    def add_many(self, entries: list[MatchLogEntry]) -> None:
        if not entries:
            return
        with Session(self.engine) as session, session.begin():
            session.add_all(MatchLogRow(**(e.__dict__ | {"municipality_code": e.municipality_code or self.municipality}))
                            for e in entries)

    def add(self, entry: MatchLogEntry) -> None:
        self.add_many([entry])

    def recent(self, limit: int = 100) -> list[MatchLogEntry]:
        with Session(self.engine) as session:
            rows = session.scalars(select(MatchLogRow).where(MatchLogRow.municipality_code == self.municipality)
                                   .order_by(MatchLogRow.id.desc()).limit(limit))
            return [
                MatchLogEntry(r.query_id, r.catalog_version, list(r.categories or []), r.confidence,
                              r.confidence_band, r.area, r.age_band, r.needed_hour, r.needed_weekday,
                              r.safety_level, list(r.content_words or []), r.result_count, _aware(r.created_at),
                              r.municipality_code)
                for r in rows
            ]

    def count(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(MatchLogRow)
                                  .where(MatchLogRow.municipality_code == self.municipality)) or 0
