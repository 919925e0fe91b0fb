"""The active catalog version and its Matcher, swapped atomically.

A new index is built off to the side (in a worker thread, while requests keep using the old one),
then the single reference is replaced. A request reads `state.snapshot` once and uses that
snapshot to the end, so a swap never changes the catalog under a request in flight. Builds are
serialised by a lock so two activations cannot race to install an older version last.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from catalog.conditions import _fold_area
from catalog.errors import NoActiveVersion
from catalog.model import Resource

log = logging.getLogger("tsunagu.state")


@dataclass(frozen=True)
class Snapshot:
    """Everything a request needs from one catalog version."""

    version: Any  # catalog.store.VersionInfo
    resources: tuple[Resource, ...]
    matcher: Any  # matcher.Matcher
    by_id: dict[str, Resource] = field(default_factory=dict)
    areas: tuple[str, ...] = ()
    built_seconds: float = 0.0

    @property
    def version_id(self):
        return self.version.id

    @cached_property
    def haystacks(self) -> tuple[str, ...]:
        """Normalised searchable text per resource (keyword browse), built on first use."""
        from matcher.normalize import normalize_text

        def text(r: Resource) -> str:
            parts = [r.name, r.name_kana or "", r.description or "", r.provider or "", r.address or "",
                     *r.keywords, *r.example_concerns]
            return normalize_text(" ".join(parts))

        return tuple(text(r) for r in self.resources)

    @cached_property
    def category_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.resources:
            for code in r.categories:
                counts[code] = counts.get(code, 0) + 1
        return counts

    def known_area(self, area: str) -> str | None:
        """The catalog's spelling of `area` (width, spaces and 地区/地域 suffixes folded), or None."""
        wanted = _fold_area(area)
        for known in self.areas:
            if _fold_area(known) == wanted:
                return known
        return None


def build_matcher(resources: list[Resource], contacts_override_path: Path | None = None):
    from matcher import Matcher

    return Matcher.build(resources, contacts_override_path=contacts_override_path)


def build_snapshot(version, resources: list[Resource], *, contacts_override_path: Path | None = None,
                   builder: Callable[..., Any] = build_matcher) -> Snapshot:
    start = time.perf_counter()
    matcher = builder(resources, contacts_override_path)
    areas = tuple(getattr(matcher, "areas", ())) or tuple(
        sorted({a for r in resources for a in r.service_areas})
    )
    return Snapshot(version, tuple(resources), matcher, {r.id: r for r in resources}, areas,
                    time.perf_counter() - start)


class CatalogState:
    """Holds the current Snapshot (or None before any catalog is loaded)."""

    def __init__(self, *, contacts_override_path: Path | None = None,
                 builder: Callable[..., Any] = build_matcher, on_swap: Callable[[Snapshot], None] | None = None):
        self._snapshot: Snapshot | None = None
        self._build_lock = threading.Lock()
        self.first_load = threading.Event()  # set once the start-up load has finished (or failed)
        self._contacts_override_path = contacts_override_path
        self._builder = builder
        self._on_swap = on_swap

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    @property
    def ready(self) -> bool:
        return self._snapshot is not None

    def wait_first_load(self, timeout: float | None = None) -> bool:
        """Block until the start-up load has finished; True when it did within `timeout`."""
        return self.first_load.wait(timeout)

    def swap(self, snapshot: Snapshot) -> None:
        """Install `snapshot` as the active one (a single reference assignment)."""
        self._snapshot = snapshot
        if self._on_swap:
            self._on_swap(snapshot)
        log.info("catalog version %s active: %d resources, index built in %.2fs",
                 snapshot.version_id, len(snapshot.resources), snapshot.built_seconds)

    def load_active(self, store, *, force: bool = False) -> Snapshot | None:
        """Build and install the store's active version unless it is already installed.
        Blocking (builds the index): call from a worker thread in request paths."""
        with self._build_lock:
            try:
                version = store.active_version()
            except NoActiveVersion:
                version = None
            if version is None:
                return self._snapshot
            current = self._snapshot
            if current is not None and current.version_id == version.id and not force:
                return current
            resources = list(store.resources(version.id))
            snapshot = build_snapshot(version, resources, contacts_override_path=self._contacts_override_path,
                                      builder=self._builder)
            self.swap(snapshot)
            return snapshot
