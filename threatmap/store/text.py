"""Text search in SQL: the documents whose normalised text holds a needle, capped to the most recently stored ones.

A common word can match a large part of the store (a quarter of 100,000 documents: every query then reads a
quarter of the mentions). A search therefore keeps, by default, the :data:`~threatmap.store.filters.TEXT_LIMIT`
most recently stored matching documents among those the dates, sources and languages keep
(:attr:`Filters.text_limit`); the other filters apply to their mentions. The engine walks its text index in the
order documents were stored (SQLite: the documents' rowid; PostgreSQL: ``documents.seq``) and stops there.
``text_limit=None`` keeps every match (the exports). :func:`capped_sql` asks whether a search was cut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from threatmap.lang.normalize import normalize_key
from threatmap.store.filters import Filters

if TYPE_CHECKING:
    from threatmap.store.sql import Dialect

__all__ = ["capped_sql", "document_conditions", "needles", "postgres_match", "search_key", "sqlite_match",
           "text_condition"]


def search_key(text: str) -> str:
    """The normalised form the text index holds and searches for (``normalize_key``: letter variants,
    diacritics, Kurdish letters, Latin case)."""
    return normalize_key(text or "").replace("\0", " ")


def needles(f: Filters) -> list[str] | None:
    """The normalised, distinct strings a search looks for (the text and its other spellings); None when ``f``
    searches no text, ``[]`` when nothing is left of it (only marks the normalisation deletes: nothing matches)."""
    if not (f.text and f.text.strip()):
        return None
    return sorted({search_key(n) for n in (f.text, *f.spellings)} - {""})


def _like_pattern(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_query(found: list[str]) -> str:
    """An FTS5 query for any of ``found`` (each a quoted phrase: a substring, with the trigram tokenizer)."""
    return " OR ".join('"' + n.replace('"', '""') + '"' for n in found)


def sqlite_match(found: list[str]) -> tuple[str, list[object]]:
    """The test on a document ``d`` whose normalised text holds any of ``found``: the FTS5 trigram index for
    needles of 3+ characters, a LIKE over the index's text for shorter ones."""
    tests: list[str] = []
    params: list[object] = []
    long = [n for n in found if len(n) >= 3]  # the trigram index answers substrings of 3+ characters
    if long:
        tests.append("d.rowid IN (SELECT rowid FROM document_fts WHERE document_fts MATCH ?)")
        params.append(_fts_query(long))
    for needle in (n for n in found if len(n) < 3):
        tests.append("d.rowid IN (SELECT rowid FROM document_fts WHERE key LIKE ? ESCAPE '\\')")
        params.append(_like_pattern(needle))
    return f"({' OR '.join(tests)})", params


def postgres_match(found: list[str]) -> tuple[str, list[object]]:
    """The test on a document ``d`` whose normalised text holds any of ``found`` (the pg_trgm GIN index answers
    needles of 3+ characters)."""
    tests = " OR ".join("d.search_key LIKE ? ESCAPE '\\'" for _ in found)
    return f"({tests})", [_like_pattern(n) for n in found]


def document_conditions(f: Filters) -> tuple[list[str], list[object]]:
    """The tests of ``f``'s dates, sources and languages on a document ``d`` (an undated document fails a date)."""
    conds: list[str] = []
    params: list[object] = []
    for test, value in (("d.date >= ?", f.since), ("d.date <= ?", f.until)):
        if value is not None:
            conds.append(test)
            params.append(value.isoformat())
    for column, values in (("source", f.sources), ("lang", f.langs)):
        if values:
            conds.append(f"d.{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    return conds, params


def _documents(f: Filters, dialect: Dialect, found: list[str], limit: int | None) -> tuple[str, list[object]]:
    """The ids of the matching documents; with ``limit``: the ``limit`` most recently stored among those the
    dates, sources and languages keep."""
    match, params = dialect.text_clause(found)
    if limit is None:
        return f"SELECT d.id FROM documents d WHERE {match}", params
    conds, extra = document_conditions(f)
    if dialect.name == "sqlite" and min(map(len, found)) >= 3:  # FTS5 walks its matches newest first and stops
        return (f"SELECT d.id FROM document_fts f CROSS JOIN documents d ON d.rowid = f.rowid WHERE "
                f"{' AND '.join(['f.document_fts MATCH ?', *conds])} ORDER BY f.rowid DESC LIMIT ?",
                [_fts_query(found), *extra, limit])
    return (f"SELECT d.id FROM documents d WHERE {' AND '.join([match, *conds])} ORDER BY d.{dialect.stored} DESC "
            f"LIMIT ?", [*params, *extra, limit])


def text_condition(f: Filters, dialect: Dialect) -> tuple[str, list[object]] | None:
    """The condition on a mention ``m`` that keeps the mentions of the documents ``f``'s search keeps (None when
    ``f`` searches no text)."""
    found = needles(f)
    if found is None:
        return None
    if not found:
        return "1 = 0", []
    sql, params = _documents(f, dialect, found, f.text_limit)
    return f"m.doc_id IN ({sql})", params


def capped_sql(f: Filters, dialect: Dialect) -> tuple[str, list[object]] | None:
    """A statement whose one value is true (1) when ``f``'s search matches more documents than its
    ``text_limit`` (counting one more at most); None when ``f`` searches no text or keeps every match."""
    found = needles(f)
    if not found or f.text_limit is None:
        return None
    sql, params = _documents(f, dialect, found, f.text_limit + 1)
    return f"SELECT CASE WHEN COUNT(*) > ? THEN 1 ELSE 0 END FROM ({sql}) AS t", [f.text_limit, *params]
