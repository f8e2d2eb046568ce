"""threatmap: find reported ISIS threat areas in Arabic, Kurdish and English text and map them."""

from threatmap.models import Document, Mention, Passage, Place, Problem, ThreatDecision

__all__ = ["Document", "Mention", "Passage", "Place", "Problem", "ThreatDecision"]
__version__ = "0.1.0"
