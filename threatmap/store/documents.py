"""Read .md/.txt (YAML front matter), plain .txt, .html and .jsonl files into Document records."""

from __future__ import annotations

import datetime as dt
import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import yaml

from threatmap import settings
from threatmap._yaml import MAX_INT_DIGITS, Limits, SafeLoader, YamlLimitError, check_limits, limit_message
from threatmap.errors import DocumentError
from threatmap.lang.detect import detect_lang
from threatmap.models import LANGS, Document
from threatmap.store.dates import date_of
from threatmap.store.encoding import SURROGATE as _SURROGATE
from threatmap.store.encoding import decode

SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".txt", ".html", ".htm", ".jsonl")
"""File types read by :func:`read_bytes` (case-insensitive)."""

_LANG_ALIASES = {
    "arabic": "ar", "ara": "ar", "english": "en", "eng": "en", "sorani": "ckb", "kurdish": "ckb", "ku": "ckb",
    "kurmanji": "kmr",
}
_FM_OPEN = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
JSONL_FILE_FACTOR = 50
"""A .jsonl file holds many documents: the limit applies to each line, and the file may be this many times larger."""
_FM_KEYS = ("id", "title", "source", "url", "date", "lang", "speakers")
FIELD_MAX_CHARS: dict[str, int] = {"id": 200, "title": 1000, "source": 300, "url": 2048, "date": 100, "lang": 40,
                                   "speakers": 200}
"""Longest accepted value of each known field (for ``speakers``: of each name)."""
MAX_SPEAKERS = 100
FRONT_MATTER_LIMITS = Limits(max_bytes=64 * 1024, max_depth=8, aliases=False)
"""Front matter is a few ``key: value`` lines: bounded in size and depth, no anchors or aliases (alias bombs)."""


class _YamlLoader(SafeLoader):  # type: ignore[misc,valid-type]
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
    wheres: tuple[str, ...] = ()
    """Where each of ``documents`` came from, for messages: the file, or ``file:line`` for a JSONL line."""


def read_path(path: Path | str, *, max_bytes: int = settings.MAX_DOC_BYTES) -> Loaded:
    """Read one file from disk (its absolute path is recorded); see :func:`read_bytes`.

    Raises :class:`DocumentError` for unreadable files.
    """
    path = Path(path)
    shown = printable_path(path)
    limit = _file_limit(path.name, max_bytes)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # /dev/zero, a FIFO, a socket: reading could block or never end
            kind = ("is a directory" if stat.S_ISDIR(info.st_mode)
                    else "is not a regular file (a device, FIFO or socket)")
            raise DocumentError(f"{shown}: {kind}; fix: give a text file (.md, .txt, .html, .jsonl)")
        if info.st_size > limit:
            raise DocumentError(_too_big(shown, info.st_size, limit))
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # the file may grow after stat
    except FileNotFoundError:
        raise DocumentError(f"{shown}: no such file; fix: check the path") from None
    except OSError as exc:
        raise DocumentError(f"{shown}: cannot read the file: {exc.strerror}") from None
    # The absolute path is recorded, so that "corpus/x.md" and "/abs/corpus/x.md" are the same file.
    return read_bytes(printable_path(Path(path.name)), data, max_bytes=max_bytes,
                      path=printable_path(path.resolve()), where=shown)


def printable_path(path: Path | str) -> str:
    """``path`` as text that can be printed and stored: bytes of a file name that are not UTF-8 become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
    text, notes = decode(where, data)
    if not text.strip():
        raise DocumentError(f"{where}: the file is empty; fix: remove it or add the document text")
    stem = PurePath(name).stem
    if suffix == ".jsonl":
        return _read_jsonl(where, doc_path, text, notes, max_bytes, first_line)
    if suffix in (".html", ".htm"):
        return Loaded((_read_html(where, doc_path, stem, text),), (), notes, (where,))
    return Loaded((_read_text(where, doc_path, stem, text),), (), notes, (where,))


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
        check_limits(block, FRONT_MATTER_LIMITS, loader=_YamlLoader)
        meta = yaml.load(block, Loader=_YamlLoader) if block.strip() else {}
    except YamlLimitError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark is not None else 2
        raise DocumentError(f"{where}:{line}: front matter refused: {limit_message(exc)}; fix: write plain "
                            f"'key: value' lines (title, source, url, date, lang, speakers)") from None
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
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or not str(doc_id).strip():
        raise DocumentError(f"{where}: invalid id {_show(doc_id)}: expected a non-empty string; fix: set 'id'")
    doc_id = _field(where, "id", str(doc_id))
    if not text.strip():
        raise DocumentError(f"{where}: the document has no text (only metadata); fix: add the text")
    lang_value = _field(where, "lang", meta.get("lang"))
    lang = check_lang(lang_value, where=where) if lang_value else detect_lang(text)
    date_value = meta.get("date")
    if not isinstance(date_value, dt.date):
        date_value = _field(where, "date", date_value)
    date, origin = date_of(date_value, text, where=date_where or where)
    speakers = meta.get("speakers") or ()
    if isinstance(speakers, str):
        speakers = (speakers,)
    if not isinstance(speakers, list | tuple) or len(speakers) > MAX_SPEAKERS:
        raise DocumentError(f"{where}: 'speakers' must be a list of at most {MAX_SPEAKERS} names, got "
                            f"{_show(speakers)}; fix: write speakers: [Name One, Name Two]")
    names = tuple(_field(where, "speakers", s) for s in speakers)
    return Document(id=doc_id, text=text, lang=lang, source=_field(where, "source", meta.get("source")), date=date,
                    date_origin=origin, url=_field(where, "url", meta.get("url")),
                    title=_field(where, "title", meta.get("title")), speakers=tuple(n for n in names if n), path=path)


def _field(where: str, key: str, value: Any) -> str | None:
    """A known metadata field as stripped text (None when absent or empty); other types and overlong text raise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DocumentError(f"{where}: '{key}' must be text, got {type(value).__name__} {_show(value)}; "
                            f"fix: write {key}: \"…\" (quoted when YAML would read it otherwise)")
    text = str(value).strip()
    if len(text) > FIELD_MAX_CHARS[key]:
        raise DocumentError(f"{where}: '{key}' is {len(text):,} characters long, over the limit of "
                            f"{FIELD_MAX_CHARS[key]:,} ({_show(text)}); fix: shorten it")
    return text or None


