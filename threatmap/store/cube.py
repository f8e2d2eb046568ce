"""Pre-aggregated counts ("cubes"): what broad filters ask (the map's per-place counts, the counts, the monthly
timeline, the number of documents) read a few tens of thousands of aggregate rows instead of every mention.

Each cube counts the machine's mentions per combination of the columns a filter can test (its keys) and per
threat-probability bucket: ``cNN`` counts the mentions whose probability of threat lies in bucket ``NN`` (bucket
``k`` holds ``k/20 <= p < (k+1)/20``; bucket 20 is ``p >= 1``), so a threshold on the slider's 0.05 grid splits the
buckets exactly and ``p >= t`` is a sum of columns. Bucket ``k`` is computed as the number of grid values ``p`` is
at least (the same comparisons the row path makes), never by rounding, so the two paths agree to the mention.

The cubes are ledgers: every write appends the grouped counts of the mentions it inserts (and, negated, of those it
deletes) in its own transaction, and a query sums them per key. A cube is compacted (summed into one row per key)
when it has grown to twice its size at the last compaction. Nothing in a cube depends on the reviews: a query that
uses a cube subtracts the machine mentions a review touches and adds the reviewed and added ones by the row path
(reviews are few). The first and last date of each place in the map come from two index probes per place (the
``mentions_first`` index: place, then date) with the filter applied, not from the cube.

A filter a cube cannot answer exactly is answered from the mentions (:mod:`threatmap.store.sql`): a text search or a
list of documents (the cubes know no text), a threshold off the 0.05 grid, dates that do not start and end on
month boundaries, the review filters ``reviewed``/``disagreements`` (the reviewed mentions alone: few rows),
and combinations no cube holds (a date range with a source or language filter for the map; places with sources or
languages for the timeline; places, two or more types, or ``resolved_by`` for the document count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from threatmap.models import UNLOCATED
from threatmap.store.filters import Filters
from threatmap.store.sql import (
    REVIEWED,
    UNREVIEWED,
    Dialect,
    P,
    aggregate_sql,
    documents_sql,
    final_parts,
    monthly_sql,
    where,
)

__all__ = [
    "COUNTS",
    "CUBES",
    "DOCS",
    "DOCUMENT_FIELDS",
    "DOC_TYPES",
    "EDGES",
    "FIRST_INDEX",
    "Cube",
    "aggregate_cube_sql",
    "aggregate_query",
    "cube_sql",
    "delta_sql",
    "documents_cube_sql",
    "documents_query",
    "grid_step",
    "keys_sql",
    "monthly_cube_sql",
    "monthly_query",
    "plan",
    "rebuild",
    "rebuild_sql",
]

STEPS = 20
EDGES: tuple[float, ...] = tuple(k / STEPS for k in range(1, STEPS + 1))
"""The grid of thresholds (0.05 … 1.0); a mention's bucket is the number of these its probability is at least."""
_BUCKETS = range(STEPS + 1)
_BUCKET = " + ".join(f"CASE WHEN {P} >= {e!r} THEN 1 ELSE 0 END" for e in EDGES)
_MONTH = "substr(m.doc_date, 1, 7)"
_IS_THREAT = f"CASE WHEN {P} >= ? THEN 1 ELSE 0 END"


@dataclass(frozen=True)
class Cube:
    """A table of counts per ``keys`` (column name, expression on ``mentions m``) and per bucket; ``per_document``:
    counts documents (by the bucket of their most threatening mention) instead of mentions."""

    name: str
    keys: tuple[tuple[str, str], ...]
    per_document: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.keys)

    def has(self, column: str) -> bool:
        return column in self.columns


def _key(column: str) -> tuple[str, str]:
    return (column, _MONTH if column == "month" else f"m.{column}")


PLACES = Cube("agg_place", tuple(map(_key, ("place_id", "qualifier", "place_type", "resolved_by", "doc_source",
                                            "doc_lang"))))
MONTHS = Cube("agg_month", tuple(map(_key, ("month", "place_type", "resolved_by", "doc_source", "doc_lang"))))
PLACE_MONTHS = Cube("agg_place_month", tuple(map(_key, ("place_id", "qualifier", "place_type", "resolved_by",
                                                       "month"))))
