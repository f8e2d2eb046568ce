"""The analyst's reviews: one table keyed by (text hash, start, end), and a history table that keeps every write.

A review confirms, rejects or corrects one mention (or adds one the parser missed). It is keyed to the SHA-256
of the document's *text* and the mention's character offsets, never to row ids: it survives ``reindex``,
re-ingest, a new gazetteer and a new model, and it is applied to the machine's mentions when they are read
(joined in SQL by every query: :func:`threatmap.store.sql.final_parts`). The last write per mention wins;
``review_history`` keeps all of them.
Each write is one transaction (the review and its history row together): a killed process leaves both or
neither.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from threatmap.errors import ReviewError
from threatmap.geometry import where_of
from threatmap.lang.sentences import sentence_span
from threatmap.models import BBOX_COLUMNS, Where
from threatmap.protocols import PlaceLookup
from threatmap.store.marks import mark_span
from threatmap.store.schema import REVIEW_FIELDS

if TYPE_CHECKING:
    from threatmap.store.base import SqlStore

__all__ = ["REVIEW_SELECT", "Orphan", "Review", "ReviewLog", "ReviewPlace", "point_place", "review_of_row",
           "text_hash"]

POINT_TYPE = "point"
"""``place_type`` of a place given by a clicked point (not in the gazetteer)."""

_FIELDS = REVIEW_FIELDS
_COLS = ", ".join(f'"{c}"' for c in _FIELDS)
_MARKS = ", ".join("?" * (len(_FIELDS) + 2))
_SELECT = f"SELECT {_COLS} FROM reviews"
REVIEW_SELECT = f'{_SELECT} ORDER BY doc_id, start, "end"'
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


@dataclass(frozen=True, slots=True)
class Orphan:
    """A review that no longer applies, and why."""

    review: Review
    why: str


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
    """The review tables of a store (either engine), written through the store's own transactions: each write is
    one transaction that also moves the store's revision (so the app's caches see it).

    ``ReviewLog(store)`` shares an open store (the app's); :meth:`open` opens the store at a target and closes it
    with the log. Safe to share between threads as the store is.
    """

    def __init__(self, store: SqlStore, *, owned: bool = False) -> None:
        self.store = store
        self._owned = owned

    @classmethod
    def open(cls, target: Path | str) -> ReviewLog:
        """The review log of the store at ``target`` (a SQLite path or a ``postgresql://`` URL)."""
        from threatmap.store.backend import Store

        return cls(Store.open(target), owned=True)  # type: ignore[arg-type]

    def close(self) -> None:
        if self._owned:
            self.store.close()

    def __enter__(self) -> ReviewLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self.store.reading() as cur:
            return [tuple(r) for r in self.store.run(cur, sql, params).fetchall()]

    def document_text(self, doc_id: str) -> str:
        """The stored text of ``doc_id``; ReviewError when no such document is stored."""
        rows = self._read("SELECT text FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise ReviewError(f"expected the id of a stored document, got {doc_id!r}; fix: see the ids in "
                              f"`python -m threatmap export --format csv --out -` (column doc_id)")
        return str(rows[0][0])

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
        """Write ``review`` (merged over the current review of the same mention) and its history row; the sentence
        around the span is kept with it (the passage of a mention the review adds)."""
        text = self.document_text(review.doc_id)
        span = sentence_span(text, review.start, review.end, reach=400)
        with self.store.writing() as cur:
            old = self.store.run(cur, f'{_SELECT} WHERE text_hash = ? AND start = ? AND "end" = ?',
                                      review.key).fetchone()
            final = review.merged_over(review_of_row(old) if old else None)
            self.store.run(cur, 'DELETE FROM reviews WHERE text_hash = ? AND start = ? AND "end" = ?',
                                review.key)
            self.store.run(cur, f"INSERT INTO reviews ({_COLS}, passage_start, passage_end) VALUES ({_MARKS})",
                                (*final.row(), *span))
            mark_span(self.store, cur, review.key)
            self._history(cur, "review", final, span)
        return final

    def _history(self, cur: object, action: str, review: Review, span: tuple[int, int] | tuple[None, None]) -> None:
        self.store.run(cur, f"INSERT INTO review_history (action, {_COLS}, passage_start, passage_end) VALUES "
                                 f"(?, {_MARKS})", (action, *review.row(), *span))

    def undo(self, doc_id: str, start: int, end: int, *, reviewer: str | None = None) -> Review:
        """Remove the current review of ``doc_id[start:end]`` (the history keeps it, and the undo)."""
        digest = text_hash(self.document_text(doc_id))
        with self.store.writing() as cur:
            old = self.store.run(cur, f'{_SELECT} WHERE text_hash = ? AND start = ? AND "end" = ?',
                                      (digest, start, end)).fetchone()
            if old is None:
                raise ReviewError(f"expected a reviewed mention, got none at {doc_id!r} {start}-{end}; fix: see "
                                  f"`python -m threatmap reviews list`")
            self.store.run(cur, 'DELETE FROM reviews WHERE text_hash = ? AND start = ? AND "end" = ?',
                                (digest, start, end))
            mark_span(self.store, cur, (digest, start, end))
            gone = replace(review_of_row(old), reviewer=_clean(reviewer) or review_of_row(old).reviewer,
                           reviewed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
            self._history(cur, "undo", gone, (None, None))
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
