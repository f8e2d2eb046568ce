"""The analyst's reviews: one table keyed by (text hash, start, end), and a history table that keeps every write.

A review confirms, rejects or corrects one mention (or adds one the parser missed). It is keyed to the SHA-256
of the document's *text* and the mention's character offsets, never to row ids: it survives ``reindex``,
re-ingest, a new gazetteer and a new model, and it is applied to the machine's mentions when they are read
(:mod:`threatmap.store.overlay`). The last write per mention wins; ``review_history`` keeps all of them.
Each write is one transaction (the review and its history row together): a killed process leaves both or
neither.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from threatmap.errors import ReviewError, StoreError
from threatmap.geometry import where_of
from threatmap.models import BBOX_COLUMNS, Where
from threatmap.protocols import PlaceLookup

__all__ = ["REVIEW_SCHEMA", "REVIEW_SELECT", "Review", "ReviewLog", "ReviewPlace", "point_place", "review_of_row",
           "text_hash"]

POINT_TYPE = "point"
"""``place_type`` of a place given by a clicked point (not in the gazetteer)."""

_FIELDS = ("text_hash", "start", "end", "doc_id", "surface", "threat", "not_a_place", "place_id", "name",
           "place_type", "lat", "lon", *BBOX_COLUMNS, "geometry_type", "precision", "reviewer", "reason",
           "reviewed_at")
_COLS = ", ".join(f'"{c}"' for c in _FIELDS)
_DDL = """text_hash TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, doc_id TEXT NOT NULL,
    surface TEXT NOT NULL, threat INTEGER, not_a_place INTEGER NOT NULL DEFAULT 0, place_id TEXT, name TEXT,
    place_type TEXT, lat REAL, lon REAL, min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL, geometry_type TEXT,
    precision INTEGER, reviewer TEXT, reason TEXT, reviewed_at TEXT NOT NULL"""

REVIEW_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS reviews ({_DDL}, PRIMARY KEY (text_hash, start, "end"));
CREATE TABLE IF NOT EXISTS review_history (seq INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT NOT NULL, {_DDL});
"""
"""The two review tables (``CREATE … IF NOT EXISTS``); no foreign key to the documents: reviews outlive them."""
REVIEW_SELECT = f'SELECT {_COLS} FROM reviews ORDER BY doc_id, start, "end"'
"""Every current review, columns in the order :func:`review_of_row` reads."""


def text_hash(text: str) -> str:
    """SHA-256 of a document's text (UTF-8): what a review is keyed to, with the offsets."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ReviewPlace:
    """The place a reviewer chose: a gazetteer place, or a clicked point (``place_type`` ``"point"``)."""

    place_id: str
    name: str
    place_type: str
    where: Where


@dataclass(frozen=True, slots=True)
class Review:
    """One analyst's judgement on the span ``[start, end)`` of a document's text.

    ``threat`` None and ``place`` None keep the machine's value; ``not_a_place`` removes the mention (an
    ``ignore`` span in the exported gold).
    """

    doc_id: str
    text_hash: str
    start: int
    end: int
    surface: str
    threat: bool | None = None
    place: ReviewPlace | None = None
    not_a_place: bool = False
    reviewer: str | None = None
    reason: str | None = None
    reviewed_at: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.text_hash, self.start, self.end)

    def merged_over(self, older: Review | None) -> Review:
        """This review, keeping ``older``'s threat / place where this one leaves them unset (same mention)."""
        if older is None or self.not_a_place:
            return self
        return replace(self, threat=self.threat if self.threat is not None else older.threat,
                       place=self.place if self.place is not None else (None if older.not_a_place else older.place))

    def row(self) -> tuple[object, ...]:
        p = self.place
        where = p.where if p else None
        return (self.text_hash, self.start, self.end, self.doc_id, self.surface,
                None if self.threat is None else int(self.threat), int(self.not_a_place),
                p.place_id if p else None, p.name if p else None, p.place_type if p else None,
                where.lat if where else None, where.lon if where else None,
                *(where.bbox if where else (None,) * 4), where.geometry_type if where else None,
                where.precision if where else None, self.reviewer, self.reason, self.reviewed_at)


