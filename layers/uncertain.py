"""Places located from context (no gazetteer entry: ``place_id`` null) are drawn as uncertain: a dashed outline."""

from __future__ import annotations

from typing import Any

DASH = "6 4"


def uncertain(feature: dict[str, Any], style: dict[str, Any]) -> dict[str, Any]:
    """``style`` with a dashed, thinner outline when ``feature`` is a place located from context."""
    if not feature.get("properties", {}).get("place_id"):  # null, escaped to ""
        return {**style, "dashArray": DASH, "weight": 1.0}
    return style
