"""The shared store: PostgreSQL + PostGIS (``THREATMAP_STORE=postgresql://user@host/db`` or ``--store …``).

The same tables as the SQLite store, plus a PostGIS point per mention (``geom``, GiST index) and the normalised
text of each document (``documents.search_key``, pg_trgm GIN index: substring search from the index). Several
processes (the app, CLI ingests, batch workers) can use it at once: writes are serialised on the revision row,
reads see one snapshot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from threatmap.errors import StoreError
from threatmap.store.base import SqlStore
from threatmap.store.cube import cube_sql
from threatmap.store.marks import marks_sql
from threatmap.store.migrations import POSTGRES_STEPS, check_version
from threatmap.store.schema import MENTION_COLUMNS, MENTION_INSERT, SCHEMA_VERSION, byte_collated, create_sql
from threatmap.store.sql import POSTGRESQL

__all__ = ["PostgresStore", "postgres_sql"]

_COPY = MENTION_INSERT.replace("INSERT INTO", "COPY").split(" VALUES")[0].replace(
    ", doc_lang)", ", doc_lang, geom) FROM STDIN")
_LAT, _LON = (next(i for i, c in enumerate(MENTION_COLUMNS) if c.name == n) for n in ("lat", "lon"))
"""Where a mention row holds its coordinates (the point of ``geom``)."""


def postgres_sql(sql: str) -> str:
    """A ``?``-placeholder statement in psycopg's ``%s`` style."""
    return sql.replace("%", "%%").replace("?", "%s")


def _schema() -> str:
    """:func:`create_sql` for PostgreSQL, text compared byte-wise (``COLLATE "C"``) as SQLite does."""
    return byte_collated(create_sql("postgresql") + cube_sql() + marks_sql("postgresql"))


def _label(url: str) -> str:
    """The URL without its password (for messages)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # a malformed URL: psycopg's own message comes when connecting
        return url.split("@")[-1]
    user = f"{info.get('user')}@" if info.get("user") else ""
    port = f":{info.get('port')}" if info.get("port") else ""
    return f"postgresql://{user}{info.get('host') or ''}{port}/{info.get('dbname') or ''}"


def _connect(url: str) -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(f"the store {_label(url)!r} is PostgreSQL, but psycopg is not installed; fix: "
                         f"pip install -r requirements.txt") from None
    try:
        # no JIT: the store's statements are short, and compiling them cost more than running them (~2 s)
        return psycopg.connect(url, autocommit=False, connect_timeout=10, options="-c jit=off")
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to the store {_label(url)!r}: {str(exc).strip()}; fix: check the URL "
                         f"(--store or THREATMAP_STORE), that the server runs and accepts this user") from None


class PostgresStore(SqlStore):
    """A PostgreSQL + PostGIS database holding documents, mentions and candidate names (one connection behind a
    lock: safe to share between threads)."""

    dialect = POSTGRESQL

    def __init__(self, conn: Any, url: str) -> None:
        self._conn = conn
        self.url = url
        self.label = _label(url)
        self._lock = threading.RLock()

    @classmethod
    def open(cls, url: Path | str, /) -> PostgresStore:
        """Connect; create the extensions and tables in an empty database; refuse an older schema (it is
        migrated by ``python -m threatmap migrate``)."""
        store = cls(_connect(str(url)), str(url))
        try:
            version = store._version(create=True)
            check_version(version, store.label)
        except BaseException:
            store.close()
            raise
        return store

    @staticmethod
    def migrate(url: str) -> tuple[int, int]:
        """Bring the database to :data:`SCHEMA_VERSION` by the steps of :data:`POSTGRES_STEPS`, each in its own
        transaction (a step that fails leaves the store at the version before it); returns (before, after)."""
        store = PostgresStore(_connect(url), url)
        try:
            version = before = store._version(create=True)
            if version > SCHEMA_VERSION:
                check_version(version, store.label)
            while version < SCHEMA_VERSION:
                if version not in POSTGRES_STEPS:
                    raise StoreError(f"no migration from schema version {version}; fix: ingest the documents into "
                                     f"a new store")
                with store._transaction(f"migrate from schema version {version}") as cur:
                    cur.execute(POSTGRES_STEPS[version])
                    cur.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (version + 1,))
                version += 1
            return before, version
        finally:
            store.close()

    def _version(self, *, create: bool) -> int:
        import psycopg

        try:
            with self._lock, self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(7411)")  # two processes opening an empty database
                cur.execute("SELECT to_regclass('meta') IS NOT NULL")
                if not cur.fetchone()[0]:
                    if not create:
                        return 0
                    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                    cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cur.execute(_schema())
                    cur.execute("INSERT INTO meta VALUES ('schema_version', %s)", (SCHEMA_VERSION,))
                cur.execute("SELECT value FROM meta WHERE key = 'schema_version'")
                row = cur.fetchone()
                return int(row[0]) if row else 0
        except psycopg.Error as exc:
            raise StoreError(f"cannot set up the store {self.label!r}: {str(exc).strip()}; fix: the database "
                             f"needs the postgis and pg_trgm extensions (a superuser can run CREATE EXTENSION "
                             f"postgis; CREATE EXTENSION pg_trgm; in it)") from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ---------------------------------------------------------------- the engine's part
    def _execute(self, cur: Any, sql: str, params: Sequence[object] = ()) -> Any:
        cur.execute(postgres_sql(sql), tuple(params))
        return cur

    def _execute_many(self, cur: Any, sql: str, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            cur.executemany(postgres_sql(sql), rows)

    def _insert_mentions(self, cur: Any, rows: Sequence[Sequence[object]]) -> None:
        with cur.copy(_COPY) as copy:  # COPY: one stream for the whole batch
            for row in rows:
                lat, lon = row[_LAT], row[_LON]
                copy.write_row((*row, None if lat is None else f"SRID=4326;POINT({lon!r} {lat!r})"))

    def _index_documents(self, cur: Any, keys: Sequence[tuple[str, str]]) -> None:
        self._execute_many(cur, "UPDATE documents SET search_key = ? WHERE id = ?", keys)

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """One transaction that holds the revision row (writers queue there) and moves it at the end."""
        with self._transaction("write to") as cur:
            cur.execute("SELECT value FROM meta WHERE key = 'revision' FOR UPDATE")
            yield cur
            cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")

    @contextmanager
    def _read(self) -> Iterator[Any]:
        """One read-only transaction on one snapshot (REPEATABLE READ). Its statements are planned for their values
        every time: psycopg prepares a statement run 5 times, and PostgreSQL's generic plan of a text search (its
        needle unknown) reads far more (1M mentions: the capped search's map 25 -> 400 ms from the sixth run on).
        Writes keep the generic plans of their many small statements (planned each time: a third fewer docs/s)."""
        with self._transaction("read") as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
                        "SET LOCAL plan_cache_mode = force_custom_plan")
            yield cur

    @contextmanager
    def _transaction(self, verb: str) -> Iterator[Any]:
        import psycopg

        with self._lock:
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    yield cur
            except psycopg.Error as exc:
                if self._conn.closed:
                    raise StoreError(f"lost the connection to the store {self.label!r}: {str(exc).strip()}; "
                                     f"fix: check the server, then retry") from None
                raise StoreError(f"cannot {verb} the store {self.label!r}: {str(exc).strip()}") from exc