def review_of_row(row: Sequence[object]) -> Review:
    """A :class:`Review` from a row of :data:`REVIEW_SELECT` (or of the history, without its first two columns)."""
    v = dict(zip(_FIELDS, row, strict=True))
    place = None
    if v["place_id"] is not None:
        where = Where(float(v["lat"]), float(v["lon"]),  # type: ignore[arg-type]
                      tuple(float(v[c]) for c in BBOX_COLUMNS),  # type: ignore[arg-type]
                      str(v["geometry_type"]), int(v["precision"]))  # type: ignore[call-overload]
        place = ReviewPlace(str(v["place_id"]), str(v["name"]), str(v["place_type"]), where)
    return Review(doc_id=str(v["doc_id"]), text_hash=str(v["text_hash"]), start=int(v["start"]),  # type: ignore
                  end=int(v["end"]), surface=str(v["surface"]),  # type: ignore[call-overload]
                  threat=None if v["threat"] is None else bool(v["threat"]), place=place,
                  not_a_place=bool(v["not_a_place"]), reviewer=v["reviewer"],  # type: ignore[arg-type]
                  reason=v["reason"], reviewed_at=str(v["reviewed_at"]))  # type: ignore[arg-type]


def gazetteer_place(gazetteer: PlaceLookup, place_id: str) -> ReviewPlace:
    """The reviewer's choice of a gazetteer place (its geometry summarised as a mention's :class:`Where`)."""
    place = gazetteer.get(place_id)
    if place is None or place.geometry is None:
        raise ReviewError(f"expected a place id of the gazetteer, got {place_id!r}; fix: find it with "
                          f"`python -m threatmap places --search NAME`")
    return ReviewPlace(place.id, place.name, place.type, where_of(place, None))


