"""threatmap: an offline map of reported ISIS threat areas, with quoted passages, a reports feed, filters and export."""

from __future__ import annotations

import streamlit as st

from threatmap import settings
from ui import data, feed, layout, mapview, panel, sidebar, timeslider, views

st.set_page_config(page_title="threatmap", page_icon="🗺️", layout="wide")
layout.page_style()
st.title("Reported ISIS threat areas — Iraq and Syria")
data.assets()

store = data.store(str(settings.STORE_PATH))
gaz = data.gazetteer()
rev = data.revision(store)
facets = data.facets(store, rev)
chosen = sidebar.filter_sidebar(facets, spellings=gaz.spellings)
filters = timeslider.month_slider(chosen, facets)  # the month narrows what is shown, not the shared link
drawing = sidebar.drawing_sidebar()
df = data.query(store, filters, rev)

views.counts(df)
map_col, side_col = layout.map_columns()
selected = panel.selection(mapview.returned(data.basemap()))
with map_col:
    mapview.show(data.basemap(), data.map_layers(store, filters, rev, drawing, selected))
with side_col:
    panel.passages_panel(df, selected)
    feed.reports_feed(df, key=(filters, rev))

sidebar.write_query_params(chosen, selected, mapview.view_params())
views.timeline(df, key=(filters, rev))
views.table(df, key=(filters, rev))
views.exports(df, gaz)
if settings.ALLOW_UPLOADS:
    views.upload(store, data.geoparser, max_bytes=settings.MAX_DOC_BYTES, on_done=data.refresh)
