"""The store's tables and queries, derived from the records: one schema per record, never listed again by hand.

The mentions table, its INSERT and SELECT, the columns of :meth:`threatmap.store.Store.query` (and so of the
CSV export and the GeoPackage ``mentions`` layer) all come from :func:`threatmap.models.mention_columns`. The DDL
is written once for both engines (SQLite, PostgreSQL + PostGIS); :mod:`threatmap.store.migrations` versions it.

Each mention row also carries its document's date, source and language (``doc_date``, ``doc_source``,
``doc_lang``: a document is never edited in place, only replaced with its mentions), so every filter is an indexed
test on one table. The four wide indexes cover every filter column: grouping by place (the map) and counting
documents read the index alone, never the rows; so do a source filter (newest first) and a text search.
The quoted passage is not stored: it is cut from the document text by its offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from threatmap.models import Column, Document, Mention, mention_columns

__all__ = [
    "COLUMNS",
    "DOC_COLUMNS",
    "MENTION_COLUMNS",
    "MENTION_INSERT",
    "REVIEW_COLUMNS",
    "REVIEW_FIELDS",
    "SCHEMA_VERSION",
    "create_sql",
    "frame",
    "key_index_sql",
    "mention_values",
    "mentions_table_sql",
    "review_sql",
    "source_index_sql",
]

SCHEMA_VERSION = 10
"""Version of a store's schema (SQLite ``PRAGMA user_version``, PostgreSQL ``meta.schema_version``). 1: every query
loaded all mentions, passages stored per mention; 2: ``threat_p``; 3: ``resolved_by``, ``place_id`` may be null
(places located from context); 4: no passage copy per mention (issue 11); 5: document fields on each
mention, the documents' FTS5 / trigram text index, each document's text hash (the reviews join on it), the
review tables in the schema, a revision counter; 6: the geometry columns may be null (a mention whose name
nothing locates, ``resolved_by`` 'unlocated'); 7: the pre-aggregated counts (:mod:`threatmap.store.cube`) and
the ``mentions_first`` index; 8: the reviewed-mention ids (:mod:`threatmap.store.marks`), ``mentions_source``
and ``mentions_doc`` cover every filter column; 9: (PostgreSQL) ``documents.seq``, the order documents were stored
in (a capped text search keeps the most recent, :mod:`threatmap.store.text`), and the ``mentions_place_date``
index (the newest page of a few places); SQLite's rowid already orders its documents; 10: the ``mentions_key``
index (the first stored mention of each place and qualifier, :func:`key_index_sql`). Bump it with a new entry in
:mod:`threatmap.store.migrations`."""

MENTION_COLUMNS: tuple[Column, ...] = mention_columns()
"""The flat columns of a stored mention."""
DOC_COLUMNS: tuple[str, ...] = ("title", "source", "url", "date", "lang")
"""Document fields repeated on every row of :meth:`Store.query`, after ``doc_id``."""
REVIEW_COLUMNS: tuple[str, ...] = ("reviewed", "reviewer", "reviewed_at", "review_reason", "machine_threat",
                                   "machine_place_id")
"""Columns a query adds after the passage (the reviews joined in SQL, :mod:`threatmap.store.sql`): whether an
analyst reviewed the mention, who, when, why, and the machine's own judgement (None for a mention the analyst
added)."""
COLUMNS: tuple[str, ...] = ("doc_id", *DOC_COLUMNS, *(c.name for c in MENTION_COLUMNS[1:]), "passage",
                            *REVIEW_COLUMNS)
"""Columns of :meth:`Store.query`, in order: the document's, the mention's, the quoted passage, the review's."""
COPIED: tuple[str, ...] = ("doc_date", "doc_source", "doc_lang")
"""The document fields copied onto each mention row (the filters test them without a join)."""

_TYPES = {"sqlite": {str: "TEXT", int: "INTEGER", float: "REAL", bool: "INTEGER"},
          "postgresql": {str: "TEXT", int: "INTEGER", float: "DOUBLE PRECISION", bool: "INTEGER"}}


def _ddl(column: Column, engine: str) -> str:
    parts = [f'"{column.name}"', _TYPES[engine][column.type]]
    if not column.optional:
        parts.append("NOT NULL")
    if column.name == "doc_id":
        parts.append("REFERENCES documents(id) ON DELETE CASCADE")
    return " ".join(parts)


_NAMES = ", ".join(f'"{c.name}"' for c in MENTION_COLUMNS)


def source_index_sql(engine: str) -> str:
    """A source filter reads its sources' index entries alone (every filter column is in them), newest first: in
    the order of the newest-first page (PostgreSQL scans an index backwards only as ``DESC NULLS FIRST``, so its
    index is written in the page's order; SQLite has no NULLS LAST in an index and reads it backwards)."""
    order = "doc_date DESC NULLS LAST, doc_id DESC, start DESC" if engine == "postgresql" else "doc_date, doc_id, start"
    return (f"CREATE INDEX IF NOT EXISTS mentions_source ON mentions(doc_source, {order}, place_id, qualifier, "
            f"threat_p, threat, doc_lang, place_type, resolved_by);")


