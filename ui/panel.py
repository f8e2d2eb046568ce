"""The passages panel: every passage of the clicked feature, verbatim, escaped, with the place name marked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from layers.escape import escape_markdown, escape_text, highlight, is_rtl, safe_url, text_block

MAX_PASSAGES = 40
MAX_ROWS = 5000
"""Mentions of the selected place read from the store (newest first): the cards come from these."""
CSS = (
    "<style>.tm-passage{border-left:4px solid #bbb;padding:4px 10px;margin:0 0 12px 0}"
    ".tm-passage.threat{border-left-color:#b30000}.tm-meta{color:#555;font-size:0.85em}"
    ".tm-cue{background:#fde0dd;border-radius:3px;padding:0 4px}mark{background:#ffe066;padding:0 1px}</style>"
)


def selection(returned: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The selected feature: a new click on the map, else the previous one, else the URL's ``place``."""
    drawing = (returned or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    if props.get("place_id"):
        st.session_state["selection"] = {
            "place_id": str(props["place_id"]), "qualifier": str(props.get("qualifier") or "")
        }
    elif "selection" not in st.session_state and st.query_params.get("place"):
        st.session_state["selection"] = {
            "place_id": st.query_params.get("place", ""), "qualifier": st.query_params.get("qualifier", "") or ""
        }
    return st.session_state.get("selection")


def _selected_rows(df: pd.DataFrame, sel: Mapping[str, str]) -> pd.DataFrame:
    rows = df[df["place_id"] == sel["place_id"]]
    qualifiers = rows["qualifier"].map(lambda q: escape_text(q) if isinstance(q, str) else "")
    return rows[qualifiers == (sel.get("qualifier") or "")]


def _s(value: Any) -> str | None:
    """A string value, or None for None / NaN / empty."""
    return value if isinstance(value, str) and value else None


def _card(group: pd.DataFrame) -> str:
    first = {k: _s(v) for k, v in group.iloc[0].items()}  # text columns only; offsets come from group
    text = str(first["passage"] or "")
    spans = [(int(r.start) - int(r.passage_start), int(r.end) - int(r.passage_start)) for r in group.itertuples()]
    rtl = is_rtl(text, first.get("lang"))
    body = text_block(highlight(text, spans), rtl=rtl, lang=first.get("lang") if rtl else None)
    meta = []
    if first.get("speaker"):
        meta.append(f"<b>{escape_text(first['speaker'])}</b>")
    meta.append(escape_text(first.get("source") or "unknown source"))
    meta.append(escape_text(first.get("date") or "undated"))
    url = safe_url(first.get("url"))
    title = escape_text(first.get("title") or first.get("doc_id"))
    meta.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">{title}</a>' if url else title)
    threat = bool(group["threat"].any())
    cues = [c for c in group["cue"].dropna().unique() if c]
    verdict = "threat" if threat else "no threat asserted"
    if "threat_p" in group:  # the model's calibrated probability (the highest of the passage's mentions here)
        verdict += f" (threat_p {float(group['threat_p'].max()):.2f})"
    if cues:
        verdict += ": " + ", ".join(f'<span class="tm-cue">{escape_text(c)}</span>' for c in cues)
    return (
        f'<div class="tm-passage{" threat" if threat else ""}">{body}'
        f'<div class="tm-meta">{" · ".join(meta)}<br>{verdict}</div></div>'
    )


def passages_panel(df: pd.DataFrame | None, sel: Mapping[str, str] | None) -> None:
    """List the passages of the selected feature, from ``df``: its place's mentions in the selection (or say how
    to select one)."""
    if not sel or df is None:
        st.info("Click an area or a town on the map to read the passages that mention it.")
        return
    rows = _selected_rows(df, sel)
    if rows.empty:
        st.warning(f"No passage mentions {escape_markdown(repr(sel['place_id']))} with the current filters.")
        return
    name = escape_text(rows.iloc[0]["name"])
    qualifier = f" <i>({escape_text(rows.iloc[0]['qualifier'])})</i>" if sel.get("qualifier") else ""
    rows = rows.sort_values(["date", "doc_id", "passage_start"], ascending=[False, True, True], na_position="last")
    groups = list(rows.groupby(["doc_id", "passage_start"], sort=False))
    cards = [_card(group) for _, group in groups[:MAX_PASSAGES]]
    more = f"<p><i>… and {len(groups) - MAX_PASSAGES} more passages (narrow the filters).</i></p>" if len(
        groups) > MAX_PASSAGES else ""
    head = f"<h4>{name}{qualifier}</h4><p>{len(groups)} passage(s), {int(rows['threat'].sum())} threat mention(s)</p>"
    st.html(CSS + f'<div class="tm-panel">{head}{"".join(cards)}{more}</div>')
