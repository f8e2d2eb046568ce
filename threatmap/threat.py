"""Decide whether a passage asserts present ISIS activity or threat at one place mention (rule-based cues)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import ahocorasick
import yaml

from threatmap.models import Passage, ThreatDecision
from threatmap.normalize import Normalized, normalize, normalize_key

__all__ = ["BLOCKERS", "POSITIVE", "assess", "cue_families"]

POSITIVE = ("threat", "presence", "presence_bound", "attack", "combat", "war")
"""Cue families that assert ISIS activity (when ISIS is their actor)."""
BLOCKERS = ("defeat", "history", "training", "humanitarian", "stability", "political")
"""Cue families that make a clause about something else than present ISIS activity."""
_FAMILIES = (*POSITIVE, *BLOCKERS, "actor", "actor_weak", "other_actor", "institution", "recent", "negation",
             "partner", "between", "relational", "agent", "locative", "anchor", "relative", "question", "presuppose")
_LOOKBACK = 500  # characters before a passage searched for the actor its pronouns refer to
_WINDOW = 7  # tokens left of a mention searched for "with" (partner) and "embassy in" (institution)
_MAX_TOKEN = 40  # longer "words" are never cues
_AR_PREFIXES = tuple(sorted({c + p + a for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك") for a in ("", "ال")}
                            | {"لل", "ولل", "فلل"} - {""}, key=len, reverse=True))
_AR_SUFFIXES = ("ا", "ه", "ها", "هم", "هما", "نا", "ي", "يا", "ات", "ين", "ون",  # tanween alef, pronouns, plurals
                "يهك", "يك", "هكه", "هكان", "كان", "دا", "هوه", "يش", "ان")  # Sorani: -یەک -ێک -ەکە -ەکان -دا -ەوە
_TOKEN_RE = re.compile(r"[^\W_]+")
_CLAUSE_RE = re.compile(
    r"[،;؛:()\[\]\"“”«»]|,(?!\d)|\s[-–—]\s|(?<![^\W_])(?:لكن|لكنه|لكنها|لكننا|بينما|رغم|but|while|whereas|"
    r"however|although|though|despite|yet)(?![^\W_])"
)
_IS_RE = re.compile(r"(?<![\w.’'\-])IS(?![\w’'\-]|\.\w)")
_TURN_PREFIX_RE = re.compile(r"\s*[^\W\d_][^\n:：|\d]{0,60}[:：]\s*")
_PRONOUNS = frozenset({"its", "their"})  # "its fighters": ISIS's, when the sentence names ISIS
_DATELINE_RE = re.compile(  # "BAGHDAD (Reuters) -", "KIRKUK, Iraq -", "أربيل (رووداو) -", "TAMPA, July 22 -"
    r"(?:,\s*[A-Za-z][A-Za-z .'-]{1,30}?)?\s*(?:\([^()\n]{1,40}\)\s*)?[-–—]|,\s+[A-Z][a-z]{2,}\.?\s+\d"
)
_DATELINE_HEAD_RE = re.compile(r"(?>[A-Z][A-Za-z.'’]*+|\d[\d,]*+|\([^()\n]{1,40}\)|[ ,])++(?<=\s)(?=[-–—]\s)")
_NOT_NEGATED = re.compile(r"(?:لا|لم|ما)\s+(?:يزال|تزال|زال|زالت|ينته|تنته|تنتهي)|not only")


class _Hit(NamedTuple):
    """A cue in the normalised passage: characters [start, end), tokens [t0, t1] and its family."""

    start: int
    end: int
    t0: int
    t1: int
    kind: str


@lru_cache(maxsize=1)
def cue_families() -> dict[str, tuple[str, ...]]:
    """The cue lexicon (``threatmap/data/threat_cues.yaml``): family -> phrases of every language."""
    source = resources.files("threatmap").joinpath("data/threat_cues.yaml").read_text(encoding="utf-8")
    raw = yaml.load(source, Loader=yaml.BaseLoader)  # every value a string: "no" and "on" are words, not booleans
    missing = [f for f in _FAMILIES if f not in (raw or {})]
    if missing:
        raise ValueError(f"threat_cues.yaml: expected families {list(_FAMILIES)!r}, missing {missing!r}; add them")
    return {fam: tuple(str(p) for per_lang in raw[fam].values() for p in (per_lang or ())) for fam in _FAMILIES}


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """Phrases as sequences of word ids, with hash indexes from a word form to the words it can be."""

    exact: dict[str, tuple[int, ...]]
    wild: dict[str, tuple[int, ...]]
    max_wild: int
    by_first: dict[int, tuple[tuple[str, tuple[int, ...]], ...]]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    ids: dict[tuple[str, bool], int] = {}
    exact: dict[str, list[int]] = {}
    wild: dict[str, list[int]] = {}
    by_first: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    for fam, phrases in cue_families().items():
        for phrase in phrases:
            seq: list[int] = []
            for raw in phrase.split():
                parts = _TOKEN_RE.findall(normalize_key(raw.rstrip("*")))
                for k, part in enumerate(parts):
                    is_wild = raw.endswith("*") and k == len(parts) - 1
                    if (part, is_wild) not in ids:
                        wid = ids[(part, is_wild)] = len(ids)
                        (wild if is_wild else exact).setdefault(part, []).append(wid)
                    seq.append(ids[(part, is_wild)])
            if seq and (fam, tuple(seq)) not in by_first.get(seq[0], []):
                by_first.setdefault(seq[0], []).append((fam, tuple(seq)))
    freeze = lambda d: {k: tuple(v) for k, v in d.items()}  # noqa: E731
    return _Lexicon(freeze(exact), freeze(wild), max(map(len, wild), default=0), freeze(by_first))


def _arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


_Entry = tuple[frozenset[int], tuple[tuple[str, tuple[int, ...]], ...]]
_WORD_CACHE: dict[str, _Entry] = {}


def _words_of(token: str) -> _Entry:
    """The lexicon words a text token can be (Arabic clitics and suffixes, English plural s), and the phrases
    that can start with it."""
    found = _WORD_CACHE.get(token)
    if found is not None:
        return found
    lex = _lexicon()
    out: set[int] = set()
    if len(token) <= _MAX_TOKEN:
        rems = {token}
        if _arabic(token):
            rems.update(token[len(p):] for p in _AR_PREFIXES if token.startswith(p) and len(token) - len(p) >= 2)
        elif len(token) > 2 and token.endswith("s"):
            rems.add(token[:-1])
        for rem in rems:
            out.update(lex.exact.get(rem, ()))
            for suf in _AR_SUFFIXES if _arabic(rem) else ():
                if rem.endswith(suf) and len(rem) - len(suf) >= 2:
                    out.update(lex.exact.get(rem[:-len(suf)], ()))
            for k in range(2, min(len(rem), lex.max_wild) + 1):
                out.update(lex.wild.get(rem[:k], ()))
    if len(_WORD_CACHE) > 100_000:
        _WORD_CACHE.clear()
    starters = tuple(phrase for w in sorted(out) for phrase in lex.by_first.get(w, ()))
    found = _WORD_CACHE[token] = (frozenset(out), starters)
    return found


def _find_hits(norm: str, spans: list[tuple[int, int]]) -> list[_Hit]:
    """Every lexicon phrase in the token sequence (linear: hash look-ups per token)."""
    cache = _WORD_CACHE
    entries = []
    for s, e in spans:
        tok = norm[s:e]
        entries.append(cache.get(tok) or _words_of(tok))
    hits: list[_Hit] = []
    n = len(entries)
    for i, (_, starters) in enumerate(entries):
        for fam, seq in starters:
            j = i + len(seq) - 1
            if j == i or (j < n and all(
                seq[k] in entries[i + k][0] and norm[spans[i + k - 1][1]:spans[i + k][0]].isspace()
                for k in range(1, len(seq))
            )):
                hits.append(_Hit(spans[i][0], spans[j][1], i, j, fam))
    hits.sort(key=lambda h: (h.start, h.start - h.end))
    kept: list[_Hit] = []
    decisive = {*POSITIVE, *BLOCKERS, "institution"}
    reach = -1
    for h in hits:  # among cue words, a longer cue hides the shorter ones inside it ("fighting position")
        if h.kind in decisive:
            if h.start < reach:
                continue
            reach = h.end
        kept.append(h)
    return kept


@dataclass(frozen=True, slots=True)
class _Analysis:
    """Everything about one passage that does not depend on the mention."""

    norm: Normalized
    spans: tuple[tuple[int, int], ...]
    hits: tuple[_Hit, ...]
    clauses: tuple[int, ...]  # character offsets where clauses start (the first is 0)
    interrogative_from: int  # character offset where the question part begins (len(norm.text) if none)
    decisive: tuple[_Hit, ...]
    decisive_starts: tuple[int, ...]
    cover: dict[int, frozenset[str]]  # token -> families of the hits covering it
    governing: tuple[int, ...]  # prefix counts over tokens of positive cues and actors
    actor_toks: list[int]  # tokens where ISIS is named (sorted)


_RELEVANT = frozenset({*POSITIVE, *BLOCKERS, "partner", "between", "institution", "agent", "other_actor"})


class _DocumentCache:
    """Analyses of the current document only (the geoparser assesses one document at a time): bounded memory."""

    text: str | None = None
    passages: dict[tuple[int, int], _Analysis | None] = {}  # noqa: RUF012
    actors: tuple[bool, bool] | None = None

    @classmethod
    def of(cls, text: str) -> type[_DocumentCache]:
        if cls.text is not text:
            cls.text, cls.passages, cls.actors = text, {}, None
        return cls


def _analyse(text: str, passage: Passage) -> _Analysis | None:
    """The passage's cues, clauses and deciding hits (None when no cue could decide anything there); cached."""
    cache = _DocumentCache.of(text).passages
    key = (passage.start, passage.end)
    if key in cache:
        return cache[key]
    ptext = text[passage.start:passage.end]
    norm = normalize(ptext)
    spans = [m.span() for m in _TOKEN_RE.finditer(norm.text)]
    hits = _find_hits(norm.text, spans)
    starts = [s for s, _ in spans]
    if _IS_RE.search(ptext) and not _mostly_upper(ptext):
        for m in _IS_RE.finditer(ptext):
            s = _to_norm(norm, m.start())
            t = max(0, bisect.bisect_right(starts, s) - 1)
            hits.append(_Hit(s, s + 2, t, t, "actor"))
    kinds = {h.kind for h in hits}
    if not passage.question and not kinds & _RELEVANT:
        cache[key] = None
        return None
    topic = "actor_weak" in kinds and _document_actors(text)[0]
    hits = [h if h.kind != "actor_weak" else _Hit(h.start, h.end, h.t0, h.t1, "actor") for h in hits
            if h.kind != "actor_weak" or topic]
    hits.sort(key=lambda h: h.start)
    clauses = (0, *(m.end() for m in _CLAUSE_RE.finditer(norm.text)))
    interrogative = _interrogative_start(norm.text, hits, clauses, passage.question)
    has_actor = bool(kinds & {"actor", "other_actor"}) or topic
    lookback = not has_actor and bool(kinds.intersection(POSITIVE)) and _implied_actor(text, passage)
    cover: dict[int, set[str]] = {}
    counts = [0] * (len(spans) + 1)
    for h in hits:
        for t in range(h.t0, h.t1 + 1):
            cover.setdefault(t, set()).add(h.kind)
        if h.kind in ("threat", "presence", "attack", "combat", "actor"):  # words that can govern a base
            counts[h.t0 + 1] += 1
    for i in range(1, len(counts)):
        counts[i] += counts[i - 1]
    partial = _Analysis(norm, tuple(spans), tuple(hits), clauses, interrogative, (), (),
                        {t: frozenset(k) for t, k in cover.items()}, tuple(counts),
                        sorted(h.t0 for h in hits if h.kind == "actor"))
    decisive = tuple(_decisive(partial, lookback))
    analysis = replace(partial, decisive=decisive, decisive_starts=tuple(h.start for h in decisive))
    cache[key] = analysis
    return analysis


