"""Ingest and reindex on a Dask cluster: workers read and geoparse partitions, the client writes the store.

Each partition is one task (:func:`parse_partition`, :func:`reparse_documents`): pure, so a task whose worker died
is simply run again elsewhere (Dask's scheduler does that). An ingest task makes each document it geoparses into
the rows it writes (:mod:`threatmap.store.prepared`: hashes, text-index key, mention and candidate rows, as plain
tuples), so the client, one for the whole cluster, only runs the inserts; it writes each partition in one
transaction, in the order of the partitions. A document is therefore stored whole or not at all, whatever dies
when; a re-run of the same command skips what was stored (content hash), as a single-process ingest does.

At most :func:`_window` tasks are in flight, so the client's memory stays bounded on a collection of any size.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tqdm import tqdm

from threatmap import settings
from threatmap.batch.cluster import ClusterError, worker_geoparser
from threatmap.batch.partitions import CHUNK_BYTES, Partition, partitions, read_partition
from threatmap.errors import DocumentError
from threatmap.models import Document
from threatmap.store import Store
from threatmap.store.ingest import (
    IngestSummary,
    PreparedItem,
    Reparsed,
    Tally,
    analyse_documents,
    analyse_loaded,
    empty_folders,
    expand_paths,
    internal_error,
    parse_many_function,
    prepare_items,
    repeated_id,
    write_items,
    write_reindexed,
)

REINDEX_CHUNK = 100
"""Stored documents sent to a worker per reindex task."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class PartitionResult:
    """What a worker made of one partition: geoparsed documents, and what was rejected or noted on the way."""

    items: tuple[PreparedItem, ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    failed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ReparseResult:
    """A reindex task's result: the new mentions and candidates per document id, and the documents that failed."""

    items: tuple[Reparsed, ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()


def parse_partition(part: Partition, max_bytes: int) -> PartitionResult:
    """(On a worker) read and geoparse one partition; nothing raised for a bad file or document."""
    tally = Tally()
    try:
        loaded = read_partition(part, max_bytes)
        items = prepare_items(analyse_loaded(loaded, parse_many_function(worker_geoparser()), tally))
    except DocumentError as exc:
        return PartitionResult(rejected=((part.where, str(exc)),))
    except Exception as exc:  # a bug on one file must not lose the batch: reported as this file's failure
        return PartitionResult(failed=(internal_error(part.where, exc),))
    return PartitionResult(tuple(items), tuple(tally.rejected), tuple(tally.notes))


def reparse_documents(docs: Sequence[Document]) -> ReparseResult:
    """(On a worker) geoparse stored documents again (reindex)."""
    tally = Tally()
    items = tuple(analyse_documents(docs, parse_many_function(worker_geoparser()), tally))
    return ReparseResult(items, tuple(tally.rejected))


def _window(client: Any) -> int:
    return max(8, 4 * sum(client.nthreads().values()))


def run_in_order(client: Any, task: Callable[..., R], inputs: Iterable[T], *args: Any, total: int,
                 desc: str, progress: bool) -> Iterator[tuple[T, R | BaseException]]:
    """Run ``task(input, *args)`` on the cluster for each input; yield ``(input, result)`` in input order.

    A task that could not finish (e.g. its workers kept dying: Dask's ``KilledWorker``) yields its exception.
    Raises ClusterError when the scheduler is lost (what was yielded before stays valid).
    """
    from distributed import wait

    pending: deque[tuple[T, Any]] = deque()
    todo = iter(inputs)
    window = _window(client)
    quiet = True if not progress or total < 2 else None  # None: tqdm shows the bar only on a terminal
    with tqdm(total=total, disable=quiet, unit="part", file=sys.stderr, desc=desc, leave=False) as bar:
        while True:
            while len(pending) < window and (item := next(todo, None)) is not None:
                pending.append((item, client.submit(task, item, *args, pure=False)))
            if not pending:
                return
            item, future = pending.popleft()
            wait([future])
            try:
                result: R | BaseException = future.result()
            except Exception as exc:
                if client.status != "running":
                    raise ClusterError(f"lost the Dask scheduler ({exc}); what was written is kept; fix: run the "
                                       f"same command again (stored documents are skipped)") from None
                result = exc
            future.release()
            bar.update(1)
            yield item, result


def ingest_on_cluster(paths: Iterable[Path | str], store: Store, client: Any, *,
                      max_bytes: int = settings.MAX_DOC_BYTES, chunk_bytes: int = CHUNK_BYTES,
                      progress: bool = False) -> IngestSummary:
    """:func:`threatmap.store.ingest.ingest_paths` with the reading and geoparsing done by the cluster's workers.

    Same summary, same rejections (with file and line), same store: one transaction per file or JSONL chunk.
    """
    tally = Tally()
    paths = list(paths)
    parts = partitions(expand_paths(paths), chunk_bytes)
    tally.rejected.extend(empty_folders(paths))
    first_ids: dict[str, dict[str, str]] = {}  # id -> where, of each chunked file so far: a later line repeating one
    results = run_in_order(client, parse_partition, parts, max_bytes, total=len(parts), desc="ingest",
                           progress=progress)
    with store.bulk_writes():
        for part, result in results:
            if isinstance(result, BaseException):
                tally.failed.append((part.where, f"not geoparsed, the cluster gave up on it: "
                                                 f"{type(result).__name__}: {str(result)[:300]}; fix: see the "
                                                 f"workers' logs"))
                continue
            tally.rejected.extend(result.rejected)
            tally.notes.extend(result.notes)
            tally.failed.extend(result.failed)
            items = list(result.items)
            if part.chunk:
                items = _first_of_file(items, first_ids.setdefault(part.path, {}), tally)
            write_items(items, store, tally)
    return tally.summary()


def _first_of_file(items: list[PreparedItem], seen: dict[str, str], tally: Tally) -> list[PreparedItem]:
    """Drop documents whose id an earlier chunk of the same file had (the first one is kept, as in one file)."""
    kept = []
    for at, doc in items:
        if doc.id in seen:
            tally.rejected.append(repeated_id(at, doc.id, seen[doc.id]))
            continue
        seen[doc.id] = at
        kept.append((at, doc))
    return kept


def reindex_on_cluster(store: Store, client: Any, *, progress: bool = False) -> IngestSummary:
    """:func:`threatmap.store.ingest.reindex` with the geoparsing done by the cluster's workers."""
    tally = Tally()
    docs = store.documents()
    chunks = [tuple(docs[i:i + REINDEX_CHUNK]) for i in range(0, len(docs), REINDEX_CHUNK)]
    done = 0
    for chunk, result in run_in_order(client, reparse_documents, chunks, total=len(chunks), desc="reindex",
                                      progress=progress):
        if isinstance(result, BaseException):
            tally.failed.append((chunk[0].path or chunk[0].id, f"{len(chunk)} documents from {chunk[0].id!r} not "
                                 f"reindexed, the cluster gave up on them: {type(result).__name__}: {result}"))
            continue
        tally.rejected.extend(result.rejected)
        done += write_reindexed(result.items, store, tally)  # one transaction per task
    return tally.summary(reindexed=done)
