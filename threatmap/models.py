"""Frozen records passed between the stages: Place, Document, Passage, ThreatDecision, Where, Mention, Problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any, get_args, get_origin, get_type_hints

PLACE_TYPES: tuple[str, ...] = (
    "country", "governorate", "district", "subdistrict", "city", "town", "village", "camp",
    "mountain_range", "desert", "plain", "valley", "river", "lake", "region",
)
"""Every value allowed in a place's ``type``."""

PRECISION_CODES: Mapping[int, str] = {
    1: "exact point (a named town, village, camp or site)",
    2: "area around a named place (near / outskirts / a sector of a town)",
    3: "district (ADM2) or an area of that size",
    4: "governorate (ADM1) or an area of that size",
    5: "region or natural feature larger than a governorate, or vague (mountain range, desert, plain, valley)",
    6: "country",
}
"""Precision codes, compatible with UCDP GED ``where_prec`` 1-6 (ACLED ``geo_precision``: 1 -> 1, 2 -> 2, 3-6 -> 3)."""

LANGS: tuple[str, ...] = ("en", "ar", "ckb", "kmr")
"""Languages of names and aliases: English, Arabic, Sorani Kurdish (Arabic script), Kurmanji (Latin script)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found while validating input, with where it is and how to fix it."""

    where: str
    """``file:line`` or ``file`` and, for the gazetteer, ``place <id>``."""
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + (f" (fix: {self.fix})" if self.fix else "")


@dataclass(frozen=True, slots=True, eq=False)
class Place:
    """A gazetteer entry with its resolved geometry (a shapely geometry in WGS84 lon/lat)."""

    id: str
    type: str
    names: Mapping[str, str]
    aliases: Mapping[str, tuple[str, ...]]
    geometry: Any
    precision: int
    parent: str | None = None
    country: str | None = None
    """ISO 3166-1 alpha-2 code of the country the place lies in (``IQ``, ``SY`` …), or None for countries abroad."""
    sources: tuple[str, ...] = ()
    preferred_for: tuple[str, ...] = ()
    """Aliases this place wins when another place shares them (declared ambiguity)."""
    line: int = 0
    """Line of ``places.yaml`` where the entry starts (for messages)."""

    @property
    def name(self) -> str:
        """The English name."""
        return self.names.get("en") or next(iter(self.names.values()))

    def __hash__(self) -> int:
        return hash(self.id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Place) and other.id == self.id


@dataclass(frozen=True, slots=True)
class Document:
    """A source document as stored: the original text and its metadata."""

    id: str
    text: str
    lang: str | None = None
    source: str | None = None
    date: dt.date | None = None
    date_origin: str | None = None
    """Where ``date`` came from: ``"metadata"``, ``"text"`` or None when there is no date."""
    url: str | None = None
    title: str | None = None
    speakers: tuple[str, ...] = ()
    """Names of the speakers of an interview transcript, when the front matter lists them."""
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of a document (the quoted passage of its mentions), with the turn it belongs to."""

    start: int
    end: int
    speaker: str | None = None
    """Who says it: the turn's speaker in a transcript, else the outlet (source) or None."""
    role: str | None = None
    """``"interviewer"``, ``"interviewee"``, ``"outlet"`` (headline, lead, narration) or None."""
    question: bool = False
    """True when the sentence is a question (ends with ? or ؟)."""


@dataclass(frozen=True, slots=True)
class ThreatDecision:
    """Whether a passage asserts present ISIS activity or threat at one mention, and the words that decided."""

    threat: bool
    cue: str | None = None
    p: float | None = None
    """The calibrated probability of threat (the model's), or None from the rules alone."""


@dataclass(frozen=True, slots=True)
class Where:
    """The geometry of a mention's (place, qualifier): representative point, bounding box, type and precision."""

    lat: float
    lon: float
    bbox: tuple[float, float, float, float]
    """``(min_lon, min_lat, max_lon, max_lat)`` of the qualified geometry."""
    geometry_type: str
    """The place's own geometry type (``Point``, ``Polygon`` …)."""
    precision: int
    """UCDP ``where_prec`` code, see :data:`PRECISION_CODES` (a qualifier makes a point an area: 1 -> 2)."""


UNLOCATED = "unlocated"
"""``Mention.resolved_by`` of a name found from its cue that nothing in its context locates (no geometry)."""

