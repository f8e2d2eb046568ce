"""Map-first page layout: the map takes most of the width; passages and reports beside it, below on narrow screens."""

from __future__ import annotations

from typing import Any

import streamlit as st

MAP_SHARE = 0.78
"""The map column's share of the row on wide screens (with the sidebar open: ≥ 60 % of a 1,400 px window)."""
SIDEBAR_PX = 270
STACK_BELOW_PX = 1280
"""Below this window width the passages and reports go under the map instead of beside it."""
CSS = f"""<style>
.block-container, [data-testid="stMainBlockContainer"] {{padding-top: 3.2rem; padding-left: 1rem;
    padding-right: 1rem; max-width: 100%;}}
section[data-testid="stSidebar"][data-collapsed="false"] {{width: {SIDEBAR_PX}px !important;
    min-width: {SIDEBAR_PX}px !important;}}
h1 {{font-size: 1.6rem !important; padding: 0 0 .3rem 0 !important;}}
.st-key-maprow [data-testid="stColumn"]:last-child {{max-height: 720px; overflow-y: auto;}}
@media (max-width: {STACK_BELOW_PX}px) {{
  .st-key-maprow [data-testid="stHorizontalBlock"] {{flex-wrap: wrap;}}
  .st-key-maprow [data-testid="stColumn"] {{width: 100% !important; flex: 1 1 100% !important; min-width: 100%;}}
  .st-key-maprow [data-testid="stColumn"]:last-child {{max-height: none;}}
}}
[data-testid="stSidebar"] [data-testid="stDateInput"] input {{min-width: 10.5em;}}
</style>"""


def page_style() -> None:
    """The page's CSS (static: no user text in it)."""
    st.html(CSS)


def map_columns() -> tuple[Any, Any]:
    """The map column and the side column (passages, reports) in a row that wraps on narrow screens."""
    row = st.container(key="maprow")
    return tuple(row.columns([MAP_SHARE, 1 - MAP_SHARE], gap="small"))  # type: ignore[return-value]
