"""PostgreSQL-only behaviour of the store (the shared suites run on both backends: BACKENDS)."""

import threading

import pytest
from sqlalchemy import text

from catalog.model import Resource
from catalog.store import CatalogStore

pytestmark = pytest.mark.postgres


def test_versions_activation_diff_and_rollback_on_postgres(postgres_url):
    store = CatalogStore(postgres_url)
    store.create_schema()
    items = [Resource(id=f"r{i}", name=f"資源{i}", category="daycare", keywords=("あ",), lat=34.0 + i) for i in range(3)]
    v1 = store.add_version(items, source="a", activate=True)
    v2 = store.add_version(items[:2] + [items[2].replace(name="新")], source="b")
    with pytest.raises(ValueError):
        store.add_version(items + items[:1], source="dup")
    assert [v.id for v in store.versions()][-2:] == [v1.id, v2.id]
    store.activate(v2.id)
    assert [v.id for v in store.versions() if v.active] == [v2.id]
    fresh = CatalogStore(postgres_url)
    assert fresh.resources() == items[:2] + [items[2].replace(name="新")]
    assert fresh.get_resource("r1", v1.id) == items[1]
    assert store.diff(v1.id, v2.id).changed == [("r2", ["name"])]
    store.engine.dispose()
    fresh.engine.dispose()


def test_an_activation_waits_for_another_of_the_same_municipality(postgres_url):
    """The advisory lock: a second activation blocks until the first commits, so an import that
    activates cannot interleave with an activation and leave two versions on."""
    store = CatalogStore(postgres_url, "131016")
    v1 = store.add_version([Resource(id="a", name="a", category="daycare")], source="a", activate=True)
    v2 = store.add_version([Resource(id="b", name="b", category="daycare")], source="b")
    done = threading.Event()
    with store.engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(7465, 131016)"))  # what _flip_active takes
        worker = threading.Thread(target=lambda: (store.activate(v2.id), done.set()))
        worker.start()
        assert not done.wait(0.5), "activation did not wait for the lock"
    worker.join(10)
    assert done.is_set() and store.active_version().id == v2.id
    assert [v.active for v in store.versions()] == [False, True] and v1.id < v2.id
    store.engine.dispose()
