"""threatmap: an offline map of reported ISIS threat areas, with quoted passages, filters, timeline and export."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from layers import CENTER, ZOOM, build_map
from threatmap import settings
from ui import curator, data, panel, review, sidebar, views

st.set_page_config(page_title="threatmap", page_icon="🗺️", layout="wide")
st.title("Reported ISIS threat areas — Iraq and Syria")
data.assets()

store = data.store(str(settings.STORE_PATH))
gaz = data.gazetteer()
rev = data.revision(store)
filters = sidebar.filter_sidebar(data.facets(store, rev))
reviewer = review.reviewer_field()
df = data.query(store, filters, rev)
agg = data.aggregate(store, filters, rev)

views.counts(df)

map_col, panel_col = st.columns([3, 2], gap="medium")
with map_col:
    returned = st_folium(
        build_map(agg, data.basemap(), center=CENTER, zoom=ZOOM),
        center=CENTER, zoom=ZOOM, height=600, use_container_width=True,
        returned_objects=["last_active_drawing", "last_clicked"], key="map",  # a click places an unknown name
        render=False,  # st_folium renders it once anyway
    )
with panel_col:
    st.subheader("Passages")
    selected = panel.selection(returned)
    panel.passages_panel(df, selected)
    clicked = review.clicked_point(returned)
    if selected:
        review.review_panel(panel.selected_rows(df, selected), review.review_log(str(settings.STORE_PATH)), gaz,
                            clicked, reviewer, data.refresh)

sidebar.write_query_params(filters, selected, reviewer=reviewer)
views.timeline(df, key=(filters, rev))
views.table(df, key=(filters, rev))
views.exports(df, gaz)
curator.curator_panel(store, df, gaz, clicked, reviewer)
if settings.ALLOW_UPLOADS:
    views.upload(store, data.geoparser, max_bytes=settings.MAX_DOC_BYTES, on_done=data.refresh)
