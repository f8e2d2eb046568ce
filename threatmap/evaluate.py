"""Score the geoparser against gold JSONL: recognition, end-to-end (161 km) and threat, overall and per language.

Gold format: ``../shared/gold/README.md`` (one document per line with ``text`` and ``mentions``). A predicted
mention is paired with at most one gold mention whose span overlaps it (greedy, largest overlap first).

- recognition: a pair is a true positive; P = pairs / predicted, R = pairs / gold.
- end-to-end: a pair is correct when the predicted point is within 161 km of the gold lat/lon, or the predicted
  place's geometry contains the gold point (an unlocated prediction, with no geometry, is wrong unless the gold
  place has none either); P = correct / predicted, R = correct / gold.
- threat: over the pairs whose gold ``threat`` is not null, accuracy and F1 (threat = the positive class), beside the
  always-"threat" baseline on the same pairs; with ``threat_p`` on the predictions, also the Brier score.

Gold files may hold null ``lat``/``lon`` (any place counts as right), ``"threat": null`` (not scored for threat) and
ignore spans: mentions with ``"ignore": true`` and a top-level ``"ignore"`` list of ``{"start", "end"}`` objects
(or ``[start, end]`` pairs). Ignored spans are not gold; a prediction overlapping one and paired with no scored gold
mention is not counted at all (neither right nor a false positive).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import Point

from threatmap.errors import DocumentError
from threatmap.lang.sentences import sentence_span
from threatmap.models import Document, Mention
from threatmap.protocols import DocumentParser

__all__ = ["KM_TOLERANCE", "GoldDocument", "GoldMention", "Miss", "Score", "evaluate", "format_report", "haversine_km",
           "pair_mentions", "read_gold"]

KM_TOLERANCE = 161.0
"""End-to-end tolerance: 161 km (100 miles), the usual accuracy@161 of geoparsing papers."""


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One annotated mention."""

    start: int
    end: int
    surface: str
    place: str
    lat: float | None
    lon: float | None
    threat: bool | None
    qualifier: str | None = None
    ignore: bool = False


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One annotated document."""

    document: Document
    mentions: tuple[GoldMention, ...]
    """The scored mentions (ignore spans left out)."""
    ignore: tuple[tuple[int, int], ...] = ()
    """Spans whose overlapping predictions are not scored: ignored mentions and the top-level ``ignore`` list."""


@dataclass(frozen=True, slots=True)
class Miss:
    """One error for ``--show``: kind is ``fp``, ``fn``, ``place`` or ``threat``."""

    kind: str
    doc_id: str
    start: int
    end: int
    surface: str
    detail: str
    snippet: str


@dataclass(slots=True)
class Score:
    """Counts for one slice (overall or one language) and the rates derived from them."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    correct: int = 0
    threat_right: int = 0
    threat_n: int = 0
    """Pairs scored for threat (gold threat not null)."""
    threat_tp: int = 0
    threat_pred: int = 0
    """Scored pairs predicted threat."""
    threat_gold: int = 0
    """Scored pairs whose gold is threat."""
    brier_sum: float = 0.0
    brier_n: int = 0
    misses: list[Miss] = field(default_factory=list)

    def add(self, other: Score, *, misses: bool = True) -> None:
        """Add the counts (and, with ``misses``, the misses) of ``other``."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if misses:
            self.misses.extend(other.misses)

    @staticmethod
    def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
        p = hits / predicted if predicted else (1.0 if not gold else 0.0)
        r = hits / gold if gold else (1.0 if not predicted else 0.0)
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    @property
    def recognition(self) -> tuple[float, float, float]:
        """Precision, recall, F1 of spans (overlap)."""
        return self._prf(self.matched, self.predicted, self.gold)

    @property
    def end_to_end(self) -> tuple[float, float, float]:
        """Precision, recall, F1 of spans with the right place (161 km or containment)."""
        return self._prf(self.correct, self.predicted, self.gold)

    @property
    def threat_accuracy(self) -> float:
        """Share of scored pairs whose threat flag is right (1.0 when none)."""
        return self.threat_right / self.threat_n if self.threat_n else 1.0

    @property
    def threat_f1(self) -> float:
        """F1 of the threat class over the scored pairs (1.0 when there is no threat on either side)."""
        return _f1(self.threat_tp, self.threat_pred, self.threat_gold)

    @property
    def baseline_accuracy(self) -> float:
        """Accuracy of answering "threat" for every scored pair."""
        return self.threat_gold / self.threat_n if self.threat_n else 1.0

    @property
    def baseline_f1(self) -> float:
        """Threat F1 of answering "threat" for every scored pair."""
        return _f1(self.threat_gold, self.threat_n, self.threat_gold)

    @property
    def brier(self) -> float | None:
        """Mean squared error of ``threat_p`` against gold (None when no prediction carried ``threat_p``)."""
        return self.brier_sum / self.brier_n if self.brier_n else None


_COUNTS = ("gold", "predicted", "matched", "correct", "threat_right", "threat_n", "threat_tp", "threat_pred",
           "threat_gold", "brier_sum", "brier_n")


def _f1(tp: int, predicted: int, gold: int) -> float:
    if not predicted and not gold:
        return 1.0
    return 2 * tp / (predicted + gold)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def read_gold(path: Path | str) -> Iterator[GoldDocument]:
    """Read gold JSONL; raise :class:`DocumentError` naming file and line for anything malformed."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{path}: cannot read the gold file ({exc}); fix: give a UTF-8 JSONL file") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            yield _gold_document(obj)
        except (ValueError, KeyError, TypeError) as exc:
            raise DocumentError(f"{path}:{number}: expected a gold document object with 'id', 'text' and "
                                f"'mentions' (start, end, surface, lat, lon, threat), got an error: {exc}") from None


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _span(item: Any) -> tuple[int, int]:
    if isinstance(item, dict):
        return int(item["start"]), int(item["end"])
    start, end = item
    return int(start), int(end)