DOCS = Cube("agg_doc", tuple(map(_key, ("month", "doc_source", "doc_lang"))), per_document=True)
DOC_TYPES = Cube("agg_doc_type", tuple(map(_key, ("month", "doc_source", "doc_lang", "place_type"))),
                 per_document=True)
"""Documents per place type (a document with mentions of two types counts in both: exact for one type only)."""
CUBES = (PLACES, MONTHS, PLACE_MONTHS, DOCS, DOC_TYPES)
DOCUMENT_FIELDS = ("month", "doc_source", "doc_lang")
COUNTS = ("n", *(f"c{b:02}" for b in _BUCKETS))


def cube_sql() -> str:
    """The cube tables and the ``mentions_first`` index (the first/last date probes), for both engines."""
    out = []
    for cube in CUBES:
        keys = ", ".join(f"{k} TEXT" for k in cube.columns)
        counts = ", ".join(f"{c} BIGINT NOT NULL" for c in COUNTS)
        out.append(f"CREATE TABLE IF NOT EXISTS {cube.name} ({keys}, {counts});")
        out.append(f"CREATE INDEX IF NOT EXISTS {cube.name}_keys ON {cube.name} ({', '.join(cube.columns)});")
        out.append(f"INSERT INTO meta VALUES ('{cube.name}', 0) ON CONFLICT (key) DO NOTHING;")
    out.append(FIRST_INDEX)
    return "\n".join(out) + "\n"


FIRST_INDEX = ("CREATE INDEX IF NOT EXISTS mentions_first ON mentions (COALESCE(place_id, ''), "
               "COALESCE(qualifier, ''), doc_date, threat_p, threat, doc_source, doc_lang, place_type, resolved_by);")
"""The first/last date probes' index: a place and qualifier, then its mentions in date order (schema 8; schema 7
had the qualifier after the date, so a probe for a rare qualifier walked the place's other mentions)."""


def delta_sql(cube: Cube, where_sql: str = "", sign: int = 1) -> str:
    """Append to ``cube`` the counts of the mentions ``m`` kept by ``where_sql`` (``WHERE …`` or ``''``), times
    ``sign`` (-1: mentions about to be deleted). Without a condition: the whole cube from the mentions. Each
    mention's bucket is computed once, counted per (keys, bucket), then spread over the bucket columns."""
    keys = ", ".join(cube.columns)
    sums = ", ".join(f"{sign} * SUM(CASE WHEN b = {b} THEN k ELSE 0 END)" for b in _BUCKETS)
    if cube.per_document:  # one row per document (and type): its fields, the bucket of its most threatening mention
        columns = ", ".join(f"MIN({e}) AS {k}" if k in DOCUMENT_FIELDS else f"{e} AS {k}" for k, e in cube.keys)
        per = ", ".join(["m.doc_id", *(e for k, e in cube.keys if k not in DOCUMENT_FIELDS)])
        rows = f"SELECT {columns}, MAX({_BUCKET}) AS b FROM mentions m {where_sql} GROUP BY {per}"
        counted = f"SELECT {keys}, b, COUNT(*) AS k FROM ({rows}) AS r GROUP BY {keys}, b"
    else:
        positions = ", ".join(str(i + 1) for i in range(len(cube.keys) + 1))
        counted = (f"SELECT {', '.join(f'{e} AS {k}' for k, e in cube.keys)}, {_BUCKET} AS b, COUNT(*) AS k "
                   f"FROM mentions m {where_sql} GROUP BY {positions}")
    return (f"INSERT INTO {cube.name} ({keys}, {', '.join(COUNTS)}) SELECT {keys}, {sign} * SUM(k), {sums} "
            f"FROM ({counted}) AS s GROUP BY {keys}")


def compact_sql(cube: Cube) -> list[str]:
    """Statements that sum ``cube``'s ledger into one row per key (keys whose counts sum to zero dropped) and
    record its size."""
    keys = ", ".join(cube.columns)
    return [f"CREATE TEMP TABLE cube_compact AS SELECT {keys}, {', '.join(f'SUM({c}) AS {c}' for c in COUNTS)} "
            f"FROM {cube.name} GROUP BY {keys} HAVING SUM(n) <> 0",
            f"DELETE FROM {cube.name}", f"INSERT INTO {cube.name} SELECT * FROM cube_compact",
            "DROP TABLE cube_compact",
            f"UPDATE meta SET value = (SELECT COUNT(*) FROM {cube.name}) WHERE key = '{cube.name}'"]


