"""The store's tables and queries, derived from the records: one schema per record, never listed again by hand.

The mentions table, its INSERT and SELECT, the columns of :meth:`threatmap.store.Store.query` (and so of the
CSV export and the GeoPackage ``mentions`` layer) all come from :func:`threatmap.models.mention_columns`.
"""

from __future__ import annotations

from threatmap.models import Column, Mention, mention_columns

__all__ = ["COLUMNS", "DOC_COLUMNS", "MENTION_COLUMNS", "MENTION_INSERT", "MENTION_SELECT", "MIGRATIONS",
           "REVIEW_COLUMNS", "SCHEMA", "SCHEMA_VERSION", "mention_values"]

SCHEMA_VERSION = 4
"""``PRAGMA user_version`` of a store; bump it when a column is added, removed or renamed (2: ``threat_p``;
3: ``resolved_by``, and ``place_id`` may be null: places located from context; 4: no copy of the passage per
mention — it is cut from the document text by its offsets; the copy grew quadratically on a long sentence full of
names)."""

MENTION_COLUMNS: tuple[Column, ...] = mention_columns()
"""The flat columns of a stored mention (the quoted passage is cut from the document text by its offsets)."""
DOC_COLUMNS: tuple[str, ...] = ("title", "source", "url", "date", "lang")
"""Document fields repeated on every row of :meth:`Store.query`, after ``doc_id``."""
REVIEW_COLUMNS: tuple[str, ...] = ("reviewed", "reviewer", "reviewed_at", "review_reason", "machine_threat",
                                   "machine_place_id")
"""Columns a query adds after the passage (:mod:`threatmap.store.overlay`): whether an analyst reviewed the mention,
who, when, why, and the machine's own judgement (None for a mention the analyst added)."""
COLUMNS: tuple[str, ...] = ("doc_id", *DOC_COLUMNS, *(c.name for c in MENTION_COLUMNS[1:]), "passage",
                            *REVIEW_COLUMNS)
"""Columns of :meth:`Store.query`, in order: the document's, the mention's, the quoted passage, the review's."""

_SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "REAL", bool: "INTEGER"}
_CONSTRAINTS = {"doc_id": "REFERENCES documents(id) ON DELETE CASCADE"}


def _ddl(column: Column) -> str:
    parts = [f'"{column.name}"', _SQL_TYPES[column.type]]
    if not column.optional:
        parts.append("NOT NULL")
    if column.name in _CONSTRAINTS:
        parts.append(_CONSTRAINTS[column.name])
    return " ".join(parts)


_NAMES = ", ".join(f'"{c.name}"' for c in MENTION_COLUMNS)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL, lang TEXT, source TEXT,
    date TEXT, date_origin TEXT, url TEXT, title TEXT, path TEXT, speakers TEXT NOT NULL DEFAULT '[]',
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mentions (
    {", ".join(_ddl(c) for c in MENTION_COLUMNS)}
);
CREATE TABLE IF NOT EXISTS candidates (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    surface TEXT NOT NULL, trigger TEXT, passage TEXT
);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_lang ON documents(lang);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions(place_id);
CREATE INDEX IF NOT EXISTS mentions_type ON mentions(place_type);
CREATE INDEX IF NOT EXISTS mentions_threat ON mentions(threat);
CREATE INDEX IF NOT EXISTS candidates_doc ON candidates(doc_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('revision', 0);
"""
"""The tables of a store (``CREATE … IF NOT EXISTS``: opening an existing store changes nothing)."""

_V3_COPY = ", ".join(f'"{c.name}"' for c in MENTION_COLUMNS if c.name != "resolved_by")
MIGRATIONS: dict[int, str] = {
    1: "ALTER TABLE mentions ADD COLUMN threat_p REAL;",
    2: ("ALTER TABLE mentions RENAME TO mentions_v2; "
        f"CREATE TABLE mentions ({', '.join(_ddl(c) for c in MENTION_COLUMNS)}, passage TEXT); "
        f"INSERT INTO mentions ({_V3_COPY}, resolved_by, passage) "
        f"SELECT {_V3_COPY}, 'gazetteer', passage FROM mentions_v2; DROP TABLE mentions_v2;"),
    3: "ALTER TABLE mentions DROP COLUMN passage;",
}
"""SQL that brings a store of the key's version to the next one (version 1 lacks ``threat_p``: its rows read the
stored verdict as 1.0 / 0.0 until ``python -m threatmap reindex``; version 2 is rebuilt so that ``place_id`` may be
null, its rows resolved by the gazetteer; version 3 still holds the passage copies)."""

MENTION_INSERT = f"INSERT INTO mentions ({_NAMES}) VALUES ({', '.join('?' * len(MENTION_COLUMNS))})"
"""Insert one mention: the values of :func:`mention_values`."""
MENTION_SELECT = f"SELECT {_NAMES} FROM mentions"
"""Every stored mention, columns :data:`MENTION_COLUMNS` (the passage is cut from the document text instead)."""

_BOOLS = tuple(i for i, c in enumerate(MENTION_COLUMNS) if c.type is bool)


def mention_values(mention: Mention) -> tuple[object, ...]:
    """The row of ``mention`` for :data:`MENTION_INSERT` (booleans as 0/1)."""
    values = list(mention.row())
    for i in _BOOLS:
        values[i] = int(bool(values[i]))
    return tuple(values)
