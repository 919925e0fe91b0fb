"""Versioned catalog storage: every import is a new immutable version; one version is active.

Two tables on catalog.db.Base: catalog_versions and resources (the Resource as a JSON payload,
with id, name and category as columns for listing). Storing a version is one transaction, so a
failed import leaves nothing behind; activating is one transaction that flips the flags, so
readers see either the old or the new catalog, never a mix. SQL stays portable (SQLite and
PostgreSQL).

Every version belongs to a municipality (catalog.municipality): a store is bound to one and never
reads or activates another's versions; `for_municipality(code)` gives a sibling store on the same
engine. Activation is per municipality and serialised (an advisory lock on PostgreSQL, the
single writer on SQLite); a partial unique index makes a second active version impossible.

Versions never change once written, so the resources of a version are cached in memory.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import MEMORY_DATABASE_URL, Base, make_engine
from catalog.errors import ImportFailed, NoActiveVersion, ResourceNotFound, VersionNotFound
from catalog.importer import ImportResult, read_catalog
from catalog.model import Resource
from catalog.municipality import SHARED, municipality_code


class CatalogVersionRow(Base):
    __tablename__ = "catalog_versions"
    __table_args__ = (
        Index("uq_catalog_versions_one_active", "municipality_code", unique=True,
              sqlite_where=text("is_active"), postgresql_where=text("is_active")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    source: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    format: Mapped[str] = mapped_column(String(40), nullable=False, default="csv")
    resource_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    checksum: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    municipality_code: Mapped[str] = mapped_column(String(6), nullable=False, default=SHARED,
                                                   server_default=SHARED, index=True)


class ResourceRow(Base):
    __tablename__ = "resources"
    __table_args__ = (UniqueConstraint("version_id", "resource_id", name="uq_resources_version_resource"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    resource_id: Mapped[str] = mapped_column(String(200), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class VersionInfo(NamedTuple):
    id: int
    created_at: datetime
    source: str
    format: str
    resource_count: int
    note: str
    active: bool
    municipality_code: str = SHARED


class VersionDiff(NamedTuple):
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, list[str]]]  # (resource id, names of the fields that differ)


def checksum(resources: list[Resource]) -> str:
    """sha256 of the resources' canonical JSON: equal catalogs have equal checksums."""
    digest = hashlib.sha256()
    for r in resources:
        digest.update(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


_VERSION_COLUMNS = CatalogVersionRow.__table__.c


def _info(row: Any) -> VersionInfo:
    """VersionInfo from a row of the catalog_versions table."""
    created = row.created_at
    if created.tzinfo is None:  # SQLite drops the zone; we always write UTC
        created = created.replace(tzinfo=timezone.utc)
    return VersionInfo(row.id, created, row.source, row.format, row.resource_count, row.note, bool(row.is_active),
                       row.municipality_code)


def _lock_municipality(conn, code: str) -> None:
    """Serialise activations of one municipality until the transaction ends. SQLite needs
    nothing: it has one writer at a time."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7465, :k)"), {"k": int(code)})


def active_versions(engine: Engine) -> dict[str, int]:
    """The active version id of every municipality that has one (one query: for pollers)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(_VERSION_COLUMNS.municipality_code, _VERSION_COLUMNS.id).where(_VERSION_COLUMNS.is_active.is_(True))
        ).all()
    return {code: vid for code, vid in rows}


class _VersionCache:
    """Resources of recently read versions (shared by the stores of one engine), with the
    municipality each belongs to so a store never serves another's from memory."""

    SIZE = 8

    def __init__(self) -> None:
        self.items: dict[int, tuple[str, list[Resource]]] = {}
        self.lock = threading.Lock()


