"""CLI handlers of the store commands: ingest, reindex, export, unresolved."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from threatmap.errors import ExportError, UsageError
from threatmap.export import export_bytes
from threatmap.geoparse.unknown import unknown_report
from threatmap.store import Store
from threatmap.store.backend import is_url, migrate
from threatmap.store.filters import Filters
from threatmap.store.ingest import ingest_paths, reindex


def _gazetteer(args: argparse.Namespace) -> Any:
    from threatmap.gazetteer import default_gazetteer

    return default_gazetteer(str(args.places), str(args.geodata))


def _geoparser(args: argparse.Namespace) -> Any:
    from threatmap.geoparse.parser import Geoparser
    from threatmap.longlived import freeze_loaded

    geoparser = Geoparser.from_gazetteer(_gazetteer(args))
    if getattr(args, "owns_process", False):  # python -m threatmap: the loaded gazetteer leaves the full GC passes
        freeze_loaded()
    return geoparser


def _on_cluster(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "scheduler", None) or getattr(args, "workers", None))


def _cluster(args: argparse.Namespace) -> Any:
    from threatmap.batch.cluster import cluster_client

    return cluster_client(args.scheduler, args.workers, args.places, args.geodata)


def cmd_ingest(args: argparse.Namespace) -> int:
    """``ingest PATH... [--scheduler ADDR | --workers N]``: print the summary; exit 0 / 1 / 3 as without them."""
    if _on_cluster(args):
        from threatmap.batch.run import ingest_on_cluster

        with _cluster(args) as client, Store.open(args.store) as store:
            summary = ingest_on_cluster(args.paths, store, client, max_bytes=args.max_bytes, progress=True)
    else:
        parser = _geoparser(args)
        with Store.open(args.store) as store:
            summary = ingest_paths(args.paths, store, parser, max_bytes=args.max_bytes, progress=True)
    print(summary)
    return summary.exit_code


def cmd_reindex(args: argparse.Namespace) -> int:
    """``reindex [--scheduler ADDR | --workers N]``: re-geoparse every stored document with the current gazetteer."""
    if _on_cluster(args):
        from threatmap.batch.run import reindex_on_cluster

        with _cluster(args) as client, Store.open(args.store) as store:
            summary = reindex_on_cluster(store, client, progress=True)
    else:
        parser = _geoparser(args)
        with Store.open(args.store) as store:
            summary = reindex(store, parser)
    print(summary)
    return summary.exit_code


def _existing_store(path: str) -> Store:
    """The store at ``path`` (a file, or a ``postgresql://`` URL); a missing file is an error (reading must not
    create an empty store)."""
    if not is_url(path) and not Path(path).is_file():
        raise UsageError(f"expected a store at {path!r}, got no such file; fix: python -m threatmap ingest corpus/ "
                         f"--store {path} (or give the right --store)")
    return Store.open(path)


def _warn_unknown_places(places: Sequence[str], gazetteer: Any) -> None:
    for place in places:
        if place not in gazetteer:
            print(f"warning: --place {place!r} is not a place id of the gazetteer, so it keeps nothing; fix: "
                  f"python -m threatmap places --search NAME gives the ids", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    """``export --format F [--out FILE] [filters]``: write the filtered selection; stdout by default."""
    if args.out == "-" and args.format not in ("geojson", "csv", "kml"):
        raise ExportError(f"{args.format} cannot go to stdout (a binary database file); fix: add --out FILE.gpkg")
    gazetteer = _gazetteer(args)
    filters = Filters.from_args(args)
    if filters.text:
        filters = dataclasses.replace(filters, spellings=gazetteer.spellings(filters.text))
    _warn_unknown_places(filters.places, gazetteer)
    with _existing_store(args.store) as store:
        df = store.query(filters)
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
    where = "stdout" if args.out == "-" else args.out
    print(f"exported {len(df)} mention(s) at {places} place(s) as {args.format} to {where}", file=sys.stderr)
    return 0


def cmd_unresolved(args: argparse.Namespace) -> int:
    """``unresolved [--min-count N]``: candidate names with counts and an example passage."""
    with _existing_store(args.store) as store:
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
    """``migrate``: bring the store to the current schema (only on request: opening an older store refuses);
    with ``--to TARGET``, then copy it into the store at TARGET (e.g. a SQLite file into PostgreSQL + PostGIS)."""
    before, after = migrate(args.store)
    print(f"schema version {before} -> {after}" if before != after else f"already at schema version {after}")
    if not args.to:
        return 0
    from threatmap.store.transfer import copy_store

    with Store.open(args.store) as source, Store.open(args.to) as target:
        total = source.facets().documents
        done = copy_store(source, target,  # type: ignore[arg-type]
                          progress=lambda n: print(f"\r{n:,} / {total:,} documents", end="", file=sys.stderr))
    print(file=sys.stderr)
    print(f"copied into {target.label}: {done.added:,} documents added ({done.mentions:,} mentions), "
          f"{done.unchanged:,} already there, {done.reviews:,} reviews, {done.history:,} review history rows")
    return 0
