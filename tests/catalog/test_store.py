import threading

import pytest
from sqlalchemy import func, select

from catalog.db import make_engine
from catalog.errors import ImportFailed, NoActiveVersion, ResourceNotFound, VersionNotFound
from catalog.model import Resource
from catalog.store import CatalogStore, ResourceRow
from tests.catalog.helpers import catalog_csv, good_row


def res(i: int, **changes) -> Resource:
    fields = {"id": f"r{i}", "name": f"資源{i}", "category": "regional_hub"}
    return Resource(**(fields | changes))


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def store(database_url):
    store = CatalogStore(database_url)
    store.create_schema()
    yield store
    store.engine.dispose()


def test_in_memory_store_has_its_schema():
    store = CatalogStore.in_memory()
    assert store.versions() == [] and store.add_version([res(1)], source="a", activate=True).active


def test_versions_and_atomic_activation(store):
    assert store.versions() == [] and store.active_version() is None
    with pytest.raises(NoActiveVersion):
        store.resources()
    v1 = store.add_version([res(1), res(2)], source="a.csv", note="最初", activate=True)
    v2 = store.add_version([res(1)], source="b.csv", format="xlsx")
    assert (v1.resource_count, v1.active, v1.note, v1.created_at.tzinfo is not None) == (2, True, "最初", True)
    assert store.active_version().id == v1.id and not v2.active
    assert [r.id for r in store.resources()] == ["r1", "r2"]
    assert store.activate(v2.id).active
    assert [v.active for v in store.versions()] == [False, True]
    assert [r.id for r in store.resources()] == ["r1"]
    assert [r.id for r in store.resources(v1.id)] == ["r1", "r2"]
    with pytest.raises(VersionNotFound):
        store.activate(99)
    with pytest.raises(VersionNotFound):
        store.resources(99)
    assert store.active_version().id == v2.id  # a failed activation changes nothing


def test_get_resource_and_not_found(store):
    store.add_version([res(1, extra={"備考": "メモ"})], source="a", activate=True)
    store.clear_cache()  # read from the database, not the cache
    got = store.get_resource("r1")
    assert got == res(1) and got.extra == {"備考": "メモ"}
    with pytest.raises(ResourceNotFound):
        store.get_resource("zzz")


def test_payload_round_trips_through_the_database(database_url):
    url = database_url
    first = CatalogStore(url)
    first.create_schema()
    items = [res(1, keywords=("あ", "い"), age_min_months=3, lat=34.1, night=True)]
    first.add_version(items, source="a", activate=True)
    second = CatalogStore(make_engine(url))  # a fresh process would see the same
    assert second.resources() == items
    first.engine.dispose()
    second.engine.dispose()


def test_diff(store):
    v1 = store.add_version([res(1), res(2), res(3)], source="a")
    v2 = store.add_version([res(1), res(3, name="新しい名前", age_min_months=6), res(4)], source="b")
    diff = store.diff(v1.id, v2.id)
    assert diff.added == ["r4"] and diff.removed == ["r2"]
    assert diff.changed == [("r3", ["name", "age_min_months"])]


def test_import_is_all_or_nothing(store):
    bad = catalog_csv([good_row(1), good_row(2, 名称="")]).encode()
    with pytest.raises(ImportFailed) as failed:
        store.import_file(bad, filename="bad.csv", activate=True)
    assert failed.value.report.errors[0].code == "missing_name"
    assert store.versions() == []
    result, info = store.import_file(catalog_csv([good_row(1)]).encode(), filename="ok.csv", activate=True)
    assert (info.source, info.format, info.active, len(result.resources)) == ("ok.csv", "csv", True, 1)


def test_a_failing_insert_leaves_no_version_behind(store):
    with pytest.raises(ValueError):
        store.add_version([res(1), res(1)], source="dup")
    assert store.versions() == []

    class Broken(Resource):
        def to_dict(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.add_version([res(1), Broken(id="x", name="x", category="daycare")], source="broken", activate=True)
    assert store.versions() == []
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ResourceRow)).scalar_one() == 0


def test_readers_see_one_whole_version_while_activation_flips(store):
    v1 = store.add_version([res(i) for i in range(50)], source="a", activate=True)
    v2 = store.add_version([res(i) for i in range(10)], source="b")
    seen: set[int] = set()
    failures: list[BaseException] = []

    def read():
        try:
            for _ in range(30):
                store.clear_cache()
                seen.add(len(store.resources()))
        except BaseException as exc:  # surfaced below, not lost in the thread
            failures.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(15):
        store.activate(v2.id)
        store.activate(v1.id)
    reader.join()
    assert failures == []
    assert seen <= {50, 10}
    assert sum(v.active for v in store.versions()) == 1


def test_import_file_from_path(tmp_path, store):
    path = tmp_path / "c.csv"
    path.write_text(catalog_csv([good_row(1)]), encoding="utf-8")
    _, info = store.import_file(path)
    assert info.source == "c.csv" and not info.active


def test_synthetic_catalog_imports_and_stores_without_errors(store):
    from tests.catalog.synthetic import synthetic_catalog_csv

    result, info = store.import_file(synthetic_catalog_csv(2000, seed=3).encode(), filename="syn.csv", activate=True)
    assert result.report.issues == []
    assert info.resource_count == 2000 and store.count() == 2000
    assert store.resources()[1999].id == "SYN03-001999"
