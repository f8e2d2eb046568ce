"""Spelling variants of names: Sorani long-vowel spellings, anchors and the typo rule for long names.

Used by :mod:`.matcher`: :func:`sorani_variants` adds keys at build time; :func:`anchors` picks the
words of a multi-word name that trigger the variant search; :func:`fuzzy_window` checks the text around an
anchor hit with :func:`close`, the strict edit-distance rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA, Levenshtein

from threatmap.geoparse.match.lexicon import ARABIC_VOWELS, RASM_GROUPS
from threatmap.lang.clitics import AR_NAME_PREFIXES as AR_PREFIXES

if TYPE_CHECKING:
    from threatmap.geoparse.match.matcher import AliasEntry

__all__ = ["anchors", "close", "fuzzy_window", "sorani_variants"]

_PREFIXES_LONGEST_FIRST = tuple(sorted(AR_PREFIXES[1:], key=len, reverse=True))
_PREFIX_STARTS = tuple(sorted({p[0] for p in _PREFIXES_LONGEST_FIRST}))
_MAX_PREFIX = max(len(p) for p in AR_PREFIXES)
_RASM = {c: i for i, group in enumerate(RASM_GROUPS) for c in group}
MAX_ANCHOR_USE = 2  # a word in more multi-word names than this (united, العربية) is no anchor
MAX_FALLBACK_USE = 16  # ... unless the name has no rarer word; more common words (al, province) never are
# A candidate before selection: (normalised start, normalised end, prefix length, entry, fuzzy).
Cand = tuple[int, int, int, "AliasEntry", bool]


def _letters(key: str) -> int:
    return sum(c.isalpha() for c in key)


def anchors(words: list[str], word_use: Counter[str], names: Collection[str], *, stop: Collection[str] = (),
            generic: Collection[str] = (), fallback: bool = True) -> list[int]:
    """Indices of up to two anchor words of a multi-word name for the spelling-variant search.

    Rare words first (in at most ``MAX_ANCHOR_USE`` names, not generic, not a name themselves), longest
    first. With ``fallback`` (Arabic script, where source typos are common), a two-word name with fewer than
    two such words also takes its other word (دير in دير الزور, جبال in جبال حمرين), so a typo in its one
    rare word is still found from the other.
    """
    ok = [i for i, w in enumerate(words) if _letters(w) >= 3 and w not in names and w not in stop]
    rare = sorted((i for i in ok if word_use[words[i]] <= MAX_ANCHOR_USE and words[i] not in generic),
                  key=lambda i: (-len(words[i]), i))[:2]
    if len(rare) < 2 and fallback and len(words) == 2:
        rest = sorted((i for i in ok if i not in rare and word_use[words[i]] <= MAX_FALLBACK_USE),
                      key=lambda i: (word_use[words[i]], -len(words[i]), i))
        rare += rest[:2 - len(rare)]
    return rare


def sorani_variants(key: str) -> tuple[str, ...]:
    """A Sorani key and its spellings with long u written وو or و (مەخمور / مەخموور, دووزخورماتوو / دوزخورماتو).

    Sorani writes long u as وو, but names are often spelled with one و; the variant with every non-initial و
    between other letters doubled and the one with every وو undoubled are matched too.
    """
    out = [key]
    single = key.replace("وو", "و")
    last = len(single) - 1
    doubled = "".join("وو" if c == "و" and i > 0 and single[i - 1] not in " او"
                      and (i == last or single[i + 1] not in " او") else c for i, c in enumerate(single))
    for variant in (single, doubled):
        if variant not in out and _letters(variant) >= 3:
            out.append(variant)
    return tuple(out)


def fuzzy_window(view: str, word_start: int, anchor_start: int, entry: AliasEntry, anchor: int, *,
                 offset: int | None = None, words: int | None = None) -> Cand | None:
    """A spelling variant of a multi-word name around an exactly matched anchor word, or None.

    ``offset`` (where the anchor word starts in the name) and ``words`` (the number of words of the name)
    are derived from ``entry.key`` when not given.
    """
    key = entry.key
    if words is None or offset is None:
        parts = key.split(" ")
        words = len(parts)
        offset = sum(len(w) + 1 for w in parts[:anchor])
    n = len(view)
    if anchor and word_start != anchor_start:
        return None  # a clitic is allowed only on the first word of a name
    if anchor_start >= offset and view.startswith(key, anchor_start - offset):
        return None  # the exact name, found by the automaton itself
    start = word_start
    for _ in range(anchor):  # walk back to the first word of the window
        if start < 2 or view[start - 1] != " ":
            return None
        start = view.rfind(" ", 0, start - 1) + 1
    end = anchor_start
    for k in range(words - anchor):
        if k:
            if end >= n or view[end] != " ":
                return None
            end += 1
        nxt = view.find(" ", end)
        end = n if nxt < 0 else nxt
    size = end - start  # a variant differs from the name by at most two letters (a clitic adds up to two)
    if not size or size < len(key) - 2 or size > len(key) + (2 + _MAX_PREFIX if entry.arabic else 2):
        return None
    window = view[start:end]
    if window.count(" ") != words - 1 or "  " in window:
        return None
    candidates = [(0, window)]
    if entry.arabic and window.startswith(_PREFIX_STARTS):  # the clitic is stripped first: longest prefix
        candidates = [(len(p), window[len(p):]) for p in _PREFIXES_LONGEST_FIRST if window.startswith(p)]
        candidates.append((0, window))  # the bare window last
    for plen, cand in candidates:
        if cand == key:
            return None  # an exact match, found by the automaton itself
        if not close(cand, key):
            continue
        ns = start + plen
        return ns, ns + len(cand), plen, entry, True
    return None


def close(variant: str, key: str) -> bool:
    """The typo rule, for 8-11 letters: one swap of neighbours (الوزر), one doubled/undoubled letter (الزوور),
    one vowel more or less (Zour), from 9 letters one Arabic long vowel ا و ي left out (جبال حمرن), or in
    Arabic script one letter swapped for another of the same dotless skeleton (الدبن for الدين); from 12
    letters, up to two edits of any kind. Other substitutions in shorter names are never typos: they are other
    words (دير السور), and so are other insertions (دير الزوار).
    """
    if abs(len(variant) - len(key)) > 2 or variant == key:
        return False
    letters = len(key) - key.count(" ")
    if letters < 8:
        return False
    if letters >= 12:
        return OSA.distance(variant, key, score_cutoff=2) <= 2
    if OSA.distance(variant, key, score_cutoff=1) != 1:
        return False
    if len(variant) == len(key):
        if Levenshtein.distance(variant, key) == 2:
            return True  # a transposition
        (op,) = Levenshtein.editops(key, variant)
        a, b = key[op.src_pos], variant[op.dest_pos]
        return a in _RASM and _RASM.get(b) == _RASM[a]  # same skeleton, other dots
    longer, shorter = (variant, key) if len(variant) > len(key) else (key, variant)
    (op,) = Levenshtein.editops(shorter, longer)
    k = op.dest_pos  # the letter of ``longer`` missing from ``shorter``
    if longer[k] in "aeiouy":
        return True
    if longer is key and letters >= 9 and longer[k] in ARABIC_VOWELS and 0 < k < len(key) - 1 and (
            key[k - 1] != " " and key[k + 1] != " "):
        return True  # an Arabic long vowel left out inside a word of a longer name (حمرن); not added (الزوار)
    return (k > 0 and longer[k - 1] == longer[k]) or (k + 1 < len(longer) and longer[k + 1] == longer[k])
