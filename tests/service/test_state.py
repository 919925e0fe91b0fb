"""The catalog state: build off to the side, then swap one reference."""

from __future__ import annotations

import threading

from catalog.store import CatalogStore
from service.state import CatalogState, TenantStates
from tests.service.conftest import SAMPLE


class FakeMatcher:
    def __init__(self, resources):
        self.areas = tuple(sorted({a for r in resources for a in r.service_areas if a not in ("全域", "全国")}))


def test_load_active_builds_once_per_version():
    store = CatalogStore.in_memory()
    builds = []

    def builder(resources, _contacts):
        builds.append(len(resources))
        return FakeMatcher(resources)

    state = CatalogState(builder=builder)
    assert state.load_active(store) is None and not state.ready
    store.add_version(SAMPLE, source="t", activate=True)
    first = state.load_active(store)
    assert first is not None and state.ready and first.version_id == 1
    assert state.load_active(store) is first and builds == [7]
    store.add_version(SAMPLE[:3], source="t", activate=True)
    second = state.load_active(store)
    assert second.version_id == 2 and len(second.resources) == 3 and builds == [7, 3]
    assert first.by_id["r-hall"].name == "中央児童館"  # the old snapshot is untouched


def test_readers_keep_the_old_snapshot_while_a_build_runs():
    store = CatalogStore.in_memory()
    store.add_version(SAMPLE, source="t", activate=True)
    started, release = threading.Event(), threading.Event()

    def slow_builder(resources, _contacts):
        if len(resources) == 3:
            started.set()
            release.wait(5)
        return FakeMatcher(resources)

    state = CatalogState(builder=slow_builder)
    old = state.load_active(store)
    store.add_version(SAMPLE[:3], source="t", activate=True)
    t = threading.Thread(target=state.load_active, args=(store,))
    t.start()
    assert started.wait(5)
    assert state.snapshot is old  # still serving version 1 during the build
    release.set()
    t.join(5)
    assert state.snapshot.version_id == 2


def test_known_area_folds_spelling():
    store = CatalogStore.in_memory()
    store.add_version(SAMPLE, source="t", activate=True)
    snap = CatalogState(builder=lambda r, c: FakeMatcher(r)).load_active(store)
    assert snap.areas == ("中央", "北部")
    assert snap.known_area("中央地区") == "中央" and snap.known_area("ｷﾀ") is None
    assert snap.known_area("北部") == "北部"
    assert snap.category_counts["temporary_care"] == 1


def test_tenant_states_keep_the_default_and_drop_the_least_recently_used():
    states = TenantStates("000000", lambda code: CatalogState(), max_loaded=2)
    a = states.get("A")
    states.get("B")  # A was the least recently used other one
    assert [code for code, _s in states.loaded()] == ["000000", "B"]
    assert states.get("A") is not a  # rebuilt on demand


def test_tenant_states_with_room_for_one_still_return_the_one_asked_for():
    states = TenantStates("000000", lambda code: CatalogState(), max_loaded=1)
    assert states.get("A") is states.get("A")
    states.get("B")
    assert [code for code, _s in states.loaded()] == ["000000", "B"]
