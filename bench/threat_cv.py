"""Benchmark: threat judgement cross-validated by document on the real gold, per language, in one run.

Run: ``python bench/threat_cv.py [GOLD.jsonl ...] [--synthetic FILE ...] [--repeats N] [--errors]``. Prints, per
language, the number of scored mentions (found by the geoparser and by gold, gold threat not null), accuracy and
threat F1 of answering "threat" always, of the rules alone, and of the trained model (out of fold: GroupKFold by
document, calibration fitted inside each training fold), the model's accuracy on its worst and best fold, its Brier
score, and its reliability table. ``--repeats N`` adds N more runs on shuffled document splits (seeds 1..N) and prints
the model's mean and range over them: with 7 Sorani and 7 Kurmanji documents one split is not the whole story.
``--errors`` prints the model's out-of-fold errors of the reported split, per language, with the gold label, the
rules' verdict and cue, the probability and the passage around the place. Synthetic files join the training folds
only. Nothing is written (``python -m threatmap train`` writes the model file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmap import settings  # noqa: E402
from threatmap.evaluate import read_gold  # noqa: E402
from threatmap.gazetteer import Gazetteer  # noqa: E402
from threatmap.geoparse import Geoparser  # noqa: E402
from threatmap.geoparse.threat.model import THRESHOLD  # noqa: E402
from threatmap.learn.dataset import Example, GoldFile, build_examples  # noqa: E402
from threatmap.learn.train import CvResult, cross_validate, format_cv, format_repeats  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the cross-validation and print the tables."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("gold", nargs="*", help="real gold files (default: seed, dev and corpus gold)")
    p.add_argument("--synthetic", action="append", default=[], help="synthetic gold, training folds only")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=0, help="more CV runs on shuffled document splits")
    p.add_argument("--errors", action="store_true",
                   help="also print the model's out-of-fold errors of the first split, per language, in context")
    args = p.parse_args(argv)
    files = [GoldFile(Path(f)) for f in (args.gold or settings.THREAT_GOLD)]
    files += [GoldFile(Path(f), synthetic=True) for f in args.synthetic]
    geoparser = Geoparser.from_gazetteer(Gazetteer.load(), threat="rules")
    examples = build_examples(files, geoparser)
    first = cross_validate(examples, folds=args.folds)
    print(format_cv(first))
    if args.errors:
        print(_errors(files, examples, first))
    if args.repeats > 0:
        runs = [first, *(cross_validate(examples, folds=args.folds, seed=s) for s in range(1, args.repeats + 1))]
        print(f"\nThe split above and {args.repeats} shuffled splits:\n")
        print(format_repeats(runs))
    return 0


def _errors(files: list[GoldFile], examples: list[Example], cv: CvResult) -> str:
    """The out-of-fold errors of ``cv``, per language: document, gold, rules (cue), p, the passage with the place."""
    texts = {f"{f.path.name}:{g.document.id}": g.document.text for f in files if not f.synthetic
             for g in read_gold(f.path)}
    real = [e for e in examples if not e.synthetic]
    lines = []
    for lang in sorted({e.lang for e in real}):
        errs = [(e, p) for e, p, y in zip(real, cv.probs, cv.labels, strict=True)
                if e.lang == lang and (p >= THRESHOLD) != y]
        lines.append(f"\n## {lang}: {len(errs)} errors\n")
        for e, p in errs:
            text = texts[e.doc_id]
            (s, t), (p0, p1) = e.span, e.passage
            ctx = (text[max(p0, s - 160):s] + "[[" + text[s:t] + "]]" + text[t:min(p1, t + 160)]).replace("\n", " / ")
            lines.append(f"- {e.doc_id} gold={int(e.label)} rule={int(e.rule)} p={p:.2f} cue={e.cue!r}: {ctx}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
