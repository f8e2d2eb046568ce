"""Command-line interface: ``python -m threatmap <command>``; each command's work lives in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from threatmap import settings
from threatmap.errors import StoreError, ThreatmapError

EXIT_CODES = """exit codes:
  0  done: every input stored (or already stored), no problem found
  1  some input was rejected (ingest: a file or JSONL line; validate: a gazetteer problem), each named with
     file:line and the reason; the rest of the batch was done
  2  usage error: bad arguments or options (the message says which)
  3  internal error (a bug, the store cannot be written, out of memory): the message names the file"""

_HANDLERS = {
    "validate": "threatmap.cli.gazetteer:cmd_validate",
    "places": "threatmap.cli.gazetteer:cmd_places",
    "geoparse": "threatmap.cli.geoparse:cmd_geoparse",
    "eval": "threatmap.cli.geoparse:cmd_eval",
    "ingest": "threatmap.cli.store:cmd_ingest",
    "reindex": "threatmap.cli.store:cmd_reindex",
    "export": "threatmap.cli.store:cmd_export",
    "unresolved": "threatmap.cli.store:cmd_unresolved",
    "reviews": "threatmap.cli.reviews:cmd_reviews",
    "train": "threatmap.cli.train:cmd_train",
    "migrate": "threatmap.cli.store:cmd_migrate",
}


DESCRIPTION = "Command-line interface of threatmap: python -m threatmap <command> [options]; " \
              "python -m threatmap <command> --help for one command."
"""The --help text (plain: the module docstring's RST markup would show as is)."""
EXAMPLES = {
    "validate": "example:\n  python -m threatmap validate\n  python -m threatmap --places my_places.yaml validate",
    "eval": "example:\n  python -m threatmap eval tests/data/gold_corpus.jsonl --show",
    "export": "examples:\n  python -m threatmap export --format geojson > threats.geojson\n"
              "  python -m threatmap export --format csv --since 2022-01-01 --threat-only --search Hamrin\n"
              "  python -m threatmap export --format gpkg --out threats.gpkg --place hamrin_mountains",
}


def _sub(sub: Any, name: str, *, help: str, description: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A subcommand with its one-line help, a description and (when there is one) an example."""
    return sub.add_parser(name, help=help, description=description, epilog=EXAMPLES.get(name),  # type: ignore[no-any-return]
                          formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m threatmap", description=DESCRIPTION, epilog=EXIT_CODES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--places", default=str(settings.PLACES_PATH), help="gazetteer file (default: %(default)s)")
    p.add_argument("--geodata", default=str(settings.GEODATA_DIR), help="geodata folder (default: %(default)s)")
    sub = p.add_subparsers(dest="command", required=True)

    _sub(sub, "validate", help="check places.yaml and geodata/, report every problem at once",
         description="Load places.yaml and geodata/ and check them; every problem is reported at once, with the "
                     "place id and file:line. Exit 0 when valid, 2 otherwise.")

    s = sub.add_parser("places", help="list gazetteer places (a curator's view)")
    s.add_argument("--type", dest="type", help="only places of this type (e.g. mountain_range)")
    s.add_argument("--search", help="only places whose name or alias matches NAME (any script)")

    s = sub.add_parser("geoparse", help="print one JSON line per place mention")
    s.add_argument("files", nargs="+", metavar="FILE", help=".jsonl of documents, .txt/.md, or - for stdin")

    s = _sub(sub, "eval", help="score the geoparser against gold JSONL",
             description="Geoparse the documents of gold JSONL files (one document per line with its expected "
                         "mentions) and print precision, recall and F1 of the places and of the threat judgement, "
                         "per language.")
    s.add_argument("gold", nargs="+", metavar="GOLD.jsonl")
    s.add_argument("--show", action="store_true", help="list every miss")
    s.add_argument("--threat", choices=["model", "rules"], default="model",
                   help="decide threat by the trained model (default) or the rules alone")

    store_opt = argparse.ArgumentParser(add_help=False)
    store_opt.add_argument("--store", default=settings.store_target(),
                           help="SQLite file or postgresql://user@host/db URL (default: %(default)s)")

    dask_opt = argparse.ArgumentParser(add_help=False)
    on = dask_opt.add_mutually_exclusive_group()
    on.add_argument("--scheduler", metavar="tcp://HOST:8786", help="geoparse on the Dask cluster of this scheduler")
    on.add_argument("--workers", type=_positive, metavar="N", help="geoparse on a local Dask cluster of N processes")

    s = sub.add_parser("ingest", parents=[store_opt, dask_opt], help="add documents (files or folders) to the store")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--max-bytes", type=int, default=settings.MAX_DOC_BYTES, help="size limit per document")

    sub.add_parser("reindex", parents=[store_opt, dask_opt],
                   help="re-geoparse stored documents after places.yaml changes")

    s = _sub(sub, "export", parents=[store_opt], help="export the filtered mentions",
             description="Write the stored mentions kept by the filters, one feature per place (or per mention), "
                         "as GeoJSON (RFC 7946), CSV, KML or GeoPackage: the same files as the app's export.")
    s.add_argument("--format", required=True, choices=["geojson", "csv", "kml", "gpkg"])
    s.add_argument("--out", default="-", help="output file (default: stdout; gpkg needs a file)")
    s.add_argument("--since", help="first date, YYYY-MM-DD")
    s.add_argument("--until", help="last date, YYYY-MM-DD")
    s.add_argument("--source", action="append", default=[], help="a source to keep (repeatable)")
    s.add_argument("--lang", action="append", default=[], help="a language to keep (repeatable)")
    s.add_argument("--threat-only", action="store_true")
    s.add_argument("--threat-threshold", type=float, default=0.5,
                   help="threat_p from which a mention counts as a threat (default: %(default)s)")
    s.add_argument("--place", action="append", default=[], help="a place id to keep (repeatable)")
    s.add_argument("--type", dest="type", action="append", default=[], help="a place type to keep (repeatable)")
    s.add_argument("--search", metavar="TEXT", help="only documents whose text contains TEXT (as the app's search: "
                   "case and Arabic letter variants ignored; a place name finds its names in every script)")
    s.add_argument("--per-mention", action="store_true", help="one Feature per mention (geojson)")
    s.add_argument("--review", choices=["reviewed", "unreviewed", "disagreements"],
                   help="only reviewed mentions, unreviewed ones, or those where the analyst disagrees")

    _reviews_parser(sub, store_opt)

    s = sub.add_parser("train", help="train the threat model on gold (CV grouped by document) and write it")
    s.add_argument("gold", nargs="*", metavar="GOLD.jsonl",
                   help="real gold files (default: the seed, dev and corpus gold under tests/data)")
    s.add_argument("--extra", action="append", default=[], metavar="GOLD.jsonl",
                   help="more real gold added to the defaults (e.g. exported analyst reviews); repeatable")
    s.add_argument("--synthetic", action="append", default=[], metavar="GOLD.jsonl",
                   help="synthetic gold: in every training fold, never in a reported test fold; repeatable")
    s.add_argument("--folds", type=int, default=5, help="cross-validation folds, grouped by document")
    s.add_argument("--out", default=str(settings.THREAT_MODEL_PATH), help="model file (default: %(default)s)")
    s = sub.add_parser("migrate", parents=[store_opt], help="bring a store of an older schema to the current one; "
                       "--to copies it into another store (a SQLite file into PostgreSQL + PostGIS)")
    s.add_argument("--to", metavar="FILE|URL", help="then copy the store into this one (created when new), e.g. "
                   "postgresql://user@host/db; idempotent: run it again to finish an interrupted copy")

    s = sub.add_parser("unresolved", parents=[store_opt], help="candidate place names the gazetteer lacks")
    s.add_argument("--min-count", type=int, default=1)
    return p


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of workers >= 1, got {text}")
    return value


def _reviews_parser(sub: argparse._SubParsersAction, store_opt: argparse.ArgumentParser) -> None:
    r = sub.add_parser("reviews", help="the analyst's reviews: add, list, undo, export as gold")
    rsub = r.add_subparsers(dest="action", required=True)
    span = argparse.ArgumentParser(add_help=False)
    span.add_argument("--doc", required=True, help="the document id")
    span.add_argument("--start", type=int, required=True, help="offset of the mention's first character")
    span.add_argument("--end", type=int, required=True, help="offset just after its last character")
    span.add_argument("--reviewer", help="who reviews (recorded with the time)")
    s = rsub.add_parser("add", parents=[store_opt, span], help="record a review (a new span adds a mention)")
    s.add_argument("--threat", choices=["true", "false"], help="the passage does / does not report ISIS here")
    where = s.add_mutually_exclusive_group()
    where.add_argument("--place", help="the right place id (python -m threatmap places --search NAME lists them)")
    where.add_argument("--point", nargs=2, type=float, metavar=("LAT", "LON"), help="the place as a point")
    where.add_argument("--not-a-place", action="store_true", help="this span is not a place")
    s.add_argument("--precision", type=int, default=1, choices=[1, 2], help="of --point: 1 exact, 2 near")
    s.add_argument("--reason", help="a short reason")
    rsub.add_parser("list", parents=[store_opt], help="every review, and the reviews that no longer apply")
    rsub.add_parser("undo", parents=[store_opt, span], help="remove the review of one mention")
    s = rsub.add_parser("export", parents=[store_opt], help="write the reviewed documents as gold JSONL")
    s.add_argument("--out", required=True, help="output file ('-' for stdout)")


def main(argv: Sequence[str] | None = None, *, owns_process: bool = False) -> int:
    """Run one command; return the process exit code.

    ``owns_process``: the command is the whole process (``python -m threatmap``), so it may tune it for a long run
    (:func:`threatmap.longlived.freeze_loaded` once the gazetteer is loaded); False when called from other code.
    """
    args = _parser().parse_args(argv)
    args.owns_process = owns_process
    module_name, func_name = _HANDLERS[args.command].split(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    try:
        return int(handler(args))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except ThreatmapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line (with where it happened), not with a bare traceback
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        at = f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else ""
        print(f"internal error: {type(exc).__name__}: {str(exc)[:500]}{at}; fix: report it with the command and "
              f"its input", file=sys.stderr)
        return 3
