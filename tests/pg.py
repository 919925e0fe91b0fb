"""A throwaway PostgreSQL server for the tests and the bench: Debian's initdb/pg_ctl in a
temporary folder, listening on a Unix socket there (no port to collide with), run as the
postgres user when we are root. Durability is off (fsync): the cluster is deleted afterwards.

`TSUNAGU_TEST_POSTGRES_URL` points the tests at an existing server instead (each test still gets
its own database there).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile

import sqlalchemy as sa

SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or the server would not start."""


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class PostgresServer:
    """One cluster; `url()` of its postgres database, `new_database()` for a private one."""

    def __init__(self, folder: str | None = None, *, external_url: str | None = None):
        self._external = external_url
        self.folder = folder
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)

    @classmethod
    def start_new(cls) -> "PostgresServer":
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found: `make system-deps` installs them")
        if os.geteuid() == 0 and not shutil.which("runuser"):
            raise PostgresUnavailable("running as root without runuser: cannot start PostgreSQL as the postgres user")
        server = cls(tempfile.mkdtemp(prefix="tsunagu-pg-"))
        server._pg_ctl = pg_ctl
        if server._as_postgres:
            shutil.chown(server.folder, "postgres")
        try:
            server._run([initdb, "-D", server.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
            server.start()
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(server.folder, ignore_errors=True)
            raise PostgresUnavailable(f"cannot start PostgreSQL: {exc}") from exc
        return server

    @property
    def data(self) -> str:
        return os.path.join(self.folder, "data")

    def _run(self, args: list[str]) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else list(args)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def start(self) -> None:
        self._run([self._pg_ctl, "-D", self.data, "-w", "-l", os.path.join(self.folder, "log"),
                   "-o", f"-p 5432 -k {self.folder} -c listen_addresses='' {SERVER_OPTIONS}", "start"])

    def stop(self) -> None:
        """Stop at once (connections are cut, as when a database host goes away)."""
        self._run([self._pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop"])

    def url(self, database: str = "postgres") -> str:
        if self._external:
            return sa.engine.make_url(self._external).set(database=database).render_as_string(hide_password=False)
        return f"postgresql+psycopg://postgres@/{database}?host={self.folder}&port=5432"

    def new_database(self) -> str:
        """The URL of a new empty database on this server."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(statement))
        finally:
            engine.dispose()

    def close(self) -> None:
        if self._external or not self.folder:
            return
        try:
            self.stop()
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def postgres_server() -> PostgresServer:
    """The server named by TSUNAGU_TEST_POSTGRES_URL, or a new throwaway one."""
    external = os.environ.get("TSUNAGU_TEST_POSTGRES_URL")
    if external:
        return PostgresServer(external_url=external)
    return PostgresServer.start_new()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


__all__ = ["PostgresServer", "PostgresUnavailable", "postgres_server", "in_ci"]
