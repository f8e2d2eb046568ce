"""Cached loaders: the store (built from the bundled corpus on first start), gazetteer, geoparser, queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
import shapely
import streamlit as st

from layers import data_layers
from layers.basemap import load_basemap
from layers.escape import escape_text
from layers.features import geometry_json, records
from layers.offline import install_assets
from threatmap import settings
from threatmap.store import Counts
from threatmap.store.filters import Filters
from threatmap.store.schema import COLUMNS
from ui import mapview
from ui.drawing import Drawing, drawn


@st.cache_resource(show_spinner=False)
def assets() -> str:
    """Copy Leaflet into ``static/vendor`` once per process."""
    return str(install_assets())


@st.cache_resource(show_spinner="Loading the gazetteer …")
def gazetteer() -> Any:
    """The gazetteer of the settings (shared, read-only), moved out of the garbage collector's full passes: its
    places and geometries live as long as the process, and a full collection would otherwise trace them all."""
    from threatmap.gazetteer import default_gazetteer
    from threatmap.longlived import freeze_loaded

    loaded = default_gazetteer()
    freeze_loaded()
    return loaded


@st.cache_resource(show_spinner=False)
def geoparser() -> Any:
    """One geoparser for ingesting uploads and the demo corpus."""
    from threatmap.geoparse.parser import Geoparser
    from threatmap.longlived import freeze_loaded

    geoparser = Geoparser.from_gazetteer(gazetteer())
    freeze_loaded()  # the app's process keeps the gazetteer and geoparser: out of the full GC passes
    return geoparser


@st.cache_resource(show_spinner="Building the store from the bundled corpus …")
def store(path: str) -> Any:
    """Open the store at ``path``; fill it from ``corpus/`` when it is empty (only then are the ingest and the
    geoparser imported: a visit to a filled store never loads them)."""
    from threatmap.store import Store

    opened = Store.open(path)
    if opened.is_empty():
        from threatmap.store.ingest import ensure_demo_corpus

        ensure_demo_corpus(opened, geoparser())
    return opened


def revision(store: Any) -> int:
    """The store's revision, part of every query's cache key: it changes with every committed write, from this
    process (an upload) or another (``python -m threatmap ingest``), so a page reload shows what was added."""
    return int(store.revision())


@st.cache_resource(show_spinner=False)
def basemap() -> dict[str, dict[str, Any]]:
    """The clipped, simplified basemap layers of ``geodata/``."""
    return load_basemap(settings.GEODATA_DIR)


@st.cache_data(show_spinner=False, max_entries=8)
def facets(_store: Any, rev: int) -> dict[str, Any]:
    """The store's facets as a dict: sources, langs, types, min_date, max_date, documents, mentions."""
    raw = _store.facets()
    return {
        "sources": raw.sources, "langs": raw.langs, "types": raw.place_types, "min_date": raw.min_date,
        "max_date": raw.max_date, "documents": raw.documents, "mentions": raw.mentions,
    }


@st.cache_resource(show_spinner=False, max_entries=16)
def per_place(_store: Any, filters: Filters, rev: int) -> pd.DataFrame:
    """The store's per-(place, qualifier) counts of the selection (``Store.aggregate``): behind the map and the
    counts, asked once per filter (shared: treat as read-only)."""
    return _store.aggregate(filters)  # type: ignore[no-any-return]


@st.cache_data(show_spinner=False, max_entries=16)
def counts(_store: Any, filters: Filters, rev: int) -> Counts:
    """Mentions, threat mentions, places and documents of the selection (counted by the store)."""
    rows = per_place(_store, filters, rev)
    return Counts(int(rows["mentions"].sum()), int(rows["threats"].sum()), int(rows["place_id"].nunique()),
                  int(_store.document_count(filters)))


def unlocated(_store: Any, filters: Filters, rev: int) -> int:
    """Mentions of the selection whose name nothing locates (no geometry: listed, never drawn), from the
    per-place counts the map already asked for."""
    return int(per_place(_store, filters, rev)["unlocated"].sum())


