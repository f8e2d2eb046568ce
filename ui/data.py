"""Cached loaders: the store (built from the bundled corpus on first start), gazetteer, geoparser, queries."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
import streamlit as st

from layers.basemap import load_basemap
from layers.features import geometry_json, records, summary_head
from layers.offline import install_assets
from threatmap import settings
from threatmap.store.filters import Filters


@st.cache_resource(show_spinner=False)
def assets() -> str:
    """Copy Leaflet into ``static/vendor`` once per process."""
    return str(install_assets())


@st.cache_resource(show_spinner="Loading the gazetteer …")
def gazetteer() -> Any:
    """The gazetteer of the settings (shared, read-only)."""
    from threatmap.gazetteer import default_gazetteer

    return default_gazetteer()


@st.cache_resource(show_spinner=False)
def geoparser() -> Any:
    """One geoparser for ingesting uploads and the demo corpus."""
    from threatmap.geoparse.parser import Geoparser

    return Geoparser.from_gazetteer(gazetteer())


@st.cache_resource(show_spinner="Building the store from the bundled corpus …")
def store(path: str) -> Any:
    """Open the store at ``path``; fill it from ``corpus/`` when it is empty."""
    from threatmap.store import Store
    from threatmap.store.ingest import ensure_demo_corpus

    opened = Store.open(path)
    if opened.is_empty():
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
def query(_store: Any, filters: Filters, rev: int) -> pd.DataFrame:
    """One row per mention of the filtered selection (shared: treat as read-only)."""
    return _store.query(filters)


SHAPE_COLUMNS = ["id", "place_id", "name", "name_ar", "type", "precision", "qualifier", "geometry"]


def _qualifier_key(df: pd.DataFrame) -> pd.Series:
    """The qualifier as a join key: '' for none (NaN/None never match in a merge or groupby)."""
    return df["qualifier"].where(df["qualifier"].notna(), "")


def _keyed(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(_q=_qualifier_key(df))


@st.cache_resource(show_spinner="Resolving the places' geometries …", max_entries=4)
def shapes(_store: Any, rev: int) -> Any:
    """Name, type and geometry of every (place, qualifier) in the store, resolved once per store revision.

    ``threatmap.export.aggregate_places`` on one mention per (place, qualifier): the same geometry as the exports
    (gazetteer, qualified geometry, stored fallback), paid once instead of at every filter change.
    """
    from threatmap.export import aggregate_places

    keys = _keyed(query(_store, Filters(), rev)).drop_duplicates(["place_id", "_q"]).drop(columns="_q")
    places = aggregate_places(keys, gazetteer())[SHAPE_COLUMNS]
    geoms = places.geometry.to_numpy()
    return places.assign(geojson=[geometry_json(g) for g in geoms], area=shapely.area(geoms),
                         bbox=shapely.bounds(geoms).tolist(), summary_head=[summary_head(r) for r in records(places)])


@st.cache_resource(show_spinner=False, max_entries=16)
def aggregate(_store: Any, filters: Filters, rev: int) -> Any:
    """One row per (place, qualifier) of the selection: :func:`shapes` plus the selection's counts and dates."""
    df = query(_store, filters, rev)
    base = shapes(_store, rev)
    if df.empty:
        return base.iloc[0:0].assign(mentions=0, threats=0, first_date=None, last_date=None)
    codes, days = pd.factorize(df["date"])  # parse each distinct date once, not every row
    parsed = pd.to_datetime(pd.Series(days, dtype=object), format="%Y-%m-%d", errors="coerce").to_numpy()
    frame = pd.DataFrame({
        "place_id": df["place_id"], "_q": _qualifier_key(df),
        "_t": df["threat"].astype("int64"),
        "_d": np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.datetime64("NaT")) if len(days) else pd.NaT,
    })
    counts = (
        frame.groupby(["place_id", "_q"], sort=False)
        .agg(mentions=("_t", "size"), threats=("_t", "sum"), first_date=("_d", "min"), last_date=("_d", "max"))
        .reset_index()
    )
    for column in ("first_date", "last_date"):
        days = counts[column]
        counts[column] = days.dt.strftime("%Y-%m-%d").astype(object).where(days.notna(), None)
    merged = _keyed(base).merge(counts, on=["place_id", "_q"], how="inner").drop(columns="_q")
    return merged.sort_values(["mentions", "place_id"], ascending=[False, True]).reset_index(drop=True)


def refresh() -> None:
    """After an upload: the store's revision has changed already; drop the facets of older revisions too."""
    facets.clear()
