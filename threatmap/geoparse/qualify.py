"""Spatial qualifiers of a place name in text (near, north of, شمال، قرب, Mosul's outskirts …): the text side.

Detection reads the normalised text (``normalize``) around the name: a qualifier before it must touch the name,
with at most one filler between them ("the city of", "مدينة"); after it, only "'s (western) outskirts /
countryside / suburbs …", "وضواحيها"-like words, and ريف X الشمالي. The geometry a qualifier means is
:func:`threatmap.geometry.qualified_geometry`.
"""

from __future__ import annotations

from threatmap.lang.clitics import AR_CLITICS, strip_clitic
from threatmap.lang.normalize import normalize_key
from threatmap.lang.place_words import AR_FILLERS, EN_FILLERS

__all__ = ["find_qualifier"]

_EN_NEAR = ("near", "nearby", "around", "outside", "outside of", "outskirts of", "the outskirts of",
            "vicinity of", "close to", "surroundings of", "environs of", "countryside of", "near to")
_AR_NEAR = ("قرب", "بالقرب من", "قريب من", "قريبا من", "القريبه من", "محيط", "اطراف", "ضواحي", "حول", "مشارف",
            "ريف", "جوار", "بجوار", "قرابه")
_FILLERS = tuple(tuple(normalize_key(w) for w in f.split()) for f in EN_FILLERS + AR_FILLERS)
_FILLER_LAST = frozenset(f[-1] for f in _FILLERS)
_EN_AROUND = frozenset({"outskirts", "suburbs", "countryside", "environs", "vicinity", "periphery", "surroundings",
                        "hinterland", "outskirt"})
_AR_AROUND = frozenset(normalize_key(w) for w in ("وضواحيها", "وضواحيه", "وأطرافها", "وأطرافه", "ومحيطها", "ومحيطه",
                                                  "وريفها", "وريفه"))
_EN_ADJECTIVES = {"northern": "north", "southern": "south", "eastern": "east", "western": "west",
                  "northeastern": "northeast", "northwestern": "northwest", "southeastern": "southeast",
                  "southwestern": "southwest"}
_AR_AFTER = {"الشمالي": "north", "الشماليه": "north", "الجنوبي": "south", "الجنوبيه": "south",
             "الشرقي": "east", "الشرقيه": "east", "الغربي": "west", "الغربيه": "west"}


def _phrases() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for phrase in _EN_NEAR + _AR_NEAR:
        table[tuple(phrase.split())] = "near"
    en_parts = {"north": ("north", "northern"), "south": ("south", "southern"),
                "east": ("east", "eastern"), "west": ("west", "western")}
    ar_parts = {"north": ("شمال", "شمالي"), "south": ("جنوب", "جنوبي"), "east": ("شرق", "شرقي"),
                "west": ("غرب", "غربي")}
    for direction in ("north", "south", "east", "west"):
        for word in en_parts[direction]:
            for tail in ((), ("of",), ("parts", "of"), ("part", "of")):
                table[(word, *tail)] = direction
                table[("the", word, *tail)] = direction
        for word in ar_parts[direction]:
            table[(word,)] = direction
            table[("ال" + word, "من")] = direction
    for ns in ("north", "south"):
        for ew in ("east", "west"):
            name = ns + ew
            for a in en_parts[ns][:1]:
                for b in (ew, ew + "ern"):
                    for words in ((a, b), (a + b,)):
                        for tail in ((), ("of",), ("parts", "of")):
                            table[(*words, *tail)] = name
            for a in ar_parts[ns]:
                for b in ar_parts[ew]:
                    table[(a, b)] = name
    return table


_PHRASES = {tuple(normalize_key(w) for w in k): v for k, v in _phrases().items()}  # as in normalised text
_MAX_WORDS = max(len(k) for k in _PHRASES)


def _clean(token: str) -> str:
    return token if token.isalnum() else ""


def find_qualifier(norm_text: str, start: int, end: int) -> str | None:
    """The qualifier of the name at ``norm_text[start:end]`` (normalised text, clitic excluded), or None.

    ``start`` is where the name's word begins (before its clitic, if any): a name with a clitic is never
    qualified directly (``وقرجوخ`` takes the qualifier of the list it continues; see the geoparser).
    """
    found = _before(norm_text, start) if start > 0 and norm_text[start - 1] == " " else None
    if found is None:
        return _after(norm_text, end)
    qualifier, first_word = found
    if qualifier == "near" and first_word in ("ريف", "باديه"):
        after = norm_text[end:end + 40].split(" ")
        if len(after) > 1 and after[0] == "" and after[1] in _AR_AFTER:
            return _AR_AFTER[after[1]]
    return qualifier


def _before(norm_text: str, start: int) -> tuple[str, str] | None:
    """The qualifier phrase ending right before ``start`` (a filler such as "the city of" may sit between)."""
    tokens = norm_text[max(0, start - 160):start].split(" ")[-(_MAX_WORDS + 3):-1]
    tokens = [_clean(t) for t in tokens]
    found = _match_end(tokens)
    if found is None and tokens and strip_clitic(tokens[-1], _AR_WORDS) in _FILLER_LAST:
        stripped = tuple(strip_clitic(t, _AR_WORDS) for t in tokens)
        for words in _FILLERS:
            if len(tokens) > len(words) and stripped[-len(words):] == words:
                found = _match_end(tokens[:-len(words)])
                if found is not None:
                    break
    return found


def _after(norm_text: str, end: int) -> str | None:
    """A qualifier after the name: "Mosul's (western) outskirts", "the Kirkuk countryside", "الموصل وضواحيها"."""
    tail = norm_text[end:end + 48]
    if tail.startswith("s "):  # the possessive: Mosul's -> "mosuls" once the apostrophe is gone
        tail = tail[1:]
    if not tail.startswith(" "):
        return None
    words = [_clean(w) for w in tail[1:].split(" ", 3)[:3]]
    if words and words[0] in _AR_AROUND:
        return "near"
    direction = _EN_ADJECTIVES.get(words[0]) if words else None
    noun = words[1] if direction and len(words) > 1 else (words[0] if words else "")
    return (direction or "near") if noun in _EN_AROUND else None


def _match_end(tokens: list[str]) -> tuple[str, str] | None:
    """The longest qualifier phrase ending the token list, as (qualifier, its first word)."""
    if not tokens or tokens[-1] not in _LAST_WORDS:
        return None
    for size in range(min(_MAX_WORDS, len(tokens)), 0, -1):
        tail = tokens[-size:]
        if "" in tail:
            continue
        key = tuple(tail)
        if key not in _PHRASES:
            key = (strip_clitic(tail[0], _AR_WORDS), *tail[1:])
        if key in _PHRASES:
            return _PHRASES[key], key[0]
    return None


_AR_WORDS = frozenset(w for k in _PHRASES for w in k) | frozenset(w for f in _FILLERS for w in f)
_LAST_WORDS = frozenset(k[-1] for k in _PHRASES) | frozenset(c + k[-1] for k in _PHRASES if len(k) == 1
                                                             for c in AR_CLITICS)