def rebuild_sql() -> list[str]:
    """Statements that recompute every cube from the mentions (a migration, a bulk load that bypassed the
    store's writes)."""
    out: list[str] = []
    for cube in CUBES:
        out += [f"DELETE FROM {cube.name}", delta_sql(cube), *compact_sql(cube)]
    return out


def keys_sql() -> str:
    """Every (place, qualifier) of the machine's stored mentions (``place_id``, ``qualifier``), from the per-place
    cube: its ledger summed per key, the keys whose mentions are all deleted dropped."""
    return f"SELECT place_id, qualifier FROM {PLACES.name} GROUP BY place_id, qualifier HAVING SUM(n) > 0"


def grid_step(threshold: float) -> int | None:
    """The bucket a threshold starts (``threshold == k/20``), or None when it is off the grid."""
    k = round(threshold * STEPS)
    return k if 0 <= k <= STEPS and k / STEPS == threshold else None


def _months(f: Filters) -> tuple[str | None, str | None] | None:
    """The first and last month of the filter's dates when they cover whole months (None: they do not)."""
    if f.since is not None and f.since.day != 1:
        return None
    if f.until is not None and (f.until + dt.timedelta(days=1)).day != 1:
        return None
    return (f.since.isoformat()[:7] if f.since else None, f.until.isoformat()[:7] if f.until else None)


def plan(f: Filters, question: str) -> Cube | None:
    """The cube that answers ``question`` (``aggregate``, ``monthly``, ``documents``) for ``f`` exactly, or None
    (the row path)."""
    if (f.text and f.text.strip()) or f.documents or grid_step(f.threat_threshold) is None or _months(f) is None:
        return None
    dated = f.since is not None or f.until is not None
    if question == "documents":
        if f.places or f.resolved_by or f.review or len(f.types) > 1:
            return None
        return DOC_TYPES if f.types else DOCS
    if f.review not in (None, "unreviewed"):
        return None
    wanted = {"place_id": bool(f.places), "place_type": bool(f.types), "resolved_by": bool(f.resolved_by),
              "doc_source": bool(f.sources), "doc_lang": bool(f.langs), "month": dated or question == "monthly"}
    if question == "aggregate":
        wanted |= {"place_id": True, "qualifier": True}
    for cube in (PLACES, MONTHS, PLACE_MONTHS):
        if all(cube.has(c) for c, need in wanted.items() if need):
            return cube
    return None


