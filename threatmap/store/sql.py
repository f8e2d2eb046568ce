"""Filters as SQL: one WHERE clause for both engines, and the queries the app, the exports and the CLI ask.

Every statement is written with ``?`` placeholders; :class:`Dialect` says how an engine spells the parts that
differ (placeholders, the mention id, the text search). Every statement reads the mentions through
:func:`final_parts`: the machine's mentions with the analysts' reviews joined in SQL (reviewed values win in the
map, the counts, the timeline, the filters and the exports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from threatmap.models import UNLOCATED
from threatmap.store.filters import Filters
from threatmap.store.schema import COLUMNS, MENTION_COLUMNS, REVIEW_COLUMNS, REVIEW_FIELDS
from threatmap.store.text import document_conditions, postgres_match, search_key, sqlite_match, text_condition

__all__ = [
    "UNREVIEWED",
    "Dialect",
    "P",
    "aggregate_sql",
    "distinct_sql",
    "documents_sql",
    "final_parts",
    "in_chunks",
    "matched_sql",
    "monthly_sql",
    "orphans_sql",
    "place_keys_sql",
    "rows_sql",
    "search_key",
    "touched_sql",
    "where",
]


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines in the statements of this module."""

    name: str
    mention_id: str
    """The column that identifies a mention row (``rowid`` / ``id``)."""
    same: str
    """The operator that says two values are equal or both NULL (``IS`` / ``IS NOT DISTINCT FROM``; PostgreSQL
    never turns it into an index condition)."""
    text_clause: Callable[[list[str]], tuple[str, list[object]]]
    """The condition (on a document ``d``) and parameters that keep the documents whose normalised text contains
    any of the normalised, non-empty needles (:mod:`threatmap.store.text`)."""
    stored: str
    """The column of ``documents`` that orders them as they were stored (``rowid`` / ``seq``): a capped text
    search keeps the most recent."""
    page_first: bool
    """Whether a page of rows is cut from the mentions before their documents are joined (SQLite: it otherwise
    joins and cuts the passage of every kept row before sorting: 3 places at 1M mentions 90 -> 53 ms; PostgreSQL
    plans the nested form of a merged page of sources worse: 40 -> 75 ms)."""
    capped_page_first: bool
    """Whether the page of a capped text search is cut from its mentions before their documents are joined
    (PostgreSQL: it otherwise cuts the passages of all ~10,000 kept rows before sorting, 160 -> 72 ms at 1M
    mentions; SQLite: 14.5 -> 16.4 CPU ms that way, kept joined)."""
    merge_places: bool
    """Whether the newest page of a few places merges the newest page of each (PostgreSQL, from the
    ``mentions_place_date`` index; SQLite cuts its page from the rows first, :attr:`page_first`)."""

IN_CHUNK = 500
"""Ids per ``IN (…)`` list: well under SQLite's parameter limit."""


def in_chunks(ids: Sequence[str]) -> Iterator[tuple[list[str], str]]:
    """``ids`` in chunks of :data:`IN_CHUNK`, each with its ``?, ?, …`` placeholders for an ``IN (…)`` list."""
    for i in range(0, len(ids), IN_CHUNK):
        chunk = list(ids[i:i + IN_CHUNK])
        yield chunk, ", ".join("?" * len(chunk))


SQLITE = Dialect("sqlite", "rowid", "IS", sqlite_match, "rowid", page_first=True, capped_page_first=False,
                 merge_places=False)
POSTGRESQL = Dialect("postgresql", "id", "IS NOT DISTINCT FROM", postgres_match, "seq", page_first=False,
                     capped_page_first=True, merge_places=True)
MERGED_PLACES = range(2, 17)
"""How many places a newest page merges place by place (:attr:`Dialect.merge_places`)."""


P = "COALESCE(m.threat_p, m.threat)"
"""A mention's probability of threat: ``threat_p``, or its verdict as 1.0 / 0.0 (stores from before the model).
A mention is a threat when it is at least ``Filters.threat_threshold``."""
_IS_THREAT = f"CASE WHEN {P} >= ? THEN 1 ELSE 0 END"

