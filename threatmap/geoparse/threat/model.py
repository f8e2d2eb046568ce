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
from threatmap.geoparse.threat.features import FEATURE_NAMES, FeatureRow, MentionSpan, document_features
from threatmap.models import Passage, ThreatDecision

__all__ = ["FORMAT", "MODEL_FILE", "BatchDecider", "Member", "RulesDecider", "ThreatDecider", "ThreatModel",
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


class BatchDecider(ThreatDecider, Protocol):
    """A decider that can judge several documents at once (:meth:`Geoparser.pipe`): the feature rows of each
    document while its context is alive, then the decisions for the rows of a whole batch of documents."""

    def features(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[FeatureRow]: ...

    def decide_rows(self, documents: Sequence[Sequence[FeatureRow]]) -> list[list[ThreatDecision]]: ...


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


def mean_log_odds(members: Sequence[Member], x: Any, given: dict[int, Any] | None = None) -> Any:
    """The log-odds of the members' mean probability for the rows of ``x`` (the calibrator's input); ``given``:
    member index -> its probabilities for those rows, already predicted (summed in the same member order)."""
    import numpy as np

    given = given or {}
    p = np.clip(sum(given[i] if i in given else m.predict(x) for i, m in enumerate(members)) / len(members),
                _EPS, 1 - _EPS)
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
        return self._calibrated(_matrix(rows))

    def probabilities_many(self, documents: Sequence[Sequence[Sequence[float]]]) -> list[list[float]]:
        """:meth:`probabilities` of the feature rows of each of several documents, bit for bit.

        The tree members (LightGBM) predict every row of every document in one call each; the logistic member,
        the members' mean and the calibration then run per document on its own rows, exactly as for that
        document alone.
        """
        sizes = [len(rows) for rows in documents]
        if not sum(sizes):
            return [[] for _ in documents]
        x = _matrix([values for rows in documents for values in rows])
        trees = {i: m.predict(x) for i, m in enumerate(self.members) if m.kind != "logistic"}
        out: list[list[float]] = []
        at = 0
        for n in sizes:
            if n == len(x):  # one document: its own matrix and predictions, as they are
                out.append(self._calibrated(x, trees))
            else:
                out.append(self._calibrated(x[at:at + n].copy(), {i: p[at:at + n].copy() for i, p in trees.items()})
                           if n else [])
            at += n
        return out

    def _calibrated(self, x: Any, given: dict[int, Any] | None = None) -> list[float]:
        """Calibrated probabilities for the rows of matrix ``x`` (``given``: see :func:`mean_log_odds`)."""
        import numpy as np

        z = self.slope * mean_log_odds(self.members, x, given) + self.intercept
        return [float(v) for v in 1.0 / (1.0 + np.exp(-z))]

    def features(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[FeatureRow]:
        """The feature rows of one document's mentions (:func:`document_features`)."""
        return document_features(ctx, spans)

    def decide(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[ThreatDecision]:
        """The model's decision for every mention of one document: threat (p ≥ 0.5), p and the cue to quote."""
        return self.decide_rows([document_features(ctx, spans)])[0]

    def decide_rows(self, documents: Sequence[Sequence[FeatureRow]]) -> list[list[ThreatDecision]]:
        """The decisions for the feature rows of several documents (each a list, in its mentions' order), with
        the probabilities of :meth:`probabilities_many`."""
        probs = self.probabilities_many([[r.values for r in rows] for rows in documents])
        return [[_decision(row, p) for row, p in zip(rows, ps, strict=True)]
                for rows, ps in zip(documents, probs, strict=True)]


def _matrix(rows: Any) -> Any:
    """The float64 matrix of feature rows (an array, or a sequence of rows read straight into one matrix)."""
    import numpy as np

    width = len(FEATURE_NAMES)
    if isinstance(rows, np.ndarray):
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), width)
    return np.fromiter(chain.from_iterable(rows), np.float64, len(rows) * width).reshape(len(rows), width)


def _decision(row: FeatureRow, p: float) -> ThreatDecision:
    """The verdict at probability ``p``, quoting the rules' cue when they agree, else the model's side's cue."""
    threat = decide_threshold(p)
    if threat:
        cue = row.rule.cue if row.rule.threat else row.for_threat
    else:
        cue = row.rule.cue if not row.rule.threat else row.against
    return ThreatDecision(threat, cue, round(p, 3))
