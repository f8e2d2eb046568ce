"""Counts, timeline, mentions table, export buttons and the upload form."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from layers.escape import escape_markdown

TABLE_ROWS = 1000
"""Rows sent to the browser in the mentions table (the exports carry everything)."""
TABLE_COLUMNS = ["date", "name", "qualifier", "threat", "threat_p", "cue", "surface", "passage", "speaker", "source",
                 "lang", "title", "resolved_by"]
EXPORTS: tuple[tuple[str, str, str, str], ...] = (
    ("GeoJSON", "threatmap.geojson", "application/geo+json", "to_geojson_bytes"),
    ("CSV", "threatmap.csv", "text/csv", "to_csv"),
    ("KML", "threatmap.kml", "application/vnd.google-earth.kml+xml", "to_kml"),
    ("GeoPackage", "threatmap.gpkg", "application/geopackage+sqlite3", "to_gpkg"),
)



def counts(counted: Any, unlocated: int = 0) -> None:
    """Mentions, threat mentions, places and documents of the selection (a ``Counts`` of the store), and how many
    of the mentions name a place nothing locates (listed, not drawn)."""
    cols = st.columns(4)
    cols[0].metric("Mentions", f"{counted.mentions:,}")
    cols[1].metric("Threat mentions", f"{counted.threats:,}")
    cols[2].metric("Places", f"{counted.places:,}")
    cols[3].metric("Documents", f"{counted.documents:,}")
    if unlocated:
        st.caption(f"{unlocated:,} of the mentions name a place that nothing in its text locates: they are listed "
                   f"in the reports, the table and the exports (resolved_by 'unlocated'), and not drawn or counted on "
                   f"the map.")


def capped_notice(capped: bool, limit: int | None) -> None:
    """Say that the text search matched more than ``limit`` documents and that only the most recently stored of
    them are shown, and how to see every match (the sidebar's toggle); nothing when it was not ``capped``."""
    if not capped or limit is None:
        return
    st.info(f"The search matches more than {limit:,} documents: the map, counts, timeline and lists show the "
            f"{limit:,} most recently stored of them. Turn on “Every match of the search (slower)” in the sidebar "
            f"to see them all; the exports always hold every match.")


def monthly(found: pd.DataFrame) -> pd.DataFrame:
    """The store's mentions per month (index ``YYYY-MM``, columns ``threat`` and ``other``) on a real time axis:
    every month between the first and the last, with zeros when nothing was reported (so 2020-03 is not drawn
    next to 2022-01)."""
    if found.empty:
        return pd.DataFrame(columns=["threat", "other"])
    periods = pd.PeriodIndex(list(found.index), freq="M")
    axis = pd.period_range(periods.min(), periods.max(), freq="M").strftime("%Y-%m")
    table = found.reindex(pd.Index(axis, name="month"), fill_value=0).astype("int64")
    table.columns.name = "threat"
    return table


def newest_first(df: pd.DataFrame, rows: int) -> pd.DataFrame:
    """The first ``rows`` mentions, newest document date first, undated mentions last (order kept among equals),
    in the table's columns."""
    order = df["date"].sort_values(ascending=False, na_position="last", kind="stable").index[:rows]
    shown = df.loc[order]
    return shown[[c for c in TABLE_COLUMNS if c in shown]]


def timeline_spec() -> dict[str, Any]:
    """The timeline's stacked bars as a Vega-Lite spec (a new dict per call: Streamlit may add to the one it is
    given). ``st.bar_chart`` builds the same chart through Altair, whose import (~0.6 s CPU) fell on the first visit
    of each server process; the spec is sent as it is."""
    return {
        "mark": {"type": "bar"}, "height": 220,
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "month"},
            "y": {"field": "mentions", "type": "quantitative", "stack": "zero", "title": "mentions"},
            "color": {"field": "kind", "type": "nominal", "title": None,
                      "scale": {"domain": ["threat", "other"], "range": ["#b30000", "#9e9e9e"]}},
            "order": {"field": "kind", "sort": "descending"},
            "tooltip": [{"field": "month"}, {"field": "kind"}, {"field": "mentions", "type": "quantitative"}]}}


