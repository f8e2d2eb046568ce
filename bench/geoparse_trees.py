"""Benchmark: ``Geoparser.parse`` of several checkouts (e.g. an old commit, main and a branch) in one run.

Run: ``python bench/geoparse_trees.py TREE [TREE ...] [--mb 2] [--rounds 3] [--joined] [--batch 64]``, each TREE
a checkout (``git archive main | tar -x -C /tmp/main``). Every tree parses the same documents (this tree's
``bench/geoparse.py`` sample: the seed and corpus bodies repeated up to ``--mb`` MB; with ``--joined`` also all of
them joined into ~37 KB articles), each in its own subprocess that imports that tree's ``threatmap``: so each tree
runs with its own code, gazetteer and model, and nothing one tree computed serves another. The trees run
alternately, round by round (a swing of the machine's load hits all alike); the best round of each is kept.

In each subprocess: the gazetteer and geoparser are loaded, frozen out of the full GC passes (as the CLI does; the
same for every tree, whether or not its own CLI did; ``--no-freeze``: not for any), warmed up on every distinct text
once, then every document is parsed `--passes` times, each time as NEW string objects (copied before the clock); the
best pass counts, in CPU time. A tree whose ``Geoparser.from_gazetteer`` takes ``threat="rules"`` is timed with its
default threat decision (the model) and with the rules; an older tree has only its one parse. With ``--batch N``, a
tree whose Geoparser has ``pipe`` is also timed through ``pipe(documents, batch_size=N)`` with the model ("pipe N":
the same documents, their mentions counted as they are yielded). The first tree also
times a bare pyahocorasick pass and flashtext's ``KeywordProcessor`` over the same documents with its gazetteer's
aliases (the floor and the baseline of ``bench/geoparse.py``). Printed: MB/s per tree and shape, the ratio to the
first TREE's parse, the fraction of the bare automaton, and the load average before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent


def _worker(tree: Path, docs_file: Path, floors: bool, passes: int, freeze: bool, batch: int) -> None:
    """Time one tree's parse of the documents in ``docs_file`` (JSON: shape -> texts); print JSON results."""
    sys.path.insert(0, str(tree))
    import gc

    from threatmap.gazetteer import Gazetteer
    from threatmap.models import Document

    try:
        from threatmap import Geoparser
    except ImportError:  # an older layout
        from threatmap.geoparser import Geoparser  # type: ignore[no-redef]
    shapes: dict[str, list[str]] = json.loads(docs_file.read_text(encoding="utf-8"))
    gazetteer = Gazetteer.load()
    parsers = {"parse": Geoparser.from_gazetteer(gazetteer)}
    with contextlib.suppress(TypeError):  # an older tree: its one parse is by the rules
        parsers["parse, rules"] = Geoparser.from_gazetteer(gazetteer, threat="rules")
    def parsing(g: Geoparser) -> Callable[[list[str]], int]:
        return lambda texts: sum(len(g.parse(Document(id="d", text=t))) for t in texts)

    def piping(g: Geoparser) -> Callable[[list[str]], int]:
        return lambda texts: sum(map(len, g.pipe((Document(id="d", text=t) for t in texts), batch_size=batch)))

    funcs = {label: parsing(g) for label, g in parsers.items()}
    if batch and hasattr(parsers["parse"], "pipe"):
        funcs[f"pipe {batch}"] = piping(parsers["parse"])
    if floors:
        import ahocorasick
        from flashtext import KeywordProcessor

        kp = KeywordProcessor(case_sensitive=False)
        bare = ahocorasick.Automaton()
        for alias, _lang, _place in gazetteer.aliases():
            kp.add_keyword(alias)
            bare.add_word(alias.lower(), alias)
        bare.make_automaton()
        funcs["bare automaton"] = lambda texts: sum(1 for t in texts for _ in bare.iter(t.lower()))
        funcs["flashtext"] = lambda texts: sum(len(kp.extract_keywords(t, span_info=True)) for t in texts)
    if freeze:
        gc.collect()
        gc.freeze()
    out = {}
    for shape, texts in shapes.items():
        for label, func in funcs.items():
            func([("." + text)[1:] for text in dict.fromkeys(texts)])  # warm-up: every distinct text once
            best, n = float("inf"), 0
            for _ in range(passes):  # each pass over new string objects: nothing is served by a text's identity
                fresh = [("." + text)[1:] for text in texts]
                cpu = time.process_time()
                n = func(fresh)
                best = min(best, time.process_time() - cpu)
            out[f"{shape}|{label}"] = (best, n)
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> int:
    """Run the trees alternately and print the table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("trees", nargs="+", type=Path)
    p.add_argument("--mb", type=float, default=2.0)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--passes", type=int, default=2, help="timed passes over the documents in each subprocess")
    p.add_argument("--no-freeze", action="store_true", help="leave the loaded gazetteer in the full GC passes (as "
                   "processes did before threatmap.longlived.freeze_loaded)")
    p.add_argument("--joined", action="store_true", help="also time ~37 KB articles of all the texts joined")
    p.add_argument("--batch", type=int, default=0, help="also time pipe(documents, batch_size=BATCH) where it exists")
    p.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--docs", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--floors", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.docs, args.floors, args.passes, not args.no_freeze, args.batch)
        return 0
    sys.path.insert(0, str(ROOT))
    from bench.geoparse import documents

    shapes = {"documents": documents(args.mb)}
    if args.joined:
        shapes["joined"] = documents(args.mb, joined=True)
    sizes = {shape: mb for shape, (_, mb) in shapes.items()}
    load0 = os.getloadavg()
    best: dict[tuple[str, str], tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        docs_file = Path(tmp) / "docs.json"
        docs_file.write_text(json.dumps({s: [d.text for d in docs] for s, (docs, _) in shapes.items()}),
                             encoding="utf-8")
        for r in range(args.rounds):
            for k, tree in enumerate(args.trees):
                cmd = [sys.executable, str(HERE), str(tree), "--worker", str(tree.resolve()), "--docs", str(docs_file),
                       "--passes", str(args.passes), "--batch", str(args.batch),
                       *(["--no-freeze"] if args.no_freeze else [])]
                if k == 0:
                    cmd.append("--floors")
                res = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, check=False)
                if res.returncode:
                    raise SystemExit(f"tree {tree} failed:\n{res.stderr[-3000:]}")
                for key, (seconds, n) in json.loads(res.stdout.strip().splitlines()[-1]).items():
                    shape, label = key.split("|")
                    k2 = (f"{tree}", f"{shape}|{label}")
                    if k2 not in best or seconds < best[k2][0]:
                        best[k2] = (seconds, n)
                print(f"round {r + 1}: {tree} done", file=sys.stderr)
    load1 = os.getloadavg()
    first = str(args.trees[0])
    for shape, mb in sizes.items():
        print(f"\n{shape}: {len(shapes[shape][0])} documents, {mb:.2f} MB, CPU MB/s, best of {args.rounds} rounds x "
              f"{args.passes} passes")
        floor = best.get((first, f"{shape}|bare automaton"))
        flash = best.get((first, f"{shape}|flashtext"))
        if floor and flash:
            print(f"  bare automaton {mb / floor[0]:7.2f}   flashtext {mb / flash[0]:6.2f}")
        base = best[(first, f"{shape}|parse")][0]
        for tree in args.trees:
            for label in ("parse", "parse, rules", f"pipe {args.batch}"):
                got = best.get((str(tree), f"{shape}|{label}"))
                if got is None:
                    continue
                rate = mb / got[0]
                extra = f"  1/{floor[0] and (mb / floor[0]) / rate:.0f} of the automaton" if floor else ""
                extra += f"  {rate / (mb / flash[0]):.2f}x flashtext" if flash else ""
                print(f"  {tree!s:<28} {label:<13} {rate:6.3f} MB/s  {base / got[0]:5.2f}x the first tree's parse"
                      f"{extra}  ({got[1]:,} mentions)")
    print(f"\ngazetteer {'not ' if args.no_freeze else ''}frozen out of the GC passes after loading")
    print(f"load average before {load0[0]:.2f} {load0[1]:.2f}, after {load1[0]:.2f} {load1[1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
