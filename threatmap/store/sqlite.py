"""SQLite store of documents, mentions and candidates: idempotent by content hash, queried behind Filters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from threatmap.errors import DocumentError, StoreError
from threatmap.lang.normalize import normalize_key
from threatmap.models import Candidate, Document, Mention
from threatmap.store.filters import Filters

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL, lang TEXT, source TEXT,
    date TEXT, date_origin TEXT, url TEXT, title TEXT, path TEXT, speakers TEXT NOT NULL DEFAULT '[]',
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    surface TEXT NOT NULL, place_id TEXT NOT NULL, name TEXT, place_type TEXT, lat REAL, lon REAL,
    min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL, geometry_type TEXT, precision INTEGER,
    threat INTEGER NOT NULL, cue TEXT, qualifier TEXT, speaker TEXT,
    passage_start INTEGER, passage_end INTEGER, passage TEXT
);
CREATE TABLE IF NOT EXISTS candidates (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    surface TEXT NOT NULL, trigger TEXT, passage TEXT
);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_lang ON documents(lang);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions(place_id);
CREATE INDEX IF NOT EXISTS mentions_type ON mentions(place_type);
CREATE INDEX IF NOT EXISTS mentions_threat ON mentions(threat);
CREATE INDEX IF NOT EXISTS candidates_doc ON candidates(doc_id);
"""

COLUMNS: tuple[str, ...] = (
    "doc_id", "title", "source", "url", "date", "lang", "start", "end", "surface", "place_id", "name",
    "place_type", "lat", "lon", "min_lon", "min_lat", "max_lon", "max_lat", "geometry_type", "precision",
    "threat", "cue", "qualifier", "speaker", "passage", "passage_start", "passage_end",
)
"""Columns of :meth:`Store.query`, in order."""

_DOC_SELECT = "SELECT id, title, source, url, date, lang, text FROM documents"
_MENTION_SELECT = """
SELECT doc_id, start, "end", surface, place_id, name, place_type, lat, lon, min_lon, min_lat, max_lon, max_lat,
       geometry_type, precision, threat, cue, qualifier, speaker, passage_start, passage_end
FROM mentions
"""


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
        self._snapshot: tuple[tuple[int, int], _Snapshot] | None = None

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
            if version not in (0, SCHEMA_VERSION):
                raise StoreError(f"the store {str(path)!r} has schema version {version}, expected "
                                 f"{SCHEMA_VERSION}; fix: move it away and ingest the documents again")
            conn.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
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
        self._insert_children(cur, doc.id, doc.text, mentions, candidates)
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
            row = cur.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise StoreError(f"no stored document with id {doc_id!r}; fix: ingest it first")
            cur.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
            if candidates is not None:
                cur.execute("DELETE FROM candidates WHERE doc_id = ?", (doc_id,))
            self._insert_children(cur, doc_id, row[0], mentions, candidates or ())

    @staticmethod
    def _insert_children(cur: sqlite3.Cursor, doc_id: str, text: str, mentions: Sequence[Mention],
                         candidates: Sequence[Candidate]) -> None:
        rows = []
        for m in mentions:
            passage = text[m.passage_start:m.passage_end]
            rows.append((doc_id, m.start, m.end, m.surface, m.place_id, m.name, m.place_type, m.lat, m.lon,
                         *m.bbox, m.geometry_type, m.precision, int(bool(m.threat)), m.cue, m.qualifier, m.speaker,
                         m.passage_start, m.passage_end, passage))
        cur.executemany(f"INSERT INTO mentions VALUES ({', '.join('?' * 22)})", rows)
        cur.executemany("INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?)",
                        [(doc_id, c.start, c.end, c.surface, c.trigger, c.passage) for c in candidates])

    def _transaction(self) -> _Transaction:
        return _Transaction(self)

    # ---------------------------------------------------------------- reading
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
        with self._lock:
            c = self._conn
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

    def _current_snapshot(self) -> _Snapshot:
        with self._lock:
            key = (self._one("PRAGMA data_version"), self._writes)
            if self._snapshot is None or self._snapshot[0] != key:
                docs = self._conn.execute(_DOC_SELECT).fetchall()
                mentions = self._conn.execute(_MENTION_SELECT).fetchall()
                self._snapshot = (key, _Snapshot(docs, mentions))
            return self._snapshot[1]

    def _one(self, sql: str) -> int:
        with self._lock:
            return self._conn.execute(sql).fetchone()[0]


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any error), under the store's lock."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> sqlite3.Cursor:
        self.store._lock.acquire()
        try:
            self.cur = self.store._conn.cursor()
            self.cur.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self.store._lock.release()
            raise StoreError(f"cannot write to the store {str(self.store.path)!r}: {exc}; fix: close other "
                             f"programs writing to it, check the disk") from None
        return self.cur

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        try:
            if exc_type is None:
                try:
                    self.cur.execute("COMMIT")
                except sqlite3.Error as err:
                    self.cur.execute("ROLLBACK")
                    raise StoreError(f"cannot commit to the store {str(self.store.path)!r}: {err}") from None
            else:
                self.cur.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"cannot write to the store {str(self.store.path)!r}: {exc}") from exc
        finally:
            self.store._writes += 1
            self.store._lock.release()


