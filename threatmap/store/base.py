"""What every store does, written once over SQL: idempotent writes by content hash, and queries answered by the
database (filters, counts, per-place aggregates, months, text search), never by loading every mention.

:class:`SqlStore` holds the logic; an engine (:mod:`threatmap.store.sqlite`, :mod:`threatmap.store.postgres`)
supplies the connection, its transactions, its :class:`~threatmap.store.sql.Dialect` and how a mention row is
inserted with its text index.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd

from threatmap.errors import DocumentError, StoreError
from threatmap.models import Candidate, Document, Mention
from threatmap.store.cube import aggregate_rows, documents_query, keys_sql, monthly_query
from threatmap.store.filters import THRESHOLD, Filters
from threatmap.store.ledger import compact_if_grown, record_added, record_deleted
from threatmap.store.marks import mark_documents
from threatmap.store.prepared import (
    CANDIDATE_INSERT,
    DOCUMENT_INSERT,
    PreparedDocument,
    candidate_row,
    content_hash,
    prepare,
)
from threatmap.store.reviews import Orphan, review_of_row
from threatmap.store.schema import frame
from threatmap.store.sql import Dialect, distinct_sql, in_chunks, orphans_sql, place_keys_sql, rows_sql
from threatmap.store.text import capped_sql

__all__ = ["AGGREGATE_COLUMNS", "Counts", "Facets", "SqlStore", "content_hash", "frame"]

AGGREGATE_COLUMNS = ("place_id", "qualifier", "mentions", "threats", "first_date", "last_date", "uncertain",
                     "unlocated")
"""Columns of :meth:`SqlStore.aggregate` (``unlocated``: how many of the mentions have no geometry)."""


@dataclass(frozen=True, slots=True)
class Facets:
    """What the filters can choose from, and the size of the store."""

    sources: tuple[str, ...]
    langs: tuple[str, ...]
    place_types: tuple[str, ...]
    min_date: dt.date | None
    max_date: dt.date | None
    documents: int
    mentions: int


@dataclass(frozen=True, slots=True)
class Counts:
    """The size of a selection: mentions, threat mentions, distinct places and documents, and whether its text
    search was cut to :attr:`Filters.text_limit` documents (:meth:`SqlStore.text_capped`)."""

    mentions: int
    threats: int
    places: int
    documents: int
    text_capped: bool = False


class SqlStore:
    """The store's behaviour over any SQL engine; subclasses provide the engine (see the module docstring).

    Use as a context manager or call :meth:`close`. Each write is one transaction that also moves the store's
    revision; each read of several statements runs in one read transaction (one consistent state).
    """

    dialect: Dialect
    label: str
    """How the store is named in messages (a path or a URL without its password)."""

    # ---------------------------------------------------------------- the engine's part
    def _write(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _execute(self, cur: Any, sql: str, params: Sequence[object] = ()) -> Any:
        """Run one ``?``-placeholder statement on ``cur``; returns the cursor."""
        raise NotImplementedError

    def _execute_many(self, cur: Any, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """Run one ``?``-placeholder statement for each of ``rows``."""
        raise NotImplementedError

    def _insert_mentions(self, cur: Any, rows: Sequence[Sequence[object]]) -> None:
        """Insert mention rows (:func:`threatmap.store.schema.mention_values`)."""
        raise NotImplementedError

    def _index_documents(self, cur: Any, keys: Sequence[tuple[str, str]]) -> None:
        """Add the documents just inserted to the text index: (search key of the text, document id) each."""
        raise NotImplementedError

    def bulk_writes(self) -> AbstractContextManager[None]:
        """A run of many batch writes (an ingest): the engine may spend more memory on them (see SQLite's)."""
        return nullcontext()

    def close(self) -> None:
        raise NotImplementedError

    # ---------------------------------------------------------------- for the store's own modules (reviews)
    def writing(self) -> AbstractContextManager[Any]:
        """One write transaction (it moves the revision); yields a cursor for :meth:`run`."""
        return self._write()

    def reading(self) -> AbstractContextManager[Any]:
        """One read transaction on one state of the store; yields a cursor for :meth:`run`."""
        return self._read()

    def run(self, cur: Any, sql: str, params: Sequence[object] = ()) -> Any:
        """Run one ``?``-placeholder statement on ``cur`` (from :meth:`writing` / :meth:`reading`)."""
        return self._execute(cur, sql, params)

    def run_many(self, cur: Any, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """Run one ``?``-placeholder statement on ``cur`` once per row of ``rows``."""
        self._execute_many(cur, sql, rows)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- writing
    def add_document(self, doc: Document, mentions: Sequence[Mention], candidates: Sequence[Candidate] = ()
                     ) -> bool:
        """Store one document with its mentions in one transaction.

        Returns False when this exact content is already stored (unchanged), True when it was added or updated
        (same id and same path, new content: a re-ingested edited file). Raises DocumentError when another
        document already has this id (kept as it is; give the new one a distinct id).
        """
        status = self.add_batch([(doc, mentions, candidates)])[0]
        if isinstance(status, DocumentError):
            raise status
        return status != "unchanged"

    def add_batch(self, items: Iterable[tuple[Document, Sequence[Mention], Sequence[Candidate]]]
                  ) -> list[str | DocumentError]:
        """Store documents in one transaction (one file); per document ``"added"``, ``"updated"``, ``"unchanged"``
        or the DocumentError of a duplicate id (that document is skipped, the others kept)."""
        return self.add_prepared([prepare(doc, mentions, candidates) for doc, mentions, candidates in items])

    def add_prepared(self, items: Iterable[PreparedDocument]) -> list[str | DocumentError]:
        """:meth:`add_batch` of documents already made into their rows (:mod:`threatmap.store.prepared`, e.g. by a
        Dask worker). The statements are per batch, not per document: one lookup, then bulk inserts."""
        items = list(items)
        results: list[str | DocumentError] = []
        with self._write() as cur:
            stored = self._stored(cur, sorted({item.id for item in items}))
            seen: set[str] = set()
            replaced: list[str] = []
            written: list[PreparedDocument] = []
            for item in items:
                row = stored.get(item.id)
                if row and row[0] == item.content_hash:
                    results.append("unchanged")
                elif row and (item.id in seen or row[1] != item.path):
                    results.append(DocumentError(
                        f"document id {item.id!r} is already stored (from {row[1]!r}) with different content; "
                        f"the stored one is kept; fix: give this document a distinct 'id:' in its front matter "
                        f"(or a distinct \"id\" in the JSONL line)"))
                    continue
                else:
                    results.append("updated" if row else "added")
                    if row:
                        replaced.append(item.id)
                    written.append(item)
                    stored[item.id] = (item.content_hash, item.path)
                seen.add(item.id)
            self._write_documents(cur, replaced, written)
        return results

    def _stored(self, cur: Any, ids: list[str]) -> dict[str, tuple[str, str | None]]:
        out: dict[str, tuple[str, str | None]] = {}
        for chunk, marks in in_chunks(ids):
            sql = f"SELECT id, content_hash, path FROM documents WHERE id IN ({marks})"
            out.update({r[0]: (r[1], r[2]) for r in self._execute(cur, sql, chunk).fetchall()})
        return out

    def _write_documents(self, cur: Any, replaced: list[str], written: list[PreparedDocument]) -> None:
        record_deleted(self, cur, replaced)  # out of the cubes before their mentions go
        for doc_id in replaced:  # their mentions and candidates cascade
            self._execute(cur, "DELETE FROM documents WHERE id = ?", (doc_id,))
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._execute_many(cur, DOCUMENT_INSERT, [(*item.row, now) for item in written])
        if written:
            self._index_documents(cur, [(item.search_key, item.id) for item in written])
        rows = [row for item in written for row in item.mentions]
        if rows:
            self._insert_mentions(cur, rows)
            record_added(self, cur, rows)
            mark_documents(self, cur, [item.id for item in written if item.mentions])
        compact_if_grown(self, cur)
        self._execute_many(cur, CANDIDATE_INSERT, [row for item in written for row in item.candidates])

    def contains(self, doc: Document) -> bool:
        """True when this exact document (same id, text and metadata) is stored."""
        with self._read() as cur:
            sql = "SELECT 1 FROM documents WHERE content_hash = ?"
            return self._execute(cur, sql, (content_hash(doc),)).fetchone() is not None

    def replace_mentions(self, doc_id: str, mentions: Sequence[Mention],
                         candidates: Sequence[Candidate] | None = None) -> None:
        """Replace a stored document's mentions (and candidates, when given) in one transaction (reindex)."""
        self.replace_many([(doc_id, mentions, candidates)])

    def replace_many(self, items: Iterable[tuple[str, Sequence[Mention], Sequence[Candidate] | None]]) -> None:
        """:meth:`replace_mentions` of several documents (distinct ids) in one transaction: all or none."""
        from threatmap.store.schema import mention_values

        items = list(items)
        ids = [doc_id for doc_id, _, _ in items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"expected distinct document ids, got {sorted(i for i in set(ids) if ids.count(i) > 1)}")
        if not items:
            return
        with self._write() as cur:
            fields: dict[str, tuple[str | None, str | None, str | None]] = {}  # date, source, lang of each
            for chunk, marks in in_chunks(ids):
                sql = f"SELECT id, date, source, lang FROM documents WHERE id IN ({marks})"
                fields.update({r[0]: (r[1], r[2], r[3]) for r in self._execute(cur, sql, chunk).fetchall()})
            if missing := [doc_id for doc_id in ids if doc_id not in fields]:
                raise StoreError(f"no stored document with id {missing[0]!r}; fix: ingest it first")
            record_deleted(self, cur, ids)
            for table, of in (("mentions", ids), ("candidates", [i for i, _, c in items if c is not None])):
                for chunk, marks in in_chunks(of):
                    self._execute(cur, f"DELETE FROM {table} WHERE doc_id IN ({marks})", chunk)
            rows = [mention_values(m, fields[doc_id]) for doc_id, mentions, _ in items for m in mentions]
            if rows:
                self._insert_mentions(cur, rows)
                record_added(self, cur, rows)
                mark_documents(self, cur, [doc_id for doc_id, mentions, _ in items if mentions])
            compact_if_grown(self, cur)
            self._execute_many(cur, CANDIDATE_INSERT, [candidate_row(doc_id, c) for doc_id, _, cands in items
                                                       for c in cands or ()])

    # ---------------------------------------------------------------- reading
    def revision(self) -> int:
        """A number that changes with every committed write to the store, by this process or any other (the CLI
        ingesting while the app runs): a cache key for everything read from it."""
        with self._read() as cur:
            return int(self._execute(cur, "SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])

    def is_empty(self) -> bool:
        """True when no document is stored."""
        with self._read() as cur:
            return self._execute(cur, "SELECT 1 FROM documents LIMIT 1").fetchone() is None

    def documents(self, ids: Sequence[str] | None = None) -> list[Document]:
        """Every stored document (text and metadata), or those of ``ids`` that are stored, ordered by id."""
        sql = "SELECT id, text, lang, source, date, date_origin, url, title, speakers, path FROM documents"
        with self._read() as cur:
            if ids is None:
                rows = self._execute(cur, sql + " ORDER BY id").fetchall()
            else:
                rows = []
                for chunk, marks in in_chunks(ids):
                    rows += self._execute(cur, f"{sql} WHERE id IN ({marks})", chunk).fetchall()
                rows.sort(key=lambda r: r[0])
        return [Document(id=r[0], text=r[1], lang=r[2], source=r[3],
                         date=dt.date.fromisoformat(r[4]) if r[4] else None, date_origin=r[5], url=r[6],
                         title=r[7], speakers=tuple(json.loads(r[8] or "[]")), path=r[9]) for r in rows]

    def candidates(self) -> list[Candidate]:
        """Every stored candidate name (the curator's loop), ordered by document and offset."""
        with self._read() as cur:
            rows = self._execute(cur, 'SELECT doc_id, start, "end", surface, trigger, passage FROM candidates '
                                      "ORDER BY doc_id, start").fetchall()
        return [Candidate(doc_id=r[0], start=r[1], end=r[2], surface=r[3], trigger=r[4], passage=r[5] or "")
                for r in rows]

    def facets(self) -> Facets:
        """Distinct sources, languages and place types, the date range and the counts."""
        with self._read() as cur:
            def column(sql: str) -> tuple[str, ...]:
                return tuple(r[0] for r in self._execute(cur, sql).fetchall())

            sources = column(distinct_sql("documents", "source"))
            langs = column(distinct_sql("documents", "lang"))
            types = column(distinct_sql("mentions", "place_type"))
            lo, hi = self._execute(cur, "SELECT MIN(date), MAX(date) FROM documents").fetchone()
            n_docs = self._execute(cur, "SELECT COUNT(*) FROM documents").fetchone()[0]
            # the per-place cube sums to every stored mention: a few thousand rows, not a count of the mentions
            # (PostgreSQL at 1M: 44 -> 7 ms)
            n_mentions = self._execute(cur, "SELECT COALESCE(SUM(n), 0) FROM agg_place").fetchone()[0]
        return Facets(sources, langs, types, dt.date.fromisoformat(lo) if lo else None,
                      dt.date.fromisoformat(hi) if hi else None, int(n_docs), int(n_mentions))

    def query(self, filters: Filters | None = None, *, limit: int | None = None, newest_first: bool = False
              ) -> pd.DataFrame:
        """The mentions kept by ``filters``, one row per mention, columns :data:`COLUMNS`.

        ``date`` is an ISO ``'YYYY-MM-DD'`` string or None; ``threat`` is bool; ``passage`` is the quoted
        sentence. Rows are ordered by date (undated last), document and offset; ``newest_first`` reverses the
        dated ones (undated still last); ``limit`` keeps the first rows only (a page: the passages of what is
        shown). Answered by the database from its indexes; nothing is kept in memory between calls.
        """
        with self._read() as cur:
            sql, params = rows_sql(filters or Filters(), self.dialect, reviews=self._has_reviews(cur), limit=limit,
                                   newest_first=newest_first)
            return frame(self._execute(cur, sql, params).fetchall())

    def counts(self, filters: Filters | None = None) -> Counts:
        """Mentions, threat mentions, places and documents of the selection (the first three summed from the
        per-place aggregate, documents counted apart)."""
        f = filters or Filters()
        with self._read() as cur:
            reviews = self._has_reviews(cur)
            groups = aggregate_rows(self, cur, f, reviews=reviews)
            doc_sql, doc_params = documents_query(f, self.dialect, reviews=reviews)
            documents = self._execute(cur, doc_sql, doc_params).fetchone()[0]
            capped = self._text_capped(cur, f)
        return Counts(sum(int(g[2]) for g in groups), sum(int(g[3] or 0) for g in groups),
                      len({g[0] for g in groups if g[0] is not None}), int(documents), capped)

    def text_capped(self, filters: Filters | None = None) -> bool:
        """Whether the text search of ``filters`` matches more documents than its ``text_limit`` (the selection
        then holds the most recently stored of them only; ``replace(filters, text_limit=None)`` holds every
        match). False without a search or a limit."""
        with self._read() as cur:
            return self._text_capped(cur, filters or Filters())

    def _text_capped(self, cur: Any, f: Filters) -> bool:
        asked = capped_sql(f, self.dialect)
        return asked is not None and bool(self._execute(cur, *asked).fetchone()[0])

    def document_count(self, filters: Filters | None = None) -> int:
        """The documents with a mention kept by ``filters`` (what :meth:`counts` adds to :meth:`aggregate`)."""
        with self._read() as cur:
            sql, params = documents_query(filters or Filters(), self.dialect, reviews=self._has_reviews(cur))
            return int(self._execute(cur, sql, params).fetchone()[0])

    def aggregate(self, filters: Filters | None = None) -> pd.DataFrame:
        """One row per (place, qualifier) of the selection, columns :data:`AGGREGATE_COLUMNS` (``qualifier``
        None when unqualified; dates ISO strings or None), most mentioned first."""
        with self._read() as cur:
            rows = aggregate_rows(self, cur, filters or Filters(), reviews=self._has_reviews(cur))
        df = pd.DataFrame({
            "place_id": pd.Series([r[0] for r in rows], dtype=object),
            "qualifier": pd.Series([r[1] for r in rows], dtype=object),
            "mentions": np.array([r[2] for r in rows], dtype=np.int64),
            "threats": np.array([r[3] or 0 for r in rows], dtype=np.int64),
            "first_date": pd.Series([r[4] for r in rows], dtype=object),
            "last_date": pd.Series([r[5] for r in rows], dtype=object),
            "uncertain": np.array([bool(r[6]) for r in rows], dtype=bool),
            "unlocated": np.array([r[7] or 0 for r in rows], dtype=np.int64),
        }, columns=list(AGGREGATE_COLUMNS))
        return df.sort_values(["mentions", "place_id"], ascending=[False, True], kind="stable").reset_index(drop=True)

    def monthly(self, filters: Filters | None = None) -> tuple[pd.DataFrame, int]:
        """Mentions per month of the selection (index ``YYYY-MM`` named ``month``, columns ``threat`` and
        ``other``, in order) and the number of undated mentions (not in the table)."""
        with self._read() as cur:
            sql, params = monthly_query(filters or Filters(), self.dialect, reviews=self._has_reviews(cur))
            rows = self._execute(cur, sql, params).fetchall()
        dated = sorted((r for r in rows if r[0] is not None), key=lambda r: r[0])
        undated = sum(int(r[2] or 0) for r in rows if r[0] is None)
        table = pd.DataFrame({"threat": np.array([int(r[1] or 0) for r in dated], dtype=np.int64),
                              "other": np.array([int(r[2] or 0) - int(r[1] or 0) for r in dated], dtype=np.int64)},
                             index=pd.Index(np.array([r[0] for r in dated], dtype=object), name="month"))
        table.columns.name = "threat"
        return table, undated

    def place_keys(self) -> pd.DataFrame:
        """One mention of every (place, qualifier) of the store, reviews applied, as :meth:`query` rows: what the
        map's geometries are resolved from, once per revision."""
        with self._read() as cur:
            reviews = self._has_reviews(cur)
            sql = place_keys_sql(self.dialect, keys_sql(), reviews=reviews)
            ordered = self.dialect.name == "postgresql"
            if ordered:  # the probes walk ``mentions_key`` in order and stop at once (a bitmap reads every mention
                self._execute(cur, "SET LOCAL enable_bitmapscan = off")  # of the key, then sorts: 13 s -> 0.1 s)
            rows = frame(self._execute(cur, sql, (THRESHOLD,) * (2 if reviews else 1)).fetchall())
            if ordered:
                self._execute(cur, "RESET enable_bitmapscan")
        key = rows["qualifier"].where(rows["qualifier"].notna(), "")
        return rows[~pd.DataFrame({"p": rows["place_id"], "q": key}).duplicated()].reset_index(drop=True)

    def reviewed_document_ids(self) -> list[str]:
        """The ids of the stored documents whose text has a review, in order."""
        with self._read() as cur:
            return [r[0] for r in self._execute(cur, "SELECT id FROM documents WHERE text_hash IN (SELECT text_hash "
                                                     "FROM reviews) ORDER BY id").fetchall()]

    def _has_reviews(self, cur: Any) -> bool:
        """Whether any review is stored (else the queries read the mentions table alone)."""
        return self._execute(cur, "SELECT 1 FROM reviews LIMIT 1").fetchone() is not None

    def orphan_reviews(self) -> tuple[Orphan, ...]:
        """Reviews that no longer match a stored text, or whose span has no mention and gives no place to add
        one (reported by ``reviews list``; never dropped)."""
        why = {"text": "no stored document has this text any more (edited or removed)",
               "span": "the parser finds no mention at these offsets and the review gives no place to add one"}
        with self._read() as cur:
            rows = self._execute(cur, orphans_sql()).fetchall()
        return tuple(Orphan(review_of_row(r[:-1]), why[r[-1]]) for r in rows)
