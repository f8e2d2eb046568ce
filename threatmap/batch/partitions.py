"""Partitions of a batch: whole files, newline-aligned byte ranges (chunks) of a large JSONL collection, or the row
groups of a Parquet collection (columns ``id``, ``text`` and optionally ``lang``, ``source``, ``date``, ``url``,
``title``, ``speakers``: the keys of a JSONL line).

The client cuts the work into :class:`Partition` records (paths and offsets, no text); a worker reads its partition
itself (:func:`read_partition`), so the client never ships document texts. Workers therefore need to see the same
files at the same paths as the client (one machine, or a shared file system).
"""

from __future__ import annotations

import json
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from threatmap import settings
from threatmap.errors import DocumentError
from threatmap.store.documents import Loaded, printable_path, read_bytes, read_path

CHUNK_BYTES = 1 << 20
"""A JSONL file larger than this is cut into chunks of about this size (a whole number of lines each)."""

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class Partition:
    """One task's input: a whole file (``end`` is None), the byte range ``[start, end)`` of a JSONL file, or the
    row group number ``start`` of a Parquet file.

    ``first_line`` is the number of the range's first line (Parquet: row) in its file, so that messages say
    ``file:line`` exactly as a single-process ingest of the whole file would.
    """

    path: str
    start: int = 0
    end: int | None = None
    first_line: int = 1

    @property
    def where(self) -> str:
        """The file as messages name it."""
        return printable_path(self.path)

    @property
    def chunk(self) -> bool:
        """True for a part of a JSONL file, False for a whole file."""
        return self.end is not None


def partitions(files: Sequence[Path], chunk_bytes: int = CHUNK_BYTES) -> list[Partition]:
    """The partitions of ``files`` in order: one per file, a JSONL file larger than ``chunk_bytes`` in chunks."""
    out: list[Partition] = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            out.extend(_jsonl_chunks(path, chunk_bytes))
        elif suffix == ".parquet":
            out.extend(_parquet_groups(path))
        else:
            out.append(Partition(str(path)))
    return out


def _parquet_groups(path: Path) -> list[Partition]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError):
        return [Partition(str(path))]  # the worker says why (read_path: not a supported file type)
    parts, row = [], 1
    for group in range(meta.num_row_groups):
        parts.append(Partition(str(path), group, group + 1, row))
        row += meta.row_group(group).num_rows
    return parts


def _jsonl_chunks(path: Path, chunk_bytes: int) -> list[Partition]:
    whole = [Partition(str(path))]
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size <= chunk_bytes:
            return whole  # small, or not a regular file: the worker reads (or rejects) it as a single ingest would
        parts: list[Partition] = []
        with path.open("rb") as fh:
            if fh.read(2) in _UTF16_BOMS:
                return whole  # newline bytes do not align with UTF-16 characters: one partition
            start, line = 0, 1
            while True:
                fh.seek(start)
                block = fh.read(chunk_bytes)
                if not block:
                    break
                block += fh.readline()  # up to the end of the line the block stopped in
                parts.append(Partition(str(path), start, start + len(block), line))
                start += len(block)
                line += block.count(b"\n")
        return parts
    except OSError:
        return whole  # the worker's read_path gives the reason (no such file, permission …)


def read_partition(part: Partition, max_bytes: int = settings.MAX_DOC_BYTES) -> Loaded:
    """Read a partition's documents (on a worker); a whole file exactly as :func:`read_path` reads it.

    Raises :class:`DocumentError` for a file (or chunk) that cannot be read at all.
    """
    if not part.chunk:
        return read_path(part.path, max_bytes=max_bytes)
    path = Path(part.path)
    parquet = path.suffix.lower() == ".parquet"
    data = _parquet_rows(path, part.start) if parquet else _jsonl_bytes(path, part)
    if not data.strip():
        return Loaded()  # blank lines only: nothing to store, nothing wrong
    return read_bytes(printable_path(path.with_suffix(".jsonl").name), data, max_bytes=max_bytes,
                      path=printable_path(path.resolve()), where=part.where, first_line=part.first_line)


_PARQUET_COLUMNS = ("id", "text", "lang", "source", "date", "url", "title", "speakers")


def _parquet_rows(path: Path, group: int) -> bytes:
    """The rows of one row group as JSONL (one line per row, so that a bad row is rejected as ``file:row``)."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        columns = [c for c in _PARQUET_COLUMNS if c in parquet.schema_arrow.names]
        rows = parquet.read_row_group(group, columns=columns).to_pylist()
    except (OSError, ValueError) as exc:
        raise DocumentError(f"{printable_path(path)}: cannot read row group {group} of the Parquet file: {exc}; "
                            f"fix: check the file (pyarrow.parquet.read_table)") from None
    lines = (json.dumps(row, ensure_ascii=False, default=str) for row in rows)
    return "\n".join(lines).encode("utf-8") + b"\n"


def _jsonl_bytes(path: Path, part: Partition) -> bytes:
    try:
        with path.open("rb") as fh:
            fh.seek(part.start)
            return fh.read((part.end or part.start) - part.start)
    except OSError as exc:
        raise DocumentError(f"{part.where}: cannot read the file: {exc.strerror}") from None
