"""What the map draws of a selection: precision levels, governorates only where nothing finer is, the region."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

PRECISIONS: dict[int, str] = {1: "1 town", 2: "2 near a place", 3: "3 district", 4: "4 governorate",
                              5: "5 region", 6: "6 country"}
"""UCDP ``where_prec`` levels as the sidebar shows them."""
DEFAULT_PRECISIONS = (1, 2, 3, 4, 5)
"""Countries (6) are hidden by default: a country-wide report says little about where."""
REGION_BBOX = (34.0, 29.0, 49.5, 38.5)
"""(min_lon, min_lat, max_lon, max_lat) of the region of interest: Iraq, Syria and their neighbours' border areas.
Places entirely outside it (Washington, Tampa …) are drawn only when asked for."""
GOVERNORATE_PRECISION = 4


@dataclass(frozen=True)
class Drawing:
    """The sidebar's drawing options (hashable: part of the map's cache key)."""

    precisions: tuple[int, ...] = DEFAULT_PRECISIONS
    governorates_always: bool = False
    outside_region: bool = False
    lang: str = "en"
    cluster: bool = True


def in_region(agg: pd.DataFrame, bbox: tuple[float, float, float, float] = REGION_BBOX) -> np.ndarray:
    """True for the rows whose bounding box (the ``bbox`` column, else the geometry's) meets ``bbox``."""
    if agg.empty:
        return np.zeros(0, dtype=bool)
    boxes = np.array(agg["bbox"].tolist(), dtype=float) if "bbox" in agg else shapely.bounds(agg.geometry.to_numpy())
    west, south, east, north = bbox
    return (boxes[:, 0] <= east) & (boxes[:, 2] >= west) & (boxes[:, 1] <= north) & (boxes[:, 3] >= south)


def finer_inside(agg: pd.DataFrame, candidates: np.ndarray) -> np.ndarray:
    """For each row flagged in ``candidates``: does another row of finer precision lie inside its geometry?"""
    out = np.zeros(len(agg), dtype=bool)
    precision = agg["precision"].to_numpy()
    geoms = agg.geometry.to_numpy()
    for i in np.flatnonzero(candidates):
        finer = precision < precision[i]
        if not finer.any():
            continue
        points = shapely.point_on_surface(geoms[finer])
        out[i] = bool(shapely.contains_xy(geoms[i], shapely.get_x(points), shapely.get_y(points)).any())
    return out


def drawn(agg: pd.DataFrame, drawing: Drawing) -> pd.DataFrame:
    """The rows of ``agg`` the map draws with these options (the counts and the exports keep every row)."""
    if agg.empty:
        return agg
    keep = agg["precision"].isin(drawing.precisions).to_numpy().copy()
    if not drawing.outside_region:
        keep &= in_region(agg)
    if not drawing.governorates_always:
        unqualified = agg["qualifier"].map(lambda q: not (isinstance(q, str) and q)).to_numpy(dtype=bool)
        governorate = keep & (agg["precision"].to_numpy() == GOVERNORATE_PRECISION) & unqualified
        shown = agg[keep]
        covered = np.zeros(len(agg), dtype=bool)
        covered[keep] = finer_inside(shown.reset_index(drop=True), governorate[keep])
        keep &= ~covered
    return agg[keep]