def timeline_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`timeline_spec`: one per month and kind (``threat``, ``other``) of :func:`monthly`'s table."""
    long = table.rename_axis(index="month", columns=None).reset_index().melt(
        id_vars="month", value_vars=["threat", "other"], var_name="kind", value_name="mentions")
    return long.astype({"mentions": "int64"})


def timeline(found: pd.DataFrame, undated: int) -> None:
    """Stacked bars of mentions per month, threat vs other (``Store.monthly`` of the selection)."""
    table = monthly(found)
    st.subheader("Timeline")
    if table.empty:
        st.caption("No dated mention in the selection.")
    else:
        st.vega_lite_chart(timeline_rows(table), timeline_spec(), width="stretch")
    if undated:
        st.caption(f"{undated:,} mention(s) come from undated documents and are not in the timeline.")


def table(df: pd.DataFrame, total: int) -> None:
    """The newest :data:`TABLE_ROWS` mentions of the selection (``df``, from the store) of ``total``."""
    st.subheader("Mentions")
    st.dataframe(newest_first(df, TABLE_ROWS), hide_index=True, height=300)
    if total > TABLE_ROWS:
        st.caption(f"Showing {TABLE_ROWS:,} of {total:,} mentions; the exports contain all of them.")


def _deferred(name: str, load: Callable[[], pd.DataFrame], gaz: Any) -> Callable[[], bytes]:
    def build() -> bytes:
        from threatmap import export

        func = getattr(export, name)
        df = load()  # the whole selection, read from the store only when a button is clicked
        return func(df) if name == "to_csv" else func(df, gaz)  # type: ignore[no-any-return]

    return build


def exports(load: Callable[[], pd.DataFrame], gaz: Any, *, empty: bool) -> None:
    """One download button per format; each file is built (its rows read) only when its button is clicked."""
    st.subheader("Export the selection")
    cols = st.columns(len(EXPORTS))
    for col, (label, file_name, mime, func) in zip(cols, EXPORTS, strict=True):
        col.download_button(
            label, data=_deferred(func, load, gaz), file_name=file_name, mime=mime, key=f"export_{func}",
            on_click="ignore", disabled=empty,
        )


UPLOAD_FILES = "upload_files"
"""Session-state key of the uploader's chosen files."""
UPLOAD_RECEIPT = "upload_receipt"
"""Session-state key of the last submitted upload's :class:`UploadReceipt` (shown until the next one)."""


@dataclasses.dataclass(frozen=True)
class UploadReceipt:
    """What the last submit did: its number in this session, how many files it checked, one notice per outcome."""

    number: int
    files: int
    notices: tuple[tuple[str, str], ...]

    @property
    def heading(self) -> str:
        """``Upload 2: 3 files checked`` — numbered, so a second submit of the same files shows it was received."""
        return f"Upload {self.number}: {self.files} file{'' if self.files == 1 else 's'} checked"


def upload(store: Any, parser: Callable[[], Any], *, max_bytes: int, on_done: Callable[[], None]) -> None:
    """A sidebar form: files -> ``threatmap.store.ingest.ingest_upload`` -> refresh the map.

    The ingest runs in the submit button's callback, before the script: a rerun asked for meanwhile (the map reports
    its view after drawing) would otherwise stop the script before it reached the form, and the submit would be lost.
    The notices of the last upload stay, under a numbered heading, until the next one."""
    receipt = st.session_state.get(UPLOAD_RECEIPT)
    if receipt is not None:
        st.sidebar.caption(receipt.heading)
        for kind, message in receipt.notices:
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
    last = st.session_state.get(UPLOAD_RECEIPT)
    st.session_state[UPLOAD_RECEIPT] = UploadReceipt(last.number + 1 if last else 1, len(files), tuple(messages))
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
