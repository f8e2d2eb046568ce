"""Locate a name recognised from context by the known places around it, with an honest UCDP precision.

In order, within the name's sentence:

1. a distance phrase to a known place after the name ("X, 30 km south of Tikrit", "X على بعد 20 كم شمال الموصل"):
   the place's point moved by that distance (precision 2 up to 50 km, else 3);
2. a containment phrase to a known place after the name ("X التابعة لناحية Y", "X in Baghdad", "the X
   neighborhood of Baghdad", "X ya li başûrê Y"): that place's point;
3. a known camp listed just before a camp's name ("مخيمي الهول والروج": a camp contains no other place, but the
   camps of one list are in one region; precision 4);
4. the nearest known place before the name in the sentence (the area a list of villages belongs to: "ناحية
   هجين … وتضم عدة قرى: X، Y"), else in the same line up to 600 characters back (precision 4).

A town gives precision 2 (the area around it), a district or sub-district 3, a governorate 4. Countries and
larger regions locate nothing: the name is then kept without geometry (``resolved_by`` "unlocated": listed,
exported, in the curator's list, not drawn).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from threatmap.geoparse.discover import ContextName, cues, fold
from threatmap.models import Place, Where

__all__ = ["Located", "area_precision", "context_where", "locate"]

_SENTENCE_END = re.compile(r"[.!?؟\n]")
_NUMBERS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_DIRECTIONS = {
    "north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0), "northeast": (1, 1), "northwest": (-1, 1),
    "southeast": (1, -1), "southwest": (-1, -1), "شمال": (0, 1), "جنوب": (0, -1), "شرق": (1, 0), "غرب": (-1, 0),
    "bakur": (0, 1), "başûr": (0, -1), "rojhilat": (1, 0), "rojava": (-1, 0), "باکوور": (0, 1), "باشوور": (0, -1),
    "ڕۆژهەڵات": (1, 0), "ڕۆژئاوا": (-1, 0),
}
_DISTANCE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(km|kilomet\w*|miles?|كم|كيلو\s?متر\w*|کم|کیلۆمەتر\w*)\s+(?:to the\s+)?"
                       r"(north|south|east|west|شمال|جنوب|شرق|غرب|bakur|başûr|rojhilat|rojava|باکوور|باشوور|"
                       r"ڕۆژهەڵات|ڕۆژئاوا)[\s-]?(east|west|شرق|غرب)?", re.I)
_PRECISION = {"city": 2, "town": 2, "village": 2, "camp": 2, "subdistrict": 3, "district": 3, "governorate": 4}
_UNKNOWN_PRECISION = 4


def area_precision(place_type: str) -> int:
    """The precision a name of this type gets when a place locates it (the area around a town 2, a district 3,
    else 4): what the threat stage reads for a name nothing locates."""
    return _PRECISION.get(place_type, _UNKNOWN_PRECISION)


_LIST_GAP = re.compile(r"[\s,،]*(?:and|û|و|&)?\s*", re.I)
"""What separates two names of one list ("Hol and Roj", "الهول والروج", "Hol û Roj")."""
_WINDOW = 90  # characters from the name to the place that locates it


@dataclass(frozen=True, slots=True)
class Located:
    """Where a context name is: a point, its UCDP precision, the place that locates it and how."""

    lat: float
    lon: float
    precision: int
    anchor_id: str
    how: str  # "distance", "containment", "nearby" (the sentence) or "paragraph"


def locate(text: str, name: ContextName, anchors: Sequence[tuple[int, int, Place]]) -> Located | None:
    """The location of ``name`` from the known ``anchors`` (start, end, place) of its document, or None."""
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, name.start - 400), name.start)), default=0)
    hi_match = _SENTENCE_END.search(text, name.end)
    hi = hi_match.start() if hi_match else len(text)
    usable = [(s, e, p) for s, e, p in anchors if p.type in _PRECISION and lo <= s and e <= hi]
    after = sorted((s, e, p) for s, e, p in usable if name.end <= s <= name.end + _WINDOW)
    if after:
        s, _, place = after[0]
        between = text[name.end:s].translate(_NUMBERS)
        moved = _distance(between, place)
        if moved is not None:
            return moved
        words = re.findall(r"[^\W\d_][\w-]*", between.lower())
        if words and len(words) <= 3 and all(fold(w) in cues().containment_words for w in words):
            return _at(place, "containment")
    sibling = [p for s, e, p in usable if p.type == "camp" == name.place_type and e <= name.start
               and _LIST_GAP.fullmatch(text[e:name.start])]
    if sibling:  # "مخيمي الهول والروج", "kampên Hol û Roj": the camp listed with it, in its governorate-sized area
        return _at(sibling[-1], "sibling")
    before = [(s, e, p) for s, e, p in usable if e <= name.start and name.start - e <= 2 * _WINDOW
              and p.type != "camp"]  # a camp contains no other place
    if before:
        return _at(max(before, key=lambda a: a[1])[2], "nearby")
    para = max(text.rfind("\n", 0, name.start) + 1, name.start - _PARAGRAPH, 0)  # the same line: list items
    # (strike reports: "-- Near X, …" one place per line) are unrelated to the line before
    earlier = [(s, e, p) for s, e, p in anchors if p.type in _PRECISION and p.type != "camp" and para <= s
               and e <= name.start]
    if earlier:  # the last place named before it in its paragraph (line): only its governorate-sized area
        return _at(max(earlier, key=lambda a: a[1])[2], "paragraph")
    return None


_PARAGRAPH = 600  # characters back from a name to the place of its paragraph that locates it at precision 4


def _at(place: Place, how: str) -> Located:
    """At ``place``: the area around a town when the text says the name is in or of it (2), a district-sized
    area when the place is named before it in the sentence (3), a governorate-sized one from the paragraph (4)."""
    pt = place.geometry.representative_point()
    floor = {"containment": 2, "nearby": 3}.get(how, 4)
    precision = max(_PRECISION[place.type], place.precision, floor)
    return Located(round(pt.y, 4), round(pt.x, 4), precision, place.id, how)


def _distance(between: str, place: Place) -> Located | None:
    m = _DISTANCE.search(between)
    if m is None:
        return None
    km = float(m.group(1).replace(",", "."))
    if m.group(2).lower().startswith("mile"):
        km *= 1.609
    dx, dy = _DIRECTIONS[m.group(3).lower()]
    if m.group(4):
        dx = _DIRECTIONS[m.group(4).lower()][0]
    norm = math.hypot(dx, dy) or 1.0
    pt = place.geometry.representative_point()
    lat = pt.y + km * dy / norm / 111.0
    lon = pt.x + km * dx / norm / (111.0 * math.cos(math.radians(pt.y)))
    precision = max(2 if km <= 50 else 3, _PRECISION[place.type] if place.type not in _TOWNS else 2)
    return Located(round(lat, 4), round(lon, 4), precision, place.id, "distance")


_TOWNS = frozenset({"city", "town", "village", "camp"})


_HALF_SIDE_DEG = {2: 0.1, 3: 0.3, 4: 1.0}  # half the side of the box a precision code stands for (~11/33/110 km)


def context_where(loc: Located) -> Where:
    """A context place's :class:`Where`: its point with a box as large as its precision says it is uncertain."""
    d = _HALF_SIDE_DEG.get(loc.precision, 1.0)
    return Where(loc.lat, loc.lon, (round(loc.lon - d, 4), round(loc.lat - d, 4), round(loc.lon + d, 4),
                                    round(loc.lat + d, 4)), "Point", loc.precision)