_NAMES = tuple(c.name for c in MENTION_COLUMNS)
_PLACE = ("place_id", "name", "place_type", "lat", "lon", "min_lon", "min_lat", "max_lon", "max_lat", "geometry_type",
          "precision")
_COPIED = ("doc_date", "doc_source", "doc_lang")
_FINAL = ("mid", *_NAMES, *_COPIED, *REVIEW_COLUMNS)
"""The columns of :func:`final_parts`."""
_NULL_TEXT = "CAST(NULL AS TEXT)"


def _machine(dialect: Dialect) -> dict[str, str]:
    """A machine mention as it is stored (``m``), not reviewed."""
    out = {"mid": f"m.{dialect.mention_id}", **{n: f'm."{n}"' for n in (*_NAMES, *_COPIED)}}
    return out | {"reviewed": "0", "reviewer": _NULL_TEXT, "reviewed_at": _NULL_TEXT, "review_reason": _NULL_TEXT,
                  "machine_threat": "m.threat", "machine_place_id": "m.place_id"}


def _reviewed(dialect: Dialect) -> dict[str, str]:
    """A machine mention ``m`` with its review ``r`` applied: the reviewer's threat (its probability certain,
    whatever the threshold) and place win; the cue says "reviewed" when the verdict changed."""
    out = _machine(dialect)
    for n in _PLACE:
        out[n] = f'CASE WHEN r.place_id IS NULL THEN m."{n}" ELSE r."{n}" END'
    return out | {
        "threat": "COALESCE(r.threat, m.threat)",
        "threat_p": "CASE WHEN r.threat IS NULL THEN m.threat_p ELSE CAST(r.threat AS DOUBLE PRECISION) END",
        "cue": "CASE WHEN r.threat IS NULL OR r.threat = m.threat THEN m.cue ELSE 'reviewed' END",
        "qualifier": "CASE WHEN r.place_id IS NULL THEN m.qualifier ELSE NULL END",
        "resolved_by": "CASE WHEN r.place_id IS NULL THEN m.resolved_by ELSE 'review' END",
        "reviewed": "1", "reviewer": "r.reviewer", "reviewed_at": "r.reviewed_at", "review_reason": "r.reason"}


def _added() -> dict[str, str]:
    """A mention the analyst added (``r`` on a span where the machine found none, in document ``d``)."""
    out = {n: "NULL" for n in _FINAL} | {n: f'r."{n}"' for n in ("start", "end", "surface", *_PLACE)}
    return out | {
        "mid": "CAST(NULL AS BIGINT)", "doc_id": "d.id", "threat": "COALESCE(r.threat, 0)",
        "threat_p": "CAST(COALESCE(r.threat, 0) AS DOUBLE PRECISION)", "cue": "'reviewed'",
        "passage_start": "COALESCE(r.passage_start, r.start)", "passage_end": 'COALESCE(r.passage_end, r."end")',
        "resolved_by": "'review'", "doc_date": "d.date", "doc_source": "d.source", "doc_lang": "d.lang",
        "reviewed": "1", "reviewer": "r.reviewer", "reviewed_at": "r.reviewed_at", "review_reason": "r.reason",
        "qualifier": _NULL_TEXT, "speaker": _NULL_TEXT, "machine_threat": "CAST(NULL AS INTEGER)",
        "machine_place_id": _NULL_TEXT}


def _select(columns: dict[str, str]) -> str:
    return ", ".join(f'{columns[n]} AS "{n}"' for n in _FINAL)


def matched_sql(m: str) -> str:
    """The machine mentions (alias ``m``) a review touches: same text (by its hash), same offsets; a FROM and the
    start of its WHERE. ``CROSS JOIN`` keeps the reviews the outer loop on SQLite (a few rows probing two indexes,
    whatever the statistics say of a table created after the last ANALYZE); PostgreSQL plans it as a join."""
    return (f"reviews r CROSS JOIN documents rd CROSS JOIN mentions {m} WHERE rd.text_hash = r.text_hash AND "
            f'{m}.doc_id = rd.id AND {m}.start = r.start AND {m}."end" = r."end"')