@st.cache_data(show_spinner=False, max_entries=16)
def monthly(_store: Any, filters: Filters, rev: int) -> tuple[pd.DataFrame, int]:
    """Mentions per month of the selection (threat / other) and the undated count (counted by the store)."""
    return _store.monthly(filters)  # type: ignore[no-any-return]


@st.cache_resource(show_spinner=False, max_entries=16)
def newest(_store: Any, filters: Filters, rev: int, rows: int) -> pd.DataFrame:
    """The newest ``rows`` mentions of the selection, with their passages (shared: treat as read-only)."""
    return _store.query(filters, limit=rows, newest_first=True)


MAX_PLACE_ROWS = 400
"""Mentions of the selected place fetched for its panel (the newest first; more: narrow the filters)."""


@st.cache_resource(show_spinner=False, max_entries=16)
def place_rows(_store: Any, filters: Filters, rev: int, place_id: str) -> pd.DataFrame:
    """The newest mentions of one place in the selection, with their passages (the passages and review panels).
    A place located from context (``context:<name>@<lat>,<lon>``, see :func:`context_places`) is the selection's
    context-located mentions with that key, which they carry as their ``place_id`` here."""
    if not place_id.startswith(f"{CONTEXT}:"):
        return _store.query(replace(filters, places=(place_id,)), limit=MAX_PLACE_ROWS, newest_first=True)
    from threatmap.export import place_keys

    rows = context_mentions(_store, filters, rev)
    rows = rows.assign(place_id=place_keys(rows))
    return rows[rows["place_id"] == place_id].head(MAX_PLACE_ROWS).reset_index(drop=True)


def context_rows(_store: Any, rev: int) -> pd.DataFrame:
    """The newest mentions located from their context (no gazetteer place): the curator's unresolved names. Asked
    of the store only when the whole store's per-place counts (cached for the map) show any."""
    everything = per_place(_store, Filters(), rev)
    if not (everything["uncertain"].any() or everything["place_id"].isna().any()):
        return pd.DataFrame(columns=list(COLUMNS))
    return context_mentions(_store, Filters(), rev)


@st.cache_resource(show_spinner=False, max_entries=16)
def context_mentions(_store: Any, filters: Filters, rev: int) -> pd.DataFrame:
    """The newest :data:`MAX_CONTEXT_ROWS` mentions of the selection located from their context, with their
    passages: asked once per filters and shared by the map (:func:`context_places`), a selected context place's
    panel (:func:`place_rows`) and the curator (:func:`context_rows`; shared: treat as read-only)."""
    return _store.query(replace(filters, resolved_by=(CONTEXT,)), limit=MAX_CONTEXT_ROWS, newest_first=True)


CONTEXT = "context"
"""``resolved_by`` of a mention located from its context rather than found by its name."""
SHAPE_COLUMNS = ["id", "place_id", "name", "name_ar", "type", "precision", "qualifier", "geometry"]


def _qualifier_key(df: pd.DataFrame) -> pd.Series:
    """The qualifier as a join key: '' for none (NaN/None never match in a merge or groupby)."""
    return df["qualifier"].where(df["qualifier"].notna(), "")