class CatalogStore:
    """Catalog versions of one municipality in a database. Thread-safe as far as the SQLAlchemy
    engine is."""

    def __init__(self, engine_or_url: Engine | str, municipality: str = SHARED, *, _cache: _VersionCache | None = None):
        self.engine: Engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
        self.municipality = municipality_code(municipality)
        self._versions = _cache or _VersionCache()

    def for_municipality(self, code: str) -> "CatalogStore":
        """The store of another municipality on the same engine and cache."""
        return CatalogStore(self.engine, code, _cache=self._versions)

    @classmethod
    def in_memory(cls) -> "CatalogStore":
        """A private in-memory database with its schema (one shared connection: for tests and
        one-off scripts, not for concurrent threads)."""
        store = cls(MEMORY_DATABASE_URL)
        store.create_schema()
        return store

    def create_schema(self) -> None:
        """Migrate the database to the newest schema (idempotent; catalog.schema)."""
        from catalog.schema import upgrade_schema

        upgrade_schema(self.engine)

    # --- writing -----------------------------------------------------------------------------

    def add_version(
        self,
        resources: list[Resource],
        *,
        source: str,
        format: str = "csv",
        note: str = "",
        activate: bool = False,
    ) -> VersionInfo:
        """Store `resources` as a new version in one transaction; optionally make it active."""
        resources = list(resources)
        ids = [r.id for r in resources]
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dup = next(i for i in ids if i in seen or seen.add(i))
            raise ValueError(f"duplicate resource id {dup!r}")
        with self.engine.begin() as conn:
            version_id = conn.execute(
                insert(CatalogVersionRow)
                .values(
                    created_at=datetime.now(timezone.utc),
                    source=source[:500],
                    format=format,
                    resource_count=len(resources),
                    note=note,
                    is_active=False,
                    checksum=checksum(resources),
                    municipality_code=self.municipality,
                )
                .returning(CatalogVersionRow.id)
            ).scalar_one()
            if resources:
                # executemany of one INSERT: the fast path in every driver.
                conn.execute(
                    insert(ResourceRow),
                    [
                        {
                            "version_id": version_id,
                            "resource_id": r.id,
                            "name": r.name,
                            "category": r.category,
                            "payload": r.to_dict(),
                        }
                        for r in resources
                    ],
                )
            if activate:
                self._flip_active(conn, version_id)
        self._remember(version_id, resources)
        return self._version(version_id)

    def import_file(
        self,
        path_or_bytes: str | Path | bytes,
        *,
        filename: str | None = None,
        activate: bool = False,
        progress: bool = False,
    ) -> tuple[ImportResult, VersionInfo | None]:
        """Read, validate and store a file. Raises ImportFailed(report) on errors; nothing is stored."""
        result = read_catalog(path_or_bytes, filename=filename, progress=progress)
        if not result.report.ok:
            raise ImportFailed(result.report)
        if filename is None and isinstance(path_or_bytes, (str, Path)):
            filename = Path(path_or_bytes).name
        info = self.add_version(
            result.resources, source=filename or "<bytes>", format=result.format, activate=activate
        )
        return result, info

    def activate(self, version_id: int) -> VersionInfo:
        """Make `version_id` the only active version, atomically."""
        with self.engine.begin() as conn:
            exists = conn.execute(select(CatalogVersionRow.id).where(self._mine(version_id))).first()
            if exists is None:
                raise VersionNotFound(version_id)
            self._flip_active(conn, version_id)
        return self._version(version_id)

    def _mine(self, version_id: int):
        """WHERE clause: the version `version_id` of this store's municipality."""
        return (_VERSION_COLUMNS.id == version_id) & (_VERSION_COLUMNS.municipality_code == self.municipality)

    def _flip_active(self, conn, version_id: int) -> None:
        # Off first, then on: the one-active index never sees two at once.
        _lock_municipality(conn, self.municipality)
        conn.execute(
            update(CatalogVersionRow)
            .where(CatalogVersionRow.municipality_code == self.municipality, CatalogVersionRow.is_active.is_(True),
                   CatalogVersionRow.id != version_id)
            .values(is_active=False)
        )
        conn.execute(update(CatalogVersionRow).where(CatalogVersionRow.id == version_id).values(is_active=True))

    # --- reading -----------------------------------------------------------------------------

    def versions(self) -> list[VersionInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(_VERSION_COLUMNS).where(_VERSION_COLUMNS.municipality_code == self.municipality)
                .order_by(_VERSION_COLUMNS.id)
            ).all()
        return [_info(r) for r in rows]

    def active_version(self) -> VersionInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(_VERSION_COLUMNS)
                .where(_VERSION_COLUMNS.is_active.is_(True), _VERSION_COLUMNS.municipality_code == self.municipality)
                .order_by(_VERSION_COLUMNS.id.desc())
            ).first()
        return _info(row) if row is not None else None

    def _version(self, version_id: int) -> VersionInfo:
        with self.engine.connect() as conn:
            row = conn.execute(select(_VERSION_COLUMNS).where(self._mine(version_id))).first()
        if row is None:
            raise VersionNotFound(version_id)
        return _info(row)

    def _resolve(self, version_id: int | None) -> int:
        if version_id is None:
            active = self.active_version()
            if active is None:
                raise NoActiveVersion("no active catalog version")
            return active.id
        return version_id

    def resources(self, version_id: int | None = None) -> list[Resource]:
        """Resources of a version in file order (the active one when None)."""
        vid = self._resolve(version_id)
        cached = self._cached(vid)
        if cached is not None:
            return list(cached)
        with self.engine.connect() as conn:
            if conn.execute(select(CatalogVersionRow.id).where(self._mine(vid))).first() is None:
                raise VersionNotFound(vid)
            payloads = conn.execute(
                select(ResourceRow.payload).where(ResourceRow.version_id == vid).order_by(ResourceRow.id)
            ).scalars().all()
        resources = [Resource.from_dict(p) for p in payloads]
        self._remember(vid, resources)
        return list(resources)

    def get_resource(self, resource_id: str, version_id: int | None = None) -> Resource:
        vid = self._resolve(version_id)
        cached = self._cached(vid)
        if cached is not None:
            for r in cached:
                if r.id == resource_id:
                    return r
            raise ResourceNotFound(resource_id)
        with self.engine.connect() as conn:
            payload = conn.execute(
                select(ResourceRow.payload)
                .join(CatalogVersionRow, CatalogVersionRow.id == ResourceRow.version_id)
                .where(self._mine(vid), ResourceRow.resource_id == resource_id)
            ).scalar_one_or_none()
        if payload is None:
            raise ResourceNotFound(resource_id)
        return Resource.from_dict(payload)

    def count(self, version_id: int | None = None) -> int:
        vid = self._resolve(version_id)
        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(ResourceRow)
                .join(CatalogVersionRow, CatalogVersionRow.id == ResourceRow.version_id)
                .where(self._mine(vid))
            ).scalar_one()

    def diff(self, old: int, new: int) -> VersionDiff:
        """What changed from version `old` to version `new`, by resource id and field name."""
        before = {r.id: r.to_dict() for r in self.resources(old)}
        after = {r.id: r.to_dict() for r in self.resources(new)}
        added = [i for i in after if i not in before]
        removed = [i for i in before if i not in after]
        changed = []
        for rid, data in after.items():
            if rid in before and before[rid] != data:
                fields = [k for k in data if before[rid].get(k) != data.get(k)]
                changed.append((rid, fields))
        return VersionDiff(added, removed, changed)

    def clear_cache(self) -> None:
        """Forget the resources kept in memory (the next read goes to the database)."""
        with self._versions.lock:
            self._versions.items.clear()

    def _cached(self, version_id: int) -> list[Resource] | None:
        found = self._versions.items.get(version_id)
        if found is None or found[0] != self.municipality:
            return None
        return found[1]

    def _remember(self, version_id: int, resources: list[Resource]) -> None:
        cache = self._versions
        with cache.lock:
            cache.items[version_id] = (self.municipality, list(resources))
            while len(cache.items) > cache.SIZE:
                cache.items.pop(next(iter(cache.items)), None)

