"""Reviewed documents written as gold (the dev-set format of ``tests/data/gold``): what ``train`` and ``eval`` read.

One JSON object per stored document with at least one review: its metadata, its text and every mention as the
store answers it (reviews applied). A mention's ``threat`` is the reviewer's when the review judged it, else
``null`` (the machine's guess is not gold); a "not a place" review is an ``ignore`` span. ``reviewed``,
``reviewer`` and ``note`` (the reviewer's reason) say where each annotation came from.
"""

from __future__ import annotations

import json
from typing import Any

from threatmap.export import none_if_missing
from threatmap.store.backend import Store
from threatmap.store.filters import Filters
from threatmap.store.reviews import Review, ReviewLog, text_hash

__all__ = ["gold_bytes", "reviewed_gold"]


def reviewed_gold(store: Store, log: ReviewLog) -> list[dict[str, Any]]:
    """The gold documents of every reviewed stored document, ordered by id."""
    reviews: dict[tuple[str, int, int], Review] = {}
    for review in log.reviews():
        reviews[(review.text_hash, review.start, review.end)] = review
    if not reviews:
        return []
    out: list[dict[str, Any]] = []
    ids = store.reviewed_document_ids()
    frame = store.query(Filters(documents=tuple(ids))) if ids else store.query(Filters(places=("",)))
    for doc in store.documents(ids):
        digest = text_hash(doc.text)
        mine = {(s, e): r for (h, s, e), r in reviews.items() if h == digest}
        if not mine:
            continue
        mentions: list[dict[str, Any]] = []
        rows = frame[frame["doc_id"] == doc.id].to_dict("records")
        for row in rows:
            found = mine.get((int(row["start"]), int(row["end"])))
            mentions.append({
                "start": int(row["start"]), "end": int(row["end"]), "surface": row["surface"],
                "place": row["place_id"], "type": row["place_type"], "lat": float(row["lat"]),
                "lon": float(row["lon"]), "threat": found.threat if found else None,
                **({"qualifier": row["qualifier"]} if none_if_missing(row["qualifier"]) else {}),
                **_provenance(found)})
        for (start, end), review in mine.items():
            if review.not_a_place:
                mentions.append({"start": start, "end": end, "surface": review.surface, "place": None,
                                 "type": None, "lat": None, "lon": None, "threat": None, "ignore": True,
                                 **_provenance(review)})
        mentions.sort(key=lambda m: (m["start"], m["end"]))
        out.append({"id": doc.id, "lang": doc.lang, "source": doc.source, "url": doc.url,
                    "date": doc.date.isoformat() if doc.date else None, "title": doc.title, "text": doc.text,
                    "mentions": mentions})
    return out


def _provenance(review: Review | None) -> dict[str, Any]:
    if review is None:
        return {"reviewed": False}
    return {"reviewed": True, "reviewer": review.reviewer, "reviewed_at": review.reviewed_at,
            **({"note": review.reason} if review.reason else {})}


def gold_bytes(docs: list[dict[str, Any]]) -> bytes:
    """JSON Lines, UTF-8, Arabic unescaped; every string is data (JSON escapes what must be escaped)."""
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs).encode("utf-8")
