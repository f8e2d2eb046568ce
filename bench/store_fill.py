"""Synthetic stores for the benchmarks, written in bulk (executemany for SQLite, COPY for PostgreSQL), not through
the geoparser: 1M mentions in about a minute.

Documents have ``per_doc`` mentions each, one sentence per mention; 20 sources, 3 languages, 10 years (2 %
undated), 300 places of 8 types, 40 % threat, 5 % qualified "near".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

from threatmap.lang.normalize import normalize_key

WORDS = ("داعش", "يشكل", "تهديداً", "في", "المناطق", "القريبة", "من", "ISIS", "remains", "active", "near", "the",
         "Coalition", "strikes", "cells", "حمرين", "Mosul", "Anbar", "desert", "مخمور")
DOCUMENT_NAMES = ("id, content_hash, text, lang, source, date, date_origin, url, title, path, speakers, ingested_at, "
                  "text_hash, search_key")
"""The documents' columns :func:`rows` gives, in its order (PostgreSQL's; SQLite's lack ``search_key``)."""
SOURCES = tuple(f"Source {i:02}" for i in range(20))
TYPES = ("city", "town", "village", "district", "governorate", "mountain_range", "desert", "region")


def rows(*, documents: int, per_doc: int, seed: int = 7) -> Iterator[tuple[tuple, list[tuple]]]:
    """(document row, mention rows) per document, in the store's column order: the document's columns of schema 4
    then its text hash and normalised text; each mention's columns then its document's date, source and language
    (schema 5 copies them)."""
    rng = random.Random(seed)
    places = [(f"place_{i:03}", TYPES[i % len(TYPES)], 38 + rng.random() * 10, 30 + rng.random() * 7)
              for i in range(300)]
    start = dt.date(2014, 1, 1).toordinal()
    for d in range(documents):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(12)) + "." for _ in range(per_doc)]
        text = " ".join(sentences)
        date = None if rng.random() < 0.02 else dt.date.fromordinal(start + rng.randrange(3650)).isoformat()
        lang, source, doc_id = rng.choice(("ar", "en", "ckb")), rng.choice(SOURCES), f"doc{d:07}"
        doc = (doc_id, f"h{d}", text, lang, source, date, "metadata" if date else None, None, f"Title {d}",
               f"b/{d}.md", "[]", "2026-12-06T00:00:00", hashlib.sha256(text.encode()).hexdigest(),
               normalize_key(text))
        mentions, pos = [], 0
        for s in sentences:
            pid, ptype, lon, lat = rng.choice(places)
            threat = int(rng.random() < 0.4)
            qualifier = "near" if rng.random() < 0.05 else None
            p = rng.uniform(0.5, 1.0) if threat else rng.uniform(0.0, 0.5)
            mentions.append((doc_id, pos, pos + 4, s[:4], pid, pid, ptype, lat, lon, lon, lat, lon, lat, "Point", 1,
                             threat, p, "يشكل تهديداً" if threat else None, qualifier, pos, pos + len(s), None,
                             "gazetteer", date, source, lang))
            pos += len(s) + 1
        yield doc, mentions


def fill_sqlite(path: Path, *, documents: int, per_doc: int, legacy: bool = False) -> None:
    """A SQLite store of the importable threatmap; ``legacy``: that threatmap is main before issue 14 (schema 4:
    no copied document fields, no text index; run with its checkout first on ``sys.path``)."""
    import sqlite3

    from threatmap.store import Store
    from threatmap.store.schema import MENTION_COLUMNS, MENTION_INSERT

    Store.open(path).close()  # the schema
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    width = len(MENTION_COLUMNS) if legacy else len(MENTION_COLUMNS) + 3
    marks = ", ".join("?" * (12 if legacy else 13))
    for doc, mentions in rows(documents=documents, per_doc=per_doc):
        conn.execute(f"INSERT INTO documents VALUES ({marks})", doc[:12 if legacy else 13])
        conn.executemany(MENTION_INSERT, [m[:width] for m in mentions])
        if not legacy:
            conn.execute("INSERT INTO document_fts (rowid, key) SELECT rowid, ? FROM documents WHERE id = ?",
                         (doc[-1], doc[0]))
    for statement in _cube_statements():  # a bulk load bypasses the store's writes: the cubes from the mentions
        conn.execute(statement)
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def _cube_statements() -> list[str]:
    """The statements that fill the pre-aggregated counts, or none for a threatmap without them (a baseline)."""
    try:
        from threatmap.store.cube import rebuild_sql
    except ImportError:
        return []
    return rebuild_sql()


def fill_postgres(url: str, *, documents: int, per_doc: int) -> None:
    """COPY into a new database (indexes built after the load, as a bulk import would)."""
    import psycopg

    from threatmap.store.schema import MENTION_COLUMNS, SCHEMA_VERSION, create_sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        ddl = create_sql("postgresql").replace(" TEXT", ' TEXT COLLATE "C"')
        tables, indexes = ddl.split("CREATE INDEX", 1)
        conn.execute(tables)
        conn.execute("INSERT INTO meta VALUES ('schema_version', %s)", (SCHEMA_VERSION,))
        names = ", ".join(f'"{c.name}"' for c in MENTION_COLUMNS)
        with conn.cursor() as cur:
            with cur.copy(f"COPY documents ({DOCUMENT_NAMES}) FROM STDIN") as docs_copy:  # seq: its default
                for doc, _ in rows(documents=documents, per_doc=per_doc):
                    docs_copy.write_row(doc)
            with cur.copy(f"COPY mentions ({names}, doc_date, doc_source, doc_lang, geom) "
                          f"FROM STDIN") as copy:
                for _, mentions in rows(documents=documents, per_doc=per_doc):
                    for m in mentions:
                        copy.write_row((*m, f"SRID=4326;POINT({m[8]} {m[7]})"))
        conn.execute("CREATE INDEX" + indexes)
        try:  # the reviewed-mention ids (schema 8; a baseline before them has none)
            from threatmap.store.marks import marks_sql
        except ImportError:
            pass
        else:
            conn.execute(marks_sql("postgresql"))
        statements = _cube_statements()
        if statements:
            from threatmap.store.cube import cube_sql

            conn.execute(cube_sql().replace(" TEXT", ' TEXT COLLATE "C"'))
            for statement in statements:
                conn.execute(statement)
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
        conn.execute("VACUUM ANALYZE")


def describe() -> str:
    return json.dumps({"sources": len(SOURCES), "places": 300, "types": len(TYPES)})
