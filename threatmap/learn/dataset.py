"""Training examples for the threat model: gold mentions the geoparser finds, with their features and gold label."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from threatmap.evaluate import GoldDocument, pair_mentions, read_gold
from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.locate import area_precision
from threatmap.geoparse.threat.features import MentionSpan, document_features
from threatmap.models import Mention, Passage

__all__ = ["Example", "GoldFile", "build_examples", "data_sha256", "mention_spans"]


@dataclass(frozen=True, slots=True)
class GoldFile:
    """A gold JSONL file and whether it is synthetic (trained on, never in a reported test fold)."""

    path: Path
    synthetic: bool = False


@dataclass(frozen=True, slots=True)
class Example:
    """One scored mention: group (document), language, gold label, the rules' verdict and the features."""

    doc_id: str
    lang: str
    label: bool
    rule: bool
    synthetic: bool
    values: tuple[float, ...]
    span: tuple[int, int] = (0, 0)
    """The mention's characters in its document's text."""
    passage: tuple[int, int] = (0, 0)
    """Its passage's characters in the document's text."""
    cue: str | None = None
    """The rules' deciding cue words."""


def mention_spans(passages: Sequence[Passage], mentions: Sequence[Mention],
                  countries: dict[str, str | None]) -> list[MentionSpan]:
    """The geoparser's mentions as :class:`MentionSpan` with their passage objects (speaker, role, question)."""
    by_span = {(p.start, p.end): p for p in passages}
    out = []
    for m in mentions:
        passage = by_span.get((m.passage_start, m.passage_end)) or Passage(m.passage_start, m.passage_end,
                                                                            speaker=m.speaker)
        precision = m.precision if m.precision is not None else area_precision(m.place_type)  # unlocated
        out.append(MentionSpan(m.start, m.end, passage, m.place_type, precision, m.place_id or "",
                               countries.get(m.place_id) if m.place_id is not None else None))
    return out


def _examples_of(gold: GoldDocument, geoparser: Any, synthetic: bool, prefix: str) -> list[Example]:
    doc = gold.document
    mentions, passages = geoparser.parse_with_passages(doc)
    pairs = [(i, j) for i, j in pair_mentions(gold.mentions, mentions) if gold.mentions[j].threat is not None]
    if not pairs:
        return []
    pairs.sort()
    ctx = ParseContext.of(doc, split_passages=lambda *_a, **_k: passages)
    countries = {pid: place.country for pid, place in geoparser.places.items()}
    rows = document_features(ctx, mention_spans(passages, mentions, countries))
    return [Example(f"{prefix}{doc.id}", doc.lang or "?", bool(gold.mentions[j].threat), rows[i].rule.threat,
                    synthetic, rows[i].values, (mentions[i].start, mentions[i].end),
                    (mentions[i].passage_start, mentions[i].passage_end), rows[i].rule.cue) for i, j in pairs]


def build_examples(files: Iterable[GoldFile], geoparser: Any) -> list[Example]:
    """Examples of every gold file, in file order then document order (deterministic for the same inputs).

    ``geoparser`` must decide threat by the rules (its mentions only give the spans; labels come from gold).
    Document ids are prefixed with the file's name so that equal ids in two files stay two groups.
    """
    out: list[Example] = []
    for f in files:
        for gold in read_gold(f.path):
            prefix = f"{'synthetic:' if f.synthetic else ''}{f.path.name}:"
            out.extend(_examples_of(gold, geoparser, f.synthetic, prefix))
    return out


def data_sha256(files: Iterable[GoldFile]) -> str:
    """SHA-256 over the gold files' bytes (each preceded by its name and kind): the training data's identity."""
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.path.name}\0{int(f.synthetic)}\0".encode())
        h.update(f.path.read_bytes())
    return h.hexdigest()
