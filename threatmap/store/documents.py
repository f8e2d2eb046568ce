"""Read .md/.txt (YAML front matter), plain .txt, .html and .jsonl files into Document records."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import frontmatter
import yaml

from threatmap import settings
from threatmap.errors import DocumentError
from threatmap.lang.detect import detect_lang
from threatmap.models import LANGS, Document
from threatmap.store.dates import date_of

SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".txt", ".html", ".htm", ".jsonl")
"""File types read by :func:`read_bytes` (case-insensitive)."""

_LANG_ALIASES = {
    "arabic": "ar", "ara": "ar", "english": "en", "eng": "en", "sorani": "ckb", "kurdish": "ckb", "ku": "ckb",
    "kurmanji": "kmr",
}
_MAGIC = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP/DOCX/XLSX archive", b"\xd0\xcf\x11\xe0": "an old MS Office file",
          b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"\x1f\x8b": "a gzip archive", b"SQLite format 3": "an SQLite database"}
_FM_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
JSONL_FILE_FACTOR = 50
"""A .jsonl file holds many documents: the limit applies to each line, and the file may be this many times larger."""
_FM_KEYS = ("id", "title", "source", "url", "date", "lang", "speakers")


class _YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when present
    """SafeLoader that keeps timestamps as strings, so a bad date gets our message, not a YAML ValueError."""


_YamlLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class Loaded:
    """What one file gave: its documents, the problems of parts of it (JSONL lines) and notes."""

    documents: tuple[Document, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()
    """``(where, reason)`` of each JSONL line that could not be read; the other lines are kept."""
    notes: tuple[tuple[str, str], ...] = ()
    """``(where, note)``, e.g. a file decoded from cp1256 rather than UTF-8."""


def read_path(path: Path | str, *, max_bytes: int = settings.MAX_DOC_BYTES) -> Loaded:
    """Read one file from disk (its absolute path is recorded); see :func:`read_bytes`.

    Raises :class:`DocumentError` for unreadable files.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > _file_limit(path.name, max_bytes):
            raise DocumentError(_too_big(str(path), size, _file_limit(path.name, max_bytes)))
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file; fix: check the path") from None
    except IsADirectoryError:
        raise DocumentError(f"{path}: is a directory") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read the file: {exc.strerror}") from None
    # The absolute path is recorded, so that "corpus/x.md" and "/abs/corpus/x.md" are the same file.
    return read_bytes(path.name, data, max_bytes=max_bytes, path=str(path.resolve()), where=str(path))


def read_bytes(name: str, data: bytes, *, max_bytes: int = settings.MAX_DOC_BYTES, path: str | None = None,
               where: str | None = None, first_line: int = 1) -> Loaded:
    """Turn the bytes of a file called ``name`` into documents.

    Parameters
    ----------
    name
        File name; its suffix picks the reader (``.md``/``.markdown``/``.txt`` with optional YAML front matter,
        ``.html``/``.htm`` through trafilatura, ``.jsonl`` one document per line) and its stem is the document id
        when the front matter gives none.
    data
        The raw bytes: UTF-8 (BOM allowed), else Arabic Windows cp1256 (with a note), else an error.
    max_bytes
        Size limit of a document; larger files are rejected. For ``.jsonl`` it applies to each line, and the
        file may be :data:`JSONL_FILE_FACTOR` times larger.
    path
        Path recorded on the documents (defaults to ``name``).
    where
        How messages name the file (defaults to ``path``, else ``name``), e.g. the path as the user typed it.
    first_line
        Number of the first line of ``data`` in its file, for ``file:line`` messages of a ``.jsonl`` chunk
        (a part of a larger JSONL collection, see :mod:`threatmap.batch`).

    Raises
    ------
    DocumentError
        For a file that cannot be read at all: type, size, empty, binary, encoding, front matter, date, language.
    """
    where = where or path or name
    doc_path = path or name
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"{where}: unsupported file type {suffix or '(none)'!r}: expected one of "
                            f"{', '.join(SUFFIXES)}; fix: convert it to .txt, .md, .html or .jsonl")
    if len(data) > _file_limit(name, max_bytes):
        raise DocumentError(_too_big(where, len(data), _file_limit(name, max_bytes)))
    text, notes = _decode(where, data)
    if not text.strip():
        raise DocumentError(f"{where}: the file is empty; fix: remove it or add the document text")
    stem = PurePath(name).stem
    if suffix == ".jsonl":
        return _read_jsonl(where, doc_path, text, notes, max_bytes, first_line)
    if suffix in (".html", ".htm"):
        return Loaded((_read_html(where, doc_path, stem, text),), (), notes)
    return Loaded((_read_text(where, doc_path, stem, text),), (), notes)


