"""threatmap: an offline map of reported ISIS threat areas, with quoted passages, a reports feed, filters and export."""

from __future__ import annotations

from dataclasses import replace

from ui import layout, process

layout.page_head()  # title and style first: the page shows at once, before the imports below (~1 s on a cold process)

with process.imports_untraced("ui.data"):
    from threatmap import settings
    from ui import curator, data, feed, mapview, panel, review, sidebar, timeslider, views

data.assets()

store = data.store(settings.store_target())
gaz = data.gazetteer()
rev = data.revision(store)
facets = data.facets(store, rev)
chosen = sidebar.filter_sidebar(facets, spellings=gaz.spellings)
filters = timeslider.month_slider(chosen, facets)  # the month narrows what is shown, not the shared link
drawing = sidebar.drawing_sidebar()
reviewer = review.reviewer_field()
counted = data.counts(store, filters, rev)  # every figure below is asked of the store in SQL, none loads it all

views.counts(counted, data.unlocated(store, filters, rev))
views.capped_notice(store.text_capped(filters), filters.text_limit)  # a common word: its newest matches only
map_col, side_col = layout.map_columns()
returned = mapview.returned(data.basemap())
selected = panel.selection(returned)
clicked = review.clicked_point(returned)  # a click on the map places an unknown name
with map_col:
    mapview.show(data.basemap(), data.map_layers(store, filters, rev, drawing, selected))
with side_col:
    rows = data.place_rows(store, filters, rev, selected["place_id"]) if selected else None
    panel.passages_panel(rows, selected, **data.place_counts(store, filters, rev, selected))
    if selected and rows is not None:
        review.review_panel(panel.selected_rows(rows, selected), review.review_log(store, settings.store_target()),
                            gaz, clicked, reviewer, data.refresh)
    feed.reports_feed(lambda n: data.newest(store, filters, rev, n), counted.mentions)

sidebar.write_query_params(chosen, selected, mapview.view_params(), reviewer=reviewer)
if returned:  # the map has reported its view, so it is drawn: the chart and the table (their scripts) follow it
    views.timeline(*data.monthly(store, filters, rev))
    views.table(data.newest(store, filters, rev, views.TABLE_ROWS), counted.mentions)
else:
    layout.after_the_map("Timeline", "Mentions")
views.exports(lambda: store.query(replace(filters, text_limit=None)), gaz, empty=counted.mentions == 0)
curator.curator_panel(store, data.context_rows(store, rev), gaz, clicked, reviewer)
if settings.ALLOW_UPLOADS:
    views.upload(store, data.geoparser, max_bytes=settings.MAX_DOC_BYTES, on_done=data.refresh)
layout.page_icon()  # last: checking the emoji loads Streamlit's emoji list (~0.2 s on a cold process)