def _to_norm(norm: Normalized, orig: int) -> int:
    """Smallest normalised offset whose original offset is at or after ``orig`` (binary search)."""
    if len(norm.text) == len(norm.original):
        return orig  # nothing was deleted: normalisation maps characters one to one
    lo, hi = 0, len(norm.text)
    while lo < hi:
        mid = (lo + hi) // 2
        if norm.to_original(mid, mid + 1)[0] < orig:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _mostly_upper(s: str) -> bool:  # an all-caps headline: "IS" there is the verb
    letters = [c.isupper() for c in s[:2000] if c.isalpha() and c.isascii()]
    return sum(letters) * 2 > len(letters) > 0


@lru_cache(maxsize=1)
def _actor_automaton() -> ahocorasick.Automaton:
    """Every actor and other-actor phrase, normalised, for a fast scan of whole documents."""
    automaton = ahocorasick.Automaton()
    for fam in ("actor", "other_actor"):
        for phrase in cue_families()[fam]:
            key = " ".join(_TOKEN_RE.findall(normalize_key(phrase.replace("*", ""))))
            if key:
                automaton.add_word(key, (fam, key, phrase.endswith("*")))
    automaton.make_automaton()
    return automaton


def _document_actors(text: str) -> tuple[bool, bool]:
    """Whether the document names ISIS anywhere, and whether it names any other armed actor (one linear scan)."""
    doc = _DocumentCache.of(text)
    if doc.actors is None:
        norm = normalize(text).text
        found = {"actor"} if _IS_RE.search(text) else set()
        for end, (fam, key, wild) in _actor_automaton().iter(norm):
            start = end - len(key) + 1
            if _arabic(key) or (
                not (start > 0 and norm[start - 1].isalpha())
                and (wild or end + 1 == len(norm) or not norm[end + 1].isalpha() or norm[end + 1] == "s")
            ):
                found.add(fam)
                if len(found) == 2:
                    break
        doc.actors = ("actor" in found, "other_actor" in found)
    return doc.actors