def check_lang(value: Any, *, where: str) -> str:
    """A declared language as one of :data:`threatmap.models.LANGS`; unknown values raise DocumentError."""
    key = str(value).strip().lower().replace("_", "-")
    key = _LANG_ALIASES.get(key, key)
    base = _LANG_ALIASES.get(key.split("-")[0], key.split("-")[0])
    if base in LANGS:
        return base
    raise DocumentError(f"{where}: unknown language {value!r}: expected one of {', '.join(LANGS)}; "
                        f"fix: set lang to one of them, or remove it to detect the language from the script")


def _file_limit(name: str, max_bytes: int) -> int:
    return max_bytes * JSONL_FILE_FACTOR if name.lower().endswith(".jsonl") else max_bytes


def _too_big(where: str, size: int, limit: int) -> str:
    return (f"{where}: {size:,} bytes is over the size limit of {limit:,} bytes; fix: split the file, or raise "
            f"the limit with --max-bytes or THREATMAP_MAX_DOC_BYTES")


def _decode(where: str, data: bytes) -> tuple[str, tuple[tuple[str, str], ...]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte order mark (Windows "Unicode")
        try:
            return data.decode("utf-16"), ((where, "UTF-16 text decoded; UTF-8 is preferred"),)
        except UnicodeDecodeError:
            raise DocumentError(f"{where}: starts like UTF-16 but is not valid UTF-16; "
                                f"fix: save the file as UTF-8") from None
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(f"{where}: this is {kind}, not text; fix: export its text to .txt or .md first")
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{where}: binary content (NUL bytes); expected text (UTF-8); "
                            f"fix: export the text to .txt, or save UTF-16 files as UTF-8")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in letters)
    if letters and arabic >= 0.3 * len(letters):
        return text, ((where, "not UTF-8; decoded as Arabic Windows (cp1256)"),)
    bad = data[utf8_error.start:utf8_error.start + 1]
    raise DocumentError(f"{where}: not UTF-8 (byte {bad!r} at offset {utf8_error.start}) and not Arabic "
                        f"Windows cp1256 text either; fix: save the file as UTF-8")


def _split_front_matter(where: str, text: str) -> tuple[dict[str, Any], str]:
    """``(metadata, body)``; the body is kept verbatim (offsets index it)."""
    opening = _FM_OPEN.match(text)
    if not opening:
        return {}, text
    closing = _FM_CLOSE.search(text, opening.end())
    if not closing:
        raise DocumentError(f"{where}:1: front matter opened with '---' is never closed; "
                            f"fix: end it with a line '---' before the text")
    block = text[opening.end():closing.start()]
    try:
        meta = frontmatter.YAMLHandler().load(block, Loader=_YamlLoader) if block.strip() else {}
    except yaml.YAMLError as exc:
        # The start of the faulty construct (an unclosed quote …) when YAML gives it, else where it noticed.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for the '---' line, +1 as lines count from 1
        problem = " ".join(p for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p)
        problem = problem or str(exc).splitlines()[0]
        raise DocumentError(f"{where}:{line}: broken front matter (YAML): {problem}; "
                            f"fix: quote values that contain ':' or '#', check the indentation") from None
    if not isinstance(meta, dict):
        raise DocumentError(f"{where}:2: front matter must be 'key: value' lines, got {type(meta).__name__} "
                            f"{meta!r}; fix: write e.g. 'title: ...' and 'date: 2020-03-04'")
    return meta, text[closing.end():]