def touched_sql(m: str, dialect: Dialect) -> str:
    """The machine mentions (alias ``m``) a review touches, with their review ``r`` and document ``rd``: read from
    the reviewed-mention ids (:mod:`threatmap.store.marks`), not derived from the reviews; a FROM and the start of
    its WHERE. ``IN`` the ids, not a join on them: SQLite walks the ids and probes the mentions by rowid, where a
    join builds a Bloom filter of every mention first (60 ms at 200k mentions, per statement)."""
    return (f"mentions {m} CROSS JOIN documents rd CROSS JOIN reviews r WHERE {m}.{dialect.mention_id} {REVIEWED} "
            f'AND rd.id = {m}.doc_id AND r.text_hash = rd.text_hash AND r.start = {m}.start AND r."end" = {m}."end"')


REVIEWED = "IN (SELECT mid FROM reviewed_mentions)"
"""The test on a machine mention's id that keeps it when a review touches it."""
UNREVIEWED = "NOT IN (SELECT mid FROM reviewed_mentions)"
"""The test on a machine mention's id that keeps it when no review touches it."""


def final_parts(dialect: Dialect, *, reviews: bool) -> list[str]:
    """The mentions every query reads, as subqueries aliased ``m`` (columns ``mid``, the mention's, ``doc_date``,
    ``doc_source``, ``doc_lang`` and :data:`REVIEW_COLUMNS`) whose union is the machine's mentions with the reviews
    applied: a reviewed mention takes the reviewer's values, a "not a place" review removes it, a review with a
    place on a span the machine missed adds one.

    With no review stored, one part: the mentions table. Else two: the machine's mentions no review touches (a
    plain subquery on the table, which the engines flatten: the filters keep their indexes; ``NOT IN`` the
    reviewed-mention ids), and the reviewed and added ones (as many as there are reviews). A query asks
    each part and combines their answers (:func:`rows_sql`, :func:`aggregate_sql` …)."""
    machine = f"SELECT {_select(_machine(dialect))} FROM mentions m"
    if not reviews:
        return [f"({machine}) AS m"]
    mid = dialect.mention_id
    return [f"({machine} WHERE m.{mid} {UNREVIEWED}) AS m",
            f"(SELECT {_select(_reviewed(dialect))} FROM {touched_sql('m', dialect)} AND r.not_a_place = 0 "
            f"UNION ALL SELECT {_select(_added())} FROM documents d CROSS JOIN reviews r WHERE d.text_hash IN ("
            f"SELECT a.text_hash FROM reviews a WHERE {_ADDS.format(r='a')}) AND r.text_hash = d.text_hash AND "
            f"{_ADDS.format(r='r')} AND NOT EXISTS (SELECT 1 FROM mentions x "
            f'WHERE x.doc_id = d.id AND x.start = r.start AND x."end" = r."end")) AS m']


_ADDS = "{r}.not_a_place = 0 AND {r}.place_id IS NOT NULL"
"""A review that gives a place (it adds a mention where the machine found none). The documents it may add to are
found by ``IN`` their text hashes (a probe of the index per review), not a join: SQLite would build a Bloom filter
of every document first."""


def orphans_sql() -> str:
    """The reviews that match no stored text (no document hashes to it), or whose span has no machine mention and
    gives no place to add one: columns of ``REVIEW_SELECT`` plus why (``'text'`` / ``'span'``)."""
    columns = ", ".join(f'r."{c}"' for c in REVIEW_FIELDS)
    return (f"SELECT {columns}, CASE WHEN NOT EXISTS (SELECT 1 FROM documents d WHERE d.text_hash = "
            f"r.text_hash) THEN 'text' ELSE 'span' END FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM documents d "
            f"WHERE d.text_hash = r.text_hash) OR (r.not_a_place = 0 AND r.place_id IS NULL AND NOT EXISTS ("
            f"SELECT 1 FROM documents d JOIN mentions m ON m.doc_id = d.id WHERE d.text_hash = r.text_hash AND "
            f'm.start = r.start AND m."end" = r."end")) ORDER BY r.doc_id, r.start, r."end"')


