"""Spatial qualifiers of a place name (near, north of, شمال، قرب, Mosul's outskirts …) and the geometry they mean.

Detection reads the normalised text (``normalize``) around the name: a qualifier before it must touch the name,
with at most one filler between them ("the city of", "مدينة"); after it, only "'s (western) outskirts /
countryside / suburbs …", "وضواحيها"-like words, and ريف X الشمالي. Geometry: a "near" point becomes a 10 km circle,
a "near" line or polygon a 15 km buffer around it; a direction on a point becomes a sector 5-30 km away
(±30°), on a line or polygon the part beyond the line through its centroid perpendicular to the direction
(its northern half, …). Distances use a local equirectangular projection centred on the geometry
(x = Δlon·111.32·cos φ0 km, y = Δlat·110.574 km), accurate to about 1% over a few hundred km.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from threatmap.lang.clitics import AR_CLITICS, strip_clitic
from threatmap.lang.normalize import normalize_key
from threatmap.lang.place_words import AR_FILLERS, EN_FILLERS

__all__ = ["DIRECTIONS", "QUALIFIERS", "find_qualifier", "qualified_geometry", "qualified_precision"]

DIRECTIONS: dict[str, tuple[float, float]] = {
    "north": (0.0, 1.0), "south": (0.0, -1.0), "east": (1.0, 0.0), "west": (-1.0, 0.0),
    "northeast": (math.sqrt(0.5), math.sqrt(0.5)), "northwest": (-math.sqrt(0.5), math.sqrt(0.5)),
    "southeast": (math.sqrt(0.5), -math.sqrt(0.5)), "southwest": (-math.sqrt(0.5), -math.sqrt(0.5)),
}
"""Unit vectors (east, north) of the direction qualifiers."""
QUALIFIERS: tuple[str, ...] = ("near", *DIRECTIONS)
"""Every qualifier string a mention may carry."""

NEAR_POINT_KM = 10.0
NEAR_AREA_KM = 15.0
SECTOR_KM = (5.0, 30.0)
SECTOR_HALF_ANGLE = 30.0

_EN_NEAR = ("near", "nearby", "around", "outside", "outside of", "outskirts of", "the outskirts of",
            "vicinity of", "close to", "surroundings of", "environs of", "countryside of", "near to")
_AR_NEAR = ("قرب", "بالقرب من", "قريب من", "قريبا من", "القريبه من", "محيط", "اطراف", "ضواحي", "حول", "مشارف",
            "ريف", "جوار", "بجوار", "قرابه")
_FILLERS = tuple(tuple(normalize_key(w) for w in f.split()) for f in EN_FILLERS + AR_FILLERS)
_FILLER_LAST = frozenset(f[-1] for f in _FILLERS)
_EN_AROUND = frozenset({"outskirts", "suburbs", "countryside", "environs", "vicinity", "periphery", "surroundings",
                        "hinterland", "outskirt"})
_AR_AROUND = frozenset(normalize_key(w) for w in ("وضواحيها", "وضواحيه", "وأطرافها", "وأطرافه", "ومحيطها", "ومحيطه",
                                                  "وريفها", "وريفه"))
_EN_ADJECTIVES = {"northern": "north", "southern": "south", "eastern": "east", "western": "west",
                  "northeastern": "northeast", "northwestern": "northwest", "southeastern": "southeast",
                  "southwestern": "southwest"}
_AR_AFTER = {"الشمالي": "north", "الشماليه": "north", "الجنوبي": "south", "الجنوبيه": "south",
             "الشرقي": "east", "الشرقيه": "east", "الغربي": "west", "الغربيه": "west"}


def _phrases() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for phrase in _EN_NEAR + _AR_NEAR:
        table[tuple(phrase.split())] = "near"
    en_parts = {"north": ("north", "northern"), "south": ("south", "southern"),
                "east": ("east", "eastern"), "west": ("west", "western")}
    ar_parts = {"north": ("شمال", "شمالي"), "south": ("جنوب", "جنوبي"), "east": ("شرق", "شرقي"),
                "west": ("غرب", "غربي")}
    for direction in ("north", "south", "east", "west"):
        for word in en_parts[direction]:
            for tail in ((), ("of",), ("parts", "of"), ("part", "of")):
                table[(word, *tail)] = direction
                table[("the", word, *tail)] = direction
        for word in ar_parts[direction]:
            table[(word,)] = direction
            table[("ال" + word, "من")] = direction
    for ns in ("north", "south"):
        for ew in ("east", "west"):
            name = ns + ew
            for a in en_parts[ns][:1]:
                for b in (ew, ew + "ern"):
                    for words in ((a, b), (a + b,)):
                        for tail in ((), ("of",), ("parts", "of")):
                            table[(*words, *tail)] = name
            for a in ar_parts[ns]:
                for b in ar_parts[ew]:
                    table[(a, b)] = name
    return table


_PHRASES = {tuple(normalize_key(w) for w in k): v for k, v in _phrases().items()}  # as in normalised text
_MAX_WORDS = max(len(k) for k in _PHRASES)


def _clean(token: str) -> str:
    return token if token.isalnum() else ""


def find_qualifier(norm_text: str, start: int, end: int) -> str | None:
    """The qualifier of the name at ``norm_text[start:end]`` (normalised text, clitic excluded), or None.

    ``start`` is where the name's word begins (before its clitic, if any): a name with a clitic is never
    qualified directly (``وقرجوخ`` takes the qualifier of the list it continues; see the geoparser).
    """
    found = _before(norm_text, start) if start > 0 and norm_text[start - 1] == " " else None
    if found is None:
        return _after(norm_text, end)
    qualifier, first_word = found
    if qualifier == "near" and first_word in ("ريف", "باديه"):
        after = norm_text[end:end + 40].split(" ")
        if len(after) > 1 and after[0] == "" and after[1] in _AR_AFTER:
            return _AR_AFTER[after[1]]
    return qualifier


def _before(norm_text: str, start: int) -> tuple[str, str] | None:
    """The qualifier phrase ending right before ``start`` (a filler such as "the city of" may sit between)."""
    tokens = norm_text[max(0, start - 160):start].split(" ")[-(_MAX_WORDS + 3):-1]
    tokens = [_clean(t) for t in tokens]
    found = _match_end(tokens)
    if found is None and tokens and strip_clitic(tokens[-1], _AR_WORDS) in _FILLER_LAST:
        stripped = tuple(strip_clitic(t, _AR_WORDS) for t in tokens)
        for words in _FILLERS:
            if len(tokens) > len(words) and stripped[-len(words):] == words:
                found = _match_end(tokens[:-len(words)])
                if found is not None:
                    break
    return found


def _after(norm_text: str, end: int) -> str | None:
    """A qualifier after the name: "Mosul's (western) outskirts", "the Kirkuk countryside", "الموصل وضواحيها"."""
    tail = norm_text[end:end + 48]
    if tail.startswith("s "):  # the possessive: Mosul's -> "mosuls" once the apostrophe is gone
        tail = tail[1:]
    if not tail.startswith(" "):
        return None
    words = [_clean(w) for w in tail[1:].split(" ", 3)[:3]]
    if words and words[0] in _AR_AROUND:
        return "near"
    direction = _EN_ADJECTIVES.get(words[0]) if words else None
    noun = words[1] if direction and len(words) > 1 else (words[0] if words else "")
    return (direction or "near") if noun in _EN_AROUND else None


def _match_end(tokens: list[str]) -> tuple[str, str] | None:
    """The longest qualifier phrase ending the token list, as (qualifier, its first word)."""
    if not tokens or tokens[-1] not in _LAST_WORDS:
        return None
    for size in range(min(_MAX_WORDS, len(tokens)), 0, -1):
        tail = tokens[-size:]
        if "" in tail:
            continue
        key = tuple(tail)
        if key not in _PHRASES:
            key = (strip_clitic(tail[0], _AR_WORDS), *tail[1:])
        if key in _PHRASES:
            return _PHRASES[key], key[0]
    return None


_AR_WORDS = frozenset(w for k in _PHRASES for w in k) | frozenset(w for f in _FILLERS for w in f)
_LAST_WORDS = frozenset(k[-1] for k in _PHRASES) | frozenset(c + k[-1] for k in _PHRASES if len(k) == 1
                                                             for c in AR_CLITICS)


def qualified_precision(precision: int, qualifier: str | None) -> int:
    """Precision after a qualifier: a point-like place (1) becomes an area around it (2); others keep theirs."""
    if qualifier and precision <= 1:
        return 2
    return precision


def qualified_geometry(place_geometry: BaseGeometry, qualifier: str | None) -> BaseGeometry:
    """The geometry a qualified mention means (pure; WGS84 lon/lat in and out).

    Parameters
    ----------
    place_geometry
        The place's shapely geometry.
    qualifier
        None, ``"near"`` or a direction of :data:`DIRECTIONS`.

    Returns
    -------
    BaseGeometry
        ``place_geometry`` itself without qualifier; else a new geometry (see the module docstring).
    """
    if not qualifier or place_geometry is None or place_geometry.is_empty:
        return place_geometry
    if qualifier != "near" and qualifier not in DIRECTIONS:
        raise ValueError(f"expected a qualifier of {QUALIFIERS!r} or None, got {qualifier!r}")
    return _qualified(place_geometry.wkb, qualifier)


@lru_cache(maxsize=512)
def _qualified(wkb: bytes, qualifier: str) -> BaseGeometry:
    geom = shapely.from_wkb(wkb)
    centre = geom.centroid
    lon0, lat0 = centre.x, centre.y
    kx = 111.320 * max(math.cos(math.radians(lat0)), 0.01)
    ky = 110.574
    local = shapely.transform(geom, lambda xy: np.column_stack(((xy[:, 0] - lon0) * kx, (xy[:, 1] - lat0) * ky)))
    point_like = geom.geom_type in ("Point", "MultiPoint")
    if qualifier == "near":
        out = local.buffer(NEAR_POINT_KM if point_like else NEAR_AREA_KM, quad_segs=8)
    elif point_like:
        out = _sector(local.centroid, DIRECTIONS[qualifier])
    else:
        out = _half(local, DIRECTIONS[qualifier])
    return shapely.transform(out, lambda xy: np.column_stack((xy[:, 0] / kx + lon0, xy[:, 1] / ky + lat0)))


def _sector(centre: Point, direction: tuple[float, float]) -> Polygon:
    inner, outer = SECTOR_KM
    heading = math.atan2(direction[1], direction[0])
    half = math.radians(SECTOR_HALF_ANGLE)
    angles = np.linspace(heading - half, heading + half, 13)
    ring = [(centre.x + outer * math.cos(a), centre.y + outer * math.sin(a)) for a in angles]
    ring += [(centre.x + inner * math.cos(a), centre.y + inner * math.sin(a)) for a in angles[::-1]]
    return Polygon(ring)


def _half(local: BaseGeometry, direction: tuple[float, float]) -> BaseGeometry:
    dx, dy = direction
    minx, miny, maxx, maxy = local.bounds
    r = 2.0 * max(maxx - minx, maxy - miny, 1.0)
    px, py = -dy, dx
    half_plane = Polygon([(px * r, py * r), (px * r + dx * r, py * r + dy * r),
                          (-px * r + dx * r, -py * r + dy * r), (-px * r, -py * r)])
    part = local.intersection(half_plane)
    return local if part.is_empty else part
