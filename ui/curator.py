"""The curator's list: names the gazetteer lacks (counts, passages) and "Add to the gazetteer" (places.local.yaml)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from threatmap import settings
from threatmap.curate import add_local_place, local_entry, slug, unresolved_names
from threatmap.errors import GazetteerError
from threatmap.models import LANGS, PLACE_TYPES

LANG_LABELS = {"en": "English", "ar": "Arabic", "ckb": "Sorani", "kmr": "Kurmanji"}
COUNTRIES = ("IQ", "SY", "TR", "IR", "JO", "SA")


def reload_gazetteer() -> None:
    """Forget the loaded gazetteer and geoparser (every session reloads them with the local additions)."""
    from threatmap.gazetteer import default_gazetteer
    from ui import data

    default_gazetteer.cache_clear()
    data.gazetteer.clear()
    data.geoparser.clear()
    data.refresh()


def curator_panel(store: Any, df: pd.DataFrame, gaz: Any, clicked: tuple[float, float] | None,
                  reviewer: str | None, on_gazetteer_changed: Callable[[], None] = reload_gazetteer) -> None:
    """The unresolved names with counts and passages, and a form writing a validated entry to the local gazetteer."""
    for kind, message in st.session_state.pop("curator_messages", []):
        getattr(st, kind)(message)
    names = unresolved_names(store.candidates(), df)
    st.subheader("Names the gazetteer lacks")
    if not names:
        st.caption("No unresolved name in the store.")
        return
    st.dataframe(pd.DataFrame({"name": [n.surface for n in names], "count": [n.count for n in names],
                               "found": [", ".join(n.kinds) for n in names]}), hide_index=True, height=200)
    with st.expander("Add to the gazetteer", expanded=False):
        by_name = {n.surface: n for n in names}
        surface = st.selectbox("Name", list(by_name), key="cur_name")
        for passage in by_name[surface].passages:
            st.text(passage)
        arabic = any("\u0600" <= ch <= "\u06ff" for ch in surface)
        c1, c2 = st.columns(2)
        place_type = c1.selectbox("Type", PLACE_TYPES, index=PLACE_TYPES.index("village"), key="cur_type")
        country = c2.selectbox("Country", COUNTRIES, key="cur_country")
        given = {lang: st.text_input(f"Name in {LANG_LABELS[lang]}", key=f"cur_name_{lang}_{slug(surface) or 'x'}",
                                     value="" if (lang == "ar") != arabic else surface) for lang in LANGS}
        suggested = slug(given.get("en") or "")
        place_id = st.text_input("Id (lowercase ascii)", value=suggested, key=f"cur_id_{suggested}")
        mode = st.radio("Geometry", ("the point clicked on the map", "an existing area"), key="cur_geom")
        area = None
        precision = 1
        if mode == "an existing area":
            areas = {p.id: f"{p.name} · {p.type.replace('_', ' ')}" for p in gaz if p.geometry.geom_type != "Point"}
            area = st.selectbox("Area", sorted(areas, key=areas.__getitem__), format_func=areas.__getitem__,
                                key="cur_area")
        elif clicked is None:
            st.caption("Click the map where the place is.")
        else:
            precision = int(st.radio("Precision", (1, 2), horizontal=True, key="cur_precision"))
            st.caption(f"Point clicked: {clicked[0]:.5f}, {clicked[1]:.5f}")
        if st.button("Add to the gazetteer", key="cur_add", type="primary"):
            _add(place_id, place_type, given, country, clicked if mode != "an existing area" else None, area,
                 precision, f"added in the app by {reviewer or 'a curator'} for the name {surface!r}",
                 on_gazetteer_changed)


def _add(place_id: str, place_type: str, names: dict[str, str], country: str, point: tuple[float, float] | None,
         area: str | None, precision: int, source: str, on_changed: Callable[[], None]) -> None:
    if point is None and area is None:
        st.error("Click the map where the place is, or choose an existing area.")
        return
    try:
        entry = local_entry(place_id=place_id.strip(), place_type=place_type, names=names, country=country,
                            point=point, area_of=area, places_path=settings.PLACES_PATH,
                            precision=precision if point is not None else None, source=source)
        add_local_place(entry, settings.PLACES_PATH, settings.GEODATA_DIR)
    except GazetteerError as exc:
        st.error("The gazetteer refused the entry (python -m threatmap validate says the same):")
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        return
    st.session_state["curator_messages"] = [("success", f"Added {place_id!r} to places.local.yaml. Reindex "
                                                        "(python -m threatmap reindex) to find it in the documents.")]
    on_changed()
    st.rerun()
