"""Copy a whole store into another (``python -m threatmap migrate --store FILE --to postgresql://…``): documents,
their mentions as the machine made them, candidate names, the reviews and their history.

The copy goes through the target's own writes (its text index, PostGIS points and text hashes are built as an
ingest builds them), in batches of documents read by id order: memory stays bounded whatever the size. It is
idempotent by content hash: a second run adds nothing, an interrupted run is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from threatmap.errors import StoreError
from threatmap.models import Candidate, Mention
from threatmap.store.base import SqlStore
from threatmap.store.marks import mark_span
from threatmap.store.schema import MENTION_COLUMNS, REVIEW_FIELDS

__all__ = ["Copied", "copy_store"]

_MENTIONS = ", ".join(f'"{c.name}"' for c in MENTION_COLUMNS)
_REVIEWS = ", ".join(f'"{c}"' for c in (*REVIEW_FIELDS, "passage_start", "passage_end"))


@dataclass(frozen=True, slots=True)
class Copied:
    """What a copy wrote: documents added (or updated) and left unchanged, mentions, reviews, history rows."""

    added: int
    unchanged: int
    mentions: int
    reviews: int
    history: int


def copy_store(source: SqlStore, target: SqlStore, *, batch: int = 500,
               progress: Callable[[int], None] | None = None) -> Copied:
    """Copy ``source`` into ``target`` (see the module docstring); ``progress(documents so far)`` after each
    batch. A document id stored in the target with other content is an error naming it (nothing of that batch
    is written)."""
    added = unchanged = mentions = 0
    last = ""
    while True:
        with source.reading() as cur:
            ids = [r[0] for r in source.run(cur, "SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                                           (last, batch)).fetchall()]
            if not ids:
                break
            marks = ", ".join("?" * len(ids))
            rows = source.run(cur, f"SELECT {_MENTIONS} FROM mentions WHERE doc_id IN ({marks}) ORDER BY doc_id, "
                                   f"start", ids).fetchall()
            cands = source.run(cur, f'SELECT doc_id, start, "end", surface, trigger, passage FROM candidates '
                                    f"WHERE doc_id IN ({marks}) ORDER BY doc_id, start", ids).fetchall()
        docs = source.documents(ids)
        by_doc: dict[str, list[Mention]] = {d.id: [] for d in docs}
        for row in rows:
            by_doc[row[0]].append(Mention.from_row(row))
        cand_of: dict[str, list[Candidate]] = {d.id: [] for d in docs}
        for c in cands:
            cand_of[c[0]].append(Candidate(doc_id=c[0], start=c[1], end=c[2], surface=c[3], trigger=c[4],
                                           passage=c[5] or ""))
        results = target.add_batch([(d, by_doc[d.id], cand_of[d.id]) for d in docs])
        for doc, result in zip(docs, results, strict=True):
            if isinstance(result, Exception):
                raise StoreError(f"{result} (copying from {source.label!r} to {target.label!r}); fix: copy into an "
                                 f"empty store") from None
            added += result != "unchanged"
            unchanged += result == "unchanged"
            mentions += len(by_doc[doc.id]) if result != "unchanged" else 0
        last = ids[-1]
        if progress:
            progress(added + unchanged)
    reviews, history = _copy_reviews(source, target)
    return Copied(added, unchanged, mentions, reviews, history)


def _copy_reviews(source: SqlStore, target: SqlStore) -> tuple[int, int]:
    """The current reviews (each replaces the target's review of the same key) and, when the target has no
    history yet, the review history in its order."""
    with source.reading() as cur:
        reviews = [tuple(r) for r in source.run(cur, f"SELECT {_REVIEWS} FROM reviews").fetchall()]
        history = [tuple(r) for r in source.run(cur, f"SELECT action, {_REVIEWS} FROM review_history ORDER BY seq"
                                                ).fetchall()]
    marks = ", ".join("?" * (len(REVIEW_FIELDS) + 2))
    with target.writing() as cur:
        for row in reviews:
            target.run(cur, 'DELETE FROM reviews WHERE text_hash = ? AND start = ? AND "end" = ?', row[:3])
            target.run(cur, f"INSERT INTO reviews ({_REVIEWS}) VALUES ({marks})", row)
            mark_span(target, cur, row[:3])
        if target.run(cur, "SELECT 1 FROM review_history LIMIT 1").fetchone() is not None:
            return len(reviews), 0
        for row in history:
            target.run(cur, f"INSERT INTO review_history (action, {_REVIEWS}) VALUES (?, {marks})", row)
    return len(reviews), len(history)
