"""The threat cue lexicon (``threatmap/data/threat_cues.yaml``): loading, and the phrases as word-id sequences."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from threatmap.geoparse.match.lexicon import kurdish_words
from threatmap.lang.clitics import KMR_CASE_ENDINGS
from threatmap.lang.kurdish_verbs import verb_forms
from threatmap.lang.normalize import normalize_key
from threatmap.lang.scripts import is_arabic

__all__ = ["BLOCKERS", "FAMILIES", "POSITIVE", "TOKEN_RE", "Lexicon", "cue_families", "lexicon", "written"]

POSITIVE = ("threat", "presence", "presence_bound", "attack", "combat", "war")
"""Cue families that assert ISIS activity (when ISIS is their actor)."""
BLOCKERS = ("defeat", "history", "training", "humanitarian", "stability", "political")
"""Cue families that make a clause about something else than present ISIS activity."""
FAMILIES = (*POSITIVE, *BLOCKERS, "actor", "actor_weak", "other_actor", "institution", "recent", "negation",
            "partner", "between", "relational", "agent", "locative", "anchor", "relative", "question", "presuppose",
            "continuation", "filler", "speaker", "addressee", "owner", "reported", "separate", "since", "not_mean",
            "agency", "speech", "direction", "agent_close")
TOKEN_RE = re.compile(r"[^\W_]+")
"""A token of normalised text: a run of letters and digits of any script."""


@lru_cache(maxsize=1)
def _raw_lexicon() -> dict[str, dict[str, tuple[str, ...]]]:
    source = resources.files("threatmap").joinpath("data/threat_cues.yaml").read_text(encoding="utf-8")
    raw = yaml.load(source, Loader=yaml.BaseLoader)  # every value a string: "no" and "on" are words, not booleans
    missing = [f for f in FAMILIES if f not in (raw or {})]
    if missing:
        raise ValueError(f"threat_cues.yaml: expected families {list(FAMILIES)!r}, missing {missing!r}; add them")
    out = {fam: {lang: tuple(str(p) for p in (phrases or ())) for lang, phrases in raw[fam].items()}
           for fam in FAMILIES}
    for fam, per_lang in (raw.get("verbs") or {}).items():
        if fam not in out:
            raise ValueError(f"threat_cues.yaml, block verbs: expected a family of {list(FAMILIES)!r}, got {fam!r}")
        for lang, verbs in per_lang.items():
            out[fam][lang] = (*out[fam].get(lang, ()), *_verb_words(fam, lang, verbs or ()))
    return out


def _verb_words(fam: str, lang: str, verbs: Sequence[str]) -> tuple[str, ...]:
    """The lexicon words of the ``past|present`` verbs of one family and language (:func:`verb_forms`)."""
    words: list[str] = []
    for verb in verbs:
        stems = str(verb).split("|")
        if len(stems) != 2 or not all(stems):
            raise ValueError(f"threat_cues.yaml, verbs/{fam}/{lang}: expected 'past stem|present stem', got {verb!r}; "
                             "write e.g. 'kuşt|kuj'")
        words.extend(verb_forms(lang, stems[0], stems[1]))
    return tuple(words)


@lru_cache(maxsize=1)
def cue_families() -> dict[str, tuple[str, ...]]:
    """The cue lexicon (``threatmap/data/threat_cues.yaml``): family -> phrases of every language."""
    return {fam: tuple(p for phrases in per_lang.values() for p in phrases) for fam, per_lang in _raw_lexicon().items()}


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Phrases as sequences of word ids, with hash indexes from a word form to the words it can be.

    The indexes are kept per language, so that each morphology only reaches its own words: a token with Arabic
    clitics or suffixes removed matches ``ar`` words, with Sorani enclitics removed ``ckb`` words, with Kurmanji
    endings removed ``kmr`` words, with a plural/possessive s removed ``en`` words; the token itself matches all.
    """

    exact: dict[str, dict[str, tuple[int, ...]]]
    wild: dict[str, dict[str, tuple[int, ...]]]
    max_wild: int
    by_first: dict[int, tuple[tuple[str, tuple[int, ...]], ...]]
    folded: dict[int, tuple[tuple[str, ...], tuple[str, ...]]]
    """Words whose key is also the key of another, ordinary word of their language once normalisation has folded
    a letter (Kurmanji şer "war" and ser "on"): word id -> (its written forms, the other words' written forms).
    A token written as one of the others, and not as the word, is not this word (see :func:`written`)."""


