"""Choose the place a name means among the places that share it: context words, declared preference, coherence.

The evidence, in order:

1. A place-type word touching the name: before it (محافظة، مدينة، قضاء، نهر، جبال، Sorani پارێزگای، شاری،
   چیای، Kurmanji parêzgeha, bajarê, çiyayê, "province of", "city of", "river" …) or after it in English
   ("Anbar province", "Tigris river", "Sinjar Mountains"); منطقة / "area"
   says nothing. A type word keeps only the candidates of that type (if any).
2. ``preferred_for``: a place that declares the alias wins it.
3. Document coherence: the country most mentioned by the document's unambiguous names (a document about
   Syria prefers Syrian candidates).
4. Tie-break: the more precise place (lower precision code: a city before its governorate), then by type
   rank (settlements first), then by id (stable).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from threatmap.lang.clitics import strip_clitic
from threatmap.lang.normalize import normalize_key
from threatmap.lang.place_words import (
    AFTER_TYPE_WORDS,
    AR_TYPE_WORDS,
    EN_TYPE_PHRASES,
    KU_TYPE_WORDS,
    PLURAL_TYPE_WORDS,
)
from threatmap.models import Place

__all__ = ["HINT_TYPES", "Evidence", "Hints", "propagate_hints", "related_ids", "resolve", "type_hint"]

HINT_TYPES: Mapping[str, frozenset[str]] = {
    "governorate": frozenset({"governorate"}),
    "city": frozenset({"city", "town", "village"}),
    "district": frozenset({"district", "subdistrict"}),
    "subdistrict": frozenset({"subdistrict", "district"}),
    "river": frozenset({"river", "valley"}),
    "mountain_range": frozenset({"mountain_range"}),
    "lake": frozenset({"lake"}),
    "camp": frozenset({"camp"}),
    "desert": frozenset({"desert", "region"}),
    "plain": frozenset({"plain", "region"}),
    "valley": frozenset({"valley", "river"}),
    "country": frozenset({"country"}),
}
"""A type hint -> the place types it admits."""

_AR_TYPE_WORDS = {normalize_key(w): h for w, h in AR_TYPE_WORDS.items()}  # keys as in normalised text
_BEFORE: dict[tuple[str, ...], str] = {(w,): h for w, h in _AR_TYPE_WORDS.items()}
for _word, _hint in KU_TYPE_WORDS.items():
    _BEFORE[tuple(normalize_key(_word).split())] = _hint
for _phrase, _hint in EN_TYPE_PHRASES.items():
    _BEFORE[tuple(_phrase.split())] = _hint
    _BEFORE[("the", *_phrase.split())] = _hint
_AFTER: dict[str, str] = dict(AFTER_TYPE_WORDS)
_PLURALS = frozenset(normalize_key(w) for w in PLURAL_TYPE_WORDS)
_AR_BEFORE_WORDS = frozenset(_AR_TYPE_WORDS)
_TYPE_RANK = {t: i for i, t in enumerate((
    "city", "town", "village", "camp", "governorate", "district", "subdistrict", "country", "region",
    "mountain_range", "desert", "plain", "valley", "river", "lake"))}


@dataclass(frozen=True, slots=True)
class Hints:
    """Type words around one name: before it (``محافظة``, "city of") and after it ("province")."""

    before: str | None = None
    after: str | None = None
    plural_before: bool = False
    """The word before is plural (محافظات): it also types the names listed after this one."""
    plural_after: bool = False
    """The word after is plural ("provinces"): it also types the names listed before this one."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the text says about one mention: a type hint and the alias key it was found under."""

    key: str
    hint: str | None = None


def type_hint(norm_text: str, word_start: int, end: int) -> Hints:
    """Type hints of the name at ``norm_text[word_start:end]`` (normalised text).

    ``word_start`` is where the name's word begins (clitic included). "before" comes from a type word right
    before the name; "after" from an English type word right after it (``Anbar province``).
    """
    before = after = None
    plural_before = plural_after = False
    if word_start > 0 and norm_text[word_start - 1] == " ":
        tokens = norm_text[max(0, word_start - 60):word_start].split(" ")[-4:-1]
        for size in (3, 2, 1):
            if len(tokens) >= size:
                key = tuple(tokens[-size:]) if size > 1 else (strip_clitic(tokens[-1], _AR_BEFORE_WORDS),)
                if key in _BEFORE:
                    before = _BEFORE[key]
                    plural_before = " ".join(key) in _PLURALS
                    break
    if end < len(norm_text) and norm_text[end] == " ":
        nxt = norm_text[end + 1:end + 24].split(" ", 1)[0].rstrip(".,;:)")
        after = _AFTER.get(nxt)
        plural_after = nxt in _PLURALS
    return Hints(before, after, plural_before, plural_after)


def resolve(candidates: Sequence[Place], evidence: Evidence, *, countries: Counter[str] | None = None,
            preferred: Mapping[str, Collection[str]] | None = None) -> Place | None:
    """The place meant among ``candidates`` (all share ``evidence.key``); None when there are none.

    Parameters
    ----------
    candidates
        Places carrying the matched alias.
    evidence
        The alias key and the type hint found in the text.
    countries
        Country codes counted over the document's unambiguous mentions (document coherence).
    preferred
        Place id -> the alias keys it declares in ``preferred_for`` (already in matcher key form).
    """
    cands = list(candidates)
    if len(cands) <= 1:
        return cands[0] if cands else None
    if evidence.hint:
        typed = [p for p in cands if p.type in HINT_TYPES.get(evidence.hint, ())]
        if typed:
            cands = typed
    if len(cands) > 1 and preferred:
        declared = [p for p in cands if evidence.key in preferred.get(p.id, ())]
        if declared:
            cands = declared
    if len(cands) > 1 and countries:
        best = max(countries.get(p.country or "", 0) for p in cands)
        if best > 0:
            cands = [p for p in cands if countries.get(p.country or "", 0) == best]
    return min(cands, key=lambda p: (p.precision or 9, _TYPE_RANK.get(p.type, 99), p.id))


def propagate_hints(hints: list[Hints], links: list[str | None]) -> list[str | None]:
    """One type hint per mention: its own, else a plural one of its list (محافظات X و Y; X, Y and Z provinces)."""
    out: list[str | None] = [h.before or h.after for h in hints]
    carry: str | None = None
    for i, h in enumerate(hints):  # forward: "محافظات الأنبار وديالى"
        if not (i and links[i - 1]):
            carry = None
        elif carry and out[i] is None:
            out[i] = carry
        if h.before and h.plural_before:
            carry = h.before
    carry = None
    for i in range(len(hints) - 1, -1, -1):  # backward: "Anbar, Diyala and Kirkuk provinces"
        if not (i < len(links) and links[i]):
            carry = None
        elif carry and out[i] is None:
            out[i] = carry
        if hints[i].after and hints[i].plural_after:
            carry = hints[i].after
    return out


def related_ids(places: dict[str, Place]) -> dict[str, set[str]]:
    """Place id -> ids of its parent, siblings and children, countries left out (evidence for ambiguous names)."""
    children: dict[str, set[str]] = {}
    for p in places.values():
        if p.parent and p.type != "country":
            children.setdefault(p.parent, set()).add(p.id)
    related: dict[str, set[str]] = {}
    for p in places.values():
        rel = set(children.get(p.id, ()))
        parent = places.get(p.parent) if p.parent else None
        if parent is not None and parent.type != "country":
            rel.add(parent.id)
            rel |= children.get(parent.id, set())
        rel.discard(p.id)
        related[p.id] = rel
    return related
