"""A throwaway PostgreSQL + PostGIS cluster: ``initdb`` and ``pg_ctl`` on a temporary folder, a free local port.

Used by the tests (``postgres_url`` fixture in ``conftest.py``), by ``bench/store.py --backend postgresql``, and by
hand: ``python tests/pg_cluster.py`` starts one, prints its URL and stops it on Ctrl-C.

PostgreSQL refuses to run as root: when we are root (CI, this machine), the cluster belongs to the ``postgres``
user that Debian's ``postgresql`` package creates, and its commands run as that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cluster", "cluster", "missing_reason"]


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if os.environ.get("THREATMAP_PG_BIN"):
        return Path(os.environ["THREATMAP_PG_BIN"])
    return Path(found[-1]).parent if found else (Path(shutil.which("initdb")).parent if shutil.which("initdb")
                                                  else None)


def _run_as() -> str | None:
    """The user the server must run as (None: ourselves)."""
    return "postgres" if os.geteuid() == 0 else None


def missing_reason() -> str | None:
    """Why no cluster can be started here, or None."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        return "PostgreSQL is not installed (apt-get install -y postgresql postgresql-15-postgis-3)"
    if not glob.glob("/usr/share/postgresql/*/extension/postgis.control"):
        return "PostGIS is not installed (apt-get install -y postgresql-15-postgis-3)"
    user = _run_as()
    if user:
        try:
            pwd.getpwnam(user)
        except KeyError:
            return f"running as root and there is no {user!r} user to run PostgreSQL (apt-get install postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -r requirements.txt)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Cluster:
    """A running cluster: its folder, port and the URL of its ``postgres`` database."""

    folder: Path
    port: int

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (with postgis and pg_trgm, or as a copy of ``template``); returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        if template is None:
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION postgis")
                conn.execute("CREATE EXTENSION pg_trgm")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args: list[str], user: str | None) -> None:
    result = subprocess.run(args, user=user, capture_output=True, text=True, cwd="/", check=False)
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stdout}{result.stderr}")


@contextlib.contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a cluster (trust authentication on 127.0.0.1 only, fsync off: for tests), yield it, stop and remove
    it."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    bin_dir, user = _bin_dir(), _run_as()
    assert bin_dir is not None
    folder = Path(tempfile.mkdtemp(prefix="threatmap-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data, port = folder / "data", _free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
              "--locale=C", "-N"], user)
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "-o",
              f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
              f"-c full_page_writes=off", "start"], user)
        try:
            yield Cluster(folder, port)
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    import time

    with cluster() as running:
        print(running.create_database("threatmap"), flush=True)
        print("THREATMAP_STORE=<the URL above> python -m threatmap ingest corpus/  # in another shell; Ctrl-C stops",
              flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
