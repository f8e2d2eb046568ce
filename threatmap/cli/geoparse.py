"""The ``geoparse`` and ``eval`` commands: mentions as JSON lines, and scores against gold JSONL."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from threatmap import settings
from threatmap.errors import DocumentError
from threatmap.models import Document

if TYPE_CHECKING:
    from threatmap.geoparse import Geoparser

__all__ = ["cmd_eval", "cmd_geoparse", "read_inputs"]


def _geoparser(args: argparse.Namespace) -> Geoparser:
    from threatmap.gazetteer import Gazetteer
    from threatmap.geoparse import Geoparser
    from threatmap.longlived import freeze_loaded

    gazetteer = Gazetteer.load(getattr(args, "places", None), getattr(args, "geodata", None))
    geoparser = Geoparser.from_gazetteer(gazetteer, threat=getattr(args, "threat", "model"))
    if getattr(args, "owns_process", False):  # python -m threatmap: the loaded gazetteer leaves the full GC passes
        freeze_loaded()
    return geoparser


def read_inputs(files: list[str], *, stdin: BinaryIO | None = None) -> list[Document]:
    """Documents of every FILE (JSONL, .txt, .md with front matter, .html, or ``-`` for standard input).

    Standard input is read as JSONL when its first non-blank character is ``{``, else as one plain text
    document with id ``stdin``. Every problem of every file is collected, then raised together.

    Raises
    ------
    DocumentError
        Naming each file (and JSONL line) that cannot be read, with the fix.
    """
    from threatmap.store.documents import JSONL_FILE_FACTOR, read_bytes, read_path

    docs: list[Document] = []
    problems: list[str] = []
    for name in files:
        try:
            if name == "-":
                stream = stdin if stdin is not None else sys.stdin.buffer
                data = stream.read(settings.MAX_DOC_BYTES * JSONL_FILE_FACTOR + 1)  # bounded: read_bytes says
                # "over the size limit" for more (an endless pipe, /dev/zero, is never read to its end)
                kind = "stdin.jsonl" if data.lstrip()[:1] == b"{" else "stdin.txt"
                loaded = read_bytes(kind, data, max_bytes=settings.MAX_DOC_BYTES, path="-")
            else:
                loaded = read_path(Path(name), max_bytes=settings.MAX_DOC_BYTES)
        except DocumentError as exc:
            problems.append(str(exc))
            continue
        problems.extend(reason for _where, reason in loaded.problems)
        docs.extend(loaded.documents)
    if problems:
        raise DocumentError(f"cannot read {len(problems)} input(s):\n" + "\n".join(f"  - {p}" for p in problems))
    return docs


def cmd_geoparse(args: argparse.Namespace) -> int:
    """Print one JSON object per place mention (``Mention.to_dict()``), documents in the order given."""
    docs = read_inputs(list(args.files))
    geoparser = _geoparser(args)
    out = sys.stdout
    for mentions in geoparser.pipe(docs):  # batches judged together, each document's mentions as parse gives them
        for mention in mentions:
            out.write(json.dumps(mention.to_dict(), ensure_ascii=False) + "\n")
    out.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the geoparser on gold JSONL files together; print the table (and every miss with ``--show``)."""
    from threatmap.evaluate import evaluate, format_report, read_gold

    golds = list(itertools.chain.from_iterable(read_gold(path) for path in args.gold))
    if not golds:
        raise DocumentError(f"no gold documents in {', '.join(args.gold)}; fix: give JSONL files as in "
                            f"../shared/gold/README.md")
    scores = evaluate(golds, _geoparser(args))
    print(format_report(scores, show=bool(getattr(args, "show", False))))
    return 0
