"""layers/uncertain.py: a place located from context is drawn dashed, a gazetteer place as it was."""

from __future__ import annotations

from layers.uncertain import DASH, uncertain


def test_context_places_are_dashed() -> None:
    style = {"color": "#000", "weight": 1.5}
    assert uncertain({"properties": {"place_id": ""}}, style) == {"color": "#000", "weight": 1.0, "dashArray": DASH}
    assert uncertain({"properties": {"place_id": "mosul"}}, style) is style
