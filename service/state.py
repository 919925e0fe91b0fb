"""The active catalog version and its Matcher, swapped atomically.

A new index is built off to the side (in a worker thread, while requests keep using the old one),
then the single reference is replaced. A request reads `state.snapshot` once and uses that
snapshot to the end, so a swap never changes the catalog under a request in flight. Builds are
serialised by a lock so two activations cannot race to install an older version last.

Each municipality (tenant) has its own CatalogState; `TenantStates` keeps them, the default one
always, the others created on first use and dropped least-recently-used beyond a bound. A
municipality's matcher also holds the shared tenant's national and prefecture-wide resources
(Resource.is_wide_area), so a new shared version rebuilds every municipality's index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
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
    shared_version_id: int | None = None  # the shared tenant's version merged in, if any

    @property
    def version_id(self):
        return self.version.id

    @property
    def key(self) -> tuple[int, int | None]:
        """What the index was built from: rebuild when either part changes."""
        return self.version.id, self.shared_version_id

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
                   builder: Callable[..., Any] = build_matcher, shared_version_id: int | None = None) -> Snapshot:
    start = time.perf_counter()
    matcher = builder(resources, contacts_override_path)
    areas = tuple(getattr(matcher, "areas", ())) or tuple(
        sorted({a for r in resources for a in r.service_areas})
    )
    return Snapshot(version, tuple(resources), matcher, {r.id: r for r in resources}, areas,
                    time.perf_counter() - start, shared_version_id)


def with_shared(own: list[Resource], shared: list[Resource]) -> list[Resource]:
    """A municipality's resources plus the shared wide-area ones it does not list itself (its own
    entry wins on an equal id)."""
    ids = {r.id for r in own}
    return own + [r for r in shared if r.is_wide_area and r.id not in ids]


class CatalogState:
    """Holds the current Snapshot (or None before any catalog is loaded). With `shared` (the
    shared tenant's store), its wide-area resources are added to this municipality's."""

    def __init__(self, *, contacts_override_path: Path | None = None,
                 builder: Callable[..., Any] = build_matcher, on_swap: Callable[[Snapshot], None] | None = None,
                 shared: Any = None):
        self._snapshot: Snapshot | None = None
        self._build_lock = threading.Lock()
        self.first_load = threading.Event()  # set once the start-up load has finished (or failed)
        self._contacts_override_path = contacts_override_path
        self._builder = builder
        self._on_swap = on_swap
        self._shared = shared

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
            shared = None
            if self._shared is not None and self._shared.municipality != store.municipality:
                shared = self._shared.active_version()
            shared_id = shared.id if shared is not None else None
            current = self._snapshot
            if current is not None and current.key == (version.id, shared_id) and not force:
                return current
            resources = list(store.resources(version.id))
            if shared is not None:
                resources = with_shared(resources, self._shared.resources(shared.id))
            snapshot = build_snapshot(version, resources, contacts_override_path=self._contacts_override_path,
                                      builder=self._builder, shared_version_id=shared_id)
            self.swap(snapshot)
            return snapshot


class TenantStates:
    """One CatalogState per municipality: the default one always kept, up to `max_loaded` in all
    (least recently used dropped first; the one just asked for is never dropped, so with
    `max_loaded` 1 the default and the latest other one are both held). `make_state(code)` creates the state of a municipality."""

    def __init__(self, default: str, make_state: Callable[[str], CatalogState], *, max_loaded: int = 8):
        self.default = default
        self._make_state = make_state
        self._max_loaded = max(1, max_loaded)
        self._states: OrderedDict[str, CatalogState] = OrderedDict({default: make_state(default)})
        self._lock = threading.Lock()

    def get(self, code: str) -> CatalogState:
        with self._lock:
            state = self._states.get(code)
            if state is None:
                state = self._states[code] = self._make_state(code)
                # Never the default nor the one asked for: with max_loaded 1 both are kept.
                evictable = [c for c in self._states if c not in (self.default, code)]
                for oldest in evictable[: max(0, len(self._states) - self._max_loaded)]:
                    del self._states[oldest]
                    log.info("municipality %s: matcher dropped from memory (least recently used)", oldest)
            self._states.move_to_end(code)
            return state

    def loaded(self) -> list[tuple[str, CatalogState]]:
        with self._lock:
            return list(self._states.items())