def _keyed(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(_q=_qualifier_key(df))


@st.cache_resource(show_spinner="Resolving the places' geometries …", max_entries=4)
def shapes(_store: Any, rev: int) -> Any:
    """Name, type and geometry of every (place, qualifier) in the store, resolved once per store revision.

    ``threatmap.export.aggregate_places`` on one mention per (place, qualifier) (``Store.place_keys``, reviews
    applied): the same geometry as the exports (gazetteer, qualified geometry, stored fallback), paid once
    instead of at every filter change.
    """
    from threatmap.export import aggregate_places

    keys = _store.place_keys()
    return _drawable(aggregate_places(keys[keys["place_id"].notna()], gazetteer())[SHAPE_COLUMNS])


def _drawable(places: Any) -> Any:
    """``places`` (a GeoDataFrame with geometries) with what the layers draw from: GeoJSON, area, bounds and a
    label point inside."""
    geoms = places.geometry.to_numpy()
    inside = shapely.point_on_surface(geoms)
    return places.assign(geojson=[geometry_json(g) for g in geoms], area=shapely.area(geoms),
                         bbox=shapely.bounds(geoms).tolist(),
                         label_lon=shapely.get_x(inside), label_lat=shapely.get_y(inside))


MAX_CONTEXT_ROWS = 2000
"""Mentions located from their context fetched for the map (the newest first): they are few (a name the gazetteer
lacks, placed by "N km south of X" or the area named before it)."""


@st.cache_resource(show_spinner=False, max_entries=16)
def context_places(_store: Any, filters: Filters, rev: int) -> pd.DataFrame:
    """The selection's places located from their context, one row per name and point (``place_id`` is the
    exports' key ``context:<name>@<lat>,<lon>``, so a click selects it), drawn as uncertain; asked of the store
    only when the per-place counts show any."""
    from threatmap.export import aggregate_places

    counted = per_place(_store, filters, rev)
    if not counted["uncertain"][counted["place_id"].isna()].any():
        return pd.DataFrame()
    places = aggregate_places(context_mentions(_store, filters, rev), gazetteer())
    places = places[places.geometry.notna() & ~places.geometry.is_empty]
    if places.empty:
        return pd.DataFrame()
    drawable = _drawable(places[[*SHAPE_COLUMNS, "mentions", "threats", "first_date", "last_date"]])
    return drawable.assign(place_id=drawable["id"], uncertain=True, unlocated=0)


@st.cache_resource(show_spinner=False, max_entries=16)
def aggregate(_store: Any, filters: Filters, rev: int) -> Any:
    """One row per (place, qualifier) of the selection: :func:`shapes` plus the selection's counts, dates and
    whether any mention was located from its context (``uncertain``), counted by the store."""
    counted = per_place(_store, filters, rev).rename(columns={"qualifier": "_q"})
    counted = counted[counted["place_id"].notna()]  # places located from context have no geometry to draw
    counted["_q"] = counted["_q"].where(counted["_q"].notna(), "")
    base = shapes(_store, rev)
    merged = _keyed(base).merge(counted, on=["place_id", "_q"], how="inner").drop(columns="_q")
    context = context_places(_store, filters, rev)
    if not context.empty:
        merged = pd.concat([merged, context[merged.columns]], ignore_index=True)
    return merged.sort_values(["mentions", "place_id"], ascending=[False, True]).reset_index(drop=True)


def place_counts(_store: Any, filters: Filters, rev: int, selected: Mapping[str, str] | None) -> dict[str, int]:
    """Mentions and threat mentions of the selected (place, qualifier) in the selection, from the map's aggregate."""
    if not selected:
        return {"mentions": 0, "threats": 0}
    rows = aggregate(_store, filters, rev)
    shown = rows["qualifier"].map(lambda q: escape_text(q) if isinstance(q, str) else "")  # as the map sends it
    hit = rows[(rows["place_id"] == selected.get("place_id")) & (shown == (selected.get("qualifier") or ""))]
    return {"mentions": int(hit["mentions"].sum()), "threats": int(hit["threats"].sum())}


def map_layers(_store: Any, filters: Filters, rev: int, drawing: Drawing, selected: Mapping[str, str] | None) -> str:
    """The JavaScript of the selection's map layers (cached per filters, drawing options and selected feature)."""
    selection = (selected or {}).get("place_id", ""), (selected or {}).get("qualifier", "")

    def build() -> list[Any]:
        rows = drawn(aggregate(_store, filters, rev), drawing)
        chosen = rows[(rows["place_id"] == selection[0]) & (_qualifier_key(rows) == selection[1])] if len(rows) \
            else rows
        return data_layers(rows, lang=drawing.lang, selected=records(chosen), cluster_towns=drawing.cluster,
                           basemap_layers=basemap())

    return mapview.cached_layers_script(build, (filters, rev, drawing, selection))


def refresh() -> None:
    """After an upload or a review: the store's revision has moved, so every cache key has; forget the old facets
    now."""
    facets.clear()
