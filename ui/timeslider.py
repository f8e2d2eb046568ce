"""A month-by-month time slider with play: where threats were reported, one month at a time."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from threatmap.store.filters import Filters

ALL = "all months"
PLAY_SECONDS = 2.0
"""Time each month stays on the map while playing."""


def months_between(low: dt.date | None, high: dt.date | None) -> list[str]:
    """Every month ``YYYY-MM`` from ``low`` to ``high`` inclusive (empty without both)."""
    if not low or not high or low > high:
        return []
    return [str(p) for p in pd.period_range(pd.Period(low, "M"), pd.Period(high, "M"), freq="M")]


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-MM``."""
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def narrowed(filters: Filters, month: str | None) -> Filters:
    """``filters`` limited to ``month`` (None or :data:`ALL`: unchanged); ``month`` must overlap the filters'
    dates (the slider offers only those months)."""
    if not month or month == ALL:
        return filters
    first, last = month_bounds(month)
    since = max(first, filters.since) if filters.since else first
    until = min(last, filters.until) if filters.until else last
    return dataclasses.replace(filters, since=since, until=until)


def next_month(months: list[str], current: str) -> str | None:
    """The month after ``current`` (the first one after :data:`ALL`), None at the end."""
    if current == ALL or current not in months:
        return months[0] if months else None
    index = months.index(current) + 1
    return months[index] if index < len(months) else None


@st.fragment(run_every=PLAY_SECONDS)
def _ticker(months: list[str]) -> None:
    """While playing, move to the next month every :data:`PLAY_SECONDS` and rerun the whole app."""
    if not st.session_state.get("playing"):
        return
    now = time.monotonic()
    if now - st.session_state.get("_last_tick", 0.0) < PLAY_SECONDS * 0.9:
        return
    st.session_state["_last_tick"] = now
    following = next_month(months, st.session_state.get("month", ALL))
    # the widgets' own keys cannot change once drawn in this run: month_slider applies these before drawing them
    st.session_state["_next"] = {"playing": False} if following is None else {"month": following}
    st.rerun(scope="app")


def month_slider(filters: Filters, facets: Mapping[str, Any]) -> Filters:
    """The slider above the map; returns ``filters`` narrowed to the chosen month."""
    from ui.sidebar import _day

    low = filters.since or _day(facets.get("min_date"))
    high = filters.until or _day(facets.get("max_date"))
    months = months_between(low, high)
    if not months:
        return filters
    options = [ALL, *months]
    st.session_state.update(st.session_state.pop("_next", {}))
    if st.session_state.get("month") not in options:
        st.session_state["month"] = ALL
    play, slider = st.columns([1, 9], vertical_alignment="center")
    play.toggle("▶ Play", key="playing", help="Step through the months, one every few seconds.")
    month = slider.select_slider("Month", options=options, key="month", label_visibility="collapsed")
    if st.session_state.get("playing"):
        _ticker(months)
    return narrowed(filters, month)
