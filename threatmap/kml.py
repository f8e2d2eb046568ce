"""KML export (opens in Google Earth): one Placemark per (place, qualifier) of a selection, red when a threat is
reported."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from threatmap.protocols import PlaceLookup
from threatmap.urls import http_url

__all__ = ["to_kml"]


def to_kml(df: pd.DataFrame, gazetteer: PlaceLookup | None) -> bytes:
    """KML (opens in Google Earth): one Placemark per (place, qualifier), red when a threat is reported.

    Names nothing locates (no geometry) are left out: KML is for looking at places on a globe, and a Placemark
    without geometry shows nowhere. The GeoJSON, CSV and GeoPackage exports list them.
    Descriptions are HTML built from escaped values: a hostile passage shows as text, never as markup.
    """
    import simplekml

    from threatmap.export import aggregate_places

    kml = simplekml.Kml(name="threatmap export")
    gdf = aggregate_places(df, gazetteer)
    for row, geom in zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry, strict=True):
        if geom is None:
            continue
        container = kml if isinstance(geom, Point | Polygon) else kml.newmultigeometry(name=row["name"])
        for part in _parts(geom):
            feature = _kml_part(container, part)
            if container is kml:
                feature.name = row["name"]
                _kml_describe(feature, row)
        if container is not kml:
            _kml_describe(container, row)
    return kml.kml().encode("utf-8")


def _parts(geom: BaseGeometry) -> list[BaseGeometry]:
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _parts(g)]
    return [geom]


def _kml_part(container: Any, part: BaseGeometry) -> Any:
    if isinstance(part, Point):
        return container.newpoint(coords=[(part.x, part.y)])
    if isinstance(part, Polygon):
        part = orient(part, 1.0)
        return container.newpolygon(outerboundaryis=list(part.exterior.coords),
                                    innerboundaryis=[list(r.coords) for r in part.interiors])
    return container.newlinestring(coords=list(part.coords))


def _kml_describe(feature: Any, row: dict[str, Any]) -> None:
    threat = row["threats"] > 0
    color = "ff1f1fd6" if threat else "ff7f7f7f"  # aabbggrr
    feature.name = row["name"]
    feature.style.linestyle.color = color
    feature.style.linestyle.width = 2
    feature.style.polystyle.color = ("661f1fd6" if threat else "447f7f7f")
    feature.style.iconstyle.color = color
    e = html.escape
    lines = [f"<p><b>{e(row['name'])}</b>" + (f" ({e(row['name_ar'])})" if row["name_ar"] else "")
             + f" — {e(str(row['type']))}, precision {row['precision']}"
             + (f", {e(row['qualifier'])}" if row["qualifier"] else "") + "</p>",
             f"<p>{row['mentions']} mention(s), {row['threats']} threat(s); "
             f"{e(row['first_date'] or '?')} – {e(row['last_date'] or '?')}</p>"]
    for m in row["mention_list"][:25]:
        head = " · ".join(e(str(v)) for v in (m["source"], m["date"], m["speaker"]) if v)
        url = http_url(m["url"])  # Google Earth renders balloons as HTML: no javascript: or data: links
        link = f' <a href="{e(url)}">link</a>' if url else ""
        if m.get("reviewed"):
            head += f" · reviewed by {e(str(m['reviewer'] or '?'))}"
        lines.append(f"<p>{'⚠ ' if m['threat'] else ''}<i>{head}</i>{link} (threat_p {m['threat_p']:.2f})<br/>"
                     f"<span dir=\"auto\">{e(m['quote'] or '')}</span></p>")
    if len(row["mention_list"]) > 25:
        lines.append(f"<p>… and {len(row['mention_list']) - 25} more</p>")
    feature.description = "\n".join(lines)
