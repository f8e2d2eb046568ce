"""Check a gold JSONL file (seed format) and list unannotated occurrences of annotated surfaces."""

from __future__ import annotations

import argparse
import json
import sys
from itertools import pairwise
from pathlib import Path

DOC_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "lang": (str,),
    "source": (str,),
    "url": (str, type(None)),
    "date": (str, type(None)),
    "file": (str, type(None)),
    "text": (str,),
    "mentions": (list,),
}
MENTION_FIELDS: dict[str, tuple[type, ...]] = {
    "start": (int,),
    "end": (int,),
    "surface": (str,),
    "place": (str,),
    "type": (str,),
    "lat": (int, float),
    "lon": (int, float),
    "threat": (bool,),
}
OPTIONAL_MENTION_FIELDS: dict[str, tuple[type, ...]] = {"qualifier": (str,)}


def front_matter_body(content: str) -> str:
    """Return the body of a front-matter file as the gold ``text`` holds it.

    Parameters
    ----------
    content : str
        Whole file content. With a leading ``---`` line, the body is everything after the first
        ``\\n---\\n`` (the newline after the closing ``---`` is dropped); otherwise the whole content.

    Returns
    -------
    str
        The body text.
    """
    if content.startswith("---\n") and "\n---\n" in content:
        return content.split("\n---\n", 1)[1]
    return content


def _typed(obj: dict, fields: dict[str, tuple[type, ...]], where: str, *, required: bool) -> list[str]:
    problems = []
    for name, types in fields.items():
        if name not in obj:
            if required:
                problems.append(f"{where}: missing field {name!r}")
            continue
        value = obj[name]
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            expected = " or ".join(t.__name__ for t in types)
            problems.append(f"{where}: field {name!r} expected {expected}, got {value!r}")
    return problems


def check_document(doc: dict, where: str, *, corpus: Path | None = None) -> list[str]:
    """Return every structural problem of one gold document (empty when it is clean)."""
    problems = _typed(doc, DOC_FIELDS, where, required=True)
    if problems:
        return problems
    text = doc["text"]
    if corpus is not None and doc["file"] is not None:
        path = corpus / doc["file"]
        if not path.is_file():
            problems.append(f"{where}: source file {str(path)!r} not found")
        elif front_matter_body(path.read_text(encoding="utf-8")) != text:
            problems.append(f"{where}: text differs from the body of {str(path)!r}; fix: re-extract it")
    previous_start, spans = -1, []
    for i, m in enumerate(doc["mentions"]):
        at = f"{where} mention {i}"
        bad = _typed(m, MENTION_FIELDS, at, required=True)
        bad += _typed(m, OPTIONAL_MENTION_FIELDS, at, required=False)
        extra = set(m) - set(MENTION_FIELDS) - set(OPTIONAL_MENTION_FIELDS)
        if extra:
            bad.append(f"{at}: unexpected fields {sorted(extra)!r}")
        if bad:
            problems += bad
            continue
        start, end, surface = m["start"], m["end"], m["surface"]
        if not 0 <= start < end <= len(text):
            problems.append(f"{at}: span {start}-{end} outside text of length {len(text)}")
        elif text[start:end] != surface:
            problems.append(f"{at}: text[{start}:{end}] is {text[start:end]!r}, expected {surface!r}")
        if surface != surface.strip():
            problems.append(f"{at}: surface {surface!r} has surrounding whitespace")
        if start < previous_start:
            problems.append(f"{at}: mentions not sorted by start ({start} after {previous_start})")
        previous_start = start
        spans.append((start, end, i))
        if not -90 <= m["lat"] <= 90:
            problems.append(f"{at}: lat expected -90..90, got {m['lat']!r}")
        if not -180 <= m["lon"] <= 180:
            problems.append(f"{at}: lon expected -180..180, got {m['lon']!r}")
        if "qualifier" in m and not m["qualifier"].strip():
            problems.append(f"{at}: empty qualifier; fix: drop the key")
    spans.sort()
    for (s1, e1, i1), (s2, e2, i2) in pairwise(spans):
        if s2 < e1:
            problems.append(f"{where}: mention {i2} span {s2}-{e2} overlaps mention {i1} span {s1}-{e1}")
    return problems


def unannotated(doc: dict) -> list[str]:
    """List every occurrence of an annotated surface that no annotated span covers."""
    text, spans = doc["text"], [(m["start"], m["end"]) for m in doc["mentions"]]
    lines = []
    for surface in sorted({m["surface"] for m in doc["mentions"]}):
        at = text.find(surface)
        while at >= 0:
            end = at + len(surface)
            if not any(s < end and at < e for s, e in spans):
                before = text[at - 1] if at else " "
                after = text[end] if end < len(text) else " "
                inside = " (inside a word)" if before.isalnum() or after.isalnum() else ""
                context = text[max(0, at - 30) : at] + "[" + surface + "]" + text[end : end + 30]
                lines.append(f"{doc['id']} @{at}{inside}: " + context.replace("\n", " "))
            at = text.find(surface, at + 1)
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the checks; exit status 1 when a structural problem is found (unannotated hits only inform)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gold", type=Path, help="gold JSONL file")
    parser.add_argument("--corpus", type=Path, help="directory of the source files: compare each text to its body")
    args = parser.parse_args(argv)
    problems, misses, ids, n_mentions = [], [], set(), 0
    for lineno, line in enumerate(args.gold.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{args.gold.name}:{lineno}"
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc})")
            continue
        if not isinstance(doc, dict):
            problems.append(f"{where}: expected a JSON object, got {type(doc).__name__}")
            continue
        where += f" ({doc.get('id')!r})"
        if doc.get("id") in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(doc.get("id"))
        doc_problems = check_document(doc, where, corpus=args.corpus)
        problems += doc_problems
        if not doc_problems:
            n_mentions += len(doc["mentions"])
            misses += unannotated(doc)
    print(f"{len(ids)} document ids, {n_mentions} mentions, {len(problems)} problems")
    for problem in problems:
        print(problem)
    if misses:
        print(f"{len(misses)} unannotated occurrences of annotated surfaces (check each is intended):")
        print(*misses, sep="\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
