"""Benchmark: threat judgement cross-validated by document on the real gold, per language, in one run.

Run: ``python bench/threat_cv.py [GOLD.jsonl ...] [--synthetic FILE ...]``. Prints, per language, the number of
scored mentions (found by the geoparser and by gold, gold threat not null), accuracy and threat F1 of answering
"threat" always, of the rules alone, and of the trained model (out of fold: GroupKFold by document, calibration
fitted inside each training fold), the model's Brier score, and its reliability table. Synthetic files join the
training folds only. Nothing is written (``python -m threatmap train`` writes the model file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threatmap import settings  # noqa: E402
from threatmap.gazetteer import Gazetteer  # noqa: E402
from threatmap.geoparse import Geoparser  # noqa: E402
from threatmap.learn.dataset import GoldFile, build_examples  # noqa: E402
from threatmap.learn.train import cross_validate, format_cv  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the cross-validation and print the tables."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("gold", nargs="*", help="real gold files (default: seed, dev and corpus gold)")
    p.add_argument("--synthetic", action="append", default=[], help="synthetic gold, training folds only")
    p.add_argument("--folds", type=int, default=5)
    args = p.parse_args(argv)
    files = [GoldFile(Path(f)) for f in (args.gold or settings.THREAT_GOLD)]
    files += [GoldFile(Path(f), synthetic=True) for f in args.synthetic]
    geoparser = Geoparser.from_gazetteer(Gazetteer.load(), threat="rules")
    print(format_cv(cross_validate(build_examples(files, geoparser), folds=args.folds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
