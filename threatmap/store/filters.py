"""The filters shared by the app, the CLI export and the store queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from threatmap import settings
from threatmap.errors import ExportError

THRESHOLD = settings.THREAT_THRESHOLD
"""The default threshold on ``threat_p`` from which (inclusive) a mention counts as a threat."""

TEXT_LIMIT = 1000
"""How many matching documents a text search keeps by default: the most recently stored ones
(:attr:`Filters.text_limit`)."""
REVIEW_CHOICES: tuple[str | None, ...] = (None, "reviewed", "unreviewed", "disagreements")
"""Values of :attr:`Filters.review`."""


@dataclass(frozen=True)
class Filters:
    """A selection of mentions; every field left at its default keeps everything.

    Attributes
    ----------
    since, until
        Inclusive bounds on the document date. Documents without a date are excluded only when one is set.
    sources, langs
        Keep documents whose ``source`` / ``lang`` is one of these (exact values, as in :meth:`Store.facets`).
    threat_only
        Keep only mentions judged a present threat (``threat_p`` ≥ ``threat_threshold``).
    threat_threshold
        The calibrated probability from which a mention counts as a threat, in [0, 1] (default 0.5): it sets the
        ``threat`` column of the selection (map, counts and exports), not only ``threat_only``.
    places, types
        Keep mentions whose ``place_id`` / ``place_type`` is one of these.
    review
        ``"reviewed"`` (only mentions an analyst reviewed or added), ``"unreviewed"``, ``"disagreements"``
        (reviewed mentions whose final threat or place differs from the machine's, and added ones), or None (all).
    text
        Keep the mentions of the documents whose whole text contains it, insensitive to case and normalisation
        (``normalize_key`` on both sides: أ/ا, ى/ي, ة/ه, diacritics, Kurdish letters and Latin case do not matter).
    documents
        Keep the mentions of these documents (ids) only.
    resolved_by
        Keep the mentions resolved so (``"gazetteer"``, ``"context"``: located from the context, ``"review"``).
    spellings
        Other spellings that match as well as ``text`` (used only with it): the gazetteer's names of the place
        ``text`` names, in every script (:meth:`threatmap.gazetteer.Gazetteer.spellings`), so "Hamrin" finds
        "حمرين".
    text_limit
        A text search keeps the mentions of this many matching documents at most: the most recently stored ones
        among those the dates, sources and languages keep (the other filters then apply to their mentions).
        None keeps every match (the exports; slower when a common word matches a large part of the store).
        :meth:`Store.text_capped` says whether a search was cut.
    """

    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    threat_only: bool = False
    places: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    text: str | None = None
    review: str | None = None
    threat_threshold: float = THRESHOLD
    spellings: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    resolved_by: tuple[str, ...] = ()
    text_limit: int | None = TEXT_LIMIT

    def __post_init__(self) -> None:
        t = self.threat_threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.0 <= t <= 1.0:
            raise ExportError(f"Filters.threat_threshold: expected a number in [0, 1], got {t!r}; fix: e.g. 0.5")
        object.__setattr__(self, "threat_threshold", float(t))
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
                raise ExportError(f"Filters.{name}: expected a datetime.date or None, got {value!r}")
        if self.since and self.until and self.since > self.until:
            raise ExportError(f"Filters: since {self.since.isoformat()!r} is after until "
                              f"{self.until.isoformat()!r}; fix: swap them")
        n = self.text_limit
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
            raise ExportError(f"Filters.text_limit: expected a whole number of documents >= 1 or None (every "
                              f"match), got {n!r}; fix: e.g. {TEXT_LIMIT}")
        if self.review not in REVIEW_CHOICES:
            raise ExportError(f"Filters.review: expected one of {', '.join(map(repr, REVIEW_CHOICES))}, got "
                              f"{self.review!r}")
        for name in ("sources", "langs", "places", "types", "spellings", "documents", "resolved_by"):
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ExportError(f"Filters.{name}: expected a tuple of strings, got {value!r}")
            object.__setattr__(self, name, tuple(value))

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered out (``text_limit`` cuts only a search)."""
        return all(getattr(self, f.name) == f.default for f in fields(self) if f.name != "text_limit")

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        """Build from the CLI's export arguments (``--since`` … strings); bad values raise ExportError. An export
        keeps every match of a text search (no :attr:`text_limit`)."""
        return cls(since=parse_day(getattr(args, "since", None), "--since"),
                   until=parse_day(getattr(args, "until", None), "--until"),
                   sources=tuple(getattr(args, "source", None) or ()), langs=tuple(getattr(args, "lang", None) or ()),
                   threat_only=bool(getattr(args, "threat_only", False)),
                   threat_threshold=float(getattr(args, "threat_threshold", None) or THRESHOLD),
                   places=tuple(getattr(args, "place", None) or ()), types=tuple(getattr(args, "type", None) or ()),
                   text=(getattr(args, "search", None) or "").strip() or None,
                   review=getattr(args, "review", None) or None, text_limit=None)


def parse_day(value: str | None, option: str) -> dt.date | None:
    """``YYYY-MM-DD`` to a date; None stays None; anything else raises ExportError naming the option."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ExportError(f"{option} expects a date YYYY-MM-DD, got {value!r}; fix: e.g. {option} 2020-03-04") \
            from None
