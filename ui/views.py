"""Counts, timeline, mentions table, export buttons and the upload form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from layers.escape import escape_markdown

TABLE_ROWS = 1000
"""Rows sent to the browser in the mentions table (the exports carry everything)."""
TABLE_COLUMNS = ["date", "name", "qualifier", "threat", "threat_p", "cue", "surface", "speaker", "source", "lang",
                 "title"]
EXPORTS: tuple[tuple[str, str, str, str], ...] = (
    ("GeoJSON", "threatmap.geojson", "application/geo+json", "to_geojson_bytes"),
    ("CSV", "threatmap.csv", "text/csv", "to_csv"),
    ("KML", "threatmap.kml", "application/vnd.google-earth.kml+xml", "to_kml"),
    ("GeoPackage", "threatmap.gpkg", "application/geopackage+sqlite3", "to_gpkg"),
)


def counts(c: Any) -> None:
    """Mentions, threat mentions, places and documents of the selection (a :class:`threatmap.store.Counts`)."""
    cols = st.columns(4)
    cols[0].metric("Mentions", f"{c.mentions:,}")
    cols[1].metric("Threat mentions", f"{c.threats:,}")
    cols[2].metric("Places", f"{c.places:,}")
    cols[3].metric("Documents", f"{c.documents:,}")


def timeline(table: pd.DataFrame, undated: int) -> None:
    """Stacked bars of mentions per month, threat vs other (``Store.monthly``), and the undated count."""
    st.subheader("Timeline")
    if table.empty:
        st.caption("No dated mention in the selection.")
    else:
        st.bar_chart(table, color=["#b30000", "#9e9e9e"], height=220, x_label="month", y_label="mentions")
    if undated:
        st.caption(f"{undated:,} mention(s) come from undated documents and are not in the timeline.")


def table(newest: pd.DataFrame, total: int) -> None:
    """The newest :data:`TABLE_ROWS` mentions of the selection (``Store.query(limit=…, newest_first=True)``)."""
    st.subheader("Mentions")
    st.dataframe(newest[[c for c in TABLE_COLUMNS if c in newest]], hide_index=True, height=300)
    if total > len(newest):
        st.caption(f"Showing {len(newest):,} of {total:,} mentions; the exports contain all of them.")


def _deferred(name: str, selection: Callable[[], pd.DataFrame], gaz: Any) -> Callable[[], bytes]:
    def build() -> bytes:
        from threatmap import export

        func = getattr(export, name)
        df = selection()
        return func(df) if name == "to_csv" else func(df, gaz)

    return build


def exports(selection: Callable[[], pd.DataFrame], gaz: Any, *, empty: bool) -> None:
    """One download button per format; each file is built (and the selection read) only when it is clicked."""
    st.subheader("Export the selection")
    cols = st.columns(len(EXPORTS))
    for col, (label, file_name, mime, func) in zip(cols, EXPORTS, strict=True):
        col.download_button(
            label, data=_deferred(func, selection, gaz), file_name=file_name, mime=mime, key=f"export_{func}",
            on_click="ignore", disabled=empty,
        )


def upload(store: Any, parser: Callable[[], Any], *, max_bytes: int, on_done: Callable[[], None]) -> None:
    """A sidebar form: files -> ``threatmap.store.ingest.ingest_upload`` -> refresh the map (``parser()`` on submit)."""
    from threatmap.store.ingest import ingest_upload

    for kind, message in st.session_state.pop("upload_messages", []):
        getattr(st.sidebar, kind)(message)
    with st.sidebar.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            "Add documents", type=["md", "txt", "html", "htm", "jsonl"], accept_multiple_files=True,
            help=f"Markdown with YAML front matter, plain text, HTML or JSONL; at most {max_bytes // 1024:,} KB each.",
        )
        submitted = st.form_submit_button("Add to the map")
    if not (submitted and files):
        return
    messages = []
    for file in files:
        try:
            result = ingest_upload(file.name, file.getvalue(), store, parser(), max_bytes=max_bytes)
        except ValueError as error:  # DocumentError and friends: a bad file, not a bug
            messages.append(("error", escape_markdown(f"{file.name}: {error}")))
            continue
        kind = "success" if not (result.rejected or result.failed) else "warning"
        messages.append((kind, escape_markdown(f"{file.name}: {result}")))  # names and values are the uploader's
    st.session_state["upload_messages"] = messages
    on_done()
    st.rerun()
