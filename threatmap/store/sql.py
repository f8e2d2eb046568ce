"""Filters as SQL: one WHERE clause for both engines, and the queries the app, the exports and the CLI ask.

Every statement is written with ``?`` placeholders; :class:`Dialect` says how an engine spells the parts that
differ (placeholders, the mention id, the text search).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from threatmap.lang.normalize import normalize_key
from threatmap.store.filters import Filters
from threatmap.store.schema import MENTION_COLUMNS

__all__ = ["Dialect", "aggregate_sql", "distinct_sql", "documents_sql", "monthly_sql", "place_keys_sql", "rows_sql",
           "search_key", "where"]


def search_key(text: str) -> str:
    """The normalised form the text index holds and searches for (``normalize_key``: letter variants,
    diacritics, Kurdish letters, Latin case)."""
    return normalize_key(text or "").replace("\0", " ")


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines in the statements of this module."""

    name: str
    mention_id: str
    """The column that identifies a mention row (``rowid`` / ``id``)."""
    text_clause: Callable[[str], tuple[str, list[object]]]
    """The condition (on ``m``) and parameters of a search for a normalised, non-empty needle."""


def _like_pattern(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sqlite_text(needle: str) -> tuple[str, list[object]]:
    if len(needle) >= 3:  # the trigram index answers substrings of 3+ characters
        return ("m.rowid IN (SELECT rowid FROM mention_fts WHERE mention_fts MATCH ?)",
                ['"' + needle.replace('"', '""') + '"'])
    return ("m.rowid IN (SELECT rowid FROM mention_fts WHERE key LIKE ? ESCAPE '\\')", [_like_pattern(needle)])


def _postgres_text(needle: str) -> tuple[str, list[object]]:
    return "m.search_key LIKE ? ESCAPE '\\'", [_like_pattern(needle)]  # GIN pg_trgm index for 3+ characters


SQLITE = Dialect("sqlite", "rowid", _sqlite_text)
POSTGRESQL = Dialect("postgresql", "id", _postgres_text)


P = "COALESCE(m.threat_p, m.threat)"
"""A mention's probability of threat: ``threat_p``, or its verdict as 1.0 / 0.0 (stores from before the model).
A mention is a threat when it is at least ``Filters.threat_threshold``."""
_IS_THREAT = f"CASE WHEN {P} >= ? THEN 1 ELSE 0 END"


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
                           ("place_type", f.types)):
        if values:
            conds.append(f"m.{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if f.text and f.text.strip():
        needle = search_key(f.text)
        if needle:
            clause, extra = dialect.text_clause(needle)
            conds.append(clause)
            params.extend(extra)
        else:  # nothing left to search for (only marks the normalisation deletes): nothing matches
            conds.append("1 = 0")
    return ("WHERE " + " AND ".join(conds)) if conds else "", params


_EXPRESSIONS = {"threat": _IS_THREAT, "threat_p": P}
_ROW_COLUMNS = ", ".join(
    ["m.doc_id", "d.title", "m.doc_source", "d.url", "m.doc_date", "m.doc_lang",
     *(_EXPRESSIONS.get(c.name, f'm."{c.name}"') for c in MENTION_COLUMNS[1:]),
     "substr(d.text, m.passage_start + 1, m.passage_end - m.passage_start)"])
"""The columns of :data:`threatmap.store.schema.COLUMNS`: ``threat`` from ``threat_p`` and the threshold (the one
``?`` of the list), the passage cut from the text (characters, as the offsets count them)."""
_ORDER = "m.doc_date IS NULL, m.doc_date, m.doc_id, m.start"
_NEWEST = "m.doc_date DESC NULLS LAST, m.doc_id DESC, m.start DESC"  # the order of the mentions_date index


def rows_sql(f: Filters, dialect: Dialect, *, limit: int | None = None, newest_first: bool = False
             ) -> tuple[str, list[object]]:
    """The mentions kept by ``f`` with their document fields and passage, ordered by date (undated last),
    document and offset (``newest_first``: newest first, undated still last)."""
    clause, params = where(f, dialect)
    params = [f.threat_threshold, *params]
    sql = (f"SELECT {_ROW_COLUMNS} FROM mentions m JOIN documents d ON d.id = m.doc_id {clause} "
           f"ORDER BY {_NEWEST if newest_first else _ORDER}")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return sql, params


def documents_sql(f: Filters, dialect: Dialect) -> tuple[str, list[object]]:
    """The number of distinct documents with a mention kept by ``f``: from the documents table when only document
    fields are filtered (one index probe per document), else DISTINCT over the kept mentions (in a subquery:
    hashed, where ``COUNT(DISTINCT …)`` would sort)."""
    if not (f.threat_only or f.places or f.types or (f.text and f.text.strip())):
        conds: list[str] = ["EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = d.id)"]
        params: list[object] = []
        for test, value in (("d.date >= ?", f.since), ("d.date <= ?", f.until)):
            if value is not None:
                conds.append(test)
                params.append(value.isoformat())
        for column, values in (("source", f.sources), ("lang", f.langs)):
            if values:
                conds.append(f"d.{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        return f"SELECT COUNT(*) FROM documents d WHERE {' AND '.join(conds)}", params
    clause, kept = where(f, dialect)
    return f"SELECT COUNT(*) FROM (SELECT DISTINCT m.doc_id FROM mentions m {clause}) AS kept", kept


def aggregate_sql(f: Filters, dialect: Dialect) -> tuple[str, list[object]]:
    """Per (place, qualifier) kept by ``f``: mentions, threat mentions, first and last document date (grouped on
    the columns themselves, in the order of the ``mentions_place`` index; NULL qualifiers form one group)."""
    clause, params = where(f, dialect)
    return (f"SELECT m.place_id, m.qualifier, COUNT(*), SUM({_IS_THREAT}), MIN(m.doc_date), MAX(m.doc_date) "
            f"FROM mentions m {clause} GROUP BY m.place_id, m.qualifier", [f.threat_threshold, *params])


def monthly_sql(f: Filters, dialect: Dialect) -> tuple[str, list[object]]:
    """Per month (``YYYY-MM``, NULL for undated mentions) kept by ``f``: threat mentions and the others."""
    clause, params = where(f, dialect)
    return (f"SELECT substr(m.doc_date, 1, 7), SUM({_IS_THREAT}), COUNT(*) FROM mentions m {clause} "
            f"GROUP BY substr(m.doc_date, 1, 7)", [f.threat_threshold, *params])


def distinct_sql(table: str, column: str) -> str:
    """The distinct non-null values of an indexed column, in order, by one index probe per value (a loose index
    scan: a few milliseconds at millions of rows, where ``SELECT DISTINCT`` reads them all)."""
    return (f"WITH RECURSIVE t(v) AS (SELECT MIN({column}) FROM {table} UNION ALL "
            f"SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > t.v) FROM t WHERE t.v IS NOT NULL) "
            f"SELECT v FROM t WHERE v IS NOT NULL")


def place_keys_sql(dialect: Dialect) -> str:
    """One mention (the first stored) of every (place, qualifier) in the store, as :func:`rows_sql` rows (one
    parameter: the threat threshold)."""
    mid = dialect.mention_id
    return (f"SELECT {_ROW_COLUMNS} FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.{mid} IN "
            f"(SELECT MIN({mid}) FROM mentions GROUP BY place_id, qualifier) ORDER BY {_ORDER}")