def _implied_actor(text: str, passage: Passage) -> bool:
    """For a passage that names no actor: is ISIS meant?

    Yes when the last actor named shortly before it in its paragraph is ISIS; when there is none, yes when the
    document is about ISIS and names no other armed actor at all (a headline, "the attack"). An answer that opens
    a turn looks back into the question; an interviewer opening a turn may bring up anyone, so inherits nothing.
    """
    start = passage.start
    line_start = text.rfind("\n", max(0, start - _LOOKBACK), start) + 1
    if line_start < start and _TURN_PREFIX_RE.fullmatch(text, line_start, start) is not None:
        if passage.role == "interviewer":
            return False
        line_start = text.rfind("\n", max(0, start - _LOOKBACK), max(0, line_start - 1)) + 1  # the question
    window = normalize(text[max(line_start, start - _LOOKBACK):start]).text
    spans = [m.span() for m in _TOKEN_RE.finditer(window)]
    actors = [h for h in _find_hits(window, spans) if h.kind in ("actor", "other_actor")]
    if actors:
        return max(actors, key=lambda h: h.start).kind == "actor"
    isis, other = _document_actors(text)
    return isis and not other


def _interrogative_start(norm: str, hits: list[_Hit], clauses: tuple[int, ...], question: bool) -> int:
    if not question and not norm.rstrip().endswith(("?", "؟")):
        return len(norm)
    qwords = {h.start for h in hits if h.kind == "question"}
    for c in clauses:
        first = [m.start() for m in _TOKEN_RE.finditer(norm, c, min(len(norm), c + 60))][:2]
        if qwords.intersection(first):
            return c
    return clauses[-1]  # no question word: the last clause is the question


