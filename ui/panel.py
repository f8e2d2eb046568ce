"""The passages panel: every passage of the clicked feature, verbatim, escaped, with the place name marked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from layers.escape import escape_markdown, escape_text, highlight, is_rtl, safe_url, text_block

MAX_PASSAGES = 40
CSS = (
    "<style>.tm-passage{border-left:4px solid #bbb;padding:4px 10px;margin:0 0 12px 0}"
    ".tm-passage.threat{border-left-color:#b30000}.tm-meta{color:#555;font-size:0.85em}"
    ".tm-cue{background:#fde0dd;border-radius:3px;padding:0 4px}mark{background:#ffe066;padding:0 1px}</style>"
)


def selection(returned: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The selected feature: a new click on the map, else the previous one, else the URL's ``place``."""
    drawing = (returned or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    new_click = props != st.session_state.get("_last_click")  # the component repeats its last click every run
    st.session_state["_last_click"] = props
    if props.get("place_id") and new_click:
        st.session_state["selection"] = {
            "place_id": str(props["place_id"]), "qualifier": str(props.get("qualifier") or "")
        }
    elif "selection" not in st.session_state and st.query_params.get("place"):
        st.session_state["selection"] = {
            "place_id": st.query_params.get("place", ""), "qualifier": st.query_params.get("qualifier", "") or ""
        }
    return st.session_state.get("selection")


def selected_rows(df: pd.DataFrame, sel: Mapping[str, str]) -> pd.DataFrame:
    """The rows of ``df`` (a place's newest mentions) of the selected place and qualifier."""
    rows = df[df["place_id"] == sel["place_id"]]
    qualifiers = rows["qualifier"].map(lambda q: escape_text(q) if isinstance(q, str) else "")
    return rows[qualifiers == (sel.get("qualifier") or "")]


def _s(value: Any) -> str | None:
    """A string value, or None for None / NaN / empty."""
    return value if isinstance(value, str) and value else None


_ARABIC_CONSONANTS = str.maketrans({
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k", "د": "d", "ذ": "d", "ر": "r", "ز": "z", "س": "s",
    "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ک": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "", "ة": "", "ی": "", "ي": "", "ى": "", "و": "", "ا": "", "أ": "", "إ": "",
    "آ": "", "ء": "", "ئ": "", "ؤ": "", "پ": "b", "چ": "j", "ڤ": "f", "گ": "g", "ۆ": "", "ێ": "", "ڕ": "r",
})


def _skeleton(name: str) -> str:
    """The consonants of ``name`` in Latin letters (Arabic script transliterated, vowels and w/y/h dropped):
    "Rudaw" and "رووداو" both give "rd"."""
    latin = name.lower().translate(_ARABIC_CONSONANTS)
    latin = latin.replace("c", "k").replace("q", "k").replace("p", "b").replace("v", "f").replace("th", "t")
    return "".join(ch for ch in latin if ch.isascii() and ch.isalpha() and ch not in "aeiouwyh")


def names_outlet(speaker: str | None, source: str | None) -> bool:
    """True when a transcript's speaker is the outlet itself ("رووداو" asking the questions for "Rudaw")."""
    if not speaker or not source:
        return False
    key = _skeleton(speaker)
    return len(key) >= 2 and any(key == _skeleton(word) for word in [source, *source.split()])


def _card(group: pd.DataFrame) -> str:
    first = {k: _s(v) for k, v in group.iloc[0].items()}  # text columns only; offsets come from group
    text = str(first["passage"] or "")
    spans = [(int(r.start) - int(r.passage_start), int(r.end) - int(r.passage_start)) for r in group.itertuples()]
    rtl = is_rtl(text, first.get("lang"))
    body = text_block(highlight(text, spans), rtl=rtl, lang=first.get("lang") if rtl else None)
    meta = []
    if first.get("speaker") and not names_outlet(first["speaker"], first.get("source")):  # else it shows twice
        meta.append(f"<b>{escape_text(first['speaker'])}</b>")
    meta.append(escape_text(first.get("source") or "unknown source"))
    meta.append(escape_text(first.get("date") or "undated"))
    url = safe_url(first.get("url"))
    title = escape_text(first.get("title") or first.get("doc_id"))
    meta.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">{title}</a>' if url else title)
    if "reviewed" in group and bool(group["reviewed"].any()):
        who = sorted({str(r) for r in group.loc[group["reviewed"], "reviewer"] if isinstance(r, str) and r})
        meta.append("reviewed by " + (", ".join(escape_text(w) for w in who) or "an analyst"))
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


def passages_panel(df: pd.DataFrame | None, sel: Mapping[str, str] | None, *, mentions: int = 0,
                   threats: int = 0) -> None:
    """List the passages of the selected feature (or say how to select one). ``df``: the place's newest mention
    rows (``ui.data.place_rows``); ``mentions``, ``threats``: its counts in the selection (from the map's
    aggregate)."""
    if not sel or df is None:
        st.caption("Click an area or a town on the map to read the passages that mention it; the reports of the "
                   "filtered window are listed below.")
        return
    rows = selected_rows(df, sel)
    if rows.empty:
        st.warning(f"No passage mentions {escape_markdown(repr(sel['place_id']))} with the current filters.")
        return
    name = escape_text(rows.iloc[0]["name"])
    qualifier = f" <i>({escape_text(rows.iloc[0]['qualifier'])})</i>" if sel.get("qualifier") else ""
    rows = rows.sort_values(["date", "doc_id", "passage_start"], ascending=[False, True, True], na_position="last")
    groups = list(rows.groupby(["doc_id", "passage_start"], sort=False))
    cards = [_card(group) for _, group in groups[:MAX_PASSAGES]]
    shown = sum(len(g) for _, g in groups[:MAX_PASSAGES])
    total = max(mentions, len(rows))
    more = (f"<p><i>… and {total - shown:,} more mention(s) (narrow the filters).</i></p>"
            if total > shown else "")
    head = (f"<h4>{name}{qualifier}</h4><p>{total:,} mention(s), {max(threats, int(rows['threat'].sum())):,} threat "
            f"mention(s); the newest {min(len(groups), MAX_PASSAGES)} passage(s) below</p>")
    st.html(CSS + f'<div class="tm-panel">{head}{"".join(cards)}{more}</div>')
