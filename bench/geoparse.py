"""Benchmark: geoparser throughput (MB/s) on mixed Arabic/English text vs flashtext and a bare automaton.

Run: ``python bench/geoparse.py [--mb 4] [--places places.yaml] [--geodata geodata]``. The text is the seed
document and the corpus bodies (``../shared``, else ``corpus/``), repeated up to ``--mb`` MB of UTF-8, in two
shapes: the documents as they are (1-11 KB each) and "articles" of all of them joined (about 37 KB each).
Everything runs on one core in this process. Printed: the matcher alone (normalisation, automaton, clitic,
boundary and suffix rules, blocklist, longest match, spelling variants), the full ``Geoparser.parse``
(plus resolution, qualifiers, passages, threat), and flashtext's ``KeywordProcessor.extract_keywords``
(span_info=True, case-insensitive like ours) with every name and alias of the gazetteer, as the baseline,
and a bare pyahocorasick pass (``iter`` over the lower-cased text, the same aliases) as the floor.
The full parse runs twice: threat by the trained model (the default) and by the rules alone. Once everything is
loaded, the process freezes it out of the full GC passes as ``python -m threatmap`` does (``--no-freeze``: not).
Fairness: the same documents for all, each warmed up first, the runs interleaved round by round (so a swing
of the machine's load hits all alike), the best round of each kept; ratios are of figures from one run. Every
document of every round is a NEW string object (copied before the clock starts): nothing computed for an
earlier document can be served again by the identity of its text (the old threat stage cached per text
object, which inflated the "joined" figure, where one text repeats).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ahocorasick  # noqa: E402
from flashtext import KeywordProcessor  # noqa: E402

from threatmap import Document, Gazetteer, Geoparser  # noqa: E402
from threatmap.longlived import freeze_loaded  # noqa: E402

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def sample_texts() -> list[str]:
    """The seed and corpus bodies (front matter stripped)."""
    shared = ROOT.parent / "shared"
    files = sorted((shared / "seed").glob("*.txt")) + sorted((shared / "corpus").glob("*.md"))
    if not files:
        files = sorted((ROOT / "corpus").glob("*.md"))
    texts = [_FRONT_MATTER.sub("", f.read_text(encoding="utf-8")) for f in files if f.name != "INDEX.md"]
    if not texts:
        raise SystemExit("no sample texts found (../shared/seed, ../shared/corpus or corpus/)")
    return texts


def documents(mb: float, *, joined: bool = False) -> tuple[list[Document], float]:
    """Documents repeating the sample texts up to ``mb`` MB (joined into one per round when ``joined``)."""
    texts = sample_texts()
    if joined:
        texts = ["\n\n".join(texts)]
    docs: list[Document] = []
    size = 0
    while size < mb * 1e6:
        for text in texts:
            docs.append(Document(id=f"d{len(docs)}", text=text))
            size += len(text.encode("utf-8"))
    return docs, size / 1e6


def fresh_copy(doc: Document) -> Document:
    """``doc`` with an equal text that is a new string object (``str`` slicing of the whole text returns itself)."""
    text = ("." + doc.text)[1:]
    assert text == doc.text and text is not doc.text
    return Document(id=doc.id, text=text, lang=doc.lang)


def measure(funcs: dict[str, Callable[[Document], int]], docs: list[Document], megabytes: float, *,
            repeat: int = 3) -> dict[str, float]:
    """Run every function over every document, interleaved round by round (``repeat`` rounds), so that a
    swing of the machine's load hits all of them alike; print and return the best MB/s of each.

    The rate is of this process's CPU time (``time.process_time``: other jobs on a shared machine do not
    count); the best wall-clock rate is printed beside it.
    """
    best = dict.fromkeys(funcs, float("inf"))
    best_wall = dict.fromkeys(funcs, float("inf"))
    found = dict.fromkeys(funcs, 0)
    for _ in range(repeat):
        for label, func in funcs.items():
            fresh = [fresh_copy(doc) for doc in docs]  # new text objects each round, copied before the clock
            start, cpu = time.perf_counter(), time.process_time()
            n = 0
            for doc in fresh:
                n += func(doc)
            best[label] = min(best[label], time.process_time() - cpu)
            best_wall[label] = min(best_wall[label], time.perf_counter() - start)
            found[label] = n
    rates = {}
    for label, seconds in best.items():
        rates[label] = megabytes / seconds
        print(f"{label:<42} {seconds:7.2f} s {rates[label]:8.2f} MB/s CPU ({megabytes / best_wall[label]:6.2f} MB/s "
              f"wall)  ({found[label]:,} matches, best of {repeat})")
    return rates


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--mb", type=float, default=4.0)
    p.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best one is kept")
    p.add_argument("--places")
    p.add_argument("--geodata")
    p.add_argument("--matcher-only", action="store_true", help="skip the (slow) full Geoparser.parse runs")
    p.add_argument("--no-freeze", action="store_true",
                   help="leave the loaded gazetteer in the full GC passes (python -m threatmap, the Dask workers and "
                        "the app freeze it after loading: threatmap.longlived.freeze_loaded)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    gazetteer = Gazetteer.load(args.places, args.geodata)
    geoparser = Geoparser.from_gazetteer(gazetteer)
    rules = Geoparser.from_gazetteer(gazetteer, threat="rules")
    build = time.perf_counter() - t0
    aliases = [alias for alias, _lang, _place in gazetteer.aliases()]
    kp = KeywordProcessor(case_sensitive=False)  # as our matcher: case-insensitive (it lower-cases the text)
    bare = ahocorasick.Automaton()
    for alias in aliases:
        kp.add_keyword(alias)
        bare.add_word(alias.lower(), alias)
    bare.make_automaton()
    if not args.no_freeze:  # as the processes that run the geoparser do once it is loaded
        freeze_loaded()
    print(f"gazetteer: {len(gazetteer)} places, {len(aliases)} names/aliases; load + automaton {build:.2f} s")
    matcher = geoparser.matcher
    ours, full, by_rules, base, floor = ("threatmap Matcher.find", "Geoparser.parse, threat by the model",
                                         "Geoparser.parse, threat by the rules", "flashtext KeywordProcessor",
                                         "bare Aho-Corasick pass (pyahocorasick)")
    funcs: dict[str, Callable[[Document], int]] = {
        floor: lambda d: sum(1 for _ in bare.iter(d.text.lower())),
        base: lambda d: len(kp.extract_keywords(d.text, span_info=True)),
        ours: lambda d: len(matcher.find(d.text)),
    }
    if not args.matcher_only:
        funcs[full] = lambda d: len(geoparser.parse(d))
        funcs[by_rules] = lambda d: len(rules.parse(d))
    for joined in (False, True):
        docs, megabytes = documents(args.mb, joined=joined)
        shape = "joined ~37 KB documents" if joined else "corpus documents as they are"
        print(f"\ntext: {len(docs)} {shape}, {megabytes:.2f} MB UTF-8 (Arabic and English)")
        for func in funcs.values():  # warm-up: caches, first-call costs
            for doc in docs[:50]:
                func(doc)
        rates = measure(funcs, docs, megabytes, repeat=args.repeat)
        for label in (ours, full, by_rules):
            if label in rates:
                print(f"{label}: {rates[label]:.2f} MB/s = {rates[label] / rates[base]:.2f}x flashtext, "
                      f"1/{rates[floor] / rates[label]:.1f} of the bare automaton")
        if full in rates:
            print(f"model parse / rules parse = {rates[full] / rates[by_rules]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
