"""Train the threat model on gold files, cross-validated by document, and write the committed model file.

The model is an ensemble: LightGBM, a LightGBM random forest and a scikit-learn logistic regression, trained on the
same rows; the log-odds of their mean probability are Platt-scaled, fitted on out-of-fold means (inner folds
grouped by document). Deterministic: the
examples come in file and document order, the folds are ``GroupKFold`` (no shuffling), LightGBM runs on one thread
with ``deterministic`` and fixed seeds, lbfgs is deterministic, and the file is written with sorted keys.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from threatmap.geoparse.threat.features import FEATURE_NAMES
from threatmap.geoparse.threat.model import FORMAT, THRESHOLD, Member, ThreatModel, mean_log_odds
from threatmap.learn.dataset import Example, GoldFile, build_examples, data_sha256

__all__ = ["PARAMS", "RF_PARAMS", "CvResult", "cross_validate", "fit", "format_cv", "train_model", "write_model"]

PARAMS: dict[str, Any] = {
    "objective": "binary", "learning_rate": 0.05, "num_leaves": 8, "min_data_in_leaf": 20, "lambda_l2": 1.0,
    "feature_fraction": 0.8, "feature_fraction_seed": 7, "seed": 7, "deterministic": True, "num_threads": 1,
    "force_col_wise": True, "verbose": -1,
}
"""The boosted member (then Platt-calibrated on out-of-fold raw scores)."""
ROUNDS = 100
RF_PARAMS: dict[str, Any] = {
    "objective": "binary", "boosting": "rf", "bagging_fraction": 0.632, "bagging_freq": 1, "feature_fraction": 0.5,
    "num_leaves": 32, "min_data_in_leaf": 3, "seed": 7, "bagging_seed": 7, "feature_fraction_seed": 7,
    "deterministic": True, "num_threads": 1, "force_col_wise": True, "verbose": -1,
}
"""The random-forest member (LightGBM's ``rf`` boosting: averaged bagged trees)."""
RF_ROUNDS = 100
LOGISTIC_C = 0.1
"""Inverse L2 strength of the logistic member (on standardised features)."""
FOLDS = 5
_LANGS = ("ar", "ckb", "en", "kmr")


def _booster(x: np.ndarray, y: np.ndarray, params: dict[str, Any], rounds: int) -> Any:
    import lightgbm

    data = lightgbm.Dataset(x, label=y.astype(np.float64), feature_name=list(FEATURE_NAMES), free_raw_data=False)
    return lightgbm.train(params, data, num_boost_round=rounds)


def _inner_folds(groups: np.ndarray) -> int:
    return min(FOLDS, len(set(groups.tolist())))


def _numbers(values: Any) -> list[float]:
    return [round(float(v), 12) for v in values]


def _logistic(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The logistic member: scikit-learn's scaler and L2 logistic regression, stored as plain numbers."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    if len(set(y.tolist())) < 2:
        coef, intercept = np.zeros(x.shape[1]), (4.0 if y.size and y[0] else -4.0)
    else:
        lr = LogisticRegression(C=LOGISTIC_C, solver="lbfgs", max_iter=5000).fit(scaler.transform(x), y)
        coef, intercept = lr.coef_[0], float(lr.intercept_[0])
    return {"kind": "logistic", "mean": _numbers(scaler.mean_), "scale": _numbers(scaler.scale_),
            "coef": _numbers(coef), "intercept": round(float(intercept), 12)}


def _members(x: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    """The three members trained on these rows (their model-file entries)."""
    gbdt = _booster(x, y, PARAMS, ROUNDS)
    rf = _booster(x, y, RF_PARAMS, RF_ROUNDS)
    return [{"kind": "gbdt", "booster": gbdt.model_to_string(num_iteration=-1)},
            {"kind": "rf", "booster": rf.model_to_string(num_iteration=-1)}, _logistic(x, y)]


def _scores(members: list[dict[str, Any]], x: np.ndarray) -> np.ndarray:
    return np.asarray(mean_log_odds([Member.of(m) for m in members], x))


def fit(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    """The members on all rows, and the Platt calibration of their mean fitted out of fold (inner folds by document)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    members = _members(x, y)
    k = _inner_folds(groups)
    scores = np.zeros(len(y))
    if k >= 2:
        for tr, te in GroupKFold(n_splits=k).split(x, y, groups):
            if len(set(y[tr].tolist())) == 2:
                scores[te] = _scores(_members(x[tr], y[tr]), x[te])
    else:
        scores = _scores(members, x)
    if len(set(y.tolist())) < 2:
        slope, intercept = 1.0, 0.0
    else:
        platt = LogisticRegression(C=1e4, solver="lbfgs", max_iter=5000).fit(scores.reshape(-1, 1), y)
        slope, intercept = round(float(platt.coef_[0][0]), 12), round(float(platt.intercept_[0]), 12)
    return {"format": FORMAT, "features": list(FEATURE_NAMES), "members": members,
            "calibration": {"slope": slope, "intercept": intercept,
                            "input": "log-odds of the mean of the members' probabilities"}}


@dataclass(frozen=True, slots=True)
class CvResult:
    """Out-of-fold probabilities of the real examples, with their language, label and the rules' verdict."""

    langs: tuple[str, ...]
    labels: tuple[bool, ...]
    rules: tuple[bool, ...]
    probs: tuple[float, ...]

    def scores(self) -> dict[str, dict[str, float]]:
        """Per language and overall: n, accuracy and threat F1 of baseline / rules / model, and the Brier score."""
        out: dict[str, dict[str, float]] = {}
        for key in ("all", *_LANGS):
            idx = [i for i, lang in enumerate(self.langs) if key in ("all", lang)]
            if not idx:
                continue
            y = [self.labels[i] for i in idx]
            model = [self.probs[i] >= THRESHOLD for i in idx]
            row: dict[str, float] = {"n": len(idx)}
            for name, pred in (("baseline", [True] * len(idx)), ("rules", [self.rules[i] for i in idx]),
                               ("model", model)):
                row[f"{name}_acc"] = round(sum(p == t for p, t in zip(pred, y, strict=True)) / len(idx), 3)
                tp = sum(p and t for p, t in zip(pred, y, strict=True))
                denom = sum(pred) + sum(y)
                row[f"{name}_f1"] = round(2 * tp / denom, 3) if denom else 1.0
            row["brier"] = round(sum((self.probs[i] - self.labels[i]) ** 2 for i in idx) / len(idx), 4)
            out[key] = row
        return out

    def reliability(self, bins: int = 10) -> list[tuple[str, int, float, float]]:
        """(bin, count, mean predicted p, observed threat share) over equal-width probability bins."""
        rows = []
        for b in range(bins):
            lo, hi = b / bins, (b + 1) / bins
            idx = [i for i, p in enumerate(self.probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
            if idx:
                rows.append((f"{lo:.1f}-{hi:.1f}", len(idx), round(sum(self.probs[i] for i in idx) / len(idx), 3),
                             round(sum(self.labels[i] for i in idx) / len(idx), 3)))
        return rows


def _arrays(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray([e.values for e in examples], dtype=np.float64).reshape(len(examples), len(FEATURE_NAMES))
    y = np.asarray([e.label for e in examples], dtype=np.int64)
    groups = np.asarray([e.doc_id for e in examples])
    return x, y, groups


def cross_validate(examples: Sequence[Example], *, folds: int = FOLDS) -> CvResult:
    """Grouped by document over the real examples; synthetic examples join every training fold, never a test fold."""
    from sklearn.model_selection import GroupKFold

    real = [e for e in examples if not e.synthetic]
    synthetic = [e for e in examples if e.synthetic]
    x, y, groups = _arrays(real)
    sx, sy, sg = _arrays(synthetic)
    probs = np.zeros(len(real))
    k = min(folds, len(set(groups.tolist())))
    if k < 2:
        raise ValueError(f"cross-validation needs real examples from 2 documents or more, got {k}")
    for tr, te in GroupKFold(n_splits=k).split(x, y, groups):
        tx, ty, tg = np.vstack([x[tr], sx]), np.concatenate([y[tr], sy]), np.concatenate([groups[tr], sg])
        probs[te] = ThreatModel.from_content(fit(tx, ty, tg)).probabilities(x[te])
    return CvResult(tuple(e.lang for e in real), tuple(e.label for e in real), tuple(e.rule for e in real),
                    tuple(round(float(p), 6) for p in probs))


def train_model(files: Sequence[GoldFile], geoparser: object, *, folds: int = FOLDS) -> tuple[dict[str, Any], CvResult]:
    """Cross-validate, then fit on every example; return the model file's content and the CV result."""
    examples = build_examples(files, geoparser)
    cv = cross_validate(examples, folds=folds)
    x, y, groups = _arrays(examples)
    content = {
        **fit(x, y, groups),
        "params": {"gbdt": {**PARAMS, "rounds": ROUNDS}, "rf": {**RF_PARAMS, "rounds": RF_ROUNDS},
                   "logistic": {"C": LOGISTIC_C}},
        "training_data": {"sha256": data_sha256(files),
                          "files": [{"name": f.path.name, "synthetic": f.synthetic} for f in files],
                          "examples": len(examples), "real_examples": sum(not e.synthetic for e in examples)},
        "cv": {"folds": folds, "grouped_by": "document", "scores": cv.scores(),
               "reliability": [list(r) for r in cv.reliability()]},
    }
    return content, cv


def write_model(content: dict[str, Any], path: Path) -> None:
    """Write the model file (sorted keys, UTF-8, trailing newline)."""
    path.write_text(json.dumps(content, sort_keys=True, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def format_cv(cv: CvResult) -> str:
    """The CV table (per language) and the reliability table, as Markdown."""
    lines = ["| lang | n | always threat acc / F1 | rules acc / F1 | model acc / F1 | Brier |",
             "|---|---|---|---|---|---|"]
    for key, r in cv.scores().items():
        lines.append(f"| {key} | {int(r['n'])} | {r['baseline_acc']:.3f} / {r['baseline_f1']:.3f} | "
                     f"{r['rules_acc']:.3f} / {r['rules_f1']:.3f} | {r['model_acc']:.3f} / {r['model_f1']:.3f} | "
                     f"{r['brier']:.3f} |")
    lines += ["", "| p bin | n | mean p | observed threat share |", "|---|---|---|---|"]
    lines += [f"| {b} | {n} | {p:.3f} | {o:.3f} |" for b, n, p, o in cv.reliability()]
    if any(math.isnan(p) for p in cv.probs):
        lines.append("warning: NaN probabilities")
    return "\n".join(lines)
