"""threatmap: an offline map of reported ISIS threat areas, with quoted passages, filters, timeline and export."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from layers import CENTER, ZOOM, build_map
from threatmap import settings
from ui import data, panel, sidebar, views

st.set_page_config(page_title="threatmap", page_icon="🗺️", layout="wide")
st.title("Reported ISIS threat areas — Iraq and Syria")
data.assets()

store = data.store(settings.store_target())
gaz = data.gazetteer()
rev = data.revision(store)
filters = sidebar.filter_sidebar(data.facets(store, rev))
agg = data.aggregate(store, filters, rev)
counts = data.counts(store, filters, rev)

views.counts(counts)

map_col, panel_col = st.columns([3, 2], gap="medium")
with map_col:
    returned = st_folium(
        build_map(agg, data.basemap(), center=CENTER, zoom=ZOOM),
        center=CENTER, zoom=ZOOM, height=600, use_container_width=True,
        returned_objects=["last_active_drawing"], key="map", render=False,  # st_folium renders it once anyway
    )
with panel_col:
    st.subheader("Passages")
    selected = panel.selection(returned)
    rows = data.place_rows(store, filters, rev, selected["place_id"], panel.MAX_ROWS) if selected else None
    panel.passages_panel(rows, selected)

sidebar.write_query_params(filters, selected)
views.timeline(*data.monthly(store, filters, rev))
views.table(data.page(store, filters, rev, views.TABLE_ROWS), counts.mentions)
views.exports(lambda: store.query(filters), gaz, empty=counts.mentions == 0)
if settings.ALLOW_UPLOADS:
    views.upload(store, data.geoparser, max_bytes=settings.MAX_DOC_BYTES, on_done=data.refresh)
