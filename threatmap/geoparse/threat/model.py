"""The trained threat model: load the committed file, and decide every mention of a document in one batch.

The file (``threatmap/data/threat_model.json``) is JSON: the ensemble's members (LightGBM's own text dumps of a
boosted model and of a random forest; a logistic regression's scaler and coefficients), the Platt calibration of
their mean, the feature names, the SHA-256 of the training data and the cross-validated scores. Loading
reads that file only (no pickle, no network). ``python -m threatmap train`` rebuilds it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

from threatmap import settings
from threatmap.errors import ThreatModelError
from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.assess import assess as rules_assess
from threatmap.geoparse.threat.features import FEATURE_NAMES, MentionSpan, document_features
from threatmap.models import Passage, ThreatDecision

__all__ = ["FORMAT", "MODEL_FILE", "Member", "RulesDecider", "ThreatDecider", "ThreatModel",
           "decide_threshold", "mean_log_odds"]

FORMAT = "threatmap-threat-model/2"
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


_EPS = 1e-6


@dataclass(frozen=True, slots=True, eq=False)
class Member:
    """One model of the stack: a LightGBM booster, a LightGBM random forest, or a logistic regression."""

    kind: str
    booster: Any = None
    intercept: float = 0.0
    mean: Any = None
    scale: Any = None
    coef: Any = None

    @classmethod
    def of(cls, obj: dict[str, Any]) -> Member:
        """Build from a ``members`` entry of the model file (raises KeyError / TypeError / ValueError if malformed)."""
        import lightgbm
        import numpy as np

        kind = obj["kind"]
        if kind in ("gbdt", "rf"):
            return cls(kind, lightgbm.Booster(model_str=obj["booster"]))
        if kind == "logistic":
            arrays = [np.asarray(obj[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
            if not len(arrays[0]) == len(arrays[1]) == len(arrays[2]) == len(FEATURE_NAMES):
                raise ValueError(f"expected {len(FEATURE_NAMES)} coefficients, got {len(arrays[2])}")
            mean, scale, coef = arrays
            return cls(kind, None, float(obj["intercept"]), mean, scale, coef)
        raise ValueError(f"expected member kind 'gbdt', 'rf' or 'logistic', got {kind!r}")

    def predict(self, x: Any) -> Any:
        """The member's probability of threat for the rows of ``x`` (``FEATURE_NAMES`` columns)."""
        import numpy as np

        if self.kind in ("gbdt", "rf"):
            return self.booster.predict(x, num_threads=1)
        return 1.0 / (1.0 + np.exp(-(((x - self.mean) / self.scale) @ self.coef + self.intercept)))


def mean_log_odds(members: Sequence[Member], x: Any) -> Any:
    """The log-odds of the members' mean probability for the rows of ``x`` (the calibrator's input)."""
    import numpy as np

    p = np.clip(sum(m.predict(x) for m in members) / len(members), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


@dataclass(frozen=True, slots=True, eq=False)
class ThreatModel:
    """An ensemble over :data:`FEATURE_NAMES`: LightGBM, a LightGBM random forest and a logistic regression; the
    log-odds of their mean probability go through Platt scaling (fitted on out-of-fold means) to a calibrated one."""

    members: tuple[Member, ...]
    slope: float
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_content(cls, obj: Any, *, where: str = "<memory>") -> ThreatModel:
        """The model described by a model file's content (as written by ``python -m threatmap train``)."""
        fix = f"fix: rebuild it with `{_REBUILD}`"
        if not isinstance(obj, dict) or obj.get("format") != FORMAT:
            got = obj.get("format") if isinstance(obj, dict) else type(obj).__name__
            raise ThreatModelError(f"threat model file {where!r}: expected format {FORMAT!r}, got {got!r}; {fix}")
        if tuple(obj.get("features") or ()) != FEATURE_NAMES:
            raise ThreatModelError(f"threat model file {where!r} was trained on other features than this "
                                   f"code computes; {fix}")
        import lightgbm

        try:
            members = tuple(Member.of(m) for m in obj["members"])
            slope = float(obj["calibration"]["slope"])
            intercept = float(obj["calibration"]["intercept"])
            if not members:
                raise ValueError("no members")
        except (KeyError, TypeError, ValueError, lightgbm.basic.LightGBMError) as exc:
            raise ThreatModelError(f"threat model file {where!r} is corrupt ({exc}); {fix}") from None
        return cls(members, slope, intercept, {k: v for k, v in obj.items() if k not in ("members", "features")})

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
        return cls.from_content(obj, where=str(where))

    def probabilities(self, rows: Any) -> list[float]:
        """Calibrated probabilities of threat for feature rows."""
        if not len(rows):
            return []
        import numpy as np

        width = len(FEATURE_NAMES)
        if isinstance(rows, np.ndarray):
            x = np.asarray(rows, dtype=np.float64).reshape(len(rows), width)
        else:  # a sequence of rows: read straight into one matrix (no nested-sequence inspection)
            x = np.fromiter(chain.from_iterable(rows), np.float64, len(rows) * width).reshape(len(rows), width)
        z = self.slope * mean_log_odds(self.members, x) + self.intercept
        return [float(v) for v in 1.0 / (1.0 + np.exp(-z))]

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
