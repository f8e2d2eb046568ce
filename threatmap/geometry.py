"""The geometry of a qualified mention ("near X", "north of X") and the geometry record a mention carries.

One module for the parser, the exports and the map layers: a "near" point becomes a 10 km circle, a "near" line
or polygon a 15 km buffer around it; a direction on a point becomes a sector 5-30 km away (±30°), on a line or
polygon its outer part in that direction: the part beyond a line perpendicular to the direction, placed so that the
part spans the outer 40 % of the area's extent along it ("north of Iraq" is northern Iraq, a band along its
northern edge, not a half cut through the centre nor a wedge).
Distances use a local equirectangular projection centred on the geometry (x = Δlon·111.32·cos φ0 km,
y = Δlat·110.574 km), accurate to about 1% over a few hundred km.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from threatmap.models import Place, Where

__all__ = ["DIRECTIONS", "QUALIFIERS", "qualified_geometry", "qualified_precision", "where_of"]

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
PART_SHARE = 0.4
"""Share of an area's extent along the direction that a direction qualifier keeps (its "northern part")."""


def where_of(place: Place, qualifier: str | None) -> Where:
    """Representative point, bounding box, geometry type and precision of ``place`` under ``qualifier``.

    The point and the box are of the qualified geometry, rounded to 6 decimals; the geometry type is the
    place's own.
    """
    geom = qualified_geometry(place.geometry, qualifier)
    point = geom.representative_point()
    minx, miny, maxx, maxy = (round(v, 6) for v in geom.bounds)
    return Where(round(point.y, 6), round(point.x, 6), (minx, miny, maxx, maxy), place.geometry.geom_type,
                 qualified_precision(place.precision, qualifier))


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
        out = _part(local, DIRECTIONS[qualifier])
    return shapely.transform(out, lambda xy: np.column_stack((xy[:, 0] / kx + lon0, xy[:, 1] / ky + lat0)))


def _sector(centre: Point, direction: tuple[float, float]) -> Polygon:
    inner, outer = SECTOR_KM
    heading = math.atan2(direction[1], direction[0])
    half = math.radians(SECTOR_HALF_ANGLE)
    angles = np.linspace(heading - half, heading + half, 13)
    ring = [(centre.x + outer * math.cos(a), centre.y + outer * math.sin(a)) for a in angles]
    ring += [(centre.x + inner * math.cos(a), centre.y + inner * math.sin(a)) for a in angles[::-1]]
    return Polygon(ring)


def _part(local: BaseGeometry, direction: tuple[float, float]) -> BaseGeometry:
    """The part of ``local`` whose projection on ``direction`` lies in the outer :data:`PART_SHARE` of its range."""
    dx, dy = direction
    coords = shapely.get_coordinates(local)
    along = coords[:, 0] * dx + coords[:, 1] * dy
    low, high = float(along.min()), float(along.max())
    cut = high - PART_SHARE * (high - low)
    minx, miny, maxx, maxy = local.bounds
    r = 2.0 * max(maxx - minx, maxy - miny, 1.0) + abs(cut)
    px, py = -dy, dx
    bx, by = dx * cut, dy * cut  # a point on the cutting line
    beyond = Polygon([(bx + px * r, by + py * r), (bx + px * r + dx * r, by + py * r + dy * r),
                      (bx - px * r + dx * r, by - py * r + dy * r), (bx - px * r, by - py * r)])
    part = local.intersection(beyond)
    return local if part.is_empty else part
