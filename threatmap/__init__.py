"""threatmap: find reported ISIS threat areas in Arabic, Kurdish and English text and map them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from threatmap.models import Document, Mention, Passage, Place, Problem, ThreatDecision

if TYPE_CHECKING:
    from threatmap.gazetteer import Gazetteer
    from threatmap.geoparse import Geoparser

__all__ = ["Document", "Gazetteer", "Geoparser", "Mention", "Passage", "Place", "Problem", "ThreatDecision"]
__version__ = "0.1.0"

_LAZY = {"Gazetteer": "threatmap.gazetteer", "Geoparser": "threatmap.geoparse"}


def __getattr__(name: str) -> Any:
    """``Gazetteer`` and ``Geoparser`` are imported on first use (shapely, pyahocorasick, the lexicons)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'threatmap' has no attribute {name!r}")
