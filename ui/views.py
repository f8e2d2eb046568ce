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
TABLE_COLUMNS = ["date", "name", "qualifier", "threat", "threat_p", "cue", "surface", "passage", "speaker", "source",
                 "lang", "title"]
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
    """Mentions per month (index ``YYYY-MM``), columns ``threat`` and ``other``; undated mentions left out.

    Every month between the first and the last dated mention is present, with zeros when nothing was reported:
    the index is a real time axis, so 2020-03 is not drawn next to 2022-01.
    """
    codes, uniques = pd.factorize(df["date"])  # missing dates get -1; few distinct days: work per day, not row
    if not len(uniques):
        return pd.DataFrame(columns=["threat", "other"])
    month_of_day, months = pd.factorize(np.array([str(u)[:7] for u in uniques], dtype=object))
    dated = codes >= 0
    threat = df["threat"].to_numpy(dtype=bool)[dated]
    counts = np.bincount(month_of_day[codes[dated]] * 2 + threat, minlength=2 * len(months)).reshape(-1, 2)
    found = pd.DataFrame({"threat": counts[:, 1], "other": counts[:, 0]}, index=pd.Index(months, name="month"))
    periods = pd.PeriodIndex(list(months), freq="M")
    axis = pd.period_range(periods.min(), periods.max(), freq="M").strftime("%Y-%m")
    table = found.reindex(pd.Index(axis, name="month"), fill_value=0).astype("int64")
    table.columns.name = "threat"
    return table


@st.cache_resource(show_spinner=False, max_entries=16)
def _monthly(_df: pd.DataFrame, key: Hashable) -> pd.DataFrame:
    return monthly(_df)


@st.cache_resource(show_spinner=False, max_entries=16)
def _newest(_df: pd.DataFrame, key: Hashable) -> pd.DataFrame:
    return newest_first(_df, TABLE_ROWS)


def newest_first(df: pd.DataFrame, rows: int) -> pd.DataFrame:
    """The first ``rows`` mentions, newest document date first, undated mentions last (order kept among equals)."""
    order = df["date"].sort_values(ascending=False, na_position="last", kind="stable").index[:rows]
    shown = df.loc[order]
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


UPLOAD_FILES = "upload_files"
"""Session-state key of the uploader's chosen files."""
UPLOAD_MESSAGES = "upload_messages"
"""Session-state key of the notices of the last submitted upload (shown until the next one)."""


def upload(store: Any, parser: Callable[[], Any], *, max_bytes: int, on_done: Callable[[], None]) -> None:
    """A sidebar form: files -> ``threatmap.store.ingest.ingest_upload`` -> refresh the map.

    The ingest runs in the submit button's callback, before the script: a rerun asked for meanwhile (the map reports
    its view after drawing) would otherwise stop the script before it reached the form, and the submit would be lost.
    The notices of the last upload stay until the next one."""
    for kind, message in st.session_state.get(UPLOAD_MESSAGES, []):
        getattr(st.sidebar, kind)(escape_markdown(message))  # names and values are the uploader's
    with st.sidebar.form("upload", clear_on_submit=True):
        st.file_uploader(
            "Add documents", type=["md", "txt", "html", "htm", "jsonl"], accept_multiple_files=True, key=UPLOAD_FILES,
            help=f"Markdown with YAML front matter, plain text, HTML or JSONL; at most {max_bytes // 1024:,} KB each.",
        )
        st.form_submit_button("Add to the map", on_click=ingest_uploads, args=(store, parser, max_bytes, on_done))


def ingest_uploads(store: Any, parser: Callable[[], Any], max_bytes: int, on_done: Callable[[], None]) -> None:
    """The submit callback: ingest every chosen file, keep one notice per outcome, refresh when the store changed."""
    from threatmap.store.ingest import ingest_upload

    files = st.session_state.get(UPLOAD_FILES) or []
    messages: list[tuple[str, str]] = []
    added = False
    for file in files:
        try:
            result = ingest_upload(file.name, file.getvalue(), store, parser(), max_bytes=max_bytes)
        except ValueError as error:  # DocumentError and friends: a bad file, not a bug
            messages.append(("error", f"{file.name}: {error}"))
            continue
        messages.extend(upload_messages(file.name, result))
        added = added or bool(result.added)
    if not files:
        messages.append(("info", "No file chosen: drop files on the uploader, wait for them to load, then add them."))
    st.session_state[UPLOAD_MESSAGES] = messages
    if added:  # the store changed: every cached query is stale (rejected files change nothing)
        on_done()


def upload_messages(name: str, result: Any) -> list[tuple[str, str]]:
    """``(kind, text)`` notices for one uploaded file: one ``error`` per rejection (file name, reason and fix, as
    the ingest wrote them), ``success`` when documents were added, ``info`` when nothing new was stored."""
    out = [("error", reason if reason.startswith(name) else f"{name}: {reason}") for _, reason in result.rejected]
    out += [("error", f"{name}: internal error at {where}: {error}") for where, error in result.failed]
    out += [("info", f"{name}: {note}") for _, note in result.notes]
    if result.added:
        out.append(("success", f"{name}: {result.added} document(s) added, {result.mentions} place mention(s), "
                               f"{result.threat_mentions} judged a threat."))
    elif result.unchanged:
        out.append(("info", f"{name}: already stored, nothing changed."))
    elif not (result.rejected or result.failed):
        out.append(("error", f"{name}: no document found in the file; fix: upload a .md, .txt, .html or .jsonl "
                             f"file with text in it."))
    return out
