"""Threat cue lexicon: loading, per-language word forms and linear token matching over normalised text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import ahocorasick
import yaml

from threatmap.lang.clitics import AR_CUE_PREFIXES as _AR_PREFIXES
from threatmap.lang.clitics import AR_CUE_SUFFIXES as _AR_SUFFIXES
from threatmap.lang.clitics import CKB_CUE_SUFFIXES as _CKB_SUFFIXES
from threatmap.lang.clitics import KMR_CUE_SUFFIXES as _KMR_SUFFIXES
from threatmap.lang.normalize import Normalized, normalize, normalize_key
from threatmap.models import Passage

__all__ = ["BLOCKERS", "POSITIVE", "DocumentCache", "Hit", "Text", "cue_families", "document_actors", "find_hits",
           "implied_actor", "is_arabic", "mostly_upper"]

POSITIVE = ("threat", "presence", "presence_bound", "attack", "combat", "war")
"""Cue families that assert ISIS activity (when ISIS is their actor)."""
BLOCKERS = ("defeat", "history", "training", "humanitarian", "stability", "political")
"""Cue families that make a clause about something else than present ISIS activity."""
FAMILIES = (*POSITIVE, *BLOCKERS, "actor", "actor_weak", "other_actor", "institution", "recent", "negation",
            "partner", "between", "relational", "agent", "locative", "anchor", "relative", "question", "presuppose",
            "continuation", "filler", "speaker", "addressee", "owner", "reported", "separate", "since", "not_mean",
            "agency", "speech")
_MAX_TOKEN = 40  # longer "words" are never cues
TOKEN_RE = re.compile(r"[^\W_]+")
_LOOKBACK = 500  # characters before a passage searched for the actor its pronouns refer to
_STORY_LOOKBACK = 1500  # characters of earlier paragraphs searched when the passage's paragraph names no actor
_TURN_PREFIX_RE = re.compile(r"\s*[^\W\d_][^\n:：|\d]{0,60}[:：]\s*")
IS_RE = re.compile(r"(?<![\w.’'\-])IS(?![\w’'\-]|\.\w)")


class Hit(NamedTuple):
    """A cue in the normalised passage: characters [start, end), tokens [t0, t1] and its family."""

    start: int
    end: int
    t0: int
    t1: int
    kind: str


def is_arabic(word: str) -> bool:
    """Whether ``word`` starts with a letter of the Arabic script (Arabic, Sorani)."""
    return "\u0600" <= word[0] <= "\u06ff"


@lru_cache(maxsize=1)
def _raw_lexicon() -> dict[str, dict[str, tuple[str, ...]]]:
    source = resources.files("threatmap").joinpath("data/threat_cues.yaml").read_text(encoding="utf-8")
    raw = yaml.load(source, Loader=yaml.BaseLoader)  # every value a string: "no" and "on" are words, not booleans
    missing = [f for f in FAMILIES if f not in (raw or {})]
    if missing:
        raise ValueError(f"threat_cues.yaml: expected families {list(FAMILIES)!r}, missing {missing!r}; add them")
    return {fam: {lang: tuple(str(p) for p in (phrases or ())) for lang, phrases in raw[fam].items()}
            for fam in FAMILIES}


@lru_cache(maxsize=1)
def cue_families() -> dict[str, tuple[str, ...]]:
    """The cue lexicon (``threatmap/data/threat_cues.yaml``): family -> phrases of every language."""
    return {fam: tuple(p for phrases in per_lang.values() for p in phrases) for fam, per_lang in _raw_lexicon().items()}


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """Phrases as sequences of word ids, with hash indexes from a word form to the words it can be.

    The indexes are kept per language, so that each morphology only reaches its own words: a token with Arabic
    clitics or suffixes removed matches ``ar`` words, with Sorani enclitics removed ``ckb`` words, with Kurmanji
    endings removed ``kmr`` words, with a plural/possessive s removed ``en`` words; the token itself matches all.
    """

    exact: dict[str, dict[str, tuple[int, ...]]]
    wild: dict[str, dict[str, tuple[int, ...]]]
    max_wild: int
    by_first: dict[int, tuple[tuple[str, tuple[int, ...]], ...]]


def _freeze(per_lang: dict[str, dict[str, list[int]]]) -> dict[str, dict[str, tuple[int, ...]]]:
    out = {lang: {k: tuple(v) for k, v in d.items()} for lang, d in per_lang.items()}
    merged: dict[str, set[int]] = {}
    for d in per_lang.values():
        for k, v in d.items():
            merged.setdefault(k, set()).update(v)
    out["*"] = {k: tuple(sorted(v)) for k, v in merged.items()}
    return out


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    ids: dict[tuple[str, bool], int] = {}
    index: dict[bool, dict[str, dict[str, list[int]]]] = {False: {}, True: {}}
    by_first: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    for fam, per_lang in _raw_lexicon().items():
        for lang, phrases in per_lang.items():
            for phrase in phrases:
                seq: list[int] = []
                for raw in phrase.split():
                    parts = TOKEN_RE.findall(normalize_key(raw.rstrip("*")))
                    for k, part in enumerate(parts):
                        is_wild = raw.endswith("*") and k == len(parts) - 1
                        wid = ids.setdefault((part, is_wild), len(ids))
                        forms = index[is_wild].setdefault(lang, {}).setdefault(part, [])
                        if wid not in forms:
                            forms.append(wid)
                        seq.append(wid)
                if seq and (fam, tuple(seq)) not in by_first.get(seq[0], []):
                    by_first.setdefault(seq[0], []).append((fam, tuple(seq)))
    max_wild = max((len(k) for d in index[True].values() for k in d), default=0)
    return _Lexicon(_freeze(index[False]), _freeze(index[True]), max_wild, {k: tuple(v) for k, v in by_first.items()})


# (word ids, families of the one-word phrases it is, longer phrases that can start with it)
_Entry = tuple[frozenset[int], tuple[str, ...], tuple[tuple[str, tuple[int, ...]], ...]]
_WORD_CACHE: dict[str, _Entry] = {}
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
        forms.extend((token[:-len(s)], "ckb", False) for s in _CKB_SUFFIXES
                     if token.endswith(s) and len(token) - len(s) >= 2)
    else:
        if len(token) > 2 and token.endswith("s"):
            forms.append((token[:-1], "en", False))
        forms.extend((token[:-len(s)], "kmr", False) for s in _KMR_SUFFIXES
                     if token.endswith(s) and len(token) - len(s) >= 3)
    return forms


def _words_of(token: str) -> _Entry:
    """The lexicon words a text token can be, and the phrases that can start with it (cached)."""
    found = _WORD_CACHE.get(token)
    if found is not None:
        return found
    lex = _lexicon()
    out: set[int] = set()
    if len(token) <= _MAX_TOKEN:
        for form, lang, wild_ok in _stem_forms(token):
            out.update(lex.exact.get(lang, {}).get(form, ()))
            if wild_ok:
                wild = lex.wild.get(lang, {})
                for k in range(2, min(len(form), lex.max_wild) + 1):
                    out.update(wild.get(form[:k], ()))
    if len(_WORD_CACHE) > 100_000:
        _WORD_CACHE.clear()
    starters = [phrase for w in sorted(out) for phrase in lex.by_first.get(w, ())]
    singles = tuple(fam for fam, seq in starters if len(seq) == 1)
    longer = tuple((fam, seq) for fam, seq in starters if len(seq) > 1)
    found = _WORD_CACHE[token] = (frozenset(out), singles, longer) if out else _NONE
    return found


_DECISIVE = frozenset({*POSITIVE, *BLOCKERS, "institution"})


_new_hit = tuple.__new__


def find_hits(norm: str) -> tuple[list[tuple[int, int]], list[Hit]]:
    """The tokens of the normalised passage ``norm`` and every lexicon phrase among them (hash look-ups per token)."""
    get = _WORD_CACHE.get
    spans = [m.span() for m in TOKEN_RE.finditer(norm)]
    entries = [get(tok) or _words_of(tok) for tok in TOKEN_RE.findall(norm)]
    hits: list[Hit] = []
    n = len(entries)
    for i, entry in enumerate(entries):
        if entry is _NONE:
            continue
        _, singles, longer = entry
        if singles:
            s, e = spans[i]
            hits.extend(_new_hit(Hit, (s, e, i, i, fam)) for fam in singles)
        for fam, seq in longer:
            j = i + len(seq) - 1
            if j < n and seq[1] in entries[i + 1][0] and all(
                seq[k] in entries[i + k][0] and norm[spans[i + k - 1][1]:spans[i + k][0]].isspace()
                for k in range(1, len(seq))
            ):
                hits.append(_new_hit(Hit, (spans[i][0], spans[j][1], i, j, fam)))
    if not hits:
        return spans, hits
    hits.sort(key=lambda h: (h[0], h[0] - h[1]))
    kept: list[Hit] = []
    reach = -1
    for h in hits:  # among cue words, a longer cue hides the shorter ones inside it ("fighting position")
        if h[4] in _DECISIVE:
            if h[0] < reach:
                continue
            reach = h[1]
        kept.append(h)
    return spans, kept


class Text:
    """A document normalised once: passages and look-back windows are slices of it."""

    __slots__ = ("norm", "original")

    def __init__(self, text: str) -> None:
        self.original = text
        self.norm: Normalized = normalize(text)

    def to_norm(self, orig: int) -> int:
        """Smallest normalised offset whose original offset is at or after ``orig``."""
        return self.norm.to_normalized(orig)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span ``[start, end)``."""
        return self.norm.to_original(start, end)



