"""Municipalities in the store, and the fault cases of issue #8, on both backends: isolation,
concurrent activations, an import killed midway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from catalog.errors import InvalidMunicipality, ResourceNotFound, VersionNotFound
from catalog.model import Resource
from catalog.store import CatalogStore, CatalogVersionRow, active_versions

BACKENDS = ("sqlite", "postgresql")
TOKYO, OSAKA = "131016", "271004"
ROOT = Path(__file__).resolve().parents[2]


def res(i: int, **changes) -> Resource:
    return Resource(**({"id": f"r{i}", "name": f"資源{i}", "category": "regional_hub"} | changes))


@pytest.fixture
def stores(database_url):
    tokyo = CatalogStore(database_url, TOKYO)
    tokyo.create_schema()
    yield tokyo, tokyo.for_municipality(OSAKA)
    tokyo.engine.dispose()


def test_a_municipality_sees_and_activates_only_its_own_versions(stores):
    tokyo, osaka = stores
    t1 = tokyo.add_version([res(1)], source="t", activate=True)
    o1 = osaka.add_version([res(2), res(3)], source="o", activate=True)
    assert [v.id for v in tokyo.versions()] == [t1.id] and [v.id for v in osaka.versions()] == [o1.id]
    assert tokyo.active_version().id == t1.id and osaka.active_version().id == o1.id  # one active each
    assert active_versions(tokyo.engine) == {TOKYO: t1.id, OSAKA: o1.id}
    with pytest.raises(VersionNotFound):
        tokyo.activate(o1.id)
    with pytest.raises(VersionNotFound):
        tokyo.resources(o1.id)  # not even from the shared in-memory cache
    with pytest.raises(ResourceNotFound):
        tokyo.get_resource("r2")
    tokyo.clear_cache()
    with pytest.raises(VersionNotFound):
        tokyo.resources(o1.id)
    assert osaka.count() == 2 and tokyo.count() == 1
    assert [r.id for r in osaka.resources()] == ["r2", "r3"]


def test_codes_are_checked():
    with pytest.raises(InvalidMunicipality):
        CatalogStore.in_memory().for_municipality("131017")  # wrong check digit


def test_the_database_refuses_a_second_active_version(stores):
    tokyo, _ = stores
    tokyo.add_version([res(1)], source="a", activate=True)
    v2 = tokyo.add_version([res(1)], source="b")
    with pytest.raises(IntegrityError), tokyo.engine.begin() as conn:
        conn.execute(update(CatalogVersionRow).where(CatalogVersionRow.id == v2.id).values(is_active=True))


def test_concurrent_activations_end_in_one_consistent_state(stores):
    tokyo, osaka = stores
    versions = [tokyo.add_version([res(i)], source=f"v{i}").id for i in range(4)]
    osaka_v = osaka.add_version([res(9)], source="o", activate=True).id
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def analyst(vid: int, activate_by_import: bool) -> None:
        try:
            start.wait()
            for _ in range(5):
                if activate_by_import:
                    tokyo.add_version([res(vid)], source="import", activate=True)
                else:
                    tokyo.activate(vid)
        except BaseException as exc:  # noqa: BLE001 — surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=analyst, args=(v, i == 0)) for i, v in enumerate(versions)]
    threads += [threading.Thread(target=analyst, args=(versions[0], False)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    active = [v for v in tokyo.versions() if v.active]
    assert len(active) == 1 and tokyo.active_version() == active[0]
    assert tokyo.resources() == tokyo.resources(active[0].id)
    assert osaka.active_version().id == osaka_v  # another municipality is untouched


IMPORTER = """
import sys, time
from sqlalchemy import event
from catalog.store import CatalogStore
from tests.catalog.synthetic import synthetic_catalog_csv
from catalog.importer import read_catalog

url, n = sys.argv[1], int(sys.argv[2])
result = read_catalog(synthetic_catalog_csv(n).encode("utf-8"), filename="big.csv")
store = CatalogStore(url, "131016")

@event.listens_for(store.engine, "before_cursor_execute")
def _writing(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("INSERT INTO RESOURCES"):
        print("writing", flush=True)
        time.sleep(30)  # killed here, in the middle of its transaction

store.add_version(result.resources, source="big.csv", activate=True)
print("finished", flush=True)
"""


def test_an_import_killed_midway_leaves_the_previous_version_active_and_complete(stores, database_url):
    tokyo, _ = stores
    before = tokyo.add_version([res(i) for i in range(30)], source="good.csv", activate=True)
    child = subprocess.Popen([sys.executable, "-c", IMPORTER, database_url, "300"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=os.environ | {"PYTHONPATH": str(ROOT)})
    try:
        line = child.stdout.readline()
        assert line.strip() == "writing", child.stderr.read()[-2000:]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    deadline = time.monotonic() + 30
    while True:  # PostgreSQL notices the dead client's connection and rolls its transaction back
        fresh = CatalogStore(tokyo.engine, TOKYO)
        fresh.clear_cache()
        try:
            versions = fresh.versions()
            break
        except Exception:  # noqa: BLE001 — SQLite may still be recovering its journal
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert [v.id for v in versions] == [before.id]
    assert fresh.active_version().id == before.id and fresh.count() == 30
    assert [r.id for r in fresh.resources()] == [f"r{i}" for i in range(30)]
    fresh.add_version([res(1)], source="after.csv", activate=True)  # nothing left locked
