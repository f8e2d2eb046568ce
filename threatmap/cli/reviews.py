"""CLI handlers of ``reviews add | list | undo | export``: the analyst's review loop for scripts and bulk review."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from threatmap.errors import ExportError
from threatmap.store import Store
from threatmap.store.review_gold import gold_bytes, reviewed_gold
from threatmap.store.reviews import Review, ReviewLog, ReviewPlace, gazetteer_place, point_place


def cmd_reviews(args: argparse.Namespace) -> int:
    """Dispatch ``reviews ACTION``."""
    return {"add": _add, "list": _list, "undo": _undo, "export": _export}[args.action](args)


def _add(args: argparse.Namespace) -> int:
    with ReviewLog.open(args.store) as log:
        text = log.document_text(args.doc)
        place: ReviewPlace | None = None
        if args.place:
            from threatmap.gazetteer import default_gazetteer

            place = gazetteer_place(default_gazetteer(str(args.places), str(args.geodata)), args.place)
        elif args.point:
            place = point_place(args.point[0], args.point[1], name=text[args.start:args.end].strip(),
                                precision=args.precision)
        threat = None if args.threat is None else args.threat == "true"
        review = log.record(log.make(args.doc, args.start, args.end, threat=threat, place=place,
                                     not_a_place=args.not_a_place, reviewer=args.reviewer, reason=args.reason))
    print(f"reviewed {describe(review)}")
    return 0


def _list(args: argparse.Namespace) -> int:
    with ReviewLog.open(args.store) as log:
        reviews = log.reviews()
    with Store.open(args.store) as store:
        orphans = store.orphan_reviews()
    for review in reviews:
        print(describe(review))
    if not reviews:
        print("no reviews")
    for orphan in orphans:
        print(f"no longer applies: {describe(orphan.review)}: {orphan.why}")
    return 0


def _undo(args: argparse.Namespace) -> int:
    with ReviewLog.open(args.store) as log:
        review = log.undo(args.doc, args.start, args.end, reviewer=args.reviewer)
    print(f"removed the review {describe(review)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    with ReviewLog.open(args.store) as log, Store.open(args.store) as store:
        docs = reviewed_gold(store, log)
    data = gold_bytes(docs)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_bytes(data)
        except OSError as exc:
            raise ExportError(f"cannot write {args.out!r}: {exc.strerror}; fix: choose another --out") from None
    n = sum(1 for d in docs for m in d["mentions"] if m.get("reviewed"))
    print(f"exported {len(docs)} reviewed document(s), {n} reviewed mention(s) as gold to {args.out}",
          file=sys.stderr)
    return 0


def describe(review: Review) -> str:
    """One line: where, what was decided, by whom and when (the surface quoted with ``!r``: control characters
    and bidi marks show as escapes, never act on the terminal)."""
    parts = [f"{review.doc_id} {review.start}-{review.end} {review.surface!r}"]
    if review.not_a_place:
        parts.append("not a place")
    if review.threat is not None:
        parts.append(f"threat={str(review.threat).lower()}")
    if review.place is not None:
        parts.append(f"place={review.place.place_id}")
    parts.append(f"by {review.reviewer!r} at {review.reviewed_at}")
    if review.reason:
        parts.append(f"reason {review.reason!r}")
    return ", ".join(parts)
