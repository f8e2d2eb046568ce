"""Versioned schema: the numbered steps that bring an older store to :data:`SCHEMA_VERSION`, run only on request
(``python -m threatmap migrate``), never silently when a store is opened."""

from __future__ import annotations

import sqlite3

from threatmap.errors import StoreError
from threatmap.models import Column
from threatmap.store.cube import FIRST_INDEX, cube_sql, rebuild_sql
from threatmap.store.marks import fill_sql, marks_sql
from threatmap.store.schema import (
    DOC_INDEX,
    MENTION_COLUMNS,
    PLACE_DATE_INDEX,
    SCHEMA_VERSION,
    SEQ_INDEX,
    SEQUENCE,
    byte_collated,
    create_sql,
    key_index_sql,
    mentions_table_sql,
    review_sql,
    source_index_sql,
)

__all__ = ["CUBES_STEP", "POSTGRES_STEPS", "SEQ_STEP", "SQLITE_STEPS", "check_version", "key_step", "marks_step",
           "migrate_sqlite"]

_V3 = tuple(c for c in MENTION_COLUMNS)
_V3_COPY = ", ".join(f'"{c.name}"' for c in _V3 if c.name != "resolved_by")


def _v3_ddl(column: Column) -> str:
    kind = {str: "TEXT", int: "INTEGER", float: "REAL", bool: "INTEGER"}[column.type]
    default = " DEFAULT 'gazetteer'" if column.name == "resolved_by" else ""
    ref = " REFERENCES documents(id) ON DELETE CASCADE" if column.name == "doc_id" else ""
    return f'"{column.name}" {kind}{"" if column.optional else " NOT NULL"}{default}{ref}'


_V5_NAMES = ", ".join(["rowid", *(f'"{c.name}"' for c in MENTION_COLUMNS), "doc_date", "doc_source", "doc_lang"])
_WHERE_COLUMNS = ("lat", "lon", "min_lon", "min_lat", "max_lon", "max_lat", "geometry_type", "precision")
"""The geometry columns, NOT NULL up to version 5, nullable from 6 (unlocated mentions)."""
_MENTION_INDEXES = ("mentions_doc", "mentions_place", "mentions_source", "mentions_lang", "mentions_type",
                    "mentions_date")
CUBES_STEP = cube_sql() + ";\n".join(rebuild_sql()) + ";"
"""6 -> 7 (issue 14, the SQLite filter target): the cubes and their probe index, filled from the mentions. The
same statements on both engines (PostgreSQL's step makes their text columns ``COLLATE "C"``)."""

_WIDENED = ("mentions_source", "mentions_first", "mentions_doc")


def marks_step(engine: str) -> str:
    """7 -> 8 on ``engine`` (issue 14, filters at 1M mentions): the reviewed-mention ids filled from the reviews;
    the source and the documents' indexes rebuilt to cover every filter column, the first/last date index to seek
    the qualifier, then the planner's statistics of the mentions (their new indexes have none)."""
    return ("".join(f"DROP INDEX IF EXISTS {name};\n" for name in _WIDENED)
            + "\n".join((source_index_sql(engine), FIRST_INDEX, DOC_INDEX))
            + f"\n{marks_sql(engine)}{fill_sql(engine)};\nANALYZE mentions;")


SEQ_STEP = f"""{SEQUENCE}
ALTER TABLE documents ADD COLUMN IF NOT EXISTS seq BIGINT;
UPDATE documents d SET seq = o.base + o.n FROM (SELECT id, row_number() OVER (ORDER BY ingested_at, id) AS n,
    (SELECT COALESCE(MAX(seq), 0) FROM documents) AS base FROM documents WHERE seq IS NULL) AS o WHERE o.id = d.id;
SELECT setval('documents_seq', COALESCE((SELECT MAX(seq) FROM documents), 0) + 1, false);
ALTER TABLE documents ALTER COLUMN seq SET DEFAULT nextval('documents_seq'), ALTER COLUMN seq SET NOT NULL;
{SEQ_INDEX}
{PLACE_DATE_INDEX}
ANALYZE documents;
ANALYZE mentions;"""
"""PostgreSQL 8 -> 9 (issue 14, text search and places at 1M mentions): ``documents.seq`` numbered in the order
the documents were ingested (then by id), its sequence moved past them, and the ``mentions_place_date`` index."""


