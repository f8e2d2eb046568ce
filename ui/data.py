"""Cached loaders: the store (built from the bundled corpus on first start), gazetteer, geoparser, queries."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from layers.basemap import load_basemap
from layers.offline import install_assets
from threatmap import settings
from threatmap.filters import Filters


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
    from threatmap.geoparser import Geoparser

    return Geoparser.from_gazetteer(gazetteer())


@st.cache_resource(show_spinner="Building the store from the bundled corpus …")
def store(path: str) -> Any:
    """Open the store at ``path``; fill it from ``corpus/`` when it is empty."""
    from threatmap.ingest import ensure_demo_corpus

    from threatmap.store import Store

    opened = Store.open(path)
    if opened.is_empty():
        ensure_demo_corpus(opened, geoparser())
    return opened


@st.cache_resource(show_spinner=False)
def revision() -> dict[str, int]:
    """A process-wide counter bumped after each upload; part of every query's cache key."""
    return {"n": 0}


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


@st.cache_resource(show_spinner=False, max_entries=16)
def aggregate(_store: Any, filters: Filters, rev: int) -> Any:
    """One row per (place, qualifier) of the selection, with geometry (``threatmap.export.aggregate_places``)."""
    from threatmap.export import aggregate_places

    return aggregate_places(query(_store, filters, rev), gazetteer())


def refresh() -> None:
    """Forget every cached query after the store changed (an upload)."""
    revision()["n"] += 1
    facets.clear()
