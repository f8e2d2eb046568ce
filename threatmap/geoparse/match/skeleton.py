"""Sorani spellings of Arabic-script names found by their consonant skeleton (بەغداد for بغداد), Sorani text only.

:class:`SkeletonIndex` maps the skeleton (:func:`threatmap.lang.skeleton.sorani_skeleton`) of every Arabic-script
name of the gazetteer to its places. In a Sorani document the geoparser looks up the words (and runs of up to
three words) that the exact matcher left alone, with and without a Sorani ending (بەغدادەوە, حەویجەدا). A
skeleton is lossy, so a key is kept only with four letters or more, and never when it is also the skeleton of an
ordinary Kurdish word (klpt's lexicon: nouns, verbs, adjectives …); a name of generated towns and villages only
needs context, as in the exact matcher.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick
import numpy as np

from threatmap.lang.scripts import ARABIC_LETTER_CLASS
from threatmap.lang.skeleton import (
    DROPPED_MARK,
    SORANI_WORD_ENDINGS,
    marked_skeleton,
    sorani_skeleton,
    word_skeleton,
)

__all__ = ["NISBA_MARK", "SkeletonHit", "SkeletonIndex", "sorani_word_skeletons"]

MIN_LETTERS = 4
_NISBA_END = re.compile("[يی][ةەه]$")
NISBA_MARK = "\x02"
"""Appended to the skeleton of a name that ends in the nisba ending ـية / ـیە (اليوسفية, یوسفیە): the skeleton drops
the final vowel, so without it the name would meet the adjective (یوسفی, تورکی "Turkish" for تورکیە)."""
_WORD = re.compile(f"[{ARABIC_LETTER_CLASS}][{ARABIC_LETTER_CLASS}\u064b-\u065f\u0670\u0640\u200c]*")


@dataclass(frozen=True, slots=True)
class SkeletonHit:
    """A name found by its skeleton: original offsets (endings excluded), the key and its places."""

    start: int
    end: int
    key: str
    place_ids: tuple[str, ...]
    needs_context: bool


@lru_cache(maxsize=1)
def sorani_word_skeletons() -> frozenset[str]:
    """Skeletons of the ordinary Sorani words of ``data/kurdish_words.txt`` (blocks ``ckb`` and ``ckb-noun``)."""
    text = (Path(__file__).resolve().parents[2] / "data" / "kurdish_words.txt").read_text(encoding="utf-8")
    block, out = "", set()
    for line in text.splitlines():
        if line.startswith("["):
            block = line.strip("[]")
        elif line and not line.startswith("#") and block in ("ckb", "ckb-noun"):
            out.add(sorani_skeleton(line))
            if line.endswith(("ی", "یە")):  # the adjective with its copula (ئیسلامی -> ئیسلامیە) is no name either
                out.add(sorani_skeleton(line) + NISBA_MARK)
    return frozenset(out)


class SkeletonIndex:
    """Skeleton -> places of the Arabic-script names of a gazetteer; build once with :meth:`build`."""

    def __init__(self, keys: dict[str, tuple[tuple[str, ...], bool]]) -> None:
        self.keys = keys
        self._firsts = frozenset(k.split(" ", 1)[0] for k in keys if " " in k)
        self._heads = frozenset(k[:MIN_LETTERS] for k in keys)
        """The first four letters of every key: an ending never changes them (keys have four letters or more)."""
        self._max_words = max((k.count(" ") + 1 for k in keys), default=1)
        self._automaton = ahocorasick.Automaton()
        for head in self._heads:
            self._automaton.add_word(" " + head, len(head) + 1)
        if self._heads:
            self._automaton.make_automaton()

    @classmethod
    def build(cls, aliases: Iterable[tuple[str, str, str, str]], *, strict_places: Collection[str] = (),
              ordinary: Collection[str] = ()) -> SkeletonIndex:
        """From ``(alias, lang, place_id, place_type)`` tuples; ``ordinary``: skeletons of ordinary words."""
        ids: dict[str, list[str]] = {}
        for alias, _lang, place_id, _type in aliases:
            if not _WORD.match(alias):
                continue  # Arabic script only
            key = sorani_skeleton(alias, article=True) + (NISBA_MARK if _NISBA_END.search(alias) else "")
            if sum(c.isalpha() for c in key) < MIN_LETTERS or key in ordinary:
                continue  # short, or an ordinary word
            found = ids.setdefault(key, [])
            if place_id not in found:
                found.append(place_id)
        strict = frozenset(strict_places)
        return cls({k: (tuple(v), all(i in strict for i in v)) for k, v in ids.items()})

    def find(self, text: str, covered: Sequence[tuple[int, int]], known: Callable[[str], bool]
             ) -> list[SkeletonHit]:
        """Names in ``text`` by skeleton, outside the sorted, non-overlapping ``covered`` spans.

        ``known(name)`` says the exact matcher knows ``name`` as it is written (a place's or a blocked name): then
        the exact matcher has judged it (سووریای دیموکرات is the SDF), and its skeleton is not looked at.
        """
        if not self._heads:
            return []
        marked = (marked_skeleton(text), marked_skeleton(text, long_e=True) if "ێ" in text else "")
        heads = self._head_offsets(marked[0]) + (self._head_offsets(marked[1]) if marked[1] else [])
        if not heads:
            return []  # no word starts like a key: the usual document
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        starts = [a for a, _ in words]
        cov_starts = [s for s, _ in covered]
        cov_ends = [e for _, e in covered]
        out: list[SkeletonHit] = []
        next_free = 0
        for i in sorted({bisect_right(starts, pos) - 1 for pos in heads} - {-1}):
            a, b = words[i]
            if i < next_free:
                continue
            k = bisect_right(cov_ends, a)  # the first covered span ending after the word's start
            if k < len(covered) and cov_starts[k] < b:
                continue  # the exact matcher found a name here
            hit = self._longest(text, marked, words, i, cov_starts[k] if k < len(covered) else len(text), known)
            if hit is not None:
                out.append(hit[0])
                next_free = hit[1]
        return out

    def _head_offsets(self, marked: str) -> list[int]:
        """Offsets in the text where the skeleton view (dropped marks gone, runs once, an initial alef dropped) has
        a word starting with the head of a key: one automaton pass instead of a Python step per word."""
        cps = np.frombuffer(marked.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        letter = (((cps >= 0x621) & (cps <= 0x64A)) | ((cps >= 0x66E) & (cps <= 0x6D3)) | (cps == 0x6D5)
                  | ((cps >= 0x6FA) & (cps <= 0x6FF)))
        idx = np.flatnonzero(cps != ord(DROPPED_MARK))
        chars = np.where(letter, cps, 0x20)[idx]
        once = np.ones(len(chars), dtype=bool)
        once[1:] = chars[1:] != chars[:-1]
        idx, chars = idx[once], chars[once]
        before = np.concatenate(([0x20], chars[:-1])) if len(chars) else chars
        keep = ~((chars == 0x627) & (before == 0x20))
        idx, chars = idx[keep], chars[keep]
        view = " " + chars.astype("<u4").tobytes().decode("utf-32-le") + " "
        return [int(idx[end - size + 1]) for end, size in self._automaton.iter(view)]

    def _longest(self, text: str, marked: tuple[str, str], words: list[tuple[int, int]], i: int, limit: int,
                 known: Callable[[str], bool]) -> tuple[SkeletonHit, int] | None:
        """The longest name starting at word ``i`` and ending before ``limit``, with the index of the next word."""
        word = text[words[i][0]:words[i][1]]
        a, b = words[i]
        plain = word_skeleton(marked[0][a:b])
        skeletons = (plain, word_skeleton(marked[1][a:b])) if "ێ" in word else (plain,)
        if not any(s[:MIN_LETTERS] in self._heads or s in self._firsts for s in skeletons):
            return None  # no key starts like this word (the usual case)
        n_max = 1
        if any(s in self._firsts for s in skeletons):
            while (n_max < self._max_words and i + n_max < len(words) and words[i + n_max][1] <= limit
                   and not text[words[i + n_max - 1][1]:words[i + n_max][0]].strip()):
                n_max += 1
        for n in range(n_max, 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            if end > limit:
                continue
            last = text[words[i + n - 1][0]:end]
            for ending in ("", *(e for e in SORANI_WORD_ENDINGS if last.endswith(e) and len(last) - len(e) >= 3)):
                stem_end = end - len(ending)
                key = _skeleton_of(marked[0], start, stem_end)
                entry = self.keys.get(key)
                if entry is None and marked[1] and "ێ" in text[start:stem_end]:
                    key = _skeleton_of(marked[1], start, stem_end)
                    entry = self.keys.get(key)
                if entry is None and _NISBA_END.search(text, start, stem_end):
                    key = _skeleton_of(marked[0], start, stem_end) + NISBA_MARK  # یوسفیە: اليوسفية
                    entry = self.keys.get(key)
                if entry is not None:
                    if known(text[start:stem_end]):
                        return None  # the exact matcher's decision stands
                    return SkeletonHit(start, stem_end, key, entry[0], entry[1]), i + n
        return None


def _skeleton_of(marked: str, start: int, end: int) -> str:
    """The skeleton of ``text[start:end]`` read from the document's :func:`marked_skeleton` (no new translation)."""
    return " ".join(word_skeleton(w) for w in marked[start:end].split())
