"""Cue matching: the lexicon words a token can be (clitics and endings removed per language) and the phrases
of a normalised passage, by hash look-ups per token."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import lru_cache
from itertools import compress, repeat
from operator import is_not
from typing import NamedTuple

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.lexicon import BLOCKERS, POSITIVE, TOKEN_RE, lexicon, written
from threatmap.lang.clitics import AR_CUE_PREFIXES as _AR_PREFIXES
from threatmap.lang.clitics import AR_CUE_SUFFIXES as _AR_SUFFIXES
from threatmap.lang.clitics import CKB_CUE_SUFFIXES as _CKB_SUFFIXES
from threatmap.lang.clitics import KMR_CUE_SUFFIXES as _KMR_SUFFIXES
from threatmap.lang.scripts import is_arabic

__all__ = ["Hit", "document_hits", "find_hits", "passage_hits"]

_MAX_TOKEN = 40  # longer "words" are never cues
_CKB_SET = frozenset(_CKB_SUFFIXES)
_CKB_LENGTHS = sorted({len(s) for s in _CKB_SUFFIXES}, reverse=True)
_KMR_SET = frozenset(_KMR_SUFFIXES)
_KMR_LENGTHS = sorted({len(s) for s in _KMR_SUFFIXES}, reverse=True)


class Hit(NamedTuple):
    """A cue in the normalised passage: characters [start, end), tokens [t0, t1] and its family."""

    start: int
    end: int
    t0: int
    t1: int
    kind: str


# (word ids, families of the one-word phrases it is, longer phrases that can start with it)
_Entry = tuple[frozenset[int], tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]
_NONE: _Entry = (frozenset(), (), ())


def _stem_forms(token: str) -> list[tuple[str, str, bool]]:
    """(form, language, wildcards apply) a token can reduce to: itself, then clitics/endings removed per language."""
    forms = [(token, "*", True)]
    if is_arabic(token):
        rems = [token, *(token[len(p):] for p in _AR_PREFIXES if token.startswith(p) and len(token) - len(p) >= 2)]
        if token.startswith(("لل", "ولل", "فلل")):  # ل + the article with its alef elided: للتنظيم = ل + التنظيم
            rems.append("ال" + token[token.index("لل") + 2:])
        for rem in rems:
            if rem is not token:
                forms.append((rem, "ar", True))
            forms.extend((rem[:-len(s)], "ar", False) for s in _AR_SUFFIXES
                         if rem.endswith(s) and len(rem) - len(s) >= 2)
        forms.extend((token[:-k], "ckb", False) for k in _CKB_LENGTHS  # a long ending needs a longer stem
                     if len(token) - k >= (2 if k < 4 else 3) and token[-k:] in _CKB_SET)
    else:
        if len(token) > 2 and token.endswith("s"):
            forms.append((token[:-1], "en", False))
        forms.extend((token[:-k], "kmr", False) for k in _KMR_LENGTHS
                     if len(token) - k >= 3 and token[-k:] in _KMR_SET)
    return forms


@lru_cache(maxsize=100_000)
def _words_of(token: str) -> _Entry:
    """The lexicon words a text token can be, and the phrases that can start with it (a pure function, memoised)."""
    lex = lexicon()
    out: set[int] = set()
    if len(token) <= _MAX_TOKEN:
        for form, lang, wild_ok in _stem_forms(token):
            out.update(lex.exact.get(lang, {}).get(form, ()))
            if wild_ok:
                wild = lex.wild.get(lang, {})
                for k in range(2, min(len(form), lex.max_wild) + 1):
                    out.update(wild.get(form[:k], ()))
    return _entry(out)


def _entry(words: set[int] | frozenset[int]) -> _Entry:
    """The entry of a token that can be the lexicon words ``words``: them, and the phrases that start with them."""
    by_first = lexicon().by_first
    starters = [phrase for w in sorted(words) for phrase in by_first.get(w, ())]
    singles = tuple(fam for fam, seq in starters if len(seq) == 1)
    longer = tuple((fam, seq) for fam, seq in starters if len(seq) > 1)
    return (frozenset(words), singles, longer) if words else _NONE


def _as_written(entry: _Entry, token: str) -> _Entry:
    """``entry`` without the folded words (:attr:`~.lexicon.Lexicon.folded`) that the token as written in the
    original text, ``token``, is not: "ser" (on) is not şer (war), though both normalise to ser."""
    folded = lexicon().folded
    w = written(token)
    drop = {wid for wid in entry[0] & folded.keys()
            if w.startswith(folded[wid][1]) and not w.startswith(folded[wid][0])}
    return _entry(entry[0] - drop) if drop else entry


_DECISIVE = frozenset({*POSITIVE, *BLOCKERS, "institution"})


_new_hit = tuple.__new__
_RUN_RE = re.compile(r"[^ ]+")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def _bmp_only(text: str) -> bool:
    """Whether every character of ``text`` lies in the Basic Multilingual Plane (the word view's domain)."""
    return text.isascii() or _ASTRAL_RE.search(text) is None
_span = re.Match.span


def find_hits(norm: str, view: str | None = None, original: Callable[[int, int], str] | None = None,
              ) -> tuple[list[tuple[int, int]], list[Hit]]:
    """The tokens of the normalised passage ``norm`` and every lexicon phrase among them (hash look-ups per token).

    ``view``, when given, is the word view of ``norm`` (:func:`threatmap.lang.normalize.normalize_for_matching`:
    its letters and digits, every other character a space): its runs of non-spaces are the tokens, found by a
    plain split instead of a Unicode class match per character (about twice as fast). Only for text within the
    Basic Multilingual Plane, where the view keeps exactly the characters ``TOKEN_RE`` takes. ``original``, when
    given, returns the original text of a normalised span: a token that can be a folded word (Kurmanji şer, which
    normalises to the preposition ser) is that word only when the original spells it so.
    """
    if view is not None and len(view) == len(norm) and _bmp_only(norm):
        spans = list(map(_span, _RUN_RE.finditer(view)))
        tokens = view.split()
    else:
        spans = list(map(_span, TOKEN_RE.finditer(norm)))
        tokens = TOKEN_RE.findall(norm)
    entries = list(map(_words_of, tokens))
    hits: list[Hit] = []
    n = len(entries)
    folded = lexicon().folded
    if original is not None and folded:
        for i in compress(range(n), map(is_not, entries, repeat(_NONE))):
            if not entries[i][0].isdisjoint(folded):
                entries[i] = _as_written(entries[i], original(*spans[i]))
    new_hit, hit_cls = _new_hit, Hit
    for i in compress(range(n), map(is_not, entries, repeat(_NONE))):  # hits come out in (start, longest) order
        _, singles, longer = entries[i]
        if longer:
            first = len(hits)
            for fam, seq in longer:
                j = i + len(seq) - 1
                if j < n and seq[1] in entries[i + 1][0] and all(
                    seq[k] in entries[i + k][0] and norm[spans[i + k - 1][1]:spans[i + k][0]].isspace()
                    for k in range(1, len(seq))
                ):
                    hits.append(new_hit(hit_cls, (spans[i][0], spans[j][1], i, j, fam)))
            if len(hits) - first > 1:
                hits[first:] = sorted(hits[first:], key=_minus_end)  # stable: equal phrases keep the lexicon's order
        if singles:  # a one-word cue ends before every phrase that starts with its word
            s, e = spans[i]
            for fam in singles:
                hits.append(new_hit(hit_cls, (s, e, i, i, fam)))
    if not hits:
        return spans, hits
    kept: list[Hit] = []
    reach = -1
    decisive = _DECISIVE
    for h in hits:  # among cue words, a longer cue hides the shorter ones inside it ("fighting position")
        if h[4] in decisive:
            if h[0] < reach:
                continue
            reach = h[1]
        kept.append(h)
    return spans, kept


def _minus_end(h: Hit) -> int:
    return -h[1]


def document_hits(ctx: ParseContext) -> tuple[list[tuple[int, int]], list[Hit], list[int]]:
    """Tokens and cues of the whole normalised document, found in one pass, and the hits' first tokens (memoised
    in ``ctx``: every passage cuts its own from these)."""
    def compute() -> tuple[list[tuple[int, int]], list[Hit], list[int]]:
        def original(start: int, end: int) -> str:
            s, e = ctx.norm.to_original(start, end)
            return ctx.text[s:e]

        spans, hits = find_hits(ctx.norm.text, ctx.view, original)
        return spans, hits, [h.t0 for h in hits]

    return ctx.memo(("threat.document_hits",), compute)


def passage_hits(ctx: ParseContext, n0: int, n1: int) -> tuple[list[tuple[int, int]], list[Hit]]:
    """The tokens and cues of the normalised slice ``[n0, n1)``, cut from the document's one pass (offsets and token
    numbers relative to the slice); a phrase reaching across the slice's edge is left out."""
    spans, hits, hit_toks = document_hits(ctx)
    k0 = bisect.bisect_left(spans, (n0, -1))
    k1 = bisect.bisect_left(spans, (n1, -1))
    if k1 > k0 and spans[k1 - 1][1] > n1:  # a token cut by the slice's end
        k1 -= 1
    local = [(s - n0, e - n0) for s, e in spans[k0:k1]]
    out = [_new_hit(Hit, (h[0] - n0, h[1] - n0, h[2] - k0, h[3] - k0, h[4]))
           for h in hits[bisect.bisect_left(hit_toks, k0):bisect.bisect_left(hit_toks, k1)] if h[3] < k1]
    return local, out
