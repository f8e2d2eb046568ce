"""Check that a change to the threat stage leaves its outputs unchanged (e.g. a speed-up).

Run: ``python bench/threat_identity.py --write BEFORE.json`` on the old code, then ``python bench/threat_identity.py
--check BEFORE.json`` on the new one. Every document of the real gold (seed, dev, corpus gold), the synthetic
held-out set and ``corpus/`` is parsed with the committed model and with the rules alone; each mention's span,
place, ``threat``, ``threat_p`` and ``cue``, the rules' ``threat`` and ``cue``, a digest of its whole feature row
(every value, and the cue words quoted for either verdict) and the model's unrounded probability (as hex: bit for
bit) are written, or compared (exit status 1 and the first difference when they differ). With ``--batch N`` the
model's parse goes through ``Geoparser.pipe(documents, batch_size=N)`` (compare with a ``--write`` by ``parse``).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmap import Document, Gazetteer, Geoparser, settings  # noqa: E402
from threatmap.geoparse.context import ParseContext  # noqa: E402
from threatmap.geoparse.threat.features import FeatureRow, MentionSpan, document_features  # noqa: E402
from threatmap.geoparse.threat.model import ThreatModel  # noqa: E402
from threatmap.models import ThreatDecision  # noqa: E402

_HELDOUT = ROOT / "tests" / "data" / "gold_heldout.jsonl"


def _documents() -> list[Document]:
    docs = []
    for path in [*settings.THREAT_GOLD, _HELDOUT]:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            day = obj.get("date")
            date = datetime.date.fromisoformat(day) if isinstance(day, str) and len(day) == 10 else None
            docs.append(Document(id=obj["id"], text=obj["text"], lang=obj.get("lang"), date=date,
                                 source=obj.get("source")))
    docs += [Document(id=f.name, text=f.read_text(encoding="utf-8")) for f in sorted((ROOT / "corpus").glob("*.md"))]
    return docs


class _Recorder:
    """The committed model as the geoparser's threat decider, keeping every mention's feature row and probability;
    it judges a batch of documents at once (``features`` then ``decide_rows``) when the geoparser asks."""

    def __init__(self) -> None:
        self.model = ThreatModel.load()
        self.rows: list[str] = []
        self.probabilities: list[str] = []

    def decide(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[ThreatDecision]:
        out = self.model.decide(ctx, spans)
        rows = self.features(ctx, spans)
        self.probabilities += [p.hex() for p in self.model.probabilities([r.values for r in rows])]
        return out

    def features(self, ctx: ParseContext, spans: Sequence[MentionSpan]) -> list[FeatureRow]:
        rows = document_features(ctx, spans)
        self.rows += [hashlib.sha1(repr((r.values, r.for_threat, r.against)).encode()).hexdigest()[:16] for r in rows]
        return rows

    def decide_rows(self, documents: Sequence[Sequence[FeatureRow]]) -> list[list[ThreatDecision]]:
        probs = self.model.probabilities_many([[r.values for r in rows] for rows in documents])
        self.probabilities += [p.hex() for ps in probs for p in ps]
        return self.model.decide_rows(documents)


def decisions(batch: int = 0) -> list[list[object]]:
    """[doc id, start, end, place id, threat, threat_p, cue, the rules' threat and cue, a digest of the feature row,
    the unrounded probability in hex] of every mention of every document (``batch``: through ``pipe``)."""
    gazetteer = Gazetteer.load()
    recorder = _Recorder()
    geoparser = Geoparser.from_gazetteer(gazetteer, threat=recorder)
    rules = Geoparser.from_gazetteer(gazetteer, threat="rules")
    docs = _documents()
    by_model = geoparser.pipe(docs, batch_size=batch) if batch else map(geoparser.parse, docs)
    out: list[list[object]] = []
    for d, found in zip(docs, by_model, strict=True):
        out += [[d.id, m.start, m.end, m.place_id, m.threat, m.threat_p, m.cue, r.threat, r.cue]
                for m, r in zip(found, rules.parse(d), strict=True)]
    for row, digest, p in zip(out, recorder.rows, recorder.probabilities, strict=True):
        row += [digest, p]
    return out


def main(argv: list[str] | None = None) -> int:
    """Write or check the decisions."""
    p = argparse.ArgumentParser(description=__doc__)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path)
    mode.add_argument("--check", type=Path)
    p.add_argument("--batch", type=int, default=0, help="parse with the model through pipe(batch_size=BATCH)")
    args = p.parse_args(argv)
    now = decisions(args.batch)
    if args.write:
        args.write.write_text(json.dumps(now, ensure_ascii=False), encoding="utf-8")
        print(f"{len(now)} mentions written to {args.write}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    for old, new in zip(before, now, strict=False):
        if old != new:
            print(f"different: before {old}\n           now    {new}")
            return 1
    if len(before) != len(now):
        print(f"different: {len(before)} mentions before, {len(now)} now")
        return 1
    how = f"pipe, batches of {args.batch}" if args.batch else "parse"
    print(f"identical: {len(now)} mentions by {how} (threat, threat_p, cue; the rules' threat and cue; feature rows; "
          f"probabilities bit for bit)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
