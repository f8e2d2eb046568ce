"""The reports feed: the passages of the filtered window, newest first, with their places; a click zooms to them."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from layers.escape import escape_text, highlight, is_rtl, text_block
from threatmap.models import UNLOCATED
from ui import mapview

PAGE_SIZE = 8
CSS = (
    "<style>.tm-report{border-left:4px solid #bbb;padding:2px 8px;margin:0 0 2px 0;font-size:.9em}"
    ".tm-report.threat{border-left-color:#b30000}.tm-chip{display:inline-block;background:#eef2f6;"
    "border-radius:9px;padding:0 7px;margin:0 3px 2px 0;font-size:.85em}.tm-chip.threat{background:#fde0dd}"
    ".tm-report .tm-meta{color:#555;font-size:.85em}.tm-chip.unlocated{border:1px dashed #888}</style>"
)


def passage_groups(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """The mention rows (newest first, as the store orders them) grouped by passage (document, passage start), in
    the order of their first row; each group's rows by offset."""
    if rows.empty:
        return []
    groups = dict(list(rows.groupby(["doc_id", "passage_start"], sort=False)))
    return [g.sort_values("start", kind="stable") for g in groups.values()]


def page_of(fetch: Callable[[int], pd.DataFrame], page: int) -> tuple[list[pd.DataFrame], bool]:
    """The passages of ``page`` (from 1) and whether there are more after it. ``fetch(n)`` returns the newest
    ``n`` mention rows of the selection; the rows asked for double until the page is full or the selection
    ends (a passage holds one or many mentions), so only the newest rows are ever read."""
    wanted = page * PAGE_SIZE + 1
    n = wanted * 3
    while True:
        rows = fetch(n)
        groups = passage_groups(rows)
        if len(groups) >= wanted or len(rows) < n:
            return groups[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], len(groups) > page * PAGE_SIZE
        n *= 2


def _probability(rows: pd.DataFrame) -> str:
    if "threat_p" not in rows or rows["threat_p"].isna().all():
        return ""
    return f" · threat p = {float(rows['threat_p'].max()):.2f}"


def card_html(rows: pd.DataFrame) -> str:
    """One report: the passage (escaped, right-to-left when Arabic), its place chips, source and date."""
    col = {c: rows[c].tolist() for c in ("passage", "lang", "source", "date", "start", "end", "passage_start", "name",
                                        "qualifier", "threat")}  # lists: pandas' row access costs ~ms per card
    resolved = rows["resolved_by"].tolist() if "resolved_by" in rows else [None] * len(rows)
    text = str(col["passage"][0] or "")
    lang = col["lang"][0] if isinstance(col["lang"][0], str) else None
    rtl = is_rtl(text, lang)
    spans = [(int(s) - int(p), int(e) - int(p)) for s, e, p in zip(col["start"], col["end"], col["passage_start"],
                                                                    strict=True)]
    body = text_block(highlight(text, spans), rtl=rtl, lang=lang if rtl else None)
    seen: dict[str, bool] = {}
    unlocated: set[str] = set()
    for name, qualifier, resolved_by, is_threat in zip(col["name"], col["qualifier"], resolved, col["threat"],
                                                       strict=True):
        label = str(name) + (f" ({qualifier})" if isinstance(qualifier, str) and qualifier else "")
        if resolved_by == UNLOCATED:  # listed, never drawn: the chip says so
            label += " · not located"
            unlocated.add(label)
        seen[label] = seen.get(label, False) or bool(is_threat)
    chips = "".join(f'<span class="tm-chip{" threat" if threat else ""}{" unlocated" if label in unlocated else ""}">'
                    f'{escape_text(label)}</span>' for label, threat in seen.items())
    source = escape_text(col["source"][0] if isinstance(col["source"][0], str) else "unknown source")
    date = escape_text(col["date"][0] if isinstance(col["date"][0], str) else "undated")
    threat = bool(rows["threat"].any())
    return (f'<div class="tm-report{" threat" if threat else ""}">{chips}{body}'
            f'<div class="tm-meta">{date} · {source}{escape_text(_probability(rows))}</div></div>')


def bbox_of(rows: pd.DataFrame) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of the places of ``rows``."""
    return (float(rows["min_lon"].min()), float(rows["min_lat"].min()),
            float(rows["max_lon"].max()), float(rows["max_lat"].max()))


def _zoom_to(rows: pd.DataFrame) -> None:
    center, zoom = mapview.view_for_bbox(bbox_of(rows))
    mapview.request_view(center, zoom)
    first = rows.iloc[0]
    st.session_state["selection"] = {"place_id": str(first["place_id"]),
                                     "qualifier": str(first["qualifier"] or "") if isinstance(first["qualifier"], str)
                                     else ""}


def reports_feed(fetch: Callable[[int], pd.DataFrame], mentions: int) -> None:
    """The feed with a page selector; "Show on map" moves the map to a report's places and selects the first.
    ``fetch(n)``: the newest ``n`` mention rows of the selection; ``mentions``: how many it holds."""
    st.subheader("Reports")
    if not mentions:
        st.info("No passage in the filtered window.")
        return
    pages = (mentions + PAGE_SIZE - 1) // PAGE_SIZE  # at most: a passage holds one mention or more
    page = int(st.number_input(f"Page ({mentions:,} mentions in the window, newest passages first)", min_value=1,
                               max_value=pages, value=1, step=1, key="feed_page"))
    shown, more = page_of(fetch, page)
    if not shown:
        st.info("No more passages: the earlier pages hold them all.")
        return
    st.html(CSS)
    for i, rows in enumerate(shown):
        st.html(card_html(rows))
        located = rows[rows["lat"].notna()]  # a passage naming only places nothing locates has nothing to show
        if not located.empty:
            st.button("Show on map", key=f"feed_zoom_{i}", on_click=_zoom_to, args=(located,), type="tertiary")
    if not more:
        st.caption("The last passage of the window.")
