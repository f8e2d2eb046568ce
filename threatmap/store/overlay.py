"""Reviews applied to the machine's mentions when they are read: final values, the machine's beside them, orphans.

A review matches the mentions of every stored document whose text hashes to its ``text_hash``, at the same
``start``/``end``. It sets ``threat`` and/or the place, or removes the mention ("not a place"); a review at
offsets where the machine found nothing adds a mention (when it gives a place). A review that matches no stored
text, or adds nothing it can draw, is an :class:`Orphan`: reported, never dropped from the review table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from threatmap.lang.sentences import sentence_span
from threatmap.models import BBOX_COLUMNS
from threatmap.store.reviews import Review, text_hash
from threatmap.store.schema import MENTION_COLUMNS, REVIEW_COLUMNS

__all__ = ["REVIEW_COLUMNS", "Orphan", "Overlaid", "overlay"]

_NAMES = tuple(c.name for c in MENTION_COLUMNS)
_INDEX = {n: i for i, n in enumerate(_NAMES)}


@dataclass(frozen=True, slots=True)
class Orphan:
    """A review that no longer applies, and why."""

    review: Review
    why: str


@dataclass(frozen=True, slots=True)
class Overlaid:
    """Mention rows (columns of :data:`MENTION_COLUMNS`) with reviews applied, their :data:`REVIEW_COLUMNS`
    values (one tuple per row), and the orphaned reviews."""

    mentions: list[tuple[object, ...]]
    review_values: list[tuple[object, ...]]
    orphans: tuple[Orphan, ...]


def overlay(docs: Sequence[Sequence[object]], mentions: Sequence[Sequence[object]], reviews: Sequence[Review]
            ) -> Overlaid:
    """Apply ``reviews`` to the machine's ``mentions`` of ``docs`` (rows of ``DOC_SELECT``: id first, text last)."""
    if not reviews:
        return Overlaid(list(map(tuple, mentions)), [_machine(m) for m in mentions], ())
    by_hash: dict[str, list[str]] = defaultdict(list)
    texts: dict[str, str] = {}
    for row in docs:
        doc_id, text = str(row[0]), str(row[-1])
        texts[doc_id] = text
        by_hash[text_hash(text)].append(doc_id)
    wanted: dict[tuple[str, int, int], Review] = {}
    orphans: list[Orphan] = []
    for review in reviews:
        ids = by_hash.get(review.text_hash)
        if not ids:
            orphans.append(Orphan(review, "no stored document has this text any more (edited or removed)"))
            continue
        for doc_id in ids:
            wanted[(doc_id, review.start, review.end)] = review
    out_rows: list[tuple[object, ...]] = []
    out_review: list[tuple[object, ...]] = []
    used: set[tuple[str, int, int]] = set()
    i_doc, i_start, i_end = _INDEX["doc_id"], _INDEX["start"], _INDEX["end"]
    for row in mentions:
        key = (str(row[i_doc]), int(row[i_start]), int(row[i_end]))  # type: ignore[call-overload]
        found = wanted.get(key)
        if found is None:
            out_rows.append(tuple(row))
            out_review.append(_machine(row))
            continue
        used.add(key)
        if found.not_a_place:
            continue
        out_rows.append(_reviewed_row(row, found))
        out_review.append((True, found.reviewer, found.reviewed_at, found.reason, bool(row[_INDEX["threat"]]),
                           row[_INDEX["place_id"]]))
    for key, review in wanted.items():
        if key in used or review.not_a_place:
            continue
        if review.place is None:
            orphans.append(Orphan(review, "the parser finds no mention at these offsets and the review gives no "
                                          "place to add one"))
            continue
        out_rows.append(_added_row(key[0], texts[key[0]], review))
        out_review.append((True, review.reviewer, review.reviewed_at, review.reason, None, None))
    return Overlaid(out_rows, out_review, tuple(orphans))


def _machine(row: Sequence[object]) -> tuple[object, ...]:
    return (False, None, None, None, bool(row[_INDEX["threat"]]), row[_INDEX["place_id"]])


def _reviewed_row(row: Sequence[object], review: Review) -> tuple[object, ...]:
    values = list(row)
    if review.threat is not None:
        _set_threat(values, review.threat, keep_cue=review.threat == bool(values[_INDEX["threat"]]))
    if review.place is not None:
        _set_place(values, review)
        values[_INDEX["qualifier"]] = None
    return tuple(values)


def _added_row(doc_id: str, text: str, review: Review) -> tuple[object, ...]:
    values: list[object] = [None] * len(_NAMES)
    a, b = sentence_span(text, review.start, review.end, reach=400)
    for name, value in (("doc_id", doc_id), ("start", review.start), ("end", review.end),
                        ("surface", review.surface), ("passage_start", a), ("passage_end", b)):
        values[_INDEX[name]] = value
    _set_threat(values, bool(review.threat))
    _set_place(values, review)
    return tuple(values)


def _set_threat(values: list[object], threat: bool, *, keep_cue: bool = False) -> None:
    """The reviewer's verdict; a model's probability becomes certain (whatever threshold a query applies)."""
    values[_INDEX["threat"]] = threat
    if "threat_p" in _INDEX:
        values[_INDEX["threat_p"]] = 1.0 if threat else 0.0
    if not keep_cue:
        values[_INDEX["cue"]] = "reviewed"


def _set_place(values: list[object], review: Review) -> None:
    place = review.place
    assert place is not None
    where = place.where
    for name, value in (("place_id", place.place_id), ("name", place.name), ("place_type", place.place_type),
                        ("lat", where.lat), ("lon", where.lon), ("geometry_type", where.geometry_type),
                        ("precision", where.precision), *zip(BBOX_COLUMNS, where.bbox, strict=True)):
        values[_INDEX[name]] = value
    if "resolved_by" in _INDEX:  # the place is the analyst's (a context-located name is resolved)
        values[_INDEX["resolved_by"]] = "review"
