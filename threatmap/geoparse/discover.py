"""Places the gazetteer lacks, recognised from their cue: a type word, a list that goes on from one, or "near X".

A name is taken only when a cue says it is a place (the word lists are ``data/context_cues.yaml``):

- a type word before it in construct form (قرية X, ناحية X, حي X, سجن X, مخيم X; Sorani گوندی X, ناحیەی X; Kurmanji
  gundê X, navçeya X; English "the village of X") or an English type word after a capitalised name ("X
  sub-district", "the X neighborhood"); نهر/وادي/تل/جبل belong to the name and stay in its span;
- a list that goes on from a plural or dual type word (قرى X و Y و Z, مخيمي الهول والروج, kampên Hol û Roj),
  also across names the gazetteer knows, and "وهي: X – Y – Z" after a plural type word;
- an English direction phrase ("near X", "outside X") or a distance phrase ("X, 30 km south of Tikrit").

Ordinary words (``data/common_words.txt``, wordfreq Zipf >= 4) and indefinite adjectives (منطقة صحراوية) are
refused after a singular cue; a list stops at a sentence end, a function word or a verb. Locating the names is
:mod:`threatmap.geoparse.locate`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from threatmap.geoparse.match.lexicon import word_block

__all__ = ["ContextName", "common_words", "cues", "find_context_names", "fold"]

_DATA = Path(__file__).resolve().parent.parent / "data"
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
_FOLD = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي"))
"""Letters folded (one character each, none of them a target): alif forms, ta marbuta, alif maksura."""
_TOKEN = re.compile(r"[^\W\d_][\w'’\-\u0640\u064b-\u0652\u0670\u200c]*")
_ARABIC = re.compile("[\u0600-\u06ff]")
_AR_CLITICS = ("وب", "ول", "فب", "و", "ب", "ل", "ف")
_EN_BEFORE = re.compile(r"(?i)\b(?:the\s+)?(village|town|hamlet|neighbou?rhood|sub-?district|district|area|camp)"
                        r"\s+of\s+$")
_EN_NEAR = re.compile(r"(?i)\b(?:near|outside|around|nearby)\s+$")
_EN_DISTANCE = re.compile(r"^\s*,\s*(?:about\s+|some\s+|approximately\s+)?\d+\s*(?:km|kilomet(?:er|re)s?|miles?)\s+"
                          r"(?:north|south|east|west)", re.I)
_EN_ADJECTIVE = re.compile(r"(?i)-(?:held|led|backed|based|controlled|linked|affiliated|style)$")
_SEPARATORS = re.compile(r"^[\s\u200f\u200e_]*(?:[،,–\-—]|و\s)?[\s\u200f\u200e_]*$")
_LIST_AND = frozenset({"و", "and", "û", "u"})
_span = re.Match.span


def fold(word: str) -> str:
    """An Arabic-script word without diacritics and tatweel, alif/ta marbuta/ya folded; Latin lower-cased."""
    return _fold_letters(_MARKS.sub("", word)).lower()


def _fold_letters(text: str) -> str:
    """``text`` with the letters of ``_FOLD`` folded, same length (``str.replace`` per letter: several times faster
    than ``str.translate`` on non-ASCII text, which looks up every character)."""
    for letter, target in _FOLD:
        text = text.replace(letter, target)
    return text


@dataclass(frozen=True, slots=True)
class Cues:
    """The word lists of ``data/context_cues.yaml``, folded (see the file for what each one is)."""

    ar_singular: dict[str, str]
    ar_part: dict[str, str]
    ar_plural: dict[str, str]
    ku_singular: dict[str, str]
    ku_plural: dict[str, str]
    en_after: dict[str, str]
    ar_idioms: frozenset[tuple[str, str]]
    ku_peoples: frozenset[str]
    ckb_stop: frozenset[str]
    ar_stop: frozenset[str]
    en_stop: frozenset[str]
    ar_list_intro: frozenset[str]
    ar_compound_heads: frozenset[str]
    ar_adjective_tails: frozenset[str]
    containment_words: frozenset[str]

    def singular(self, word: str) -> str | None:
        return self.ar_singular.get(word) or self.ar_part.get(word) or self.ku_singular.get(word)

    def plural(self, word: str) -> str | None:
        return self.ar_plural.get(word) or self.ku_plural.get(word)


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The cue lists, read once per process."""
    raw = yaml.safe_load((_DATA / "context_cues.yaml").read_text(encoding="utf-8"))

    def mapping(k: str) -> dict[str, str]:
        return {fold(w): str(t) for w, t in raw[k].items()}

    def words(k: str) -> frozenset[str]:
        return frozenset(fold(str(w)) for w in raw[k])

    return Cues(ar_singular=mapping("ar_singular"), ar_part=mapping("ar_part"), ar_plural=mapping("ar_plural"),
                ku_singular=mapping("ku_singular"), ku_plural=mapping("ku_plural"), en_after=mapping("en_after"),
                ar_idioms=frozenset((fold(a), fold(b)) for a, b in raw["ar_idioms"]),
                ku_peoples=words("ku_peoples"), ckb_stop=words("ckb_stop"), ar_stop=words("ar_stop"),
                en_stop=words("en_stop"), ar_list_intro=words("ar_list_intro"),
                ar_compound_heads=words("ar_compound_heads"), ar_adjective_tails=words("ar_adjective_tails"),
                containment_words=words("containment_words"))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The ordinary Arabic and English words of ``data/common_words.txt`` (Zipf >= 4, folded)."""
    return frozenset(fold(w) for block in ("ar", "en") for w in word_block("common_words.txt", block))


@dataclass(frozen=True, slots=True)
class ContextName:
    """A name the gazetteer lacks, with the cue that makes it a place and the place type the cue implies."""

    start: int
    end: int
    surface: str
    place_type: str
    cue: str


class _Tok(NamedTuple):
    """A word of a window (a tuple: a few hundred are made per window, a dataclass would cost twice as much)."""

    start: int
    end: int
    text: str
    folded: str


def _strip(word: str, c: Cues) -> str:
    """The folded word without an Arabic proclitic when the rest is a cue word (بمدينة, وقرى)."""
    for clitic in _AR_CLITICS:
        rest = word[len(clitic):]
        if word.startswith(clitic) and len(rest) >= 2 and (c.singular(rest) or c.plural(rest)):
            return rest
    return word


def _covered(toks: list[_Tok], known: Sequence[tuple[int, int]]) -> list[bool]:
    spans = sorted(known)
    out, j = [], 0
    for t in toks:
        while j < len(spans) and spans[j][1] <= t.start:
            j += 1
        out.append(j < len(spans) and spans[j][0] < t.end)
    return out


@lru_cache(maxsize=1)
def _cue_re() -> re.Pattern[str]:
    """Any cue word (folded), for finding the few stretches of a text worth tokenising."""
    c = cues()
    words = {*c.ar_singular, *c.ar_part, *c.ar_plural, *c.ku_singular, *c.ku_plural, *c.en_after}
    english = r"near|outside|around|nearby|km|kilomet\w*|miles?"
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:وب|ول|فب|و|ب|ل|ف)?(?:{alternatives}|{english})(?![^\W\d_])")


_BEFORE_CUE, _AFTER_CUE = 80, 400  # characters around a cue word that can hold its name or list


def find_context_names(text: str, known: Sequence[tuple[int, int]] = ()) -> list[ContextName]:
    """Names recognised from their cue in ``text``, outside the ``known`` spans (gazetteer matches), by start.

    Only the stretches around cue words are tokenised (most of a text has none), each on its own.
    """
    folded = _fold_letters(text).lower()
    if len(folded) != len(text):
        folded = text.lower() if len(text.lower()) == len(text) else text
    windows: list[list[int]] = []
    for m in _cue_re().finditer(folded):
        a, b = max(0, m.start() - _BEFORE_CUE), min(len(text), m.end() + _AFTER_CUE)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    out: list[ContextName] = []
    for a, b in windows:
        while a > 0 and not text[a - 1].isspace():
            a -= 1  # start on a word boundary
        inside = [(s - a, e - a) for s, e in known if s < b and e > a]
        for n in _find(text[a:b], inside):
            out.append(ContextName(n.start + a, n.end + a, n.surface, n.place_type, n.cue))
    return out


def _find(text: str, known: Sequence[tuple[int, int]]) -> list[ContextName]:
    c = cues()
    folded = _fold_letters(text).lower()
    if len(folded) != len(text) or _MARKS.search(text):  # rare: fold word by word
        toks = [_Tok(m.start(), m.end(), m.group(), fold(m.group())) for m in _TOKEN.finditer(text)]
    else:
        toks = [_Tok(s, e, text[s:e], folded[s:e]) for s, e in map(_span, _TOKEN.finditer(text))]
    covered = _covered(toks, known)
    found: dict[int, ContextName] = {}

    def add(a: int, b: int, typ: str, cue: str, skip: int = 0) -> None:
        if a <= b and not any(covered[a:b + 1]):
            start, end = toks[a].start + skip, toks[b].end
            end -= 2 if text[end - 2:end] in ("'s", "’s") else 0  # Kisik's: the name without the possessive
            found.setdefault(start, ContextName(start, end, text[start:end], typ, cue))

    hits = {m.start() for m in _cue_re().finditer(folded)}
    at = [i for i, t in enumerate(toks) if t.start in hits]  # tokens that are cue words
    near = [False] * len(toks)  # tokens an English cue can make a name: 8 before to 3 after a cue word
    for j in at:
        near[max(0, j - 8):j + 4] = [True] * (min(len(toks), j + 4) - max(0, j - 8))
    for i in at:
        t = toks[i]
        word = _strip(t.folded, c)
        typ = c.singular(word)
        if typ and i + 1 < len(toks) and not text[t.end:toks[i + 1].start].strip() and (
                i == 0 or (toks[i - 1].folded, word) not in c.ar_idioms):
            span = _singular_name(toks, i, word, c, covered)
            if span is not None:
                add(span[0], span[1], typ, t.text, span[2])
        typ = c.plural(word)
        if typ:
            for a, b, skip in _list_items(text, toks, i + 1, covered, c, kurdish=word in c.ku_plural):
                add(a, b, typ, t.text, skip)
    _english(text, toks, covered, near, add, c)
    return [found[k] for k in sorted(found)]


def _singular_name(toks: list[_Tok], i: int, word: str, c: Cues, covered: list[bool]
                   ) -> tuple[int, int, int] | None:
    """``(first token, last token, clitic letters to skip)`` of the name after the singular cue ``toks[i]``."""
    if word in c.ku_singular:
        span = _latin_or_ku(toks, i + 1, c)
        return None if span is None else (span[0], span[1], 0)
    part = word in c.ar_part
    span = _arabic_name(toks, i + 1, c, singular=not part)
    if span is None:
        return None
    if part:  # نهر الزاب: the cue word is part of the name; نهر يسمى: no name follows
        name = toks[span[0]].folded
        if (not name.startswith("ال") and name in common_words()) or covered[i]:
            return None
        return i, span[1], len(toks[i].folded) - len(word) if toks[i].folded.endswith(word) else 0
    return span[0], span[1], 0


def _is_ar_name_word(tok: _Tok, c: Cues, *, singular: bool) -> bool:
    w = tok.folded
    if not _ARABIC.match(w) or len(w) < 2 or w.startswith("لل") or any(
            w.startswith(p) and w[len(p):] in c.ar_stop for p in ("", "و", "ف", "ب")):
        return False  # a function word, also with a clitic (ففيها), or a preposition + article (للتحالف)
    return not singular or not (
        w in common_words() or (not w.startswith("ال") and (w.endswith(("يه", "يتين")) or _participle(w)))
        or (w.startswith("و") and not w.startswith("وادي")))  # منطقة آمنة, منطقة صحراوية, ناحية وتضم


def _participle(word: str) -> bool:
    """An indefinite feminine participle (متفرقة, مختلفة, محررة): an adjective, not a name."""
    return word[:1] == "م" and word.endswith("ه") and len(word) >= 5


def _arabic_name(toks: list[_Tok], i: int, c: Cues, *, singular: bool, first: _Tok | None = None
                 ) -> tuple[int, int] | None:
    """Token span of an Arabic name starting at ``toks[i]`` (1-2 words plus a definite adjective), or None.

    ``first`` stands for ``toks[i]`` without a leading conjunction و.
    """
    if i >= len(toks):
        return None
    head = first or toks[i]
    compound = head.folded in c.ar_compound_heads
    if not _is_ar_name_word(head, c, singular=singular and not compound):
        return None
    end = i
    if compound and i + 1 < len(toks) and _is_ar_name_word(toks[i + 1], c, singular=False):
        end = i + 1
    if end + 1 < len(toks) and toks[end + 1].folded in c.ar_adjective_tails:
        end += 1
    return i, end


def _latin_or_ku(toks: list[_Tok], i: int, c: Cues) -> tuple[int, int] | None:
    """A Kurmanji name (capitalised words) or a Sorani one (one word, two after a compound head: تەل سیباد) after a
    Kurdish cue."""
    if i >= len(toks):
        return None
    t = toks[i]
    if t.text[:1].isupper() and t.folded not in c.ku_peoples:
        end = i
        while end + 1 < len(toks) and toks[end + 1].text[:1].isupper() and toks[end + 1].start - toks[end].end <= 1:
            end += 1
        return i, end
    if _ARABIC.match(t.text) and not ({t.folded, t.text} & (c.ar_stop | c.ckb_stop)) and t.folded not in common_words():
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (t.folded in c.ar_compound_heads and nxt is not None and _ARABIC.match(nxt.text)
                and nxt.start - t.end <= 1 and not ({nxt.folded, nxt.text} & (c.ar_stop | c.ckb_stop))):
            return i, i + 1  # گوندی تەل سیباد, گوندی کانی ماسێ: the head word opens a two-word name
        return i, i
    return None


def _list_items(text: str, toks: list[_Tok], i: int, covered: list[bool], c: Cues, *, kurdish: bool
                ) -> list[tuple[int, int, int]]:
    """Items ``(first token, last token, letters of a leading و)`` of a list after a plural type word.

    Items are separated by a comma, a dash or a conjunction (X، Y – Z و W); names the gazetteer knows keep the
    list going; "قرى ومزارع وهي:" announces one.
    """
    items: list[tuple[int, int, int]] = []
    while i < len(toks) and toks[i].folded in c.ar_list_intro:
        i += 1
    first = after_and = True
    while i < len(toks) and len(items) < 15:
        if not first:
            sep = text[toks[i - 1].end:toks[i].start]
            lead_and = toks[i].folded[:1] == "و" and len(toks[i].folded) > 2 and not kurdish
            if not (_SEPARATORS.match(sep) or (sep.strip() in {"", ":"} and lead_and)) or (
                    not sep.strip() and not (lead_and or after_and) and toks[i].text not in _LIST_AND):
                break
        after_and = toks[i].text in _LIST_AND
        if after_and or covered[i]:
            while covered[i] and i + 1 < len(toks) and covered[i + 1]:
                i += 1
            i += 1
            first = False
            continue
        span, skip = _list_item(toks, i, c, kurdish=kurdish, first=first)
        if span is None:
            break
        items.append((span[0], span[1], skip))
        i = span[1] + 1
        first = False
    return items


def _list_item(toks: list[_Tok], i: int, c: Cues, *, kurdish: bool, first: bool
               ) -> tuple[tuple[int, int] | None, int]:
    tok = toks[i]
    if kurdish or not _ARABIC.match(tok.text):
        return _latin_or_ku(toks, i, c), 0
    skip = 1 if tok.folded.startswith("و") and len(tok.folded) > 3 else 0
    head = _Tok(tok.start + skip, tok.end, tok.text[skip:], tok.folded[skip:])
    common = common_words()
    indefinite = not head.folded.startswith("ال")
    if first and ((head.folded in common and (head.folded.endswith(("ين", "ون")) or indefinite)) or (
            indefinite and _participle(head.folded))):
        return None, 0  # مخيمات النازحين (people), مناطق متفرقة (an adjective): not a name
    if not first and not head.folded.startswith("ال") and head.folded[:1] in "يتن" and head.folded in common:
        return None, 0  # the sentence goes on with a verb: "والعشرين وترتبط بمدينة …"
    return _arabic_name(toks, i, c, singular=False, first=head), skip


def _english(text: str, toks: list[_Tok], covered: list[bool], near: list[bool], add: Callable[..., None],
             c: Cues) -> None:
    """Capitalised names with an English cue: a type word after or before, "near X", "X, 30 km south of"."""
    common = common_words()
    for i, t in enumerate(toks):
        if not near[i] or covered[i] or not t.text[:1].isupper() or _ARABIC.match(t.text) or t.folded in c.en_stop:
            continue
        if i > 0 and toks[i - 1].text[:1].isupper() and text[toks[i - 1].end:t.start] == " " and (
                toks[i - 1].folded not in c.en_stop):
            continue  # inside a run of capitalised words that started earlier
        if _EN_ADJECTIVE.search(t.text) or (t.text.isupper() and len(t.text) <= 5):
            continue  # IS-held, U.S.-led; an acronym (SDF checkpoint)
        end = i
        while end + 1 < len(toks) and toks[end + 1].text[:1].isupper() and not covered[end + 1] and (
                text[toks[end].end:toks[end + 1].start] == " "):
            end += 1
        words = [re.sub(r"['’]s$", "", w.folded) for w in toks[i:end + 1]]
        if all(w in common or w in c.en_stop for w in words):
            continue
        nxt = toks[end + 1] if end + 1 < len(toks) else None
        after = nxt.folded if nxt is not None and text[toks[end].end:nxt.start] == " " else ""
        before = text[max(0, t.start - 40):t.start]
        rare = not any(w in common for w in words)
        if after in c.en_after and words[-1] not in c.en_after:
            add(i, end, c.en_after[after], after)
        elif (m := _EN_BEFORE.search(before)) is not None:
            add(i, end, "village" if m.group(1).lower() in ("village", "hamlet") else "other", m.group(1))
        elif rare and _EN_NEAR.search(before):
            add(i, end, "other", "near")
        elif rare and _EN_DISTANCE.match(text[toks[end].end:toks[end].end + 40]):
            add(i, end, "other", "distance")
