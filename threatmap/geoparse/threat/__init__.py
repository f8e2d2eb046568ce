"""The threat stage: does a passage assert present ISIS activity at one mention, and which words decided."""

from threatmap.geoparse.threat.assess import BLOCKERS, POSITIVE, Span, assess, assess_text, cue_families

__all__ = ["BLOCKERS", "POSITIVE", "Span", "assess", "assess_text", "cue_families"]