@lru_cache(maxsize=1)
def actor_automaton() -> ahocorasick.Automaton:
    """Every actor, weak-actor and other-actor phrase, normalised, for a fast scan of whole documents."""
    automaton = ahocorasick.Automaton()
    for fam in ("actor", "actor_weak", "other_actor"):
        for phrase in cue_families()[fam]:
            key = " ".join(TOKEN_RE.findall(normalize_key(phrase.replace("*", ""))))
            if key:
                automaton.add_word(key, (fam, key, phrase.endswith("*")))
    automaton.make_automaton()
    return automaton


def _scan_actors(doc: Text) -> list[tuple[int, str]]:
    """Where the document names an actor: (normalised offset, family), in order (one linear scan)."""
    norm = doc.norm.text
    marks: list[tuple[int, str]] = []
    for end, (fam, key, wild) in actor_automaton().iter(norm):
        start = end - len(key) + 1
        if is_arabic(key) or (
            not (start > 0 and norm[start - 1].isalpha())
            and (wild or end + 1 == len(norm) or not norm[end + 1].isalpha() or norm[end + 1] == "s")
        ):
            marks.append((start, fam))
    marks.sort()
    return marks


class DocumentCache:
    """Analyses of the current document only (the geoparser assesses one document at a time): bounded memory."""

    text: str | None = None
    doc: Text | None = None
    passages: dict[tuple[int, int, int | None], Any] = {}  # noqa: RUF012 - the analyses of threat.py, by passage span
    marks: list[tuple[int, str]] | None = None
    actors: tuple[bool, bool] | None = None
    latest: int | None = None  # the latest year the document names (0 when none)

    @classmethod
    def of(cls, text: str) -> type[DocumentCache]:
        if cls.text is not text:
            cls.text, cls.doc, cls.passages, cls.marks, cls.actors, cls.latest = text, None, {}, None, None, None
        return cls

    @classmethod
    def document(cls, text: str) -> Text:
        """The document normalised once."""
        c = cls.of(text)
        if c.doc is None:
            c.doc = Text(text)
        return c.doc

    @classmethod
    def actor_marks(cls, text: str) -> list[tuple[int, str]]:
        """Where the document names actors (normalised offsets)."""
        c = cls.of(text)
        if c.marks is None:
            c.marks = _scan_actors(cls.document(text))
        return c.marks


