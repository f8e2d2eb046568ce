"""Reviews in the app: the reviewer's name, a review of each mention of the selected place, a missed mention added.

Every string that came from a document or a reviewer is shown with ``st.text`` / ``st.code`` or as a selectbox
option (plain text, never Markdown or HTML). A write bumps the app's revision (``on_done``), so every session
sees it on its next run; the last write per mention wins and ``review_history`` keeps every one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from threatmap.errors import ReviewError
from threatmap.store.reviews import ReviewLog, ReviewPlace, gazetteer_place, point_place

THREAT_CHOICES = ("keep the machine's", "threat", "no threat")
PLACE_CHOICES = ("keep the machine's", "not a place", "a gazetteer place", "the point clicked on the map")
ADD_PLACE_CHOICES = PLACE_CHOICES[2:]
MAX_MATCHES = 30


@st.cache_resource(show_spinner=False)
def review_log(_store: Any, target: str) -> ReviewLog:
    """The review tables of the app's store (opened at ``target``), written through its connection."""
    return ReviewLog(_store)


def reviewer_field() -> str | None:
    """The sidebar's reviewer name, initialised once per session from the URL's ``reviewer``."""
    if "reviewer" not in st.session_state:
        st.session_state["reviewer"] = st.query_params.get("reviewer", "") or ""
    name = st.sidebar.text_input("Reviewer", key="reviewer", placeholder="your name, recorded with each review")
    return (name or "").strip()[:80] or None