def _show(value: Any, width: int = 60) -> str:
    """``repr(value)`` cut to ``width`` characters, for messages about values of any size."""
    shown = repr(value) if not isinstance(value, list | tuple | dict) or len(value) < 1000 else type(value).__name__
    return shown if len(shown) <= width else shown[:width - 1] + "…"


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
    # The page's own metadata is not the user's to fix: overlong values are cut (a URL dropped), not rejected.
    meta = {k: None if not isinstance(v, str) or (k in ("url", "date") and len(v) > FIELD_MAX_CHARS[k])
            else v[:FIELD_MAX_CHARS[k]] for k, v in meta.items()}
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
    wheres: list[str] = []
    problems: list[tuple[str, str]] = []
    unlisted = 0
    line_notes = list(notes)
    # Only "\n" ends a line: U+2028, U+2029 and U+0085 are legal raw inside JSON strings (str.splitlines splits there).
    for number, line in enumerate(text.split("\n"), start=first_line):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        at = f"{where}:{number}"
        try:
            size = len(line.encode("utf-8", "surrogatepass"))
            if size > max_bytes:
                raise DocumentError(_too_big(at, size, max_bytes))
            record = _json_record(at, line)
            if not isinstance(record.get("text"), str):
                raise DocumentError(f"{at}: expected a string 'text', got {_show(record.get('text'))}; "
                                    f"fix: add \"text\": \"…\"")
            record, replaced = _replace_surrogates(record)
            if replaced and len(line_notes) < MAX_LISTED:
                line_notes.append((at, f"{replaced} lone surrogate escape(s) (e.g. \"\\ud800\") replaced by U+FFFD"))
            meta = {k: record.get(k) for k in _FM_KEYS}
            docs.append(_make(at, doc_id=record.get("id"), text=record["text"], meta=meta, path=doc_path))
            wheres.append(at)
        except DocumentError as exc:
            if len(problems) < MAX_LISTED:
                problems.append((at, str(exc)))
            else:
                unlisted += 1
    if unlisted:  # a file of a million bad lines must not become a million messages (the app shows them all)
        problems.append((where, f"{where}: {unlisted:,} more line(s) rejected, not listed (only the first "
                                f"{MAX_LISTED} are); fix: check that the file is JSONL, one object per line"))
    if not docs and not problems:
        raise DocumentError(f"{where}: no documents in the JSONL file")
    return Loaded(tuple(docs), tuple(problems), tuple(line_notes), tuple(wheres))


MAX_LISTED = 100
"""Rejected JSONL lines (and notes) listed one by one per file; the rest are counted in one more problem."""
MAX_JSON_DEPTH = 16
"""Deepest nesting of ``[`` / ``{`` accepted in a JSONL line (a document record needs 2)."""
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _json_record(at: str, line: str) -> dict[str, Any]:
    """One JSONL line as a dict; depth and number length are checked so no line can crash the batch."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub('""', line)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_JSON_DEPTH:
        raise DocumentError(f"{at}: JSON nested {deepest:,} levels deep (at most {MAX_JSON_DEPTH}); "
                            f"fix: one flat object per line, {{\"id\": …, \"text\": …}}")
    try:
        record = json.loads(line, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{at}: invalid JSON ({exc.msg} at column {exc.colno}); fix: one JSON object per line"
                            ) from None
    except (ValueError, RecursionError) as exc:  # _bounded_int, or a nesting the bracket count missed
        raise DocumentError(f"{at}: JSON not accepted: {exc}; fix: one flat object per line") from None
    if not isinstance(record, dict):
        raise DocumentError(f"{at}: expected a JSON object {{\"id\", \"text\", …}}, got {_show(record)}")
    return record


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number with {len(digits.lstrip('-')):,} digits (at most {MAX_INT_DIGITS} are accepted)")
    return int(digits)


def _replace_surrogates(record: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """``record`` with lone surrogates (from ``"\\ud800"`` escapes; no valid text has them) in its strings replaced
    by U+FFFD — one code point each, so offsets are unchanged — and how many there were."""
    count = 0

    def clean(value: Any) -> Any:
        nonlocal count
        if isinstance(value, str):
            found = len(_SURROGATE.findall(value))
            count += found
            return _SURROGATE.sub("\ufffd", value) if found else value
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return {k: clean(v) for k, v in record.items()}, count
