"""Counts, timeline, mentions table, export buttons and the upload form."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
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


def counts(df: pd.DataFrame) -> None:
    """Mentions, threat mentions, places and documents of the selection."""
    cols = st.columns(4)
    cols[0].metric("Mentions", f"{len(df):,}")
    cols[1].metric("Threat mentions", f"{int(df['threat'].sum()) if len(df) else 0:,}")
    cols[2].metric("Places", f"{df['place_id'].nunique():,}")
    cols[3].metric("Documents", f"{df['doc_id'].nunique():,}")


def monthly(df: pd.DataFrame) -> pd.DataFrame:
    """Mentions per month (index ``YYYY-MM``), columns ``threat`` and ``other``; undated mentions left out."""
    codes, uniques = pd.factorize(df["date"])  # missing dates get -1; few distinct days: work per day, not row
    if not len(uniques):
        return pd.DataFrame(columns=["threat", "other"])
    month_of_day, months = pd.factorize(np.array([str(u)[:7] for u in uniques], dtype=object))
    dated = codes >= 0
    threat = df["threat"].to_numpy(dtype=bool)[dated]
    counts = np.bincount(month_of_day[codes[dated]] * 2 + threat, minlength=2 * len(months)).reshape(-1, 2)
    order = np.argsort(months, kind="stable")
    table = pd.DataFrame({"threat": counts[order, 1], "other": counts[order, 0]},
                         index=pd.Index(np.asarray(months, dtype=object)[order], name="month"))
    table.columns.name = "threat"
    return table


@st.cache_resource(show_spinner=False, max_entries=16)
def _monthly(_df: pd.DataFrame, key: Hashable) -> pd.DataFrame:
    return monthly(_df)


@st.cache_resource(show_spinner=False, max_entries=16)
def _newest(_df: pd.DataFrame, key: Hashable) -> pd.DataFrame:
    shown = _df.iloc[::-1].head(TABLE_ROWS)  # Store.query orders by date (undated first): newest first, undated last
    return shown[[c for c in TABLE_COLUMNS if c in shown]]


def timeline(df: pd.DataFrame, *, key: Hashable) -> None:
    """Stacked bars of mentions per month, threat vs other (``key`` identifies ``df`` for the cache)."""
    table = _monthly(df, key)
    undated = int(df["date"].isna().sum())
    st.subheader("Timeline")
    if table.empty:
        st.caption("No dated mention in the selection.")
    else:
        st.bar_chart(table, color=["#b30000", "#9e9e9e"], height=220, x_label="month", y_label="mentions")
    if undated:
        st.caption(f"{undated:,} mention(s) come from undated documents and are not in the timeline.")


def table(df: pd.DataFrame, *, key: Hashable) -> None:
    """The first :data:`TABLE_ROWS` mentions, newest first (``key`` identifies ``df`` for the cache)."""
    st.subheader("Mentions")
    st.dataframe(_newest(df, key), hide_index=True, height=300)
    if len(df) > TABLE_ROWS:
        st.caption(f"Showing {TABLE_ROWS:,} of {len(df):,} mentions; the exports contain all of them.")


def _deferred(name: str, df: pd.DataFrame, gaz: Any) -> Callable[[], bytes]:
    def build() -> bytes:
        from threatmap import export

        func = getattr(export, name)
        return func(df) if name == "to_csv" else func(df, gaz)

    return build


def exports(df: pd.DataFrame, gaz: Any) -> None:
    """One download button per format; each file is built only when its button is clicked."""
    st.subheader("Export the selection")
    cols = st.columns(len(EXPORTS))
    for col, (label, file_name, mime, func) in zip(cols, EXPORTS, strict=True):
        col.download_button(
            label, data=_deferred(func, df, gaz), file_name=file_name, mime=mime, key=f"export_{func}",
            on_click="ignore", disabled=df.empty,
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