def where(f: Filters, dialect: Dialect) -> tuple[str, list[object]]:
    """The WHERE clause (``WHERE …`` or ``''``) on ``mentions m`` that keeps what ``f`` keeps, and its parameters."""
    conds: list[str] = []
    params: list[object] = []
    if f.since is not None:
        conds.append("m.doc_date >= ?")
        params.append(f.since.isoformat())
    if f.until is not None:
        conds.append("m.doc_date <= ?")  # NULL (undated) never passes
        params.append(f.until.isoformat())
    if f.threat_only:
        conds.append(f"{P} >= ?")
        params.append(f.threat_threshold)
    for column, values in (("doc_source", f.sources), ("doc_lang", f.langs), ("place_id", f.places),
                           ("place_type", f.types), ("doc_id", f.documents), ("resolved_by", f.resolved_by)):
        if values:
            conds.append(f"m.{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if f.review == "reviewed":
        conds.append("m.reviewed = 1")
    elif f.review == "unreviewed":
        conds.append("m.reviewed = 0")
    elif f.review == "disagreements":  # the final threat or place differs from the machine's, or an added mention
        conds.append("m.reviewed = 1 AND (m.machine_threat IS NULL OR m.machine_threat <> m.threat OR "
                     "m.machine_place_id IS NULL AND m.place_id IS NOT NULL OR m.machine_place_id <> m.place_id)")
    text = text_condition(f, dialect)  # capped to the most recently stored matches (f.text_limit)
    if text is not None:
        conds.append(text[0])
        params.extend(text[1])
    return ("WHERE " + " AND ".join(conds)) if conds else "", params


_EXPRESSIONS = {"threat": _IS_THREAT, "threat_p": P}
_ROW_COLUMNS = ", ".join(f'{expr} AS "{name}"' for expr, name in zip(
    ["m.doc_id", "d.title", "m.doc_source", "d.url", "m.doc_date", "m.doc_lang",
     *(_EXPRESSIONS.get(c.name, f'm."{c.name}"') for c in MENTION_COLUMNS[1:]),
     "substr(d.text, m.passage_start + 1, m.passage_end - m.passage_start)",
     *(f"m.{c}" for c in REVIEW_COLUMNS)], COLUMNS, strict=True))
"""The columns of :data:`threatmap.store.schema.COLUMNS`: ``threat`` from ``threat_p`` and the threshold (the one
``?`` of the list), the passage cut from the text (characters, as the offsets count them)."""
_ORDER = "m.doc_date IS NULL, m.doc_date, m.doc_id, m.start"
_NEWEST = "m.doc_date DESC NULLS LAST, m.doc_id DESC, m.start DESC"  # the order of the mentions_date index
_ORDER_ROWS = _ORDER.replace("doc_date", "date")  # the same orders on the output columns
_NEWEST_ROWS = _NEWEST.replace("doc_date", "date")


def _union(selects: list[str]) -> str:
    return " UNION ALL ".join(f"SELECT * FROM ({sql}) AS p{i}" for i, sql in enumerate(selects))


def rows_sql(f: Filters, dialect: Dialect, *, reviews: bool, limit: int | None = None, newest_first: bool = False
             ) -> tuple[str, list[object]]:
    """The mentions kept by ``f`` with their document fields and passage, ordered by date (undated last),
    document and offset (``newest_first``: newest first, undated still last); each part ordered and limited by
    its indexes, then merged. On SQLite a page joins the documents (and cuts the passages) of its own rows only
    (:attr:`Dialect.page_first`), except a page of a text search or of given documents (read document by document:
    300 -> 600 ms the other way at 1M mentions). The newest page of several sources merges the newest page of each
    (a source's rows are one walk of ``mentions_source`` in date order; a document, so a tie, has one source),
    except a page read document by document, which would search the text once per source (1M mentions, 3 sources
    and a text: 306 -> 1,198 ms CPU the other way). On PostgreSQL the newest page of 2 to 16 places (one source
    at most) merges the newest page of each, a walk of ``mentions_place_date`` (1M mentions: 57 -> 20 ms)."""
    by_documents = bool(f.documents or (f.text and f.text.strip()))
    merged = _merged(f, dialect, by_documents) if newest_first and limit is not None else []
    if merged:  # each source's (or place's) newest page, merged
        pages = [rows_sql(one, dialect, reviews=reviews, limit=limit, newest_first=True) for one in merged]
        return (f"SELECT * FROM ({_union([sql for sql, _ in pages])}) AS m ORDER BY {_NEWEST_ROWS} LIMIT ?",
                [*(v for _, params in pages for v in params), int(limit or 0)])
    clause, kept = where(f, dialect)
    order = _NEWEST if newest_first else _ORDER
    tail = " LIMIT ?" if limit is not None else ""
    one = [f.threat_threshold, *kept, *([int(limit)] if limit is not None else [])]
    capped = bool(f.text and f.text.strip() and f.text_limit is not None and not f.documents)
    first = dialect.capped_page_first if capped else dialect.page_first and not by_documents
    if limit is None or not first:
        parts = [f"SELECT {_ROW_COLUMNS} FROM {part} JOIN documents d ON d.id = m.doc_id {clause} "
                 f"ORDER BY {order}{tail}" for part in final_parts(dialect, reviews=reviews)]
    else:  # the page of mentions first, then their documents and passages (for those rows only)
        parts = [f"SELECT {_ROW_COLUMNS} FROM (SELECT * FROM {part} {clause} ORDER BY {order}{tail}) AS m "
                 f"JOIN documents d ON d.id = m.doc_id ORDER BY {order}"
                 for part in final_parts(dialect, reviews=reviews)]
    if len(parts) == 1:
        return parts[0], one
    return (f"SELECT * FROM ({_union(parts)}) AS m ORDER BY {_NEWEST_ROWS if newest_first else _ORDER_ROWS}{tail}",
            one * len(parts) + ([int(limit)] if limit is not None else []))


def _merged(f: Filters, dialect: Dialect, by_documents: bool) -> list[Filters]:
    """The filters of one source (or place) each whose newest pages a newest page of ``f`` merges, or none (one
    walk)."""
    if by_documents:
        return []
    if len(f.sources) > 1:
        return [replace(f, sources=(source,)) for source in f.sources]
    if dialect.merge_places and len(f.places) in MERGED_PLACES:
        return [replace(f, places=(place,)) for place in f.places]
    return []


def documents_sql(f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """The number of distinct documents with a mention kept by ``f``: from the documents table when only document
    fields are filtered and no review is stored (one index probe per document), else the distinct documents of
    the kept mentions of each part (hashed, where ``COUNT(DISTINCT …)`` would sort)."""
    by_mention = (f.threat_only, f.places, f.types, f.review, f.documents, f.resolved_by, f.text and f.text.strip())
    if not (reviews or any(by_mention)):
        conds, params = document_conditions(f)
        conds.insert(0, "EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = d.id)")
        return f"SELECT COUNT(*) FROM documents d WHERE {' AND '.join(conds)}", params
    clause, kept = where(f, dialect)
    parts = [f"SELECT m.doc_id FROM {p} {clause}" for p in final_parts(dialect, reviews=reviews)]
    if len(parts) == 1:  # no review stored: one part, whose documents repeat once per kept mention
        parts = [parts[0].replace("SELECT", "SELECT DISTINCT", 1)]
    return f"SELECT COUNT(*) FROM ({' UNION '.join(parts)}) AS kept", kept * len(parts)


def _combined(f: Filters, dialect: Dialect, reviews: bool, select: str, group: str, outer: str, outer_group: str
              ) -> tuple[str, list[object]]:
    """``select … GROUP BY group`` over each part; with two parts, ``outer`` re-aggregates their rows."""
    clause, kept = where(f, dialect)
    parts = [f"SELECT {select} FROM {part} {clause} GROUP BY {group}" for part in final_parts(dialect,
                                                                                             reviews=reviews)]
    params = [f.threat_threshold, *kept]
    if len(parts) == 1:
        return parts[0], params
    return f"SELECT {outer} FROM ({_union(parts)}) AS a GROUP BY {outer_group}", params * len(parts)


def aggregate_sql(f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """Per (place, qualifier) kept by ``f``: mentions, threat mentions, first and last document date, whether
    any was located from its context, and how many have no geometry (``resolved_by`` 'unlocated'); grouped on
    the columns themselves, in the order of the ``mentions_place`` index; NULL qualifiers form one group."""
    return _combined(f, dialect, reviews,
                     f"m.place_id AS place_id, m.qualifier AS qualifier, COUNT(*) AS n, SUM({_IS_THREAT}) AS t, "
                     f"MIN(m.doc_date) AS lo, MAX(m.doc_date) AS hi, "
                     f"MAX(CASE WHEN m.resolved_by = 'context' THEN 1 ELSE 0 END) AS u, "
                     f"SUM(CASE WHEN m.resolved_by = '{UNLOCATED}' THEN 1 ELSE 0 END) AS x", "m.place_id, m.qualifier",
                     "place_id, qualifier, SUM(n), SUM(t), MIN(lo), MAX(hi), MAX(u), SUM(x)", "place_id, qualifier")


def monthly_sql(f: Filters, dialect: Dialect, *, reviews: bool) -> tuple[str, list[object]]:
    """Per month (``YYYY-MM``, NULL for undated mentions) kept by ``f``: threat mentions and the others."""
    return _combined(f, dialect, reviews, f"substr(m.doc_date, 1, 7) AS month, SUM({_IS_THREAT}) AS t, COUNT(*) AS n",
                     "substr(m.doc_date, 1, 7)", "month, SUM(t), SUM(n)", "month")


def distinct_sql(table: str, column: str) -> str:
    """The distinct non-null values of an indexed column, in order, by one index probe per value (a loose index
    scan: a few milliseconds at millions of rows, where ``SELECT DISTINCT`` reads them all)."""
    return (f"WITH RECURSIVE t(v) AS (SELECT MIN({column}) FROM {table} UNION ALL "
            f"SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > t.v) FROM t WHERE t.v IS NOT NULL) "
            f"SELECT v FROM t WHERE v IS NOT NULL")


def place_keys_sql(dialect: Dialect, keys: str, *, reviews: bool) -> str:
    """One mention (the first stored) of every (place, qualifier) the machine's unreviewed mentions hold, and every
    reviewed or added mention, as :func:`rows_sql` rows (one parameter per part: the threat threshold); the
    caller keeps one row per key.

    ``keys`` selects every (place, qualifier) of the machine's mentions (``place_id``, ``qualifier``; from the
    per-place cube: a few thousand rows); the first stored unreviewed mention of each is one probe of the
    ``mentions_key`` index (its place and qualifier, then its mentions in the order stored), not a grouping of every
    mention (PostgreSQL at 1M mentions: a sequential scan)."""
    machine, *reviewed = final_parts(dialect, reviews=reviews)
    mid = dialect.mention_id
    tests = [*(f"COALESCE(k.{c}, '') = COALESCE(g.{c}, '')" for c in ("place_id", "qualifier")),  # the seek
             *(f"k.{c} {dialect.same} g.{c}" for c in ("place_id", "qualifier"))]
    if reviews:
        tests.append(f"k.{mid} {UNREVIEWED}")
    probe = f"SELECT k.{mid} FROM mentions k WHERE {' AND '.join(tests)} ORDER BY k.{mid} LIMIT 1"
    first = (f"SELECT {_ROW_COLUMNS} FROM {machine} JOIN documents d ON d.id = m.doc_id WHERE m.mid IN "
             f"(SELECT mid FROM first_mentions)")
    parts = [first, *(f"SELECT {_ROW_COLUMNS} FROM {p} JOIN documents d ON d.id = m.doc_id" for p in reviewed)]
    return (f"WITH first_mentions AS MATERIALIZED (SELECT ({probe}) AS mid FROM ({keys}) AS g) "
            f"SELECT * FROM ({_union(parts)}) AS m ORDER BY {_ORDER_ROWS}")