def key_step(engine: str) -> str:
    """9 -> 10 on ``engine`` (issue 14, the map's geometries at 1M mentions): the ``mentions_key`` index, then its
    statistics (PostgreSQL keeps them for the index's expressions)."""
    return f"{key_index_sql(engine)}\nANALYZE {'mentions' if engine == 'postgresql' else 'mentions_key'};"


_V4_REVIEWS = review_sql("sqlite").replace(",\n    passage_start INTEGER, passage_end INTEGER", "")
"""The review tables as issue 13 created them in a version-4 store (created here when that store has none)."""

SQLITE_STEPS: dict[int, str] = {
    1: "ALTER TABLE mentions ADD COLUMN threat_p REAL;",
    2: ("ALTER TABLE mentions RENAME TO mentions_v2; "
        f"CREATE TABLE mentions ({', '.join(_v3_ddl(c) for c in _V3)}, passage TEXT); "
        f"INSERT INTO mentions ({_V3_COPY}, resolved_by, passage) "
        f"SELECT {_V3_COPY}, 'gazetteer', passage FROM mentions_v2; DROP TABLE mentions_v2;"),
    3: "ALTER TABLE mentions DROP COLUMN passage;",
    4: f"""
ALTER TABLE mentions ADD COLUMN doc_date TEXT;
ALTER TABLE mentions ADD COLUMN doc_source TEXT;
ALTER TABLE mentions ADD COLUMN doc_lang TEXT;
UPDATE mentions SET (doc_date, doc_source, doc_lang) =
    (SELECT d.date, d.source, d.lang FROM documents d WHERE d.id = mentions.doc_id);
ALTER TABLE documents ADD COLUMN text_hash TEXT NOT NULL DEFAULT '';
UPDATE documents SET text_hash = tm_sha256(text);
{_V4_REVIEWS}
ALTER TABLE reviews ADD COLUMN passage_start INTEGER;
ALTER TABLE reviews ADD COLUMN passage_end INTEGER;
ALTER TABLE review_history ADD COLUMN passage_start INTEGER;
ALTER TABLE review_history ADD COLUMN passage_end INTEGER;
DROP INDEX IF EXISTS mentions_place;
DROP INDEX IF EXISTS mentions_doc;
DROP INDEX IF EXISTS mentions_threat;
DROP INDEX IF EXISTS documents_source;
DROP INDEX IF EXISTS documents_lang;
{create_sql("sqlite")}
INSERT INTO document_fts (rowid, key) SELECT rowid, tm_key(text) FROM documents;
""",
    5: f"""
{"".join(f"DROP INDEX IF EXISTS {name};" for name in _MENTION_INDEXES)}
ALTER TABLE mentions RENAME TO mentions_v5;
{mentions_table_sql("sqlite")}
INSERT INTO mentions ({_V5_NAMES}) SELECT {_V5_NAMES} FROM mentions_v5;
DROP TABLE mentions_v5;
{create_sql("sqlite")}
""",
    6: CUBES_STEP,
    7: marks_step("sqlite"),
    8: "",
    9: key_step("sqlite"),
}
"""SQL that brings a SQLite store of the key's version to the next one (1 -> 2: ``threat_p``, NULL: the stored
verdict reads as 1.0 / 0.0 until ``python -m threatmap reindex``; 2 -> 3: the table rebuilt so that ``place_id``
may be null, ``resolved_by`` 'gazetteer' (issue 10); 3 -> 4: the passage copies dropped (issue 11); 4 -> 5: the
document fields copied onto the mentions, each document's text hash (the reviews join on it), the review tables
(issue 13) with the sentence of an added mention, new indexes, the documents' FTS5 index filled from the stored
texts, the revision counter; 5 -> 6: the table rebuilt (rows and their rowids kept) so that the geometry
columns may be null, for mentions whose name nothing locates; 6 -> 7: :data:`CUBES_STEP`; 7 -> 8:
:func:`marks_step`; 8 -> 9: the version only: the documents' rowid is the order they were stored in; 9 -> 10:
:func:`key_step`)."""

