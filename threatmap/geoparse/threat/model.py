"""The trained threat model: load the committed file, and decide every mention of a document in one batch.

The file (``threatmap/data/threat_model.json``) is JSON: LightGBM's own text dump of the booster, the Platt
calibration, the feature names it was trained on, the SHA-256 of its training data and its cross-validated scores.
Loading it reads that file only (no pickle, no network). ``python -m threatmap train`` rebuilds it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from threatmap import settings
from threatmap.errors import ThreatModelError
from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.assess import assess as rules_assess
from threatmap.geoparse.threat.features import FEATURE_NAMES, MentionSpan, document_features
from threatmap.models import Passage, ThreatDecision

__all__ = ["FORMAT", "MODEL_FILE", "RulesDecider", "ThreatDecider", "ThreatModel", "decide_threshold"]

FORMAT = "threatmap-threat-model/1"
MODEL_FILE = "data/threat_model.json"
"""The committed model, relative to the ``threatmap`` package."""
_REBUILD = "python -m threatmap train"
THRESHOLD = settings.THREAT_THRESHOLD


def decide_threshold(p: float, threshold: float = THRESHOLD) -> bool:
    """Whether a probability counts as threat at ``threshold`` (p ≥ threshold)."""
    return p >= threshold


class ThreatDecider(Protocol):
    """What the geoparser asks to decide threat for all mentions of one document."""

    def decide(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[ThreatDecision]: ...


@dataclass(frozen=True, slots=True)
class RulesDecider:
    """The hand-written rules alone (:func:`threatmap.geoparse.threat.assess`); ``threat_p`` is 1.0 or 0.0."""

    assess: Callable[[ParseContext, Passage, MentionSpan], ThreatDecision] = rules_assess

    def decide(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[ThreatDecision]:
        """The rules' decision for each mention."""
        out = []
        for m in spans:
            d = self.assess(ctx, m.passage, m)
            out.append(ThreatDecision(d.threat, d.cue, 1.0 if d.threat else 0.0))
        return out


@dataclass(frozen=True, slots=True, eq=False)
class ThreatModel:
    """A LightGBM booster over :data:`FEATURE_NAMES` with Platt calibration of its raw score."""

    booster: Any
    slope: float
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | str | None = None) -> ThreatModel:
        """Read the model file (the committed one by default).

        Raises
        ------
        ThreatModelError
            When the file is missing, unreadable, of another format or built over other features; the message
            names the file and the command that rebuilds it.
        """
        where = Path(path) if path is not None else Path(str(resources.files("threatmap").joinpath(MODEL_FILE)))
        fix = f"fix: rebuild it with `{_REBUILD}`"
        try:
            obj = json.loads(where.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ThreatModelError(f"threat model file {str(where)!r} is missing; {fix}") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ThreatModelError(f"threat model file {str(where)!r} cannot be read ({exc}); {fix}") from None
        if not isinstance(obj, dict) or obj.get("format") != FORMAT:
            got = obj.get("format") if isinstance(obj, dict) else type(obj).__name__
            raise ThreatModelError(f"threat model file {str(where)!r}: expected format {FORMAT!r}, got {got!r}; {fix}")
        if tuple(obj.get("features") or ()) != FEATURE_NAMES:
            raise ThreatModelError(f"threat model file {str(where)!r} was trained on other features than this "
                                   f"code computes; {fix}")
        import lightgbm

        try:
            booster = lightgbm.Booster(model_str=obj["booster"])
            slope, intercept = float(obj["calibration"]["slope"]), float(obj["calibration"]["intercept"])
        except (KeyError, TypeError, ValueError, lightgbm.basic.LightGBMError) as exc:
            raise ThreatModelError(f"threat model file {str(where)!r} is corrupt ({exc}); {fix}") from None
        meta = {k: v for k, v in obj.items() if k not in ("booster", "calibration", "features")}
        return cls(booster, slope, intercept, meta)

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """Calibrated probabilities of threat for feature rows."""
        if not rows:
            return []
        import numpy as np

        raw = self.booster.predict(np.asarray(rows, dtype=np.float64), raw_score=True, num_threads=1)
        return [1.0 / (1.0 + math.exp(-(self.slope * float(r) + self.intercept))) for r in raw]

    def decide(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[ThreatDecision]:
        """The model's decision for every mention of one document: threat (p ≥ 0.5), p and the cue to quote."""
        rows = document_features(ctx, spans)
        probs = self.probabilities([r.values for r in rows])
        out = []
        for row, p in zip(rows, probs, strict=True):
            threat = decide_threshold(p)
            if threat:
                cue = row.rule.cue if row.rule.threat else row.for_threat
            else:
                cue = row.rule.cue if not row.rule.threat else row.against
            out.append(ThreatDecision(threat, cue, round(p, 3)))
        return out