BBOX_COLUMNS: tuple[str, str, str, str] = ("min_lon", "min_lat", "max_lon", "max_lat")
"""The flat columns of :attr:`Where.bbox` in tables, CSV and GeoPackage layers."""
_WHERE_WIDTH = 8
"""Flat columns of a :class:`Where`: lat, lon, the four of the bbox, geometry type, precision."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """One place mention found in a document; all offsets index the document's original text.

    The field order is the order of :meth:`to_dict` (the JSON contract) and of the columns derived from it
    (:func:`mention_columns`): adding a field here adds it everywhere (bump ``threatmap.store.schema.SCHEMA_VERSION``).
    """

    doc_id: str
    start: int
    end: int
    surface: str
    place_id: str | None
    """The gazetteer place; None for a place the gazetteer lacks, recognised and located from context."""
    name: str
    place_type: str
    where: Where | None
    """The geometry; None for a name found from its cue that nothing in its context locates (``resolved_by``
    ``"unlocated"``): listed in the passages, the exports and the curator's list, never drawn or counted on the
    map."""
    threat: bool
    threat_p: float | None = None
    """Calibrated probability that the passage asserts present ISIS activity here (``threat`` is p ≥ 0.5); None
    only for mentions made without the threat stage."""
    cue: str | None = None
    qualifier: str | None = None
    passage_start: int
    passage_end: int
    speaker: str | None = None
    resolved_by: str = "gazetteer"
    """``"gazetteer"`` (a name of ``places.yaml``), ``"context"`` (a name the gazetteer lacks, recognised from its
    cue and located from the places around it: derived geometry, precision 2-4; see
    :mod:`threatmap.geoparse.discover` and :mod:`threatmap.geoparse.locate`) or ``"unlocated"`` (such a name that
    nothing around it locates: no geometry)."""

    @property
    def lat(self) -> float | None:
        return self.where.lat if self.where is not None else None

    @property
    def lon(self) -> float | None:
        return self.where.lon if self.where is not None else None

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        return self.where.bbox if self.where is not None else None

    @property
    def geometry_type(self) -> str | None:
        return self.where.geometry_type if self.where is not None else None

    @property
    def precision(self) -> int | None:
        return self.where.precision if self.where is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract of ``python -m threatmap geoparse`` (see README): flat keys, ``bbox`` a list."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "where":  # spread out; all None for an unlocated mention
                for g in fields(Where):
                    part = getattr(value, g.name) if value is not None else None
                    out[g.name] = list(part) if isinstance(part, tuple) else part
            else:
                out[f.name] = value
        return out

    def row(self) -> tuple[Any, ...]:
        """The values of :func:`mention_columns`, in order (the bounding box as four numbers; all eight geometry
        columns None for an unlocated mention)."""
        where = self.where
        geometry = (None,) * _WHERE_WIDTH if where is None else tuple(
            value for part in _WHERE_GET(where) for value in (part if isinstance(part, tuple) else (part,)))
        return (*_BEFORE_WHERE(self), *geometry, *_AFTER_WHERE(self))  # getters built once: writes make millions

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Mention:
        """The mention of a row of :func:`mention_columns` (the inverse of :meth:`row`; booleans from 0/1)."""
        values = iter(row)
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "where":
                lat, lon, *bbox, geometry_type, precision = (next(values) for _ in range(_WHERE_WIDTH))
                kwargs["where"] = None if lat is None else Where(float(lat), float(lon), tuple(float(b) for b in bbox),  # type: ignore
                                        str(geometry_type), int(precision))
            else:
                value = next(values)
                kwargs[f.name] = bool(value) if f.name == "threat" else value
        return cls(**kwargs)


_NAMES = tuple(f.name for f in fields(Mention))
_BEFORE_WHERE = attrgetter(*_NAMES[:_NAMES.index("where")])
_AFTER_WHERE = attrgetter(*_NAMES[_NAMES.index("where") + 1:])
_WHERE_GET = attrgetter(*(g.name for g in fields(Where)))


@dataclass(frozen=True, slots=True)
class Column:
    """A flat column of a record: name, Python type (``str``, ``int``, ``float``, ``bool``) and whether it may be
    None."""

    name: str
    type: type
    optional: bool


@lru_cache(maxsize=1)
def mention_columns() -> tuple[Column, ...]:
    """The flat columns of :class:`Mention`, in field order, :class:`Where` spread out and its ``bbox`` as
    :data:`BBOX_COLUMNS`: what the store's table, its queries, the CSV and the GeoPackage layer are made of."""
    return tuple(_flat_columns(Mention))


def _flat_columns(cls: type) -> list[Column]:
    hints = get_type_hints(cls)
    out: list[Column] = []
    for f in fields(cls):
        hint = hints[f.name]
        args = get_args(hint)
        nested = next((a for a in (hint, *args) if is_dataclass(a)), None)
        if nested is not None:  # Where, spread out; every part may be None when the Where itself may
            optional = type(None) in args
            out.extend(Column(c.name, c.type, c.optional or optional)
                       for c in _flat_columns(nested))  # type: ignore[arg-type]
            continue
        if get_origin(hint) is tuple:  # Where.bbox, the only tuple
            out.extend(Column(name, float, False) for name in BBOX_COLUMNS)
        elif type(None) in args:
            out.append(Column(f.name, next(a for a in args if a is not type(None)), True))
        else:
            out.append(Column(f.name, hint, False))
    return out


@dataclass(frozen=True, slots=True)
class Candidate:
    """An unresolved place name found after a place-type word (the curator's loop)."""

    doc_id: str
    start: int
    end: int
    surface: str
    trigger: str
    passage: str = field(default="", compare=False)