class _Snapshot:
    """All mentions as a DataFrame (ordered by date, document, offset) plus the arrays the filters test.

    Document fields are taken from one row per document and repeated strings are shared (interned), which
    keeps the load fast and the row selections cache-friendly.
    """

    _STRINGS = ("surface", "place_id", "name", "place_type", "geometry_type", "cue", "qualifier", "speaker")
    _INTS = ("start", "end", "precision", "passage_start", "passage_end")
    _FLOATS = ("lat", "lon", "min_lon", "min_lat", "max_lon", "max_lat")
    _MENTION_COLS = ("doc_id", "start", "end", "surface", "place_id", "name", "place_type", "lat", "lon", "min_lon",
                     "min_lat", "max_lon", "max_lat", "geometry_type", "precision", "threat", "cue", "qualifier",
                     "speaker", "passage_start", "passage_end")

    def __init__(self, docs: list[tuple], mentions: list[tuple]) -> None:
        docs = sorted(docs, key=lambda r: r[0])
        doc_pos = {r[0]: i for i, r in enumerate(docs)}
        doc_cols = list(zip(*docs, strict=True)) if docs else [()] * 7
        doc_day = np.array([dt.date.fromisoformat(d).toordinal() if d else -1 for d in doc_cols[4]], dtype=np.int64)
        raw = dict(zip(self._MENTION_COLS, zip(*mentions, strict=True), strict=True)) if mentions else {
            c: () for c in self._MENTION_COLS}
        pos = np.array([doc_pos[d] for d in raw["doc_id"]], dtype=np.int64)
        starts = np.array(raw["start"], dtype=np.int64)
        day = doc_day[pos] if len(pos) else np.array([], dtype=np.int64)
        order = np.lexsort((starts, pos, np.where(day < 0, np.iinfo(np.int64).max, day)))
        pos = pos[order]
        self.day = day[order]

        def obj(values: Sequence[Any]) -> np.ndarray:
            arr = np.empty(len(values), dtype=object)
            arr[:] = list(values)
            return arr

        frame: dict[str, Any] = {}
        for i, c in enumerate(("doc_id", "title", "source", "url", "date", "lang")):
            frame[c] = obj(doc_cols[i])[pos] if len(pos) else obj(())
        for c in self._STRINGS:
            codes, uniques = pd.factorize(obj(raw[c]))  # shares repeated strings; None gets code -1
            table = np.empty(len(uniques) + 1, dtype=object)  # the last slot stays None: code -1 picks None, not NaN
            table[:-1] = np.asarray(uniques, dtype=object)
            frame[c] = table[codes[order]] if len(codes) else obj(())
        for c in self._INTS:
            frame[c] = np.array(raw[c], dtype=np.int64)[order]
        for c in self._FLOATS:
            frame[c] = np.array(raw[c], dtype=np.float64)[order]
        self.threat = np.array(raw["threat"], dtype=bool)[order]
        frame["threat"] = self.threat
        texts = doc_cols[6]
        passages: dict[tuple[int, int, int], str] = {}
        frame["passage"] = obj([passages.setdefault(k, texts[k[0]][k[1]:k[2]]) for k in zip(
            pos.tolist(), frame["passage_start"].tolist(), frame["passage_end"].tolist(), strict=True)])
        # object dtype on purpose: pandas 3 would infer "str" columns and turn None into NaN
        self.df = pd.DataFrame({c: pd.Series(frame[c], dtype=frame[c].dtype, copy=False) for c in COLUMNS},
                               columns=list(COLUMNS))
        self.codes = {c: pd.factorize(frame[c]) for c in ("source", "lang", "place_id", "place_type")}
        self._passages: tuple[np.ndarray, str, np.ndarray] | None = None

    def _isin(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        codes, uniques = self.codes[column]
        return _lookup(codes, np.flatnonzero(pd.Index(uniques).isin(values)), len(uniques))

    def _text_mask(self, text: str) -> np.ndarray:
        if self._passages is None:  # normalised passages, computed on the first text search (one assignment:
            codes, uniques = pd.factorize(self.df["passage"].to_numpy())  # safe when threads race here)
            keys = [normalize_key(p or "").replace("\0", " ") for p in uniques]
            starts = np.cumsum([0] + [len(k) + 1 for k in keys[:-1]], dtype=np.int64)
            self._passages = (codes, "\0".join(keys), starts)
        codes, joined, starts = self._passages
        needle = normalize_key(text).replace("\0", " ")
        found = [m.start() for m in re.finditer(re.escape(needle), joined)] if needle else []
        hits = np.unique(np.searchsorted(starts, np.array(found, dtype=np.int64), side="right") - 1)
        return _lookup(codes, hits, len(starts))

    def select(self, f: Filters) -> pd.DataFrame:
        mask = np.ones(len(self.df), dtype=bool)
        if f.since is not None:
            mask &= self.day >= f.since.toordinal()
        if f.until is not None:
            mask &= (self.day >= 0) & (self.day <= f.until.toordinal())
        if f.threat_only:
            mask &= self.threat
        for column, values in (("source", f.sources), ("lang", f.langs), ("place_id", f.places),
                               ("place_type", f.types)):
            if values:
                mask &= self._isin(column, values)
        if f.text and f.text.strip():
            mask &= self._text_mask(f.text)
        if mask.all():
            return self.df.copy(deep=False)  # copy-on-write (pandas 3): changes to it never reach the snapshot
        return self.df.loc[mask].reset_index(drop=True)


def _lookup(codes: np.ndarray, wanted: np.ndarray, n: int) -> np.ndarray:
    """``codes`` in ``wanted`` (codes 0..n-1, -1 for missing, never wanted) through a lookup table: O(rows)."""
    table = np.zeros(n + 1, dtype=bool)
    table[wanted] = True
    return table[codes]