def clicked_point(returned: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The last point clicked on the map (``last_clicked`` of st_folium), kept in the session."""
    click = (returned or {}).get("last_clicked") or {}
    if isinstance(click, Mapping) and click.get("lat") is not None and click.get("lng") is not None:
        st.session_state["clicked_point"] = (float(click["lat"]), float(click["lng"]))
    return st.session_state.get("clicked_point")


def _flash() -> None:
    for kind, message in st.session_state.pop("review_messages", []):
        getattr(st, kind)(message)


def _done(on_done: Callable[[], None], kind: str, message: str) -> None:
    st.session_state["review_messages"] = [(kind, message)]
    on_done()
    st.rerun()


def _place_picker(gaz: Any, clicked: tuple[float, float] | None, mode: str, *, name: str, key: str
                  ) -> ReviewPlace | None:
    """The place chosen in ``mode`` (a gazetteer search in any script, or the clicked point), or None."""
    if mode == "a gazetteer place":
        from threatmap.cli.gazetteer import select_places

        query = st.text_input("Search the gazetteer (any script)", key=f"{key}_search",
                              placeholder="e.g. Hit, هيت, Mûsil")
        matches = select_places(gaz, search=query)[:MAX_MATCHES] if query and query.strip() else []
        if not matches:
            st.caption("Type a name to search the gazetteer.")
            return None
        labels = {p.id: f"{p.name} · {p.names.get('ar', '')} · {p.type.replace('_', ' ')} · {p.id}" for p in matches}
        chosen = st.selectbox("Place", list(labels), format_func=labels.__getitem__, key=f"{key}_place")
        return gazetteer_place(gaz, chosen) if chosen else None
    if mode == "the point clicked on the map":
        if clicked is None:
            st.caption("Click the map where the place is, then come back here.")
            return None
        precision = st.radio("Precision", (1, 2), horizontal=True, key=f"{key}_precision",
                             format_func=lambda p: "1 · exact point" if p == 1 else "2 · the area around it")
        st.caption(f"Point clicked: {clicked[0]:.5f}, {clicked[1]:.5f}")
        return point_place(clicked[0], clicked[1], name=name, precision=int(precision))
    return None


def _mention_label(row: Mapping[str, Any]) -> str:
    mark = f" · reviewed by {row.get('reviewer') or '?'}" if row.get("reviewed") else ""
    title = row.get("title") if isinstance(row.get("title"), str) and row.get("title") else row["doc_id"]
    return f"{row['surface']} · {title} · {int(row['start'])}-{int(row['end'])}{mark}"


def review_panel(rows: pd.DataFrame, log: ReviewLog, gaz: Any, clicked: tuple[float, float] | None,
                 reviewer: str | None, on_done: Callable[[], None]) -> None:
    """Review one mention of the selected place, or add one the parser missed in one of its passages."""
    _flash()
    if rows.empty:
        return
    records = {f"{r['doc_id']}|{int(r['start'])}|{int(r['end'])}": r for r in rows.to_dict("records")}
    with st.expander("Review a mention", expanded=False):
        key = st.selectbox("Mention", list(records), format_func=lambda k: _mention_label(records[k]),
                           key="review_mention")
        row = records[key]
        st.text(f"Machine: threat={row.get('machine_threat')}, place={row.get('machine_place_id')}")
        if row.get("reviewed"):
            st.text(f"Reviewed by {row.get('reviewer') or '?'} at {row.get('reviewed_at')}: "
                    f"{row.get('review_reason') or ''}")
        threat = st.radio("Threat", THREAT_CHOICES, horizontal=True, key="review_threat")
        mode = st.radio("Place", PLACE_CHOICES, key="review_where")
        place = _place_picker(gaz, clicked, mode, name=str(row["surface"]), key="review")
        reason = st.text_input("Reason (short)", key="review_reason", max_chars=300)
        save, undo = st.columns(2)
        if save.button("Save review", key="review_save", type="primary"):
            _save(log, row, threat, mode, place, reviewer, reason, on_done)
        if row.get("reviewed") and undo.button("Undo this review", key="review_undo"):
            log.undo(str(row["doc_id"]), int(row["start"]), int(row["end"]), reviewer=reviewer)
            _done(on_done, "success", "Review removed: the machine's values are back.")
    with st.expander("Add a mention the parser missed", expanded=False):
        _add_missed(rows, log, gaz, clicked, reviewer, on_done)


def _save(log: ReviewLog, row: Mapping[str, Any], threat: str, mode: str, place: ReviewPlace | None,
          reviewer: str | None, reason: str, on_done: Callable[[], None]) -> None:
    if mode in ADD_PLACE_CHOICES and place is None:
        st.error("Choose the place first (search the gazetteer, or click the map).")
        return
    try:
        review = log.make(str(row["doc_id"]), int(row["start"]), int(row["end"]),
                          threat=None if threat == THREAT_CHOICES[0] else threat == "threat",
                          place=place, not_a_place=mode == "not a place", reviewer=reviewer, reason=reason)
        log.record(review)
    except ReviewError as exc:
        st.error(str(exc))
        return
    _done(on_done, "success", "Review saved: the map, counts and exports use it.")


def _add_missed(rows: pd.DataFrame, log: ReviewLog, gaz: Any, clicked: tuple[float, float] | None,
                reviewer: str | None, on_done: Callable[[], None]) -> None:
    passages = {f"{r['doc_id']}|{int(r['passage_start'])}|{int(r['passage_end'])}": r
                for r in rows.drop_duplicates(["doc_id", "passage_start"]).to_dict("records")}
    pkey = st.selectbox("Passage", list(passages), key="add_passage",
                        format_func=lambda k: f"{passages[k]['doc_id']} · {str(passages[k]['passage'])[:80]}")
    row = passages[pkey]
    text = str(row["passage"])
    st.text(text)
    c1, c2 = st.columns(2)
    s = int(c1.number_input("First character (in the passage)", 0, max(len(text) - 1, 0), 0, key="add_start"))
    e = int(c2.number_input("End (after the last character)", 1, max(len(text), 1), min(len(text), 1), key="add_end"))
    st.text(f"Selected: {text[s:e]!r}")
    threat = st.radio("Threat", THREAT_CHOICES[1:], horizontal=True, key="add_threat")
    mode = st.radio("Place", ADD_PLACE_CHOICES, key="add_where")
    place = _place_picker(gaz, clicked, mode, name=text[s:e].strip(), key="add")
    reason = st.text_input("Reason (short)", key="add_reason", max_chars=300)
    if st.button("Add the mention", key="add_save", type="primary"):
        if place is None:
            st.error("Choose the place first (search the gazetteer, or click the map).")
            return
        start = int(row["passage_start"]) + s
        try:
            log.record(log.make(str(row["doc_id"]), start, start + (e - s), threat=threat == "threat", place=place,
                                reviewer=reviewer, reason=reason))
        except ReviewError as exc:
            st.error(str(exc))
            return
        _done(on_done, "success", "Mention added.")