def _cube_where(cube: Cube, f: Filters) -> tuple[str, list[object]]:
    conds: list[str] = []
    params: list[object] = []
    months = _months(f)
    assert months is not None
    for test, value in (("c.month >= ?", months[0]), ("c.month <= ?", months[1])):
        if value is not None:
            conds.append(test)
            params.append(value)
    for column, values in (("doc_source", f.sources), ("doc_lang", f.langs), ("place_id", f.places),
                           ("place_type", f.types), ("resolved_by", f.resolved_by)):
        if values and cube.has(column):
            conds.append(f"c.{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    return ("WHERE " + " AND ".join(conds)) if conds else "", params


def _sums(f: Filters) -> tuple[str, str]:
    """The cube expressions of the kept mentions and of the threat mentions among them."""
    k = grid_step(f.threat_threshold)
    assert k is not None
    threats = " + ".join(f"c.c{b:02}" for b in _BUCKETS if b >= k)
    return (threats if f.threat_only else "c.n"), threats


def _and(clause: str, extra: str) -> str:
    return f"{clause} AND {extra}" if clause else f"WHERE {extra}"


def _machine_where(f: Filters, dialect: Dialect) -> tuple[str, list[object]]:
    """The row filter on the machine's mentions (``m``, the table itself): the review filter left to the caller."""
    return where(replace(f, review=None), dialect)


def _probe(f: Filters, dialect: Dialect, reviews: bool, newest: bool) -> tuple[str, list[object]]:
    """The first (last) date of the kept machine mentions of group ``g``'s place and qualifier: an ordered walk
    of the ``mentions_first`` index that stops at the first row the filter keeps."""
    clause, params = _machine_where(f, dialect)
    tests = [*(f"COALESCE(m.{c}, '') = COALESCE(g.{c}, '')" for c in ("place_id", "qualifier")),  # the seek
             *(f"m.{c} {dialect.same} g.{c}" for c in ("place_id", "qualifier")), "m.doc_date IS NOT NULL"]
    if reviews:
        tests.append(f"m.{dialect.mention_id} {UNREVIEWED}")
    for test in tests:
        clause = _and(clause, test)
    order = "DESC" if newest else "ASC"
    return (f"(SELECT m.doc_date FROM mentions m {clause} ORDER BY m.doc_date {order} "
            f"LIMIT 1)"), params


def _touched(f: Filters, dialect: Dialect, select: str, group: str) -> tuple[str, list[object]]:
    """``select`` over the machine mentions a review touches that ``f`` keeps (to subtract from a cube)."""
    clause, params = _machine_where(f, dialect)
    clause = clause.replace("WHERE ", "AND ", 1)
    return f"SELECT {select} FROM mentions m WHERE m.{dialect.mention_id} {REVIEWED} {clause} GROUP BY {group}", params


def _reviewed(f: Filters, dialect: Dialect, select: str, group: str) -> tuple[str, list[object]]:
    """``select`` over the reviewed and added mentions ``f`` keeps (the row path's second part)."""
    clause, params = where(f, dialect)
    return f"SELECT {select} FROM {final_parts(dialect, reviews=True)[1]} {clause} GROUP BY {group}", params


def aggregate_cube_sql(cube: Cube, f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """What :func:`threatmap.store.sql.aggregate_sql` answers, from ``cube`` (see the module docstring)."""
    kept, threats = _sums(f)
    cw, cp = _cube_where(cube, f)
    lo, lo_p = _probe(f, dialect, reviews, newest=False)
    hi, hi_p = _probe(f, dialect, reviews, newest=True)
    groups = (f"SELECT place_id, qualifier, SUM({kept}) AS n, SUM({threats}) AS t, SUM(CASE WHEN "
              f"resolved_by = 'context' THEN {kept} ELSE 0 END) AS u, SUM(CASE WHEN resolved_by = '{UNLOCATED}' "
              f"THEN {kept} ELSE 0 END) AS x FROM {cube.name} c {cw} GROUP BY place_id, qualifier "
              f"HAVING SUM({kept}) > 0")
    parts = [f"SELECT g.place_id AS place_id, g.qualifier AS qualifier, g.n AS n, g.t AS t, {lo} AS lo, {hi} AS hi, "
             f"g.u AS u, g.x AS x FROM ({groups}) AS g"]
    params: list[object] = [*lo_p, *hi_p, *cp]  # in the order of the text: the probes, then the groups
    if reviews:
        context = "CASE WHEN m.resolved_by = 'context' THEN 1 ELSE 0 END"
        unlocated = f"CASE WHEN m.resolved_by = '{UNLOCATED}' THEN 1 ELSE 0 END"
        minus, minus_p = _touched(f, dialect, f"m.place_id, m.qualifier, -COUNT(*), -SUM({_IS_THREAT}), "
                                  f"CAST(NULL AS TEXT), CAST(NULL AS TEXT), -SUM({context}), -SUM({unlocated})",
                                  "m.place_id, m.qualifier")
        plus, plus_p = _reviewed(f, dialect, f"m.place_id, m.qualifier, COUNT(*), SUM({_IS_THREAT}), "
                                 f"MIN(m.doc_date), MAX(m.doc_date), SUM({context}), SUM({unlocated})",
                                 "m.place_id, m.qualifier")
        parts += [minus, plus]
        params += [f.threat_threshold, *minus_p, f.threat_threshold, *plus_p]
    union = " UNION ALL ".join(f"SELECT * FROM ({p}) AS p{i}" for i, p in enumerate(parts))
    return (f"SELECT place_id, qualifier, SUM(n), SUM(t), MIN(lo), MAX(hi), CASE WHEN SUM(u) > 0 THEN 1 ELSE 0 END, "
            f"SUM(x) FROM ({union}) AS a GROUP BY place_id, qualifier "
            f"HAVING SUM(n) > 0"), params


def monthly_cube_sql(cube: Cube, f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """What :func:`threatmap.store.sql.monthly_sql` answers, from ``cube``."""
    kept, threats = _sums(f)
    cw, params = _cube_where(cube, f)
    parts = [f"SELECT c.month AS month, SUM({threats}) AS t, SUM({kept}) AS n FROM {cube.name} c {cw} GROUP BY c.month"]
    if reviews:
        minus, minus_p = _touched(f, dialect, f"{_MONTH}, -SUM({_IS_THREAT}), -COUNT(*)", _MONTH)
        plus, plus_p = _reviewed(f, dialect, f"{_MONTH}, SUM({_IS_THREAT}), COUNT(*)", _MONTH)
        parts += [minus, plus]
        params = [*params, f.threat_threshold, *minus_p, f.threat_threshold, *plus_p]
    union = " UNION ALL ".join(f"SELECT * FROM ({p}) AS p{i}" for i, p in enumerate(parts))
    return (f"SELECT month, SUM(t), SUM(n) FROM ({union}) AS a GROUP BY month HAVING SUM(n) > 0",
            params)


def documents_cube_sql(cube: Cube, f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """What :func:`threatmap.store.sql.documents_sql` answers, from the documents' cube: documents of the kept
    months, sources and languages (with a mention at or above the threshold, for ``threat_only``). The documents
    whose text has a review are taken out of the cube's count and counted from their final mentions."""
    kept, _ = _sums(f)
    cw, params = _cube_where(cube, f)
    sql = f"SELECT COALESCE(SUM({kept}), 0) FROM {cube.name} c {cw}"
    if not reviews:
        return f"SELECT ({sql})", params
    touched = "m.doc_id IN (SELECT id FROM documents WHERE text_hash IN (SELECT text_hash FROM reviews))"
    # the reviewed documents as the cube counts them: with a machine mention the filter keeps
    dclause, dparams = _machine_where(f, dialect)
    minus = f"SELECT COUNT(DISTINCT m.doc_id) FROM mentions m {_and(dclause, touched)}"
    rclause, rparams = where(f, dialect)
    plus = " UNION ".join(f"SELECT m.doc_id FROM {part} {_and(rclause, touched)}"
                          for part in final_parts(dialect, reviews=True))
    return (f"SELECT ({sql}) - ({minus}) + (SELECT COUNT(*) FROM ({plus}) AS kept)",
            [*params, *dparams, *rparams, *rparams])


def compact(store: Any, cur: Any, cube: Cube) -> None:
    """Sum ``cube``'s ledger into one row per key and record its size."""
    for statement in compact_sql(cube):
        store.run(cur, statement)


def rebuild(store: Any, cur: Any) -> None:
    """Every cube recomputed from the mentions."""
    for statement in rebuild_sql():
        store.run(cur, statement)


def aggregate_rows(store: Any, cur: Any, f: Filters, *, reviews: bool) -> list[Any]:
    """The rows of :func:`aggregate_query` on ``store``. PostgreSQL's planner misjudges the probes (it expects one
    row per place and reads them all through a bitmap, then sorts); without bitmap scans for this statement it
    walks ``mentions_first`` in date order and stops at the first kept row (26 s -> 0.25 s at 1M mentions)."""
    sql, params = aggregate_query(f, store.dialect, reviews=reviews)
    ordered = store.dialect.name == "postgresql" and plan(f, "aggregate") is not None
    if ordered:
        store.run(cur, "SET LOCAL enable_bitmapscan = off")
    rows = list(store.run(cur, sql, params).fetchall())
    if ordered:
        store.run(cur, "RESET enable_bitmapscan")
    return rows


def aggregate_query(f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """The per-place aggregate of ``f``: from a cube when one answers it, else from the mentions."""
    cube = plan(f, "aggregate")
    return aggregate_cube_sql(cube, f, dialect, reviews=reviews) if cube else aggregate_sql(f, dialect,
                                                                                             reviews=reviews)


def monthly_query(f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """The monthly counts of ``f``: from a cube when one answers it, else from the mentions."""
    cube = plan(f, "monthly")
    return monthly_cube_sql(cube, f, dialect, reviews=reviews) if cube else monthly_sql(f, dialect, reviews=reviews)


def documents_query(f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """The number of documents of ``f``: from the documents' cube when it answers it, else from the rows."""
    cube = plan(f, "documents")
    return documents_cube_sql(cube, f, dialect, reviews=reviews) if cube else documents_sql(f, dialect,
                                                                                             reviews=reviews)
