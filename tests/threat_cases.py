"""Helpers of the threat tests: assess the passage of a place in a sentence, check many cases at once."""

from __future__ import annotations

from threatmap.geoparse.passages import split_passages
from threatmap.geoparse.threat import assess_text
from threatmap.models import ThreatDecision


def decide(text: str, place: str, *, nth: int = 0, lang: str | None = None, source: str | None = None
           ) -> ThreatDecision:
    """Assess the ``nth`` occurrence of ``place`` in ``text`` with the passage that contains it."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(place, start + 1)
    passage = next(p for p in split_passages(text, source=source) if p.start <= start < p.end)
    decision = assess_text(text, passage, start, start + len(place), lang=lang)
    if decision.cue is not None:
        assert decision.cue in text[passage.start:passage.end]  # the cue is quoted verbatim
    return decision


def check(cases: list[tuple[str, str, bool]]) -> None:
    wrong = [(text, place, want, decide(text, place)) for text, place, want in cases
             if decide(text, place).threat is not want]
    assert not wrong, "\n".join(f"{place!r} in {text!r}: want {want}, got {got}" for text, place, want, got in wrong)
