"""The ``train`` command: cross-validate the threat model by document on gold files and write the model file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from threatmap import settings
from threatmap.errors import DocumentError

__all__ = ["cmd_train"]


def cmd_train(args: argparse.Namespace) -> int:
    """Train on the real gold (and any extra gold and synthetic files), print the CV tables, write the model."""
    from threatmap.gazetteer import Gazetteer
    from threatmap.geoparse import Geoparser
    from threatmap.learn.dataset import GoldFile
    from threatmap.learn.train import format_cv, train_model, write_model

    real = [Path(p) for p in (args.gold or settings.THREAT_GOLD)] + [Path(p) for p in args.extra]
    files = [GoldFile(p) for p in real] + [GoldFile(Path(p), synthetic=True) for p in args.synthetic]
    missing = [str(f.path) for f in files if not f.path.is_file()]
    if missing:
        raise DocumentError(f"expected gold JSONL files, got missing paths {missing!r}; fix: give existing files")
    gazetteer = Gazetteer.load(getattr(args, "places", None), getattr(args, "geodata", None))
    geoparser = Geoparser.from_gazetteer(gazetteer, threat="rules")
    content, cv = train_model(files, geoparser, folds=args.folds)
    out = Path(args.out)
    write_model(content, out)
    print(format_cv(cv))
    print(f"\nwrote {out} ({out.stat().st_size:,} bytes); training data sha256 "
          f"{content['training_data']['sha256']}; {json.dumps(content['training_data']['files'])}")
    return 0