def _make(where: str, *, doc_id: Any, text: str, meta: dict[str, Any], path: str, date_where: str | None = None
          ) -> Document:
    if not isinstance(doc_id, str | int) or not str(doc_id).strip():
        raise DocumentError(f"{where}: invalid id {doc_id!r}: expected a non-empty string; fix: set 'id'")
    if not text.strip():
        raise DocumentError(f"{where}: the document has no text (only metadata); fix: add the text")
    lang = check_lang(meta["lang"], where=where) if meta.get("lang") else detect_lang(text)
    date, origin = date_of(meta.get("date"), text, where=date_where or where)
    speakers = meta.get("speakers") or ()
    if isinstance(speakers, str):
        speakers = (speakers,)
    if not isinstance(speakers, list | tuple):
        raise DocumentError(f"{where}: 'speakers' must be a list of names, got {speakers!r}; "
                            f"fix: write speakers: [Name One, Name Two]")

    def _opt(key: str) -> str | None:
        value = meta.get(key)
        return str(value).strip() or None if value is not None else None

    return Document(id=str(doc_id).strip(), text=text, lang=lang, source=_opt("source"), date=date,
                    date_origin=origin, url=_opt("url"), title=_opt("title"),
                    speakers=tuple(str(s) for s in speakers), path=path)


def _read_text(where: str, doc_path: str, stem: str, text: str) -> Document:
    meta, body = _split_front_matter(where, text)
    date_line = re.search(r"^date[ \t]*:", text[:len(text) - len(body)], re.MULTILINE)
    date_where = f"{where}:{text.count(chr(10), 0, date_line.start()) + 1}" if date_line else where
    return _make(where, doc_id=meta.get("id", stem), text=body, meta=meta, path=doc_path, date_where=date_where)


def _read_html(where: str, doc_path: str, stem: str, html: str) -> Document:
    import trafilatura  # slow import (lxml, justext): only when an HTML file comes

    result = trafilatura.bare_extraction(  # dates from the page metadata only; the text is our job (dates.py)
        html, with_metadata=True, include_comments=False, favor_recall=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    extracted = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    body = extracted.get("text") or ""
    if not body.strip():
        raise DocumentError(f"{where}: no main text found in the HTML; fix: save the article as .txt or .md")
    meta = {"title": extracted.get("title"), "source": extracted.get("sitename") or extracted.get("hostname"),
            "url": extracted.get("url"), "date": extracted.get("date"), "lang": None}
    declared = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z_-]+)", html[:4096], re.IGNORECASE)
    if declared:
        try:
            meta["lang"] = check_lang(declared.group(1), where=where)
        except DocumentError:
            meta["lang"] = None  # a page in another language: detect from the script of the text
    return _make(where, doc_id=stem, text=body, meta=meta, path=doc_path)


def _read_jsonl(where: str, doc_path: str, text: str, notes: tuple[tuple[str, str], ...], max_bytes: int,
                first_line: int = 1) -> Loaded:
    docs: list[Document] = []
    problems: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=first_line):
        if not line.strip():
            continue
        at = f"{where}:{number}"
        size = len(line.encode("utf-8"))
        if size > max_bytes:
            problems.append((at, _too_big(at, size, max_bytes)))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append((at, f"{at}: invalid JSON ({exc.msg} at column {exc.colno}); fix: one JSON object "
                                 f"per line"))
            continue
        try:
            if not isinstance(record, dict):
                raise DocumentError(f"{at}: expected a JSON object {{\"id\", \"text\", …}}, got {record!r:.60}")
            if not isinstance(record.get("text"), str):
                raise DocumentError(f"{at}: expected a string 'text', got {record.get('text')!r:.60}; "
                                    f"fix: add \"text\": \"…\"")
            meta = {k: record.get(k) for k in _FM_KEYS}
            docs.append(_make(at, doc_id=record.get("id"), text=record["text"], meta=meta, path=doc_path))
        except DocumentError as exc:
            problems.append((at, str(exc)))
    if not docs and not problems:
        raise DocumentError(f"{where}: no documents in the JSONL file")
    return Loaded(tuple(docs), tuple(problems), notes)
