"""How the writes keep the cubes (:mod:`threatmap.store.cube`): the counts of the mentions a batch inserts are
grouped in Python from the rows being written (one multi-row insert per cube per batch), the counts of the mentions
about to be deleted in SQL from the stored rows; a cube is compacted when its ledger has grown.

Grouping the inserted rows in Python saves reading them back five times (once per cube) in the write
transaction. It buckets each mention by the comparisons the SQL makes (the number of grid values its probability is
at least) and takes a document's fields as the SQL's ``MIN`` does (they are the same on every mention of a
document), so the ledger is the one the SQL would append: the cube tests compare it with the cubes rebuilt from the
mentions.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from threatmap.store.cube import COUNTS, CUBES, DOCUMENT_FIELDS, EDGES, Cube, compact, delta_sql
from threatmap.store.schema import COPIED, MENTION_COLUMNS
from threatmap.store.sql import in_chunks

__all__ = ["added_counts", "compact_if_grown", "record_added", "record_deleted"]

_AT = {name: i for i, name in enumerate((*(c.name for c in MENTION_COLUMNS), *COPIED))}
"""Where each column sits in a row of :func:`threatmap.store.schema.mention_values`."""


def _bucket(row: Sequence[Any]) -> int:
    """The bucket of a mention: the number of grid values its probability (``threat_p``, else its verdict) is at
    least (``EDGES`` is sorted: ``bisect_right`` counts the edges ``<= p``)."""
    p = row[_AT["threat_p"]]
    return bisect_right(EDGES, row[_AT["threat"]] if p is None else p)


_MONTH, _B = len(_AT), len(_AT) + 1
"""Where :func:`_prepared` puts a row's month and bucket."""


def _prepared(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Each mention row with its month (``YYYY-MM`` of its document's date, as ``substr`` cuts it) and bucket."""
    at = _AT["doc_date"]
    return [(*row, None if row[at] is None else row[at][:7], _bucket(row)) for row in rows]


def _getter(columns: Sequence[str]) -> Callable[[Sequence[Any]], Any]:
    """The values of ``columns`` in a row of :func:`_prepared`, as a tuple (``itemgetter``: built once per cube)."""
    return itemgetter(*(_MONTH if c == "month" else _AT[c] for c in columns), _B)


def added_counts(cube: Cube, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The ledger rows (keys, ``n``, ``c00`` … ``c20``) that count ``rows`` (rows of :func:`_prepared`) in
    ``cube``: per mention, or per document (and key) by the bucket of its most threatening mention."""
    key = _getter(cube.columns)  # the keys, then the bucket
    keyed: Any
    if cube.per_document:
        group = itemgetter(_AT["doc_id"], *(_AT[c] for c in cube.columns if c not in DOCUMENT_FIELDS))
        best: dict[Any, tuple[Any, ...]] = {}
        for row in rows:
            g = group(row)
            if g not in best or row[_B] > best[g][-1]:
                best[g] = key(row)
        keyed = best.values()
    else:
        keyed = map(key, rows)
    counts: dict[tuple[Any, ...], list[int]] = {}
    for k, n in Counter(keyed).items():
        c = counts.setdefault(k[:-1], [0] * len(COUNTS))
        c[0] += n
        c[1 + k[-1]] += n
    return [(*k, *c) for k, c in counts.items()]


def record_added(store: Any, cur: Any, rows: Sequence[Sequence[Any]]) -> None:
    """Append to every cube the counts of the mention rows a write inserts (one insert of many rows per cube)."""
    if not rows:
        return
    prepared = _prepared(rows)
    for cube in CUBES:
        marks = ", ".join("?" * (len(cube.columns) + len(COUNTS)))
        store.run_many(cur, f"INSERT INTO {cube.name} ({', '.join((*cube.columns, *COUNTS))}) VALUES ({marks})",
                       added_counts(cube, prepared))


def record_deleted(store: Any, cur: Any, doc_ids: Sequence[str]) -> None:
    """Append to every cube, negated, the counts of the stored mentions of ``doc_ids`` (before they are deleted)."""
    for chunk, marks in in_chunks(doc_ids):
        clause = f"WHERE m.doc_id IN ({marks})"
        for cube in CUBES:
            store.run(cur, delta_sql(cube, clause, -1), chunk)


def compact_if_grown(store: Any, cur: Any) -> None:
    """Compact each cube that has grown to twice its rows at its last compaction (plus some slack)."""
    for cube in CUBES:
        rows = int(store.run(cur, f"SELECT COUNT(*) FROM {cube.name}").fetchone()[0])
        last = int(store.run(cur, "SELECT value FROM meta WHERE key = ?", (cube.name,)).fetchone()[0])
        if rows > 2 * last + 2000:
            compact(store, cur, cube)
