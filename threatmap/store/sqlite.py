"""The embedded store: one SQLite file (WAL), queried in SQL with indexes and an FTS5 trigram text index."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from threatmap.errors import StoreError
from threatmap.store.base import SqlStore
from threatmap.store.cube import cube_sql
from threatmap.store.marks import marks_sql
from threatmap.store.migrations import check_version, migrate_sqlite
from threatmap.store.reviews import text_hash
from threatmap.store.schema import MENTION_INSERT, SCHEMA_VERSION, create_sql
from threatmap.store.sql import SQLITE, search_key

__all__ = ["BULK_CACHE_KB", "SQLiteStore", "connect"]

BULK_CACHE_KB = 65536
"""SQLite's page cache (KiB) during :meth:`SQLiteStore.bulk_writes`: 64 MB."""


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the file at ``path`` (created with its folder), WAL, foreign keys on, with the functions
    ``tm_key(text)`` (the text index's normalisation) and ``tm_sha256(text)`` (a review's text hash) registered."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the store {str(path)!r}: {exc}; fix: check the path (--store or "
                         f"THREATMAP_STORE) and its permissions") from None
    conn.create_function("tm_key", 1, search_key, deterministic=True)
    conn.create_function("tm_sha256", 1, text_hash, deterministic=True)
    return conn


class SQLiteStore(SqlStore):
    """One SQLite file (WAL) holding documents, mentions and candidate names.

    Open with :meth:`open`. Safe to share between threads (one connection behind a lock), e.g. through
    Streamlit's ``cache_resource``. Each write is one transaction: a killed process leaves either the whole
    document with all its mentions, or nothing of it.
    """

    dialect = SQLITE

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self.label = str(path)
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | str, /) -> SQLiteStore:
        """Open (or create, with its parent folder and schema) the store at ``path``; a store of an older schema
        is refused with the command that migrates it (``python -m threatmap migrate``)."""
        path = Path(path)
        conn = connect(path)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone():
                version = 1  # the first stores did not record their version
            if version == 0:
                conn.executescript(f"BEGIN; {create_sql('sqlite')} {cube_sql()} {marks_sql('sqlite')} "
                                   f"PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
            else:
                check_version(version, str(path))
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{str(path)!r} is not a usable threatmap store: {exc}; fix: point --store or "
                             f"THREATMAP_STORE to another file, or delete this one and ingest again") from None
        except StoreError:
            conn.close()
            raise
        return cls(conn, path)

    @staticmethod
    def migrate(path: Path | str) -> tuple[int, int]:
        """Bring the store at ``path`` to :data:`SCHEMA_VERSION`; returns (version before, version after)."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"no store at {str(path)!r}; fix: check --store (a new store needs no migration)")
        conn = connect(path)
        try:
            return migrate_sqlite(conn)
        finally:
            conn.close()

    def revision(self) -> int:
        """The store's commit counter (moved by every threatmap write) plus this connection's ``PRAGMA
        data_version`` (which moves when any other connection commits, e.g. a curator's ``sqlite3``)."""
        with self._lock:
            counter = self._conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0]
            return int(counter) + int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        with self._lock:
            self._conn.close()

    # ---------------------------------------------------------------- the engine's part
    def _execute(self, cur: Any, sql: str, params: Sequence[object] = ()) -> Any:
        return cur.execute(sql, params)

    def _execute_many(self, cur: Any, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            cur.executemany(sql, rows)

    def _insert_mentions(self, cur: Any, rows: Sequence[Sequence[object]]) -> None:
        cur.executemany(MENTION_INSERT, rows)

    def _index_documents(self, cur: Any, keys: Sequence[tuple[str, str]]) -> None:
        cur.executemany("INSERT INTO document_fts (rowid, key) SELECT rowid, ? FROM documents WHERE id = ?", keys)

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """A page cache of :data:`BULK_CACHE_KB` while an ingest writes (the mentions' indexes stay in memory; the
        default 2 MB makes each insert read index pages again), back to the default after."""
        with self._lock:
            before = self._conn.execute("PRAGMA cache_size").fetchone()[0]
            self._conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KB}")
        try:
            yield
        finally:
            with self._lock:
                self._conn.execute(f"PRAGMA cache_size = {int(before)}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """``BEGIN IMMEDIATE`` … revision + 1, ``COMMIT`` (``ROLLBACK`` on any error), under the store's lock."""
        with self._transaction("BEGIN IMMEDIATE", "write to") as cur:
            yield cur
            cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Cursor]:
        """One read transaction: every SELECT in it sees the same state of the file (a WAL snapshot)."""
        with self._transaction("BEGIN", "read") as cur:
            yield cur

    @contextmanager
    def _transaction(self, begin: str, verb: str) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            try:
                cur = self._conn.cursor()
                cur.execute(begin)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot {verb} the store {self.label!r}: {exc}; fix: close other programs "
                                 f"writing to it, check the disk") from None
            try:
                yield cur
            except BaseException as exc:
                cur.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"cannot {verb} the store {self.label!r}: {exc}") from exc
                raise
            try:
                cur.execute("COMMIT")
            except sqlite3.Error as err:
                cur.execute("ROLLBACK")
                raise StoreError(f"cannot commit to the store {self.label!r}: {err}") from None
