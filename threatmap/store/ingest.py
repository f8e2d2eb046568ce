"""Ingest files and folders into the store: read, geoparse, find candidates, write one transaction per file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

from tqdm import tqdm

from threatmap import settings
from threatmap.errors import DocumentError, StoreError
from threatmap.geoparse.parser import Geoparser
from threatmap.geoparse.pipe import Outcome, batches, pipe_isolated
from threatmap.geoparse.unknown import find_candidates
from threatmap.models import Candidate, Document, Mention
from threatmap.protocols import ParseFn, Parser
from threatmap.store.backend import Store
from threatmap.store.documents import SUFFIXES, Loaded, printable_path, read_bytes, read_path
from threatmap.store.prepared import PreparedDocument, prepare

"""A geoparser: a callable ``document -> mentions``, or any object with such a ``.parse`` method."""

SKIPPED_NAMES = frozenset({"readme", "index", "license", "licence", "changelog"})
"""File stems skipped when walking a folder (documentation next to the documents, e.g. ``corpus/README.md``)."""

PIPE_BATCH = 64
"""Documents of one file geoparsed together by a :class:`Geoparser` (its threat model judges them in one go)."""

REINDEX_BATCH = 100
"""Reindexed documents whose new mentions are written in one transaction."""

ParseMany = Callable[[Iterable[Document]], Iterator[tuple[Document, Outcome]]]
"""Documents in, each with its mentions or the exception its parse raised, in order (:func:`parse_many_function`)."""


@dataclass(frozen=True)
class IngestSummary:
    """What an ingest (or reindex) did.

    Attributes
    ----------
    added
        Documents stored for the first time (or replaced: the same file, edited — also counted in ``updated``).
    unchanged
        Documents whose exact content was already stored (nothing written).
    rejected
        ``(path, reason)`` of each file or JSONL line that was not stored, with a specific reason and fix.
    mentions, threat_mentions
        Place mentions (and those judged a present threat) in the documents written by this run.
    unresolved
        Candidate place names (not in the gazetteer) found in the documents written by this run.
    updated
        Of ``added``, documents that replaced a stored version (same id and path, new content).
    reindexed
        Documents re-geoparsed by :func:`reindex`.
    notes
        ``(path, note)`` that are not errors, e.g. a file decoded from cp1256.
    failed
        ``(path, error)`` of each file that hit an unexpected error (a bug in threatmap, or the machine ran out of
        memory): the file is not stored, the batch goes on, and the CLI exits with 3.
    """

    added: int = 0
    unchanged: int = 0
    rejected: tuple[tuple[str, str], ...] = ()
    mentions: int = 0
    threat_mentions: int = 0
    unresolved: int = 0
    updated: int = 0
    reindexed: int = 0
    notes: tuple[tuple[str, str], ...] = ()
    failed: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        lines = []
        if self.reindexed:
            lines.append(f"documents reindexed: {self.reindexed}")
        else:
            extra = f" ({self.updated} updated)" if self.updated else ""
            lines.append(f"documents added: {self.added}{extra}, unchanged: {self.unchanged}, "
                         f"rejected: {len(self.rejected)}")
        lines.append(f"mentions: {self.mentions} (threat: {self.threat_mentions}), "
                     f"unresolved candidates: {self.unresolved}")
        lines += [f"  note: {where}: {note}" for where, note in self.notes]
        lines += [f"  rejected: {reason}" if reason.startswith(where) else f"  rejected: {where}: {reason}"
                  for where, reason in self.rejected]
        lines += [f"  internal error: {where}: {error}" for where, error in self.failed]
        return "\n".join(lines)

    @property
    def exit_code(self) -> int:
        """0 every file stored (or unchanged), 1 some file or line rejected, 3 an internal error on some file."""
        return 3 if self.failed else 1 if self.rejected else 0


class Tally:
    """What an ingest run has done so far (mutable, local to one run); :meth:`summary` freezes it."""

    def __init__(self) -> None:
        self.counts = {"added": 0, "unchanged": 0, "updated": 0, "mentions": 0, "threat": 0, "unresolved": 0}
        self.rejected: list[tuple[str, str]] = []
        self.notes: list[tuple[str, str]] = []
        self.failed: list[tuple[str, str]] = []

    def summary(self, *, reindexed: int = 0) -> IngestSummary:
        c = self.counts
        return IngestSummary(added=c["added"] + c["updated"], unchanged=c["unchanged"], rejected=tuple(self.rejected),
                             mentions=c["mentions"], threat_mentions=c["threat"], unresolved=c["unresolved"],
                             updated=c["updated"], reindexed=reindexed, notes=tuple(self.notes),
                             failed=tuple(self.failed))


def parse_function(parser: Parser | ParseFn) -> ParseFn:
    """The parse callable of ``parser`` (an object with ``.parse`` or a callable); TypeError otherwise."""
    fn = getattr(parser, "parse", parser)
    if not callable(fn):
        raise TypeError(f"expected a geoparser (an object with .parse(document) or a callable), got {parser!r}")
    return cast("ParseFn", fn)


def parse_many_function(parser: Parser | ParseFn) -> ParseMany:
    """How ingest geoparses a file's documents: a :class:`Geoparser` through :func:`pipe_isolated` (in batches of
    :data:`PIPE_BATCH`, the same mentions as ``parse``), anything else one document at a time; TypeError when
    ``parser`` is not a geoparser."""
    if isinstance(parser, Geoparser):
        return partial(pipe_isolated, parser, batch_size=PIPE_BATCH)
    return partial(_parse_each, parse_function(parser))


def _parse_each(parse: ParseFn, documents: Iterable[Document]) -> Iterator[tuple[Document, Outcome]]:
    for doc in documents:
        try:
            outcome: Outcome = tuple(parse(doc))
        except Exception as exc:  # reported with its document by the caller (parse_failure)
            outcome = exc
        yield doc, outcome


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files given as they are, folders walked recursively (sorted) for files of :data:`SUFFIXES`.

    Hidden files and folders, and documentation files (:data:`SKIPPED_NAMES`), are skipped inside folders.
    A path that does not exist is kept, so that it is rejected with a clear reason.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            files.append(path)
            continue
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path).parts
            if (child.is_file() and child.suffix.lower() in SUFFIXES and not any(p.startswith(".") for p in rel)
                    and child.stem.lower() not in SKIPPED_NAMES):
                files.append(child)
    return files


def empty_folders(paths: Iterable[Path | str]) -> list[tuple[str, str]]:
    """``(folder, reason)`` of each given folder that holds no document file."""
    return [(printable_path(p), f"{printable_path(p)}: no {', '.join(SUFFIXES)} file in this folder")
            for p in map(Path, paths) if p.is_dir() and not expand_paths([p])]


def ingest_paths(paths: Iterable[Path | str], store: Store, parser: Parser | ParseFn, *,
                 max_bytes: int = settings.MAX_DOC_BYTES, progress: bool = False) -> IngestSummary:
    """Ingest files and folders (recursively); each file is one transaction.

    A bad file is rejected with a specific reason and the batch goes on; nothing already stored is lost.
    Re-running on the same files changes nothing (documents are keyed by a content hash).

    Parameters
    ----------
    paths
        Files (.md, .markdown, .txt, .html, .htm, .jsonl) and folders.
    store
        The open store.
    parser
        The geoparser: ``Geoparser.from_gazetteer(gaz)`` or any callable ``document -> mentions``.
    max_bytes
        Size limit per file.
    progress
        Show a tqdm progress bar on stderr (only on a terminal, and when there is more than one file).
    """
    parse = parse_many_function(parser)
    tally = Tally()
    paths = list(paths)
    files = expand_paths(paths)
    tally.rejected.extend(empty_folders(paths))
    quiet = True if not progress or len(files) < 2 else None  # None: tqdm shows the bar only on a terminal
    with store.bulk_writes():
        for path in tqdm(files, disable=quiet, unit="file", file=sys.stderr, desc="ingest", leave=False):
            _ingest_one(printable_path(path), partial(read_path, path, max_bytes=max_bytes), store, parse, tally)
    return tally.summary()


def _ingest_one(where: str, read: Callable[[], Loaded], store: Store, parse: ParseMany, tally: Tally) -> None:
    """Read and store one file; its failure, expected or not, is recorded and never stops the batch."""
    try:
        loaded = read()
    except DocumentError as exc:
        tally.rejected.append((where, str(exc)))
        return
    except Exception as exc:  # a bug or MemoryError on one file must not lose the rest of the batch
        tally.failed.append(internal_error(where, exc))
        return
    try:
        _store_loaded(loaded, store, parse, tally)
    except StoreError:
        raise  # the store itself is broken: no later file can be stored either
    except Exception as exc:
        tally.failed.append(internal_error(where, exc))


def internal_error(where: str, exc: BaseException) -> tuple[str, str]:
    """The ``failed`` entry of a file that hit an unexpected error (a bug, out of memory)."""
    return where, f"{type(exc).__name__}: {str(exc)[:300]}; fix: report it with this file"


ingest = ingest_paths
"""The name used in docs/DESIGN.md."""


def ingest_upload(name: str, data: bytes, store: Store, parser: Parser | ParseFn, *,
                  max_bytes: int = settings.MAX_DOC_BYTES) -> IngestSummary:
    """Ingest one uploaded file (the app's file uploader): ``name`` picks the reader and gives the default id."""
    parse = parse_many_function(parser)
    tally = Tally()
    base = Path(name).name
    _ingest_one(name, lambda: read_bytes(base, data, max_bytes=max_bytes, path=f"upload:{base}", where=base),
                store, parse, tally)
    return tally.summary()


def ensure_demo_corpus(store: Store, parser: Parser | ParseFn, corpus_dir: Path | str = settings.CORPUS_DIR
                       ) -> IngestSummary | None:
    """Ingest the bundled demo corpus when the store is empty (the app's first start); None when not empty."""
    if not store.is_empty():
        return None
    return ingest_paths([corpus_dir], store, parser)


def reindex(store: Store, parser: Parser | ParseFn) -> IngestSummary:
    """Re-geoparse every stored document (after ``places.yaml`` changed), without the source files.

    The mentions and candidates of each :data:`REINDEX_BATCH` documents are replaced in one transaction.
    """
    tally = Tally()
    analysed = analyse_documents(store.documents(), parse_many_function(parser), tally)
    done = 0
    for batch in batches(analysed, REINDEX_BATCH):
        done += write_reindexed(batch, store, tally)
    return tally.summary(reindexed=done)


Reparsed = tuple[str, tuple[Mention, ...], tuple[Candidate, ...]]
"""A stored document geoparsed again: its id, mentions and candidate names."""


def analyse_documents(documents: Iterable[Document], parse: ParseMany, tally: Tally) -> Iterator[Reparsed]:
    """Geoparse stored documents again (reindex); a geoparser failure is rejected in ``tally``."""
    for doc, outcome in parse(documents):
        if isinstance(outcome, Exception):
            tally.rejected.append((doc.path or doc.id, str(parse_failure(doc, outcome))))
        else:
            yield doc.id, outcome, tuple(find_candidates(doc, outcome))


def write_reindexed(items: Sequence[Reparsed], store: Store, tally: Tally) -> int:
    """Replace the mentions and candidates of reindexed documents in one transaction; returns how many."""
    store.replace_many(items)
    for _, mentions, candidates in items:
        count(tally, len(mentions), sum(1 for m in mentions if m.threat), len(candidates))
    return len(items)


def parse_failure(doc: Document, exc: Exception) -> DocumentError:
    """The rejection of a document whose parse raised ``exc`` (a geoparser bug: reported with its type)."""
    return DocumentError(f"{doc.path or doc.id}: the geoparser failed on document {doc.id!r}: "
                         f"{type(exc).__name__}: {exc}; fix: report it with this file")


def count(tally: Tally, mentions: int, threats: int, candidates: int) -> None:
    """Add one stored document's numbers of mentions, threat mentions and candidates to ``tally``."""
    tally.counts["mentions"] += mentions
    tally.counts["threat"] += threats
    tally.counts["unresolved"] += candidates


Item = tuple[str, Document, tuple[Mention, ...], list[Candidate]]
"""A geoparsed document: where it came from (``file`` or ``file:line``), the document, its mentions and its
candidate names."""
PreparedItem = tuple[str, PreparedDocument]
"""A geoparsed document ready to store: where it came from, and the rows it writes."""


def _store_loaded(loaded: Loaded, store: Store, parse: ParseMany, tally: Tally) -> None:
    write_items(prepare_items(analyse_loaded(loaded, parse, tally, is_stored=store.contains)), store, tally)


def prepare_items(items: Iterable[Item]) -> list[PreparedItem]:
    """Each geoparsed document as the rows it writes (on a Dask worker: the client then only inserts them)."""
    return [(at, prepare(doc, mentions, candidates)) for at, doc, mentions, candidates in items]


def analyse_loaded(loaded: Loaded, parse: ParseMany, tally: Tally,
                   is_stored: Callable[[Document], bool] | None = None) -> list[Item]:
    """Geoparse the documents of one file (no store needed: a Dask worker runs this, see threatmap.batch).

    Problems and notes of the file, duplicate ids and geoparser failures go to ``tally`` (in the order of the
    file); documents for which ``is_stored`` is true are counted unchanged and not geoparsed. The others are
    geoparsed by one call of ``parse`` (:func:`parse_many_function`: a Geoparser judges them in batches).
    """
    tally.rejected.extend(loaded.problems)
    tally.notes.extend(loaded.notes)
    plan: list[tuple[str, Document] | tuple[str, str]] = []  # where, and the document to geoparse or a rejection
    first: dict[str, str] = {}
    for number, doc in enumerate(loaded.documents):
        at = loaded.wheres[number] if number < len(loaded.wheres) else doc.path or doc.id
        if doc.id in first:
            plan.append(repeated_id(at, doc.id, first[doc.id]))
            continue
        first[doc.id] = at
        if is_stored is not None and is_stored(doc):  # unchanged: no need to geoparse it again
            tally.counts["unchanged"] += 1
            continue
        plan.append((at, doc))
    outcomes = parse(todo for _, todo in plan if isinstance(todo, Document))
    items: list[Item] = []
    for at, todo in plan:
        if not isinstance(todo, Document):
            tally.rejected.append((at, todo))
            continue
        doc, outcome = next(outcomes)
        if isinstance(outcome, Exception):
            tally.rejected.append((at, str(parse_failure(doc, outcome))))
        else:
            items.append((at, doc, outcome, find_candidates(doc, outcome)))
    return items


def repeated_id(at: str, doc_id: str, first_at: str) -> tuple[str, str]:
    """The rejection of the document at ``at`` whose id the document at ``first_at`` (same file) already has."""
    return (at, f"{at}: document id {doc_id!r} appears twice in this file (first at {first_at}); the first one is "
                f"kept; fix: give each line a distinct \"id\"")


def write_items(items: Sequence[PreparedItem], store: Store, tally: Tally) -> None:
    """Store the geoparsed documents of one file (or chunk) in one transaction and count what happened."""
    if not items:
        return
    try:
        statuses = store.add_prepared([item for _, item in items])
    except StoreError as exc:  # the file's transaction was rolled back: reject it, keep going with the next
        first = items[0][1]
        tally.rejected.append((first.path or first.id, f"{first.path}: not stored: {exc}"))
        return
    for (at, item), status in zip(items, statuses, strict=True):
        if isinstance(status, DocumentError):  # named with its file (and JSONL line)
            tally.rejected.append((at, str(status)))
            continue
        tally.counts[status] += 1
        if status != "unchanged":
            count(tally, len(item.mentions), item.threats, len(item.candidates))
