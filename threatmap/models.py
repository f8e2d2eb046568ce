"""Frozen records passed between the stages: Place, Document, Mention, Problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
class Mention:
    """One place mention found in a document; all offsets index the document's original text."""

    doc_id: str
    start: int
    end: int
    surface: str
    place_id: str
    name: str
    place_type: str
    lat: float
    lon: float
    bbox: tuple[float, float, float, float]
    geometry_type: str
    precision: int
    threat: bool
    passage_start: int
    passage_end: int
    cue: str | None = None
    qualifier: str | None = None
    speaker: str | None = None
    threat_p: float | None = None
    """Calibrated probability that the passage asserts present ISIS activity here (``threat`` is p ≥ 0.5)."""

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract of ``python -m threatmap geoparse`` (see README)."""
        return {
            "doc_id": self.doc_id, "start": self.start, "end": self.end, "surface": self.surface,
            "place_id": self.place_id, "name": self.name, "place_type": self.place_type,
            "lat": self.lat, "lon": self.lon, "bbox": list(self.bbox),
            "geometry_type": self.geometry_type, "precision": self.precision,
            "threat": self.threat, "threat_p": self.threat_p, "cue": self.cue, "qualifier": self.qualifier,
            "passage_start": self.passage_start, "passage_end": self.passage_end,
            "speaker": self.speaker,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """An unresolved place name found after a place-type word (the curator's loop)."""

    doc_id: str
    start: int
    end: int
    surface: str
    trigger: str
    passage: str = field(default="", compare=False)