def _clause(a: _Analysis, pos: int) -> tuple[int, int]:
    i = bisect.bisect_right(a.clauses, pos) - 1
    return a.clauses[i], a.clauses[i + 1] if i + 1 < len(a.clauses) else len(a.norm.text)


def _tok(a: _Analysis, pos: int) -> int:
    return max(0, bisect.bisect_right(a.spans, (pos, len(a.norm.text) + 1)) - 1)


def _decisive(a: _Analysis, lookback: bool) -> list[_Hit]:
    """Positive cues whose actor is ISIS, blockers, and cues (or actors) that are about someone else."""
    clause_kinds: dict[int, set[str]] = {}
    for h in a.hits:
        if h.kind in ("actor", "other_actor"):
            clause_kinds.setdefault(bisect.bisect_right(a.clauses, h.start), set()).add(h.kind)
    everywhere = set().union(*clause_kinds.values()) if clause_kinds else set()
    actor_toks = a.actor_toks
    negations = [h for h in a.hits if h.kind == "negation" and not _NOT_NEGATED.match(a.norm.text, h.start)]
    negation_ends = sorted(h.t1 for h in negations)
    recent = any(h.kind == "recent" for h in a.hits)
    out: list[_Hit] = []
    for h in a.hits:
        here = clause_kinds.get(bisect.bisect_right(a.clauses, h.start), set())
        if h.kind == "training" and _near(actor_toks, h.t0 - 2, h.t1 + 2):
            out.append(_Hit(h.start, h.end, h.t0, h.t1, "presence"))  # an ISIS training camp is ISIS presence
        elif h.kind in BLOCKERS or (h.kind == "other_actor" and "actor" not in here):
            out.append(h)
        elif h.kind in POSITIVE and h.start < a.interrogative_from:
            kinds = here or everywhere
            actor = "actor" if "actor" in kinds else "other_actor" if kinds else "actor" if lookback else None
            if actor == "other_actor":
                out.append(_Hit(h.start, h.end, h.t0, h.t1, "other_actor"))
            elif actor == "actor" and not _near(negation_ends, h.t0 - 3, h.t0 - 1) and _valid(
                    h, actor_toks, recent, h.t0 > 0 and a.norm.text[slice(*a.spans[h.t0 - 1])] in _PRONOUNS):
                out.append(h)
    return out