def _freeze(per_lang: dict[str, dict[str, list[int]]]) -> dict[str, dict[str, tuple[int, ...]]]:
    out = {lang: {k: tuple(v) for k, v in d.items()} for lang, d in per_lang.items()}
    merged: dict[str, set[int]] = {}
    for d in per_lang.values():
        for k, v in d.items():
            merged.setdefault(k, set()).update(v)
    out["*"] = {k: tuple(sorted(v)) for k, v in merged.items()}
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The phrases of every family as sequences of word ids, with the indexes of :class:`Lexicon` (built once)."""
    ids: dict[tuple[str, bool], int] = {}
    index: dict[bool, dict[str, dict[str, list[int]]]] = {False: {}, True: {}}
    by_first: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    written_forms: dict[tuple[str, int], set[str]] = {}
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
                        if len(parts) == 1 and not is_arabic(part):
                            written_forms.setdefault((lang, wid), set()).add(written(raw.rstrip("*")))
                if seq and (fam, tuple(seq)) not in by_first.get(seq[0], []):
                    by_first.setdefault(seq[0], []).append((fam, tuple(seq)))
    folded = _folded_words(written_forms)
    max_wild = max((len(k) for d in index[True].values() for k in d), default=0)
    return Lexicon(_freeze(index[False]), _freeze(index[True]), max_wild, {k: tuple(v) for k, v in by_first.items()},
                   folded)


_COMMA_BELOW = str.maketrans("șț", "şţ")


def written(word: str) -> str:
    """A word as written, for comparing spellings that normalisation folds together (NFC, case folded, and the
    comma-below ș ț that some keyboards type for Kurdish ş ţ read as them)."""
    return unicodedata.normalize("NFC", word).casefold().translate(_COMMA_BELOW)


def _folded_words(forms: dict[tuple[str, int], set[str]]) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """The words of :attr:`Lexicon.folded` among ``forms`` ((language, word id) -> written forms): Latin-script
    Kurmanji words whose folded key is an ordinary Kurmanji word (``data/kurdish_words.txt``) written otherwise,
    a spelling the lexicon does not list itself, alone or with a case ending (şerê against serê "on its").
    Arabic-script Sorani is left out: its folded letters (ڕ/ر, ێ/ي, ک/ك) vary with the keyboard in real text, so
    a written form there does not tell two words apart."""
    listed = {w for (lang, _), ws in forms.items() if lang == "kmr" for w in ws}
    ordinary: dict[str, set[str]] = {}
    for o in kurdish_words("kmr"):
        if written(o) not in listed:
            ordinary.setdefault(normalize_key(o), set()).add(written(o))
    out: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for (lang, wid), ws in forms.items():
        if lang != "kmr":
            continue
        for w in ws:
            key = normalize_key(w)
            if key == w or len(key) != len(w):  # nothing folded, or not letter for letter
                continue
            others = {o + w[len(key) - len(suf):]
                      for suf in ("", *KMR_CASE_ENDINGS) if key.endswith(suf) and len(key) - len(suf) >= 2
                      for o in ordinary.get(key[:len(key) - len(suf)], ())} - listed
            if others:
                raws, rest = out.get(wid, ((), ()))
                out[wid] = (tuple(sorted({*raws, *ws})), tuple(sorted({*rest, *others})))
    return out
