"""The store on PostgreSQL: the same code must run there (portable SQL only).

Uses TSUNAGU_TEST_POSTGRES_URL when set; otherwise starts a throwaway server with initdb/pg_ctl
in a temporary folder (as the postgres user when run as root), and skips when neither is possible.
"""

import os
import shutil
import subprocess
import tempfile

import pytest

from catalog.model import Resource
from catalog.store import CatalogStore

pytestmark = pytest.mark.postgres


def _run(args, as_postgres):
    cmd = ["runuser", "-u", "postgres", "--", *args] if as_postgres else list(args)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


@pytest.fixture(scope="module")
def postgres_url():
    if os.environ.get("TSUNAGU_TEST_POSTGRES_URL"):
        yield os.environ["TSUNAGU_TEST_POSTGRES_URL"]
        return
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    as_postgres = os.geteuid() == 0
    if not initdb or not pg_ctl or (as_postgres and not shutil.which("runuser")):
        pytest.skip("no PostgreSQL server binaries")
    folder = tempfile.mkdtemp(prefix="tsunagu-pg-")
    if as_postgres:
        shutil.chown(folder, "postgres")
    data, port = os.path.join(folder, "data"), str(56000 + os.getpid() % 1000)
    try:
        _run([initdb, "-D", data, "-A", "trust", "-U", "postgres"], as_postgres)
        _run([pg_ctl, "-D", data, "-w", "-l", os.path.join(folder, "log"),
              "-o", f"-p {port} -k {folder} -c listen_addresses=''", "start"], as_postgres)
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"cannot start PostgreSQL: {exc}")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    finally:
        _run([pg_ctl, "-D", data, "-m", "immediate", "stop"], as_postgres)
        shutil.rmtree(folder, ignore_errors=True)


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
