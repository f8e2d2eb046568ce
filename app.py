"""threatmap: an offline map of reported ISIS threat areas, with quoted passages, a reports feed, filters and export."""

from __future__ import annotations

import streamlit as st

from threatmap import settings
from ui import curator, data, feed, layout, mapview, panel, review, sidebar, timeslider, views

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
reviewer = review.reviewer_field()
df = data.query(store, filters, rev)

views.counts(df)
map_col, side_col = layout.map_columns()
returned = mapview.returned(data.basemap())
selected = panel.selection(returned)
clicked = review.clicked_point(returned)  # a click on the map places an unknown name
with map_col:
    mapview.show(data.basemap(), data.map_layers(store, filters, rev, drawing, selected))
with side_col:
    panel.passages_panel(df, selected)
    if selected:
        review.review_panel(panel.selected_rows(df, selected), review.review_log(str(settings.STORE_PATH)), gaz,
                            clicked, reviewer, data.refresh)
    feed.reports_feed(df, key=(filters, rev))

sidebar.write_query_params(chosen, selected, mapview.view_params(), reviewer=reviewer)
views.timeline(df, key=(filters, rev))
views.table(df, key=(filters, rev))
views.exports(df, gaz)
curator.curator_panel(store, df, gaz, clicked, reviewer)
if settings.ALLOW_UPLOADS:
    views.upload(store, data.geoparser, max_bytes=settings.MAX_DOC_BYTES, on_done=data.refresh)