DOC_INDEX = ("CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id, doc_date, doc_source, doc_lang, threat_p, "
             "threat, place_type, place_id, qualifier, resolved_by);")
"""The mentions of given documents (a text search, a list of documents) read from their index entries alone."""
_INDEXES = f"""
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_lang ON documents(lang);
{DOC_INDEX}
CREATE INDEX IF NOT EXISTS mentions_place ON mentions(place_id, qualifier, threat_p, threat, doc_date, doc_source,
                                                      doc_lang, place_type, resolved_by);
CREATE INDEX IF NOT EXISTS mentions_lang ON mentions(doc_lang);
CREATE INDEX IF NOT EXISTS mentions_type ON mentions(place_type);
CREATE INDEX IF NOT EXISTS candidates_doc ON candidates(doc_id);
"""


REVIEW_FIELDS: tuple[str, ...] = (
    "text_hash", "start", "end", "doc_id", "surface", "threat", "not_a_place", "place_id", "name", "place_type", "lat",
    "lon", "min_lon", "min_lat", "max_lon", "max_lat", "geometry_type", "precision", "reviewer", "reason",
    "reviewed_at")
"""The columns of a review (:meth:`threatmap.store.reviews.Review.row`), keyed by (text hash, start, end)."""


def review_sql(engine: str) -> str:
    """The review tables: the current review per (text hash, start, end), and the history of every write. No
    foreign key to the documents: reviews outlive them (re-ingest, reindex). ``passage_start``/``passage_end``:
    the sentence around a span the analyst added (the passage of the mention it adds)."""
    real = _TYPES[engine][float]
    cols = f"""text_hash TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, doc_id TEXT NOT NULL,
    surface TEXT NOT NULL, threat INTEGER, not_a_place INTEGER NOT NULL DEFAULT 0, place_id TEXT, name TEXT,
    place_type TEXT, lat {real}, lon {real}, min_lon {real}, min_lat {real}, max_lon {real}, max_lat {real},
    geometry_type TEXT, precision INTEGER, reviewer TEXT, reason TEXT, reviewed_at TEXT NOT NULL,
    passage_start INTEGER, passage_end INTEGER"""
    seq = "seq BIGSERIAL PRIMARY KEY" if engine == "postgresql" else "seq INTEGER PRIMARY KEY AUTOINCREMENT"
    return f"""
CREATE TABLE IF NOT EXISTS reviews ({cols}, PRIMARY KEY (text_hash, start, "end"));
CREATE TABLE IF NOT EXISTS review_history ({seq}, action TEXT NOT NULL, {cols});
"""


def mentions_table_sql(engine: str) -> str:
    """The mentions table of a new store on ``engine`` (``sqlite`` or ``postgresql``)."""
    mention_id = "id BIGSERIAL PRIMARY KEY, " if engine == "postgresql" else ""
    extra = ", geom geometry(Point, 4326)" if engine == "postgresql" else ""
    return f"""CREATE TABLE IF NOT EXISTS mentions (
    {mention_id}{", ".join(_ddl(c, engine) for c in MENTION_COLUMNS)},
    doc_date TEXT, doc_source TEXT, doc_lang TEXT{extra}
);"""


def byte_collated(sql: str) -> str:
    """PostgreSQL DDL ``sql`` with every text column compared byte-wise (``COLLATE "C"``), as SQLite compares text:
    the same order and equality on both engines."""
    return sql.replace(" TEXT", ' TEXT COLLATE "C"')


SEQUENCE = "CREATE SEQUENCE IF NOT EXISTS documents_seq;"
DOCUMENT_SEQ = "seq BIGINT NOT NULL DEFAULT nextval('documents_seq')"
"""PostgreSQL: the order documents were stored in (SQLite's rowid), from the sequence ``documents_seq``."""
SEQ_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS documents_stored ON documents(seq);"
"""A capped text search walks the documents from the most recently stored when its needle is common."""
PLACE_DATE_INDEX = ("CREATE INDEX IF NOT EXISTS mentions_place_date ON mentions(place_id, doc_date DESC NULLS LAST, "
                    "doc_id DESC, start DESC);")
"""PostgreSQL: a place's mentions newest first (the merged newest page of a few places, :func:`rows_sql`)."""


def key_index_sql(engine: str) -> str:
    """The ``mentions_key`` index (schema 10): a place and qualifier, then its mentions in the order they were stored
    (PostgreSQL's ``id``; SQLite's rowid ends every index), so the first stored mention of each is one probe
    (:meth:`~threatmap.store.base.SqlStore.place_keys`, the geometries the map draws)."""
    stored = ", id" if engine == "postgresql" else ""
    return (f"CREATE INDEX IF NOT EXISTS mentions_key ON mentions (COALESCE(place_id, ''), COALESCE(qualifier, '')"
            f"{stored});")