POSTGRES_STEPS: dict[int, str] = {
    5: f"ALTER TABLE mentions {', '.join(f'ALTER COLUMN {c} DROP NOT NULL' for c in _WHERE_COLUMNS)};",
    6: byte_collated(CUBES_STEP),
    7: marks_step("postgresql"),
    8: SEQ_STEP,
    9: key_step("postgresql"),
}
"""SQL that brings a PostgreSQL store of the key's version to the next one (5 is PostgreSQL's first; 5 -> 6: the
geometry columns may be null; 6 -> 7: the cubes; 7 -> 8: as SQLite's; 8 -> 9: :data:`SEQ_STEP`; 9 -> 10: as
SQLite's)."""


def check_version(version: int, label: str) -> None:
    """Refuse a store whose schema is not :data:`SCHEMA_VERSION`, saying what to do."""
    if version == SCHEMA_VERSION:
        return
    if version < SCHEMA_VERSION:
        raise StoreError(f"the store {label!r} has schema version {version}, expected {SCHEMA_VERSION}; fix: "
                         f"back it up, then run `python -m threatmap migrate --store {label}`")
    raise StoreError(f"the store {label!r} has schema version {version}, newer than this threatmap "
                     f"({SCHEMA_VERSION}); fix: update threatmap, or point --store to another store")


def migrate_sqlite(conn: sqlite3.Connection) -> tuple[int, int]:
    """Run the steps from the store's version to :data:`SCHEMA_VERSION`, each in its own transaction (a step
    that fails leaves the store at the version before it); returns (version before, version after)."""
    conn.execute("PRAGMA foreign_keys=ON")
    version = before = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0 and conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone():
        version = before = 1
    if version > SCHEMA_VERSION:
        check_version(version, "this store")
    while version < SCHEMA_VERSION:
        if version not in SQLITE_STEPS:
            raise StoreError(f"no migration from schema version {version}; fix: ingest the documents into a new "
                             f"store")
        try:
            conn.executescript(f"BEGIN; {SQLITE_STEPS[version]} PRAGMA user_version={version + 1}; COMMIT;")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK") if conn.in_transaction else None
            raise StoreError(f"migration from schema version {version} failed: {exc}; the store is left at "
                             f"version {version}") from None
        version += 1
    if before < SCHEMA_VERSION:
        _fill_review_passages(conn)
    return before, version


def _fill_review_passages(conn: sqlite3.Connection) -> None:
    """The sentence around each migrated review's span (the passage of a mention it adds), from a stored text with
    its hash; a review whose text is gone keeps none (it is an orphan)."""
    from threatmap.lang.sentences import sentence_span

    rows = conn.execute('SELECT r.text_hash, r.start, r."end", (SELECT d.text FROM documents d WHERE d.text_hash = '
                        "r.text_hash LIMIT 1) FROM reviews r WHERE r.passage_start IS NULL").fetchall()
    spans = [(*sentence_span(text, start, end, reach=400), digest, start, end)
             for digest, start, end, text in rows if text is not None and 0 <= start < end <= len(text)]
    conn.executescript("BEGIN;")
    conn.executemany('UPDATE reviews SET passage_start = ?, passage_end = ? WHERE text_hash = ? AND start = ? AND '
                     '"end" = ?', spans)
    conn.execute("COMMIT")