def _gold_document(obj: dict[str, Any]) -> GoldDocument:
    date = dt.date.fromisoformat(obj["date"]) if obj.get("date") else None
    doc = Document(id=str(obj["id"]), text=str(obj["text"]), lang=obj.get("lang"), source=obj.get("source"),
                   date=date, date_origin="metadata" if date else None, speakers=tuple(obj.get("speakers") or ()))
    mentions = [GoldMention(int(m["start"]), int(m["end"]), str(m["surface"]), str(m.get("place", "")),
                            _optional_float(m.get("lat")), _optional_float(m.get("lon")),
                            None if m.get("threat") is None else bool(m["threat"]), m.get("qualifier"),
                            bool(m.get("ignore", False)))
                for m in obj["mentions"]]
    ignore = [(m.start, m.end) for m in mentions if m.ignore] + [_span(x) for x in obj.get("ignore") or ()]
    return GoldDocument(doc, tuple(m for m in mentions if not m.ignore), tuple(sorted(ignore)))


def pair_mentions(gold: Sequence[GoldMention], predicted: Sequence[Mention]) -> list[tuple[int, int]]:
    """(predicted index, gold index) pairs of overlapping spans, greedily by largest overlap, each used once."""
    overlaps = sorted(((min(p.end, g.end) - max(p.start, g.start), i, j)
                       for i, p in enumerate(predicted) for j, g in enumerate(gold)
                       if p.start < g.end and g.start < p.end), reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in overlaps:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def score_document(gold: GoldDocument, predicted: Sequence[Mention], geometries: dict[str, Any]) -> Score:
    """Score one document's predictions; ``geometries`` maps place ids to their (unqualified) geometry."""
    text = gold.document.text
    s = Score(gold=len(gold.mentions))
    pairs = pair_mentions(gold.mentions, predicted)
    used_p = {i for i, _ in pairs}
    used_g = {j for _, j in pairs}
    for i, j in pairs:
        p, g = predicted[i], gold.mentions[j]
        s.matched += 1
        _score_place(s, gold, p, g, geometries.get(p.place_id) if p.place_id is not None else None)
        _score_threat(s, gold, p, g)
    s.predicted = s.matched
    for i, p in enumerate(predicted):
        if i in used_p or any(a < p.end and p.start < b for a, b in gold.ignore):
            continue
        s.predicted += 1
        s.misses.append(_miss("fp", gold, p.start, p.end, f"predicted {p.place_id}, not in gold", text))
    for j, g in enumerate(gold.mentions):
        if j not in used_g:
            s.misses.append(_miss("fn", gold, g.start, g.end, f"gold {g.place!r} not found", text))
    return s


def _score_place(s: Score, gold: GoldDocument, p: Mention, g: GoldMention, geom: Any) -> None:
    if g.lat is None or g.lon is None:  # an unlocated gold place: any place counts as right
        s.correct += 1
        return
    if p.lat is None or p.lon is None:  # an unlocated prediction of a located gold place: found, not placed
        s.misses.append(_miss("place", gold, p.start, p.end, f"predicted no geometry (unlocated), gold "
                              f"{g.place!r}", gold.document.text))
        return
    km = haversine_km(p.lat, p.lon, g.lat, g.lon)
    if km <= KM_TOLERANCE or (geom is not None and geom.covers(Point(g.lon, g.lat))):
        s.correct += 1
    else:
        s.misses.append(_miss("place", gold, p.start, p.end, f"predicted {p.place_id} ({km:.0f} km from "
                              f"gold {g.place!r})", gold.document.text))


def _score_threat(s: Score, gold: GoldDocument, p: Mention, g: GoldMention) -> None:
    if g.threat is None:
        return
    s.threat_n += 1
    s.threat_gold += g.threat
    s.threat_pred += p.threat
    s.threat_tp += p.threat and g.threat
    prob = getattr(p, "threat_p", None)
    if prob is not None:
        s.brier_sum += (prob - g.threat) ** 2
        s.brier_n += 1
    if p.threat == g.threat:
        s.threat_right += 1
    else:
        p_text = "" if prob is None else f", p={prob:.3f}"
        s.misses.append(_miss("threat", gold, p.start, p.end, f"predicted threat={p.threat}{p_text} "
                              f"(cue {p.cue!r}), gold threat={g.threat}", gold.document.text))


def _miss(kind: str, gold: GoldDocument, start: int, end: int, detail: str, text: str) -> Miss:
    """A miss with its passage as the snippet (the sentence around the span, at most ~240 characters)."""
    a, b = sentence_span(text, start, end)
    a, b = max(a, start - 120), min(b, end + 120)
    snippet = " ".join((text[a:start] + "[" + text[start:end] + "]" + text[end:b]).split())
    return Miss(kind, gold.document.id, start, end, text[start:end], detail, snippet)


def evaluate(golds: Iterable[GoldDocument], geoparser: DocumentParser) -> dict[str, Score]:
    """Run ``geoparser`` over every gold document; return scores by slice (``"all"`` and each language)."""
    geometries = {pid: place.geometry for pid, place in geoparser.places.items()}
    scores: dict[str, Score] = {"all": Score()}
    for gold in golds:
        predicted = geoparser.parse(gold.document)
        s = score_document(gold, predicted, geometries)
        scores["all"].add(s)
        lang = gold.document.lang or "?"
        scores.setdefault(lang, Score()).add(s, misses=False)
    return scores


def format_report(scores: dict[str, Score], *, show: bool = False) -> str:
    """A compact table (one row per slice); with ``show``, every miss first; the last lines give overall F1."""
    lines: list[str] = []
    if show:
        for miss in sorted(scores["all"].misses, key=lambda m: (m.doc_id, m.start, m.kind)):
            lines.append(f"{miss.kind:<6} {miss.doc_id} {miss.start}-{miss.end} {miss.surface!r}: {miss.detail}")
            lines.append(f"       … {miss.snippet}")
        lines.append("")
    lines.append(f"{'slice':<6} {'gold':>5} {'pred':>5} {'rec P':>6} {'rec R':>6} {'rec F1':>6} "
                 f"{'e2e P':>6} {'e2e R':>6} {'e2e F1':>6} | {'thr n':>5} {'acc':>6} {'F1':>6} "
                 f"{'base acc':>8} {'base F1':>7} {'Brier':>6}")
    order = ["all", *sorted(k for k in scores if k != "all")]
    for key in order:
        s = scores[key]
        rp, rr, rf = s.recognition
        ep, er, ef = s.end_to_end
        brier = "-" if s.brier is None else f"{s.brier:.3f}"
        lines.append(f"{key:<6} {s.gold:>5} {s.predicted:>5} {rp:>6.3f} {rr:>6.3f} {rf:>6.3f} "
                     f"{ep:>6.3f} {er:>6.3f} {ef:>6.3f} | {s.threat_n:>5} {s.threat_accuracy:>6.3f} "
                     f"{s.threat_f1:>6.3f} {s.baseline_accuracy:>8.3f} {s.baseline_f1:>7.3f} {brier:>6}")
    overall = scores["all"]
    lines.append("threat: over mentions found by both gold and prediction whose gold threat is not null; "
                 "base = always \"threat\" on the same mentions")
    lines.append(f"recognition F1 {overall.recognition[2]:.3f}")
    lines.append(f"end-to-end F1 {overall.end_to_end[2]:.3f}")
    lines.append(f"threat accuracy {overall.threat_accuracy:.3f} (always threat {overall.baseline_accuracy:.3f}), "
                 f"threat F1 {overall.threat_f1:.3f} (always threat {overall.baseline_f1:.3f})")
    return "\n".join(lines)