def _near(sorted_toks: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(sorted_toks, lo)
    return i < len(sorted_toks) and sorted_toks[i] <= hi


def _valid(cue: _Hit, actor_toks: list[int], recent: bool, pronoun: bool) -> bool:
    """Family conditions: presence words like وجود/presence sit next to ISIS; the war on ISIS needs a recent time."""
    if cue.kind == "presence_bound":  # "ISIS fighters", "fighters of ISIS", "its fighters fled", مسلحي داعش
        return _near(actor_toks, cue.t0 - 2, cue.t1 + 2) or (bool(actor_toks) and pronoun)
    if cue.kind == "war":
        return recent and _near(actor_toks, cue.t1 + 1, cue.t1 + 3)
    return True


def assess(text: str, passage: Passage, start: int, end: int, *, lang: str | None) -> ThreatDecision:
    """Decide whether ``passage`` asserts present ISIS activity, presence or threat at ``text[start:end]``.

    Parameters
    ----------
    text
        The document's original text.
    passage
        The sentence that contains the mention (from :func:`threatmap.passages.split_passages`).
    start, end
        The mention's span in ``text``.
    lang
        The document language (``ar``, ``en``, ``ckb``, ``kmr``) or None; the lexicon of every language is
        used, since documents mix scripts.

    Returns
    -------
    ThreatDecision
        ``threat`` and the cue words (verbatim from the passage) that decided, or None when nothing did.
    """
    del lang
    if not (0 <= passage.start <= start < end <= passage.end <= len(text)):
        return ThreatDecision(False, None)
    a = _analyse(text, passage)
    if a is None or not a.spans:
        return ThreatDecision(False, None)
    m0 = _to_norm(a.norm, start - passage.start)
    m1 = max(m0 + 1, _to_norm(a.norm, end - passage.start))
    t0, t1 = _tok(a, m0), _tok(a, m1 - 1)
    if _dateline(text, passage, start, end, first=t0 == 0):
        return ThreatDecision(False, None)  # "BAGHDAD (Reuters) -", "أربيل - رووداو": where the report was filed
    c0, c1 = _clause(a, m0)
    partner = _partner(a, t0, c0)
    if partner is not None:
        return _decision(text, passage, a, partner, False)
    if m0 >= a.interrogative_from:
        return _question(text, passage, a)
    institution = _institution(a, t0, t1, c0, c1) or _agent(a, t0, t1, c1)
    if institution is not None:
        return _decision(text, passage, a, institution, False)
    best = _nearest(a, m0, m1, t0, t1, c0, c1)
    return _decision(text, passage, a, best, best is not None and best.kind in POSITIVE)


def _dateline(text: str, passage: Passage, start: int, end: int, *, first: bool) -> bool:
    """Whether the mention is in the dateline that opens the passage ("TAMPA, Fla. –", "أربيل (رووداو) -")."""
    if first and _DATELINE_RE.match(text, end, min(end + 50, passage.end)):
        return True
    head = _DATELINE_HEAD_RE.match(text, passage.start, min(passage.start + 60, passage.end))
    return head is not None and end <= head.end()


def _nearest(a: _Analysis, m0: int, m1: int, t0: int, t1: int, c0: int, c1: int) -> _Hit | None:
    """The deciding cue: the nearest in the mention's clause, else the nearest before it, else after it."""
    i = bisect.bisect_left(a.decisive_starts, m0)
    left = next((h for h in reversed(a.decisive[max(0, i - 8):i]) if h.end <= m0), None)
    j = bisect.bisect_left(a.decisive_starts, m1)
    right = a.decisive[j] if j < len(a.decisive) and a.decisive[j].start < a.interrogative_from else None
    in_left = left if left is not None and left.start >= c0 else None
    in_right = right if right is not None and right.start < c1 else None
    if in_left and in_right:
        return in_left if t0 - in_left.t1 <= in_right.t0 - t1 else in_right
    if in_left or in_right:
        return in_left or in_right
    # A cue of another clause reaches a list item ("in Anbar, Diyala, Kirkuk"), or a clause of its own only when
    # the cue's clause has no place of its own ("ISIS is a threat, so we stay in Iraq").
    k0, k1 = _tok_range(a, c0, c1)  # a list item, or a clause about ISIS itself ("an ISIS leader in Syria")
    fragment = _plain_tokens(a, k0, k1, skip=(t0, t1)) < 3 or _near(a.actor_toks, k0, k1 - 1)
    for hit in (left, right):
        if hit is None:
            continue
        h0, h1 = _clause(a, hit.start)
        relative = hit is right and "relative" in a.cover.get(_tok_range(a, h0, h1)[0], ())
        if fragment or relative or not _anchored(a, h0, h1):
            return hit
    return None


def _tok_range(a: _Analysis, c0: int, c1: int) -> tuple[int, int]:
    return bisect.bisect_left(a.spans, (c0, -1)), bisect.bisect_left(a.spans, (c1, -1))


def _plain_tokens(a: _Analysis, k0: int, k1: int, *, skip: tuple[int, int]) -> int:
    """Tokens of [k0, k1) outside ``skip`` that are not prepositions or conjunctions (a predicate of its own)."""
    minor = {"locative", "anchor", "partner", "between"}
    return sum(1 for k in range(k0, k1) if not skip[0] <= k <= skip[1] and not a.cover.get(k, frozenset()) & minor
               and len(a.norm.text[a.spans[k][0]:a.spans[k][1]]) > 2)


def _anchored(a: _Analysis, c0: int, c1: int) -> bool:
    """Whether the clause has a place of its own: a spatial preposition followed by a word that is not a cue."""
    k0, k1 = _tok_range(a, c0, c1)
    return any("anchor" in a.cover.get(k, ()) and k + 1 < k1 and not a.cover.get(k + 1) for k in range(k0, k1))


def _hit_covering(a: _Analysis, tok: int, kind: str) -> _Hit | None:
    i = bisect.bisect_right(a.hits, a.spans[tok][0], key=lambda h: h.start)
    return next((h for h in reversed(a.hits[max(0, i - 16):i]) if h.kind == kind and h.t0 <= tok <= h.t1), None)


def _partner(a: _Analysis, t0: int, c0: int) -> _Hit | None:
    """A "with"/"between" that governs the mention (through a list of names), before any locative word."""
    for k in range(t0 - 1, max(t0 - 1 - _WINDOW, -1), -1):
        if a.spans[k][0] < c0:
            return None
        kinds = a.cover.get(k, frozenset())
        if "partner" in kinds:
            return _hit_covering(a, k, "partner")
        if "between" in kinds:  # "talks between Baghdad and Erbil"; but "the border between Iraq and Syria"
            hit = _hit_covering(a, k, "between")
            relational = hit is not None and any(
                "relational" in a.cover.get(j, frozenset()) for j in range(max(0, hit.t0 - 3), hit.t0))
            return hit if relational else None
        if kinds & {"locative", "actor", *POSITIVE, *BLOCKERS}:
            return None
    return None


def _institution(a: _Analysis, t0: int, t1: int, c0: int, c1: int) -> _Hit | None:
    """An embassy/base/meeting the mention locates ("embassy in Baghdad", "Baghdad embassy"), not an attack on it."""
    first_clause_tok = _tok(a, c0) if c0 > a.spans[0][0] else 0
    for k in (*range(t0 - 1, max(t0 - 1 - _WINDOW, first_clause_tok - 1, -1), -1), t1 + 1):
        if "institution" not in a.cover.get(k, frozenset()) or a.spans[k][0] >= c1:
            continue
        inst = _hit_covering(a, k, "institution")
        if inst is None or _near(a.actor_toks, inst.t0 - 2, inst.t1 + 2):
            continue  # "ISIS headquarters near Raqqa" locates ISIS
        lo = max(first_clause_tok, min(inst.t0, t0) - 4)
        if a.governing[t0] - a.governing[lo] == 0:
            return inst
    return None


def _agent(a: _Analysis, t0: int, t1: int, c1: int) -> _Hit | None:
    """The place names who speaks or acts ("the United States condemns", "حكومة العراق"), not a location."""
    before = _hit_covering(a, t0 - 1, "agent") if t0 > 0 and "agent" in a.cover.get(t0 - 1, ()) else None
    if before is not None and _arabic(a.norm.text[before.start]):
        return before
    k = t1 + 1
    after = _hit_covering(a, k, "agent") if k < len(a.spans) and "agent" in a.cover.get(k, ()) else None
    if after is not None and after.t0 == k and after.start < c1 and not _arabic(a.norm.text[after.start]):
        return after
    return None


def _question(text: str, passage: Passage, a: _Analysis) -> ThreatDecision:
    """A question asserts nothing unless it presupposes ISIS activity ("to reduce ISIS attacks there")."""
    q = a.interrogative_from
    part = [h for h in a.hits if h.start >= q]
    actors = sorted(h.t0 for h in part if h.kind == "actor")
    for h in part:
        # Arabic puts the actor after the noun (هجمات داعش); English before it (ISIS sleeper cells) or after of/by.
        arabic = _arabic(a.norm.text[h.start])
        before = not arabic and _near(actors, h.t0 - 1, h.t0 - 1)
        after = _near(actors, h.t1 + 1, h.t1 + (1 if arabic else 2))
        if h.kind == "presuppose" and (before or after):
            return _decision(text, passage, a, h, True)
    word = next((h for h in part if h.kind == "question"), None)
    return _decision(text, passage, a, word, False)


def _decision(text: str, passage: Passage, a: _Analysis, hit: _Hit | None, threat: bool) -> ThreatDecision:
    if hit is None:
        return ThreatDecision(threat, None)
    s, e = a.norm.to_original(hit.start, hit.end)
    cue = text[passage.start + s:passage.start + e].strip()
    return ThreatDecision(threat, cue or None)
