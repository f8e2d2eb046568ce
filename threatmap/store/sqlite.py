"""SQLite store of documents, mentions and candidates: idempotent by content hash, queried behind Filters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from threatmap.errors import DocumentError, StoreError
from threatmap.models import Candidate, Document, Mention
from threatmap.store.filters import Filters
from threatmap.store.overlay import Orphan, overlay
from threatmap.store.reviews import REVIEW_SCHEMA, REVIEW_SELECT, review_of_row
from threatmap.store.schema import (
    MENTION_INSERT,
    MENTION_SELECT,
    MIGRATIONS,
    SCHEMA,
    SCHEMA_VERSION,
    mention_values,
)
from threatmap.store.snapshot import DOC_SELECT, Snapshot


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


def content_hash(doc: Document) -> str:
    """SHA-256 of the document id, text and metadata (not its path: moving a file changes nothing)."""
    payload = [doc.id, doc.text, doc.lang, doc.source, doc.date.isoformat() if doc.date else None,
               doc.date_origin, doc.url, doc.title, list(doc.speakers)]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


class Store:
    """One SQLite file (WAL) holding documents, mentions and candidate names.

    Open with :meth:`Store.open`; use as a context manager or call :meth:`close`. Safe to share between threads
    (one connection behind a lock), e.g. through Streamlit's ``cache_resource``. Each write is one transaction:
    a killed process leaves either the whole document with all its mentions, or nothing of it.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()
        self._writes = 0
        self._snapshot: tuple[tuple[int, int], Snapshot, tuple[Orphan, ...]] | None = None

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (or create, with its parent folder and schema) the store at ``path``."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the store {str(path)!r}: {exc}; fix: check the path (--store or "
                             f"THREATMAP_STORE) and its permissions") from None
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            while version in MIGRATIONS:
                conn.executescript(f"BEGIN; {MIGRATIONS[version]} PRAGMA user_version={version + 1}; COMMIT;")
                version += 1
            if version not in (0, SCHEMA_VERSION):
                raise StoreError(f"the store {str(path)!r} has schema version {version}, expected "
                                 f"{SCHEMA_VERSION}; fix: move it away and ingest the documents again")
            conn.executescript(f"BEGIN; {SCHEMA} {REVIEW_SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{str(path)!r} is not a usable threatmap store: {exc}; fix: point --store or "
                             f"THREATMAP_STORE to another file, or delete this one and ingest again") from None
        except StoreError:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- writing
    def add_document(self, doc: Document, mentions: Sequence[Mention], candidates: Sequence[Candidate] = ()
                     ) -> bool:
        """Store one document with its mentions in one transaction.

        Returns
        -------
        bool
            False when this exact content is already stored (unchanged), True when it was added or updated
            (same id and same path, new content: a re-ingested edited file).

        Raises
        ------
        DocumentError
            When another document already has this id (kept as it is; give the new one a distinct id).
        """
        status = self.add_batch([(doc, mentions, candidates)])[0]
        if isinstance(status, DocumentError):
            raise status
        return status != "unchanged"

    def add_batch(self, items: Iterable[tuple[Document, Sequence[Mention], Sequence[Candidate]]]
                  ) -> list[str | DocumentError]:
        """Store the documents of one file in one transaction; per document ``"added"``, ``"updated"``,
        ``"unchanged"`` or the DocumentError of a duplicate id (that document is skipped, the others kept)."""
        results: list[str | DocumentError] = []
        seen: set[str] = set()
        with self._transaction() as cur:
            for doc, mentions, candidates in items:
                results.append(self._put(cur, doc, mentions, candidates, seen))
        return results

    def _put(self, cur: sqlite3.Cursor, doc: Document, mentions: Sequence[Mention],
             candidates: Sequence[Candidate], seen: set[str]) -> str | DocumentError:
        digest = content_hash(doc)
        row = cur.execute("SELECT content_hash, path FROM documents WHERE id = ?", (doc.id,)).fetchone()
        if row and row[0] == digest:
            seen.add(doc.id)
            return "unchanged"
        if row and (doc.id in seen or row[1] != doc.path):
            return DocumentError(
                f"document id {doc.id!r} is already stored (from {row[1]!r}) with different content; "
                f"the stored one is kept; fix: give this document a distinct 'id:' in its front matter "
                f"(or a distinct \"id\" in the JSONL line)")
        seen.add(doc.id)
        if row:
            cur.execute("DELETE FROM documents WHERE id = ?", (doc.id,))  # mentions and candidates cascade
        cur.execute(
            "INSERT INTO documents (id, content_hash, text, lang, source, date, date_origin, url, title, path, "
            "speakers, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, digest, doc.text, doc.lang, doc.source, doc.date.isoformat() if doc.date else None,
             doc.date_origin, doc.url, doc.title, doc.path, json.dumps(list(doc.speakers), ensure_ascii=False),
             dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
        self._insert_children(cur, doc.id, mentions, candidates)
        return "updated" if row else "added"

    def contains(self, doc: Document) -> bool:
        """True when this exact document (same id, text and metadata) is stored."""
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM documents WHERE content_hash = ?", (content_hash(doc),))
            return row.fetchone() is not None

    def replace_mentions(self, doc_id: str, mentions: Sequence[Mention],
                         candidates: Sequence[Candidate] | None = None) -> None:
        """Replace a stored document's mentions (and candidates, when given) in one transaction (reindex)."""
        with self._transaction() as cur:
            row = cur.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise StoreError(f"no stored document with id {doc_id!r}; fix: ingest it first")
            cur.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
            if candidates is not None:
                cur.execute("DELETE FROM candidates WHERE doc_id = ?", (doc_id,))
            self._insert_children(cur, doc_id, mentions, candidates or ())

    @staticmethod
    def _insert_children(cur: sqlite3.Cursor, doc_id: str, mentions: Sequence[Mention],
                         candidates: Sequence[Candidate]) -> None:
        rows = [mention_values(m) for m in mentions]  # the passage is text[passage_start:passage_end], not a copy
        cur.executemany(MENTION_INSERT, rows)
        cur.executemany("INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?)",
                        [(doc_id, c.start, c.end, c.surface, c.trigger, c.passage) for c in candidates])

    @contextmanager
    def _transaction(self, *, write: bool = True) -> Iterator[sqlite3.Cursor]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any error), under the store's lock; with
        ``write=False`` a read transaction (``BEGIN`` … ``COMMIT``): every SELECT in it sees one state of the file
        (a WAL snapshot), whatever other processes commit meanwhile."""
        verb = "write to" if write else "read"
        with self._lock:
            try:
                cur = self._conn.cursor()
                cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot {verb} the store {str(self.path)!r}: {exc}; fix: close other "
                                 f"programs writing to it, check the disk") from None
            try:
                yield cur
            except BaseException as exc:
                try:
                    cur.execute("ROLLBACK")
                finally:
                    self._writes += write
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"cannot {verb} the store {str(self.path)!r}: {exc}") from exc
                raise
            try:
                if write:  # every commit, from any process, moves the revision the app caches on
                    cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
                cur.execute("COMMIT")
            except sqlite3.Error as err:
                cur.execute("ROLLBACK")
                raise StoreError(f"cannot commit to the store {str(self.path)!r}: {err}") from None
            finally:
                self._writes += write

    # ---------------------------------------------------------------- reading
    def revision(self) -> int:
        """A number that grows with every committed write to the store, by this process or any other (the CLI
        ingesting while the app runs): a cache key for everything read from it.

        The sum of the store's commit counter (bumped by every threatmap write) and this connection's
        ``PRAGMA data_version`` (which moves when any other connection commits, e.g. a curator's ``sqlite3``).
        """
        with self._lock:
            return self._one("SELECT value FROM meta WHERE key = 'revision'") + self._one("PRAGMA data_version")

    def is_empty(self) -> bool:
        """True when no document is stored."""
        return self._one("SELECT NOT EXISTS (SELECT 1 FROM documents)") == 1

    def documents(self) -> list[Document]:
        """Every stored document (text and metadata), ordered by id."""
        with self._lock:
            rows = self._conn.execute("SELECT id, text, lang, source, date, date_origin, url, title, speakers, path "
                                      "FROM documents ORDER BY id").fetchall()
        return [Document(id=r[0], text=r[1], lang=r[2], source=r[3],
                         date=dt.date.fromisoformat(r[4]) if r[4] else None, date_origin=r[5], url=r[6],
                         title=r[7], speakers=tuple(json.loads(r[8] or "[]")), path=r[9]) for r in rows]

    def candidates(self) -> list[Candidate]:
        """Every stored candidate name (the curator's loop), ordered by document and offset."""
        with self._lock:
            rows = self._conn.execute('SELECT doc_id, start, "end", surface, trigger, passage FROM candidates '
                                      "ORDER BY doc_id, start").fetchall()
        return [Candidate(doc_id=r[0], start=r[1], end=r[2], surface=r[3], trigger=r[4], passage=r[5] or "")
                for r in rows]

    def facets(self) -> Facets:
        """Distinct sources, languages and place types, the date range and the counts."""
        with self._transaction(write=False) as c:
            sources = tuple(r[0] for r in c.execute(
                "SELECT DISTINCT source FROM documents WHERE source IS NOT NULL ORDER BY source"))
            langs = tuple(r[0] for r in c.execute(
                "SELECT DISTINCT lang FROM documents WHERE lang IS NOT NULL ORDER BY lang"))
            types = tuple(r[0] for r in c.execute(
                "SELECT DISTINCT place_type FROM mentions WHERE place_type IS NOT NULL ORDER BY place_type"))
            lo, hi = c.execute("SELECT MIN(date), MAX(date) FROM documents").fetchone()
            n_docs = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            n_mentions = c.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
        return Facets(sources, langs, types, dt.date.fromisoformat(lo) if lo else None,
                      dt.date.fromisoformat(hi) if hi else None, n_docs, n_mentions)

    def query(self, filters: Filters | None = None) -> pd.DataFrame:
        """The mentions kept by ``filters``, one row per mention, columns :data:`COLUMNS`.

        ``date`` is an ISO ``'YYYY-MM-DD'`` string or None; ``threat`` is bool; ``passage`` is the quoted
        sentence. Rows are ordered by date, document and offset.

        All mentions are loaded once into memory (one SQL query, reloaded only after a write by this or another
        process, detected with ``PRAGMA data_version``); each query then filters with vectorised masks, which
        answers in a few milliseconds at 100k mentions whatever the share of rows kept (see bench/store.py).
        """
        snap = self._current_snapshot()
        return snap.select(filters or Filters())

    def _current_snapshot(self) -> Snapshot:
        with self._lock:
            key = (self._one("PRAGMA data_version"), self._writes)
            if self._snapshot is None or self._snapshot[0] != key:
                with self._transaction(write=False) as cur:  # documents, mentions and reviews from one state: a
                    docs = cur.execute(DOC_SELECT).fetchall()  # commit between them (an ingest in another process)
                    mentions = cur.execute(MENTION_SELECT).fetchall()  # cannot split them
                    reviews = [review_of_row(r) for r in cur.execute(REVIEW_SELECT).fetchall()]
                applied = overlay(docs, mentions, reviews)
                self._snapshot = (key, Snapshot(docs, applied.mentions, applied.review_values), applied.orphans)
            return self._snapshot[1]

    def orphan_reviews(self) -> tuple[Orphan, ...]:
        """Reviews that no longer match a stored text or mention (reported by ``reviews list``; never dropped)."""
        with self._lock:
            self._current_snapshot()
            assert self._snapshot is not None
            return self._snapshot[2]

    def _one(self, sql: str) -> int:
        with self._lock:
            return self._conn.execute(sql).fetchone()[0]
