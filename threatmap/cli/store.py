"""CLI handlers of the store commands: ingest, reindex, export, unresolved."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from threatmap.errors import ExportError
from threatmap.export import export_bytes
from threatmap.geoparse.unknown import unknown_report
from threatmap.store import Store
from threatmap.store.backend import migrate
from threatmap.store.filters import Filters
from threatmap.store.ingest import ingest_paths, reindex


def _gazetteer(args: argparse.Namespace) -> Any:
    from threatmap.gazetteer import default_gazetteer

    return default_gazetteer(str(args.places), str(args.geodata))


def _geoparser(args: argparse.Namespace) -> Any:
    from threatmap.geoparse.parser import Geoparser

    return Geoparser.from_gazetteer(_gazetteer(args))


def cmd_ingest(args: argparse.Namespace) -> int:
    """``ingest PATH...``: print the summary; exit 0 all stored, 1 some file rejected, 3 an internal error."""
    parser = _geoparser(args)
    with Store.open(args.store) as store:
        summary = ingest_paths(args.paths, store, parser, max_bytes=args.max_bytes, progress=True)
    print(summary)
    return summary.exit_code


def cmd_reindex(args: argparse.Namespace) -> int:
    """``reindex``: re-geoparse every stored document with the current gazetteer."""
    parser = _geoparser(args)
    with Store.open(args.store) as store:
        summary = reindex(store, parser)
    print(summary)
    return summary.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    """``export --format F --out FILE [filters]``: write the filtered selection; '-' is stdout (geojson/csv)."""
    filters = Filters.from_args(args)
    if args.out == "-" and args.format not in ("geojson", "csv"):
        raise ExportError(f"--out - (stdout) works with geojson and csv, got --format {args.format!r}; "
                          f"fix: give a file name")
    with Store.open(args.store) as store:
        df = store.query(filters)
    gazetteer = _gazetteer(args)
    data = export_bytes(args.format, df, gazetteer, per_mention=bool(getattr(args, "per_mention", False)))
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out = Path(args.out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        except OSError as exc:
            raise ExportError(f"cannot write {str(out)!r}: {exc.strerror}; fix: choose another --out") from None
    places = df[["place_id", "qualifier"]].drop_duplicates().shape[0] if not df.empty else 0
    print(f"exported {len(df)} mention(s) at {places} place(s) as {args.format} to {args.out}", file=sys.stderr)
    return 0


def cmd_unresolved(args: argparse.Namespace) -> int:
    """``unresolved [--min-count N]``: candidate names with counts and an example passage."""
    with Store.open(args.store) as store:
        report = unknown_report(store, min_count=args.min_count)
    if not report:
        print("no unresolved candidate names")
        return 0
    print(f"{'count':>5}  {'name':<30}  example")
    for surface, count, passage in report:
        example = " ".join(passage.split())
        example = example if len(example) <= 120 else example[:117] + "…"
        print(f"{count:>5}  {surface:<30}  {example}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """``migrate``: bring the store to the current schema (only on request: opening an older store refuses)."""
    before, after = migrate(args.store)
    print(f"schema version {before} -> {after}" if before != after else f"already at schema version {after}")
    return 0