def document_actors(text: str) -> tuple[bool, bool]:
    """Whether the document names ISIS anywhere, and whether it names any other armed actor (cached)."""
    c = DocumentCache.of(text)
    if c.actors is None:
        kinds = {fam for _, fam in DocumentCache.actor_marks(text)}
        c.actors = ("actor" in kinds or IS_RE.search(text) is not None, "other_actor" in kinds)
    return c.actors


def mostly_upper(s: str) -> bool:  # an all-caps headline: "IS" there is the verb
    letters = [c.isupper() for c in s[:2000] if c.isalpha() and c.isascii()]
    return sum(letters) * 2 > len(letters) > 0


def implied_actor(text: str, passage: Passage, separate: bool) -> bool:
    """For a passage that names no actor: is ISIS meant?

    Yes when the last actor named shortly before it in its paragraph is ISIS; when there is none, yes when the
    document is about ISIS and names no other armed actor at all (a headline, "the attack"). An answer that opens
    a turn looks back into the question; an interviewer opening a turn may bring up anyone, so inherits nothing.
    When the paragraph names no actor, the story's earlier paragraphs are searched, unless the sentence opens
    another story ("Separately, …", وفي تطور منفصل).
    """
    if separate:
        isis, other = document_actors(text)
        return isis and not other
    start = passage.start
    line_start = text.rfind("\n", max(0, start - _LOOKBACK), start) + 1
    if line_start < start and _TURN_PREFIX_RE.fullmatch(text, line_start, start) is not None:
        if passage.role == "interviewer":
            return False
        line_start = text.rfind("\n", max(0, start - _LOOKBACK), max(0, line_start - 1)) + 1  # the question
    doc = DocumentCache.document(text)
    last = _last_actor(text, doc, max(line_start, start - _LOOKBACK), start)
    if last is None and line_start == text.rfind("\n", 0, start) + 1:  # no actor in the paragraph: the story's
        last = _last_actor(text, doc, max(0, start - _STORY_LOOKBACK), line_start)  # paragraphs before it
    if last is not None:
        return last
    isis, other = document_actors(text)
    return isis and not other


def _last_actor(text: str, doc: Text, start: int, end: int) -> bool | None:
    """Whether the last actor named in ``text[start:end]`` is ISIS (None when no actor is named there)."""
    if end <= start:
        return None
    marks = DocumentCache.actor_marks(text)
    n0, n1 = doc.to_norm(start), doc.to_norm(end)
    topic = None
    for i in range(bisect.bisect_left(marks, (n1, "")) - 1, -1, -1):
        pos, fam = marks[i]
        if pos < n0:
            return None
        if fam == "actor_weak":
            topic = document_actors(text)[0] if topic is None else topic
            if not topic:
                continue
        return fam != "other_actor"
    return None
