"""Check that a change to the threat stage leaves its outputs unchanged (e.g. a speed-up).

Run: ``python bench/threat_identity.py --write BEFORE.json`` on the old code, then ``python bench/threat_identity.py
--check BEFORE.json`` on the new one. Every document of the real gold (seed, dev, corpus gold), the synthetic
held-out set and ``corpus/`` is parsed with the committed model; each mention's span, place, ``threat``,
``threat_p`` and ``cue`` are written, or compared (exit status 1 and the first difference when they differ).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmap import Document, Gazetteer, Geoparser, settings  # noqa: E402

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


def decisions() -> list[list[object]]:
    """[doc id, start, end, place id, threat, threat_p, cue] of every mention of every document."""
    geoparser = Geoparser.from_gazetteer(Gazetteer.load())
    return [[d.id, m.start, m.end, m.place_id, m.threat, m.threat_p, m.cue]
            for d in _documents() for m in geoparser.parse(d)]


def main(argv: list[str] | None = None) -> int:
    """Write or check the decisions."""
    p = argparse.ArgumentParser(description=__doc__)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path)
    mode.add_argument("--check", type=Path)
    args = p.parse_args(argv)
    now = decisions()
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
    print(f"identical: {len(now)} mentions (threat, threat_p, cue)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
