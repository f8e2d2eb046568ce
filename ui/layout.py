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


DATE_COMMIT_JS = """<script>
(function(doc) {  // Streamlit applies a typed date only when the field loses focus: apply it once it is complete
  if (doc.__tmDateCommit) { return; }
  doc.__tmDateCommit = true;
  doc.addEventListener("keyup", function(e) {
    var field = e.target.closest && e.target.closest('[data-testid="stDateInputField"]');
    if (!field) { return; }
    var spins = Array.prototype.slice.call(field.querySelectorAll('[role="spinbutton"]'));
    var last = spins[spins.length - 1];
    var complete = spins.length && spins.every(function(s) { return s.getAttribute("data-placeholder") !== "true"; });
    var dayDone = last && e.target === last && /^[0-9]$/.test(e.key) && (last.textContent.trim().length >= 2 ||
                                                                          parseInt(last.textContent, 10) > 3);
    if (e.key === "Enter" || (complete && dayDone)) {  // Escape is the field's own "apply what is typed" key
      e.target.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
    }
  }, true);
})(document);
</script>"""


TITLE = "Reported ISIS threat areas — Iraq and Syria"
ICON = "🗺️"


def page_head() -> None:
    """The page's configuration, style and title: the first thing a script run sends (this module imports nothing
    heavier than Streamlit)."""
    st.set_page_config(page_title="threatmap", layout="wide")
    page_style()
    st.title(TITLE)


def page_icon() -> None:
    """The tab's icon, set at the end of the script: checking that it is an emoji loads Streamlit's emoji list
    (~0.2 s of CPU on a cold process), which nothing on the page need wait for."""
    st.set_page_config(page_icon=ICON)


AFTER_THE_MAP = "Shown once the map is drawn."


def after_the_map(*titles: str) -> None:
    """Headings of the sections that follow the map's first report (the chart's and the table's scripts are heavy
    for the browser: they would be loaded while the map is drawn)."""
    for title in titles:
        st.subheader(title)
        st.caption(AFTER_THE_MAP)


def page_style() -> None:
    """The page's CSS (static: no user text in it), and the script that applies a date as soon as it is typed."""
    st.html(CSS)
    st.html(DATE_COMMIT_JS, unsafe_allow_javascript=True)  # static text: no user input reaches it


def map_columns() -> tuple[Any, Any]:
    """The map column and the side column (passages, reports) in a row that wraps on narrow screens."""
    row = st.container(key="maprow")
    return tuple(row.columns([MAP_SHARE, 1 - MAP_SHARE], gap="small"))  # type: ignore[return-value]
