"""The reviewed-mention ids (schema 8): ``reviewed_mentions`` holds the id of every machine mention a review
touches (same text, by its hash; same offsets), written in the transaction of each review and of each write of
mentions. A query reads the machine's unreviewed mentions as ``id NOT IN reviewed_mentions`` and the reviewed ones
from it, instead of deriving them again (reviews joined to documents and mentions) in every part of every
statement.

Deleting a mention deletes its id: a trigger on SQLite (whose rowids can be reused), a foreign key on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from threatmap.store.sql import in_chunks, matched_sql

__all__ = ["fill_sql", "mark_documents", "mark_span", "marks_sql"]


def marks_sql(engine: str) -> str:
    """The table of reviewed-mention ids on ``engine`` (``sqlite`` or ``postgresql``)."""
    if engine == "postgresql":
        return ("CREATE TABLE IF NOT EXISTS reviewed_mentions (mid BIGINT PRIMARY KEY REFERENCES mentions(id) "
                "ON DELETE CASCADE);\n")
    return ("CREATE TABLE IF NOT EXISTS reviewed_mentions (mid INTEGER PRIMARY KEY);\n"
            "CREATE TRIGGER IF NOT EXISTS mentions_reviewed_delete AFTER DELETE ON mentions BEGIN "
            "DELETE FROM reviewed_mentions WHERE mid = old.rowid; END;\n")


def _mid(store: Any) -> str:
    return str(store.dialect.mention_id)


def fill_sql(engine: str) -> str:
    """Every reviewed-mention id, derived from the reviews (a migration, a copy between stores)."""
    mid = "id" if engine == "postgresql" else "rowid"
    return f"INSERT INTO reviewed_mentions (mid) SELECT t.{mid} FROM {matched_sql('t')} ON CONFLICT DO NOTHING"


def mark_documents(store: Any, cur: Any, doc_ids: Sequence[str]) -> None:
    """Record the ids of the just-written mentions of ``doc_ids`` that a stored review touches (a re-ingested or
    reindexed document keeps its reviews)."""
    mid = _mid(store)
    for chunk, marks in in_chunks(doc_ids):
        store.run(cur, f"INSERT INTO reviewed_mentions (mid) SELECT t.{mid} FROM documents rd CROSS JOIN reviews r "
                       f"CROSS JOIN mentions t WHERE rd.id IN ({marks}) AND "
                       f'r.text_hash = rd.text_hash AND t.doc_id = rd.id AND t.start = r.start AND t."end" = r."end" '
                       f"ON CONFLICT DO NOTHING", chunk)


def mark_span(store: Any, cur: Any, key: tuple[str, int, int]) -> None:
    """Bring the ids of the mentions at ``key`` (text hash, start, end) in line with the review stored there (or
    its absence), after a review is written or undone."""
    mid = _mid(store)
    store.run(cur, f"DELETE FROM reviewed_mentions WHERE mid IN (SELECT t.{mid} FROM documents rd CROSS JOIN "
                   f'mentions t WHERE rd.text_hash = ? AND t.doc_id = rd.id AND t.start = ? AND t."end" = ?)', key)
    store.run(cur, f"INSERT INTO reviewed_mentions (mid) SELECT t.{mid} FROM reviews r CROSS JOIN documents rd "
                   f'CROSS JOIN mentions t WHERE r.text_hash = ? AND r.start = ? AND r."end" = ? AND '
                   f'rd.text_hash = r.text_hash AND t.doc_id = rd.id AND t.start = r.start AND t."end" = r."end" '
                   f"ON CONFLICT DO NOTHING", key)