def point_place(lat: float, lon: float, *, name: str, precision: int = 1) -> ReviewPlace:
    """A place given by a point (a click on the map) with precision 1 (exact) or 2 (the area around it)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ReviewError(f"expected a point with -90 <= lat <= 90 and -180 <= lon <= 180, got ({lat!r}, {lon!r})")
    if precision not in (1, 2):
        raise ReviewError(f"a clicked point has precision 1 (exact) or 2 (near), got {precision!r}")
    lat, lon = round(float(lat), 5), round(float(lon), 5)
    return ReviewPlace(f"point:{lat:.5f},{lon:.5f}", name, POINT_TYPE, Where(lat, lon, (lon, lat, lon, lat),
                                                                               "Point", precision))


class ReviewLog:
    """The review tables of a store file, through a connection of their own (WAL; safe next to a Store).

    Safe to share between threads (one connection behind a lock), e.g. through Streamlit's ``cache_resource``.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | str) -> ReviewLog:
        """Open the review tables of the store at ``path`` (creating them if needed)."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(f"BEGIN; {REVIEW_SCHEMA} COMMIT;")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the reviews of the store {str(path)!r}: {exc}; fix: check the path "
                             f"(--store or THREATMAP_STORE)") from None
        return cls(conn, path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ReviewLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write to the store {str(self.path)!r}: {exc}; fix: retry, or close the "
                                 f"program holding it") from None
            try:
                yield cur
                if cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
                    cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")  # the store's revision
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def document_text(self, doc_id: str) -> str:
        """The stored text of ``doc_id``; ReviewError when no such document is stored."""
        rows = self._read("SELECT text FROM documents WHERE id = ?", (doc_id,)) if self._has_documents() else []
        row = rows[0] if rows else None
        if row is None:
            raise ReviewError(f"expected the id of a stored document, got {doc_id!r}; fix: see the ids in "
                              f"`python -m threatmap export --format csv --out -` (column doc_id)")
        return str(row[0])

    def _has_documents(self) -> bool:
        return bool(self._read("SELECT 1 FROM sqlite_master WHERE name = 'documents'"))

    def make(self, doc_id: str, start: int, end: int, *, threat: bool | None = None,
             place: ReviewPlace | None = None, not_a_place: bool = False, reviewer: str | None = None,
             reason: str | None = None) -> Review:
        """A review of ``doc_id[start:end]``, the offsets checked against the stored text (not yet written)."""
        text = self.document_text(doc_id)
        if not (0 <= start < end <= len(text)):
            raise ReviewError(f"expected offsets 0 <= start < end <= {len(text)} (the length of {doc_id!r}), got "
                              f"start={start!r} end={end!r}; fix: take them from `export --per-mention`")
        surface = text[start:end]
        if surface != surface.strip() or not surface.strip():
            raise ReviewError(f"a mention's span starts and ends on a letter, got {surface!r} at {start}-{end} of "
                              f"{doc_id!r}; fix: trim the spaces from the span")
        if place is not None and not_a_place:
            raise ReviewError("a review gives a place or says 'not a place', not both; fix: drop one of them")
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return Review(doc_id=doc_id, text_hash=text_hash(text), start=start, end=end, surface=surface,
                      threat=threat, place=place, not_a_place=not_a_place, reviewer=_clean(reviewer),
                      reason=_clean(reason), reviewed_at=now)

    def record(self, review: Review) -> Review:
        """Write ``review`` (merged over the current review of the same mention) and its history row."""
        with self._write() as cur:
            old = cur.execute(f'SELECT {_COLS} FROM reviews WHERE text_hash = ? AND start = ? AND "end" = ?',
                              review.key).fetchone()
            final = review.merged_over(review_of_row(old) if old else None)
            marks = ", ".join("?" * len(_FIELDS))
            cur.execute(f"INSERT OR REPLACE INTO reviews ({_COLS}) VALUES ({marks})", final.row())
            cur.execute(f"INSERT INTO review_history (action, {_COLS}) VALUES ('review', {marks})", final.row())
        return final

    def undo(self, doc_id: str, start: int, end: int, *, reviewer: str | None = None) -> Review:
        """Remove the current review of ``doc_id[start:end]`` (the history keeps it, and the undo)."""
        digest = text_hash(self.document_text(doc_id))
        with self._write() as cur:
            old = cur.execute(f'SELECT {_COLS} FROM reviews WHERE text_hash = ? AND start = ? AND "end" = ?',
                              (digest, start, end)).fetchone()
            if old is None:
                raise ReviewError(f"expected a reviewed mention, got none at {doc_id!r} {start}-{end}; fix: see "
                                  f"`python -m threatmap reviews list`")
            cur.execute('DELETE FROM reviews WHERE text_hash = ? AND start = ? AND "end" = ?', (digest, start, end))
            gone = replace(review_of_row(old), reviewer=_clean(reviewer) or review_of_row(old).reviewer,
                           reviewed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            cur.execute(f"INSERT INTO review_history (action, {_COLS}) VALUES ('undo', "
                        f"{', '.join('?' * len(_FIELDS))})", gone.row())
        return review_of_row(old)

    def reviews(self) -> list[Review]:
        """Every current review, ordered by document and offset."""
        return [review_of_row(r) for r in self._read(REVIEW_SELECT)]

    def history(self) -> list[tuple[str, Review]]:
        """Every write ever made, oldest first: ``("review" | "undo", review)``."""
        rows = self._read(f"SELECT action, {_COLS} FROM review_history ORDER BY seq")
        return [(str(r[0]), review_of_row(r[1:])) for r in rows]


def _clean(value: str | None) -> str | None:
    """Free text as given, capped at 500 characters; blank -> None (rendering escapes it, storage keeps it)."""
    if value is None or not value.strip():
        return None
    return value.strip()[:500]
