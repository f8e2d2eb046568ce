"""Differential check: geoparse every bundled text and dump one JSON line per mention, to compare two trees.

Run it on two checkouts (or before and after a change) and compare the outputs::

    python scripts/diff_geoparse.py --out /tmp/before.jsonl      # on the old tree
    python scripts/diff_geoparse.py --out /tmp/after.jsonl       # on the new tree
    python scripts/diff_geoparse.py --compare /tmp/before.jsonl /tmp/after.jsonl

Texts: every readable ``.md``/``.txt``/``.html``/``.jsonl`` file under ``corpus/`` and ``tests/data/`` and every
``../shared/gold/*.jsonl``. Each document is parsed three ways: as read (declared language, else detected by the
reader), as a plain ``.txt`` of its text (the reader detects the language) and with no language at all (the
geoparser detects it). Each line is ``{"key": …, "lang": …, "mention": Mention.to_dict()}`` or, for a document
without mentions, ``{"key": …, "lang": …, "mention": null}``. ``--batch N`` parses through
``Geoparser.pipe(documents, batch_size=N)``: compare its dump with one by ``parse`` to check that they agree.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from threatmap.models import Document

_SUFFIXES = (".md", ".txt", ".html", ".jsonl")


def _files() -> list[Path]:
    found = [p for top in ("corpus", "tests/data") for p in sorted((ROOT / top).rglob("*"))
             if p.is_file() and p.suffix in _SUFFIXES]
    found += sorted((ROOT.parent / "shared" / "gold").glob("*.jsonl"))
    return found


def _documents() -> Iterator[tuple[str, Document]]:
    from threatmap.errors import DocumentError
    from threatmap.store.documents import read_bytes, read_path
    for path in _files():
        rel = path.relative_to(ROOT.parent) if ROOT.parent in path.parents else path
        try:
            loaded = read_path(path, max_bytes=50_000_000)
        except DocumentError:
            continue
        for doc in loaded.documents:
            key = f"{rel}#{doc.id}"
            yield f"{key}|read", doc
            try:
                plain = read_bytes(f"{doc.id}.txt", doc.text.encode("utf-8"), max_bytes=50_000_000).documents[0]
            except DocumentError:
                plain = None
            if plain is not None:
                yield f"{key}|plain", dataclasses.replace(plain, id=doc.id)
            yield f"{key}|nolang", dataclasses.replace(doc, lang=None)


def dump(out: Path, *, batch: int = 0) -> tuple[int, int]:
    """Write the dump to ``out`` (``batch``: parsed through ``pipe``); return (documents parsed, mentions)."""
    from threatmap import Gazetteer, Geoparser
    geoparser = Geoparser.from_gazetteer(Gazetteer.load(ROOT / "places.yaml", ROOT / "geodata"))
    keyed = list(_documents())
    parsed = (geoparser.pipe([doc for _, doc in keyed], batch_size=batch) if batch
              else (geoparser.parse(doc) for _, doc in keyed))
    docs = mentions = 0
    with out.open("w", encoding="utf-8") as handle:
        for (key, doc), found in zip(keyed, parsed, strict=True):
            docs += 1
            lang = doc.lang
            if not found:
                handle.write(json.dumps({"key": key, "lang": lang, "mention": None}, ensure_ascii=False) + "\n")
            for m in found:
                mentions += 1
                handle.write(json.dumps({"key": key, "lang": lang, "mention": m.to_dict()}, ensure_ascii=False)
                             + "\n")
    return docs, mentions


def _load(path: Path) -> tuple[dict[str, str | None], dict[str, set[str]]]:
    langs: dict[str, str | None] = {}
    mentions: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        langs[record["key"]] = record["lang"]
        found = mentions.setdefault(record["key"], set())
        if record["mention"] is not None:
            found.add(json.dumps(record["mention"], ensure_ascii=False, sort_keys=True))
    return langs, mentions


def compare(before: Path, after: Path) -> int:
    """Print each document whose language or mentions differ, and each differing mention; return the count."""
    lang_a, ment_a = _load(before)
    lang_b, ment_b = _load(after)
    differing = 0
    for key in sorted(set(lang_a) | set(lang_b)):
        if lang_a.get(key) != lang_b.get(key):
            print(f"{key}: language {lang_a.get(key)!r} -> {lang_b.get(key)!r}")
        gone = ment_a.get(key, set()) - ment_b.get(key, set())
        new = ment_b.get(key, set()) - ment_a.get(key, set())
        for sign, lines in (("-", gone), ("+", new)):
            for line in sorted(lines, key=lambda x: json.loads(x)["start"]):
                m = json.loads(line)
                print(f"  {sign} {key} {m['start']}-{m['end']} {m['surface']!r} {m['place_id']} threat={m['threat']} "
                      f"cue={m['cue']!r} qualifier={m['qualifier']!r}")
        differing += len(gone) + len(new)
    total = sum(len(v) for v in ment_a.values())
    print(f"{len(lang_a)} parses before ({total} mentions), {len(lang_b)} after; {differing} mentions differ",
          file=sys.stderr)
    return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the dump here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--batch", type=int, default=0, help="parse through pipe(batch_size=BATCH)")
    args = parser.parse_args(argv)
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if not args.out:
        parser.error("give --out FILE or --compare BEFORE AFTER")
    docs, mentions = dump(args.out, batch=args.batch)
    print(f"{docs} documents parsed, {mentions} mentions -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
