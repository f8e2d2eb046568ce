"""Sidebar filters, mirrored in the URL query string so a view can be shared as a link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from threatmap.store.filters import TEXT_LIMIT, THRESHOLD, Filters
from ui.drawing import DEFAULT_PRECISIONS, PRECISIONS, Drawing

MULTI = {"sources": "source", "langs": "lang", "types": "type"}
"""Widget key -> query parameter (repeated for each value)."""
REVIEW_LABELS = {"all": "all mentions", "reviewed": "reviewed only", "unreviewed": "unreviewed only",
                 "disagreements": "disagreements (analyst vs machine)"}
"""The sidebar's review filter: URL value (``?review=``; "all" is Filters.review None) -> label."""
EVERY_MATCH = "Every match of the search (slower)"
"""The toggle (key ``text_all``, URL ``all=1``) that lifts a search's cap (``Filters.text_limit=None``)."""
LANG_NAMES = {"ar": "Arabic", "en": "English", "ckb": "Kurdish (Sorani)", "kmr": "Kurdish (Kurmanji)"}


def _day(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _clamp(day: dt.date | None, low: dt.date | None, high: dt.date | None) -> dt.date | None:
    if day is None:
        return None
    if low and day < low:
        return low
    if high and day > high:
        return high
    return day


def _options(facets: Mapping[str, Any], name: str) -> list[str]:
    values = facets.get(name) or []
    if isinstance(values, Mapping):
        values = list(values)
    return sorted({str(v) for v in values if v})


def _threshold(value: Any) -> float:
    """The ``tp`` URL parameter as a threshold in [0.05, 0.95] on the slider's 0.05 grid (default 0.5)."""
    try:
        t = float(value)
    except (TypeError, ValueError):
        return THRESHOLD
    return round(min(0.95, max(0.05, t)) * 20) / 20 if t == t else THRESHOLD


def _load_query_params(facets: Mapping[str, Any]) -> None:
    """Once per session: put the URL's filter values (validated against the facets) into the widgets' state."""
    if st.session_state.get("_params_loaded"):
        return
    st.session_state["_params_loaded"] = True
    params = st.query_params
    low, high = _day(facets.get("min_date")), _day(facets.get("max_date"))
    for key in ("since", "until"):
        st.session_state[key] = _clamp(_day(params.get(key)), low, high)
    for key, param in MULTI.items():
        allowed = set(_options(facets, key))
        st.session_state[key] = [v for v in params.get_all(param) if v in allowed]
    st.session_state["threat_only"] = params.get("threat") in ("1", "true", "yes")
    st.session_state["threat_threshold"] = _threshold(params.get("tp"))
    st.session_state["text"] = params.get("q", "") or ""
    st.session_state["text_all"] = params.get("all") in ("1", "true", "yes")
    st.session_state["review"] = params.get("review") if params.get("review") in REVIEW_LABELS else "all"


def filter_sidebar(facets: Mapping[str, Any], *, spellings: Callable[[str], tuple[str, ...]] | None = None
                   ) -> Filters:
    """Draw the filter widgets (initialised from the URL once) and return the :class:`Filters` they describe.

    ``spellings`` (the gazetteer's) gives the other names of a place searched by name, so that a search in one
    script finds the others.
    """
    _load_query_params(facets)
    low, high = _day(facets.get("min_date")), _day(facets.get("max_date"))
    bar = st.sidebar
    bar.header("Filters")
    since = bar.date_input("From", key="since", min_value=low, max_value=high, format="YYYY-MM-DD")
    until = bar.date_input("Until", key="until", min_value=low, max_value=high, format="YYYY-MM-DD")
    bar.caption("Leave both dates empty to keep undated documents too.")
    sources = bar.multiselect("Sources", _options(facets, "sources"), key="sources", placeholder="all sources",
                              format_func=short_source)
    langs = bar.multiselect(
        "Language", _options(facets, "langs"), key="langs", placeholder="all languages",
        format_func=lambda code: LANG_NAMES.get(code, code),
    )
    types = bar.multiselect(
        "Place type", _options(facets, "types"), key="types", placeholder="all types",
        format_func=lambda t: t.replace("_", " "),
    )
    threat_only = bar.toggle("Threat mentions only", key="threat_only")
    threshold = bar.slider("Threat from probability", min_value=0.05, max_value=0.95, step=0.05,
                           key="threat_threshold", help="A mention counts as a threat (map, counts, exports) when "
                           "the model's calibrated threat_p is at least this.")
    text = bar.text_input("Search the documents", key="text", placeholder="e.g. Hamrin, حمرين, sleeper cells")
    every = bar.toggle(EVERY_MATCH, key="text_all", help=f"A search keeps the {TEXT_LIMIT:,} most recently stored "
                       "matching documents; this keeps them all (a common word can match most of the store).")
    review = bar.selectbox("Reviews", list(REVIEW_LABELS), key="review", format_func=REVIEW_LABELS.__getitem__)
    if since and until and since > until:
        bar.warning("'From' is after 'Until': the dates were swapped.")
        since, until = until, since
    query = (text or "").strip() or None
    return Filters(
        since=since or None, until=until or None, sources=tuple(sources), langs=tuple(langs),
        threat_only=bool(threat_only), types=tuple(types), text=query,
        spellings=spellings(query) if query and spellings else (), threat_threshold=float(threshold),
        review=None if review == "all" else review, text_limit=None if every else TEXT_LIMIT,
    )


SOURCE_CHARS = 44
"""Longest source name shown whole in the sidebar; longer ones keep their start and their distinctive end."""


def short_source(name: str) -> str:
    """``name``, or its first and last words around "…" when long: two long names that differ only at the end
    ("…, U.S. DoD)" and "…, U.S. DoD), Arabic release") stay distinguishable. The full name is in the tooltip of
    the table and in the exports."""
    if len(name) <= SOURCE_CHARS:
        return name
    head, tail = name[: SOURCE_CHARS // 2].rstrip(), name[-(SOURCE_CHARS // 2):].lstrip()
    return f"{head} … {tail}"


def drawing_sidebar() -> Drawing:
    """The map options: label language, precision levels, governorates, places outside the region, clusters."""
    bar = st.sidebar
    bar.header("Map")
    lang = bar.radio("Place names", ["en", "ar"], key="label_lang", horizontal=True,
                     format_func=lambda c: {"en": "English", "ar": "العربية"}[c])
    precisions = bar.multiselect(
        "Precision levels drawn", list(PRECISIONS), default=list(DEFAULT_PRECISIONS), key="precisions",
        format_func=PRECISIONS.__getitem__,
        help="UCDP where_prec: 1 a town, village or camp; 2 near a place; 3 a district; 4 a governorate; 5 a range, "
             "desert, plain or region; 6 a whole country (hidden by default).",
    )
    always = bar.toggle("Governorates even where finer places are reported", key="governorates_always")
    outside = bar.toggle("Places outside Iraq, Syria and their borders", key="outside_region")
    cluster = bar.toggle("Group nearby towns", value=True, key="cluster")
    return Drawing(precisions=tuple(sorted(precisions)), governorates_always=bool(always),
                   outside_region=bool(outside), lang=str(lang), cluster=bool(cluster))


def write_query_params(filters: Filters, selection: Mapping[str, str] | None,
                       view: Mapping[str, str] | None = None, *, reviewer: str | None = None) -> None:
    """Mirror the filters (the selected feature, the map view, the reviewer) in the URL; empty filters leave no
    parameter."""
    params: dict[str, Any] = {}
    if filters.since:
        params["since"] = filters.since.isoformat()
    if filters.until:
        params["until"] = filters.until.isoformat()
    for key, param in MULTI.items():
        values = list(getattr(filters, key))
        if values:
            params[param] = values
    if filters.threat_only:
        params["threat"] = "1"
    if filters.threat_threshold != THRESHOLD:
        params["tp"] = f"{filters.threat_threshold:g}"
    if filters.text:
        params["q"] = filters.text
    if filters.text_limit is None:
        params["all"] = "1"
    if filters.review:
        params["review"] = filters.review
    if reviewer:
        params["reviewer"] = reviewer
    if selection and selection.get("place_id"):
        params["place"] = selection["place_id"]
        if selection.get("qualifier"):
            params["qualifier"] = selection["qualifier"]
    params.update(view or {})
    wanted = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if wanted != current:
        st.query_params.from_dict(params)