def create_sql(engine: str) -> str:
    """The tables and indexes of a new store at :data:`SCHEMA_VERSION` on ``engine`` (``sqlite`` or
    ``postgresql``); the version itself is recorded by the caller."""
    doc_extra = f", search_key TEXT NOT NULL DEFAULT '', {DOCUMENT_SEQ}" if engine == "postgresql" else ""
    sql = f"""{SEQUENCE if engine == "postgresql" else ""}
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL, lang TEXT, source TEXT,
    date TEXT, date_origin TEXT, url TEXT, title TEXT, path TEXT, speakers TEXT NOT NULL DEFAULT '[]',
    ingested_at TEXT NOT NULL, text_hash TEXT NOT NULL DEFAULT ''{doc_extra}
);
{mentions_table_sql(engine)}
CREATE TABLE IF NOT EXISTS candidates (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    surface TEXT NOT NULL, trigger TEXT, passage TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO meta VALUES ('revision', 0) ON CONFLICT (key) DO NOTHING;
CREATE INDEX IF NOT EXISTS documents_text_hash ON documents(text_hash);
{_INDEXES}{source_index_sql(engine)}\n{key_index_sql(engine)}\n{review_sql(engine)}"""
    if engine == "postgresql":
        return sql + f"""
{SEQ_INDEX}
{PLACE_DATE_INDEX}
CREATE INDEX IF NOT EXISTS mentions_date ON mentions(doc_date DESC NULLS LAST, doc_id DESC, start DESC);
CREATE INDEX IF NOT EXISTS mentions_geom ON mentions USING GIST (geom);
CREATE INDEX IF NOT EXISTS documents_search ON documents USING GIN (search_key gin_trgm_ops);
"""
    return sql + "CREATE INDEX IF NOT EXISTS mentions_date ON mentions(doc_date, doc_id, start);\n" + FTS_SQLITE


FTS_SQLITE = """
CREATE VIRTUAL TABLE IF NOT EXISTS document_fts USING fts5(key, tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN
    DELETE FROM document_fts WHERE rowid = old.rowid;
END;
"""
"""SQLite's text index: the normalised text of each document (rowid = the document's), trigram-tokenised, so a
search is a substring match of the whole text, answered from the index; deleting a document deletes its entry."""

MENTION_INSERT = (f"INSERT INTO mentions ({_NAMES}, doc_date, doc_source, doc_lang) "
                  f"VALUES ({', '.join('?' * (len(MENTION_COLUMNS) + 3))})")
"""Insert one mention: the values of :func:`mention_values`."""

_BOOLS = tuple(i for i, c in enumerate(MENTION_COLUMNS) if c.type is bool)


def mention_values(mention: Mention, doc: Document | tuple[str | None, str | None, str | None]) -> tuple[object, ...]:
    """The row of ``mention`` for :data:`MENTION_INSERT` (booleans as 0/1), with its document's date, source and
    language (a Document, or those three values as stored)."""
    values = list(mention.row())
    for i in _BOOLS:
        values[i] = int(bool(values[i]))
    if isinstance(doc, Document):
        copied: tuple[str | None, ...] = (doc.date.isoformat() if doc.date else None, doc.source, doc.lang)
    else:
        copied = doc
    return (*values, *copied)


_KINDS = {"doc_id": str, "title": str, "source": str, "url": str, "date": str, "lang": str, "passage": str,
          **{c.name: c.type for c in MENTION_COLUMNS}, "reviewed": bool, "reviewer": str, "reviewed_at": str,
          "review_reason": str, "machine_threat": object, "machine_place_id": str}


def frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Rows in the order of :data:`COLUMNS` as a DataFrame: text columns of object dtype (None stays None, never
    NaN), ``threat`` bool, offsets int64, coordinates float64 (NaN for an unlocated mention), ``precision`` int64
    (nullable ``Int64`` when an unlocated mention has none)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    data: dict[str, pd.Series] = {}
    for name, values in zip(COLUMNS, columns, strict=True):
        kind = _KINDS[name]
        if kind is object:  # None or a bool (the machine's verdict; None for a mention the analyst added)
            arr: np.ndarray = np.empty(len(values), dtype=object)
            arr[:] = [None if v is None else bool(v) for v in values]
        elif kind is bool:
            arr = np.array(values, dtype=bool)
        elif kind is int and any(v is None for v in values):  # the precision of unlocated mentions
            data[name] = pd.Series(pd.array(values, dtype="Int64"))
            continue
        elif kind is int:
            arr = np.array(values, dtype=np.int64)
        elif kind is float:
            arr = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        else:
            arr = np.empty(len(values), dtype=object)
            arr[:] = list(values)
        data[name] = pd.Series(arr, dtype=arr.dtype, copy=False)
    return pd.DataFrame(data, columns=list(COLUMNS))
