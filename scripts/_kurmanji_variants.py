"""Kurmanji Latin spellings of curated Iraqi and Syrian names, from their English transliteration, for build_geodata.py.

Kurmanji news writes an Arabic place name in its own Latin orthography, not in the English one: Khanaqin ->
Xanaqîn, Jalawla -> Celawla, Fallujah -> Fellûce, Baqubah -> Beqûbe, Tal Afar -> Til Afer, Abu Kamal -> Ebû Kemal,
Suwayda -> Suweyda. The rules, applied together to one English name of a curated place of Iraq or Syria:

- consonants: kh, gh -> x; sh -> ş; ch -> ç; j -> c; dh -> z; th -> s;
- long vowels and diphthongs: ou, oo -> û; ee -> î; aa -> a; ai -> ey (ay, aw take the short a rule below);
- endings: -iyah / -iya / -iyeh -> -iye; -ah / -eh -> -e (and -a);
- the article al- / el- / as- / ash- … dropped; a first word Tal / Tell / Tel -> Til, Abu -> Ebû, Deir / Dayr -> Dêr;
- the short vowel a written e (Kurmanji's short a): every choice for the first three a's of the name.

A Kurmanji name the place already has gives the spellings with one short e written a or the other way round
(Dêrezor -> Dêrazor), and a name in the oblique -iyê its direct case (Serêkaniyê -> Serêkanî).

The letters î û ê ş ç fold to i u e s c when matched (:mod:`threatmap.lang.normalize`), so the written form only
matters for display. A spelling is kept only when it has at least four letters, is no name of any place yet
(``taken``), is no ordinary word (one word with wordfreq Zipf >= ``ZIPF`` in English or ``ZIPF_TR`` in Turkish;
klpt's Kurmanji lexicon), and one place only produces it, or one place only from its own name rather than an
alias (a city and its governorate share aliases: Dêrazor is the city's).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any

from _latin_variants import DESIGNATORS as _FIXED

ZIPF = 2.5  # a one-word spelling this frequent in English is an ordinary word or name (Hamza 2.9, Elam 2.6) …
ZIPF_TR = 3.0  # … or in Turkish, whose Latin orthography Kurmanji shares (demir 5.0, kesim 4.2, Kasım 3.2)
_MAX_CHOICES = 3  # short a's written a or e: at most 2**3 spellings of a name
_CONSONANTS = (("kh", "x"), ("gh", "x"), ("sh", "ş"), ("ch", "ç"), ("dh", "z"), ("th", "s"), ("j", "c"))
_VOWELS = (("ou", "û"), ("oo", "û"), ("ee", "î"), ("aa", "a"), ("ai", "ey"))
_FIRST = {"tal": "til", "tall": "til", "tel": "til", "tell": "til", "abu": "ebû", "deir": "dêr", "dayr": "dêr"}
_ARTICLE = re.compile(r"^(?:al|el|as|ash|ad|ar|at|az|an|adh|ath)[- ]")
_ENDINGS = ((re.compile(r"iy(?:ah|a|eh)$"), ("iye",)), (re.compile(r"(?<=[^aeiou])(?:ah|eh)$"), ("e", "a")))
_TYPES = frozenset({"city", "town", "district", "subdistrict", "governorate", "village", "camp"})
_SHORT_A = re.compile(r"(?<![aeiouêîû])a(?![aeiouêîû])")


def _word(word: str) -> str:
    """The consonants, long vowels and ending of one lower-case word in Kurmanji letters."""
    for a, b in (*_CONSONANTS, *_VOWELS):
        word = word.replace(a, b)
    return word


def _endings(word: str) -> list[str]:
    for pattern, ends in _ENDINGS:
        if pattern.search(word) and len(word) > 4:
            return [pattern.sub(e, word) for e in ends]
    return [word]


def kurmanji_forms(name: str, *, fixed: Callable[[str], bool] = _FIXED.__contains__) -> set[str]:
    """Lower-case Kurmanji spellings of the English name ``name`` (see the module docstring), ``name`` excluded.

    A name with a word that ``fixed`` says is English (a designator: province, camp, mountains …) is no candidate:
    a Kurmanji writer translates it (Sinjar Mountains is Çiyayê Şengalê), which is not a spelling rule.
    """
    low = _ARTICLE.sub("", " ".join(name.lower().replace("-", " ").replace("'", "").split()))
    words = low.split(" ")
    if not low or any(fixed(w) for w in words) or not all(w.isalpha() for w in words):
        return set()
    words = [_FIRST.get(words[0], words[0]), *words[1:]] if len(words) > 1 else words
    stems = [_endings(_word(w)) for w in words]
    out: set[str] = set()
    for choice in itertools.product(*stems):
        text = " ".join(choice)
        shorts = [m.start() for m in _SHORT_A.finditer(text)][:_MAX_CHOICES]
        for flips in itertools.product((False, True), repeat=len(shorts)):
            chars = list(text)
            for pos, flip in zip(shorts, flips, strict=True):
                if flip:
                    chars[pos] = "e"
            out.add("".join(chars))
    out.discard(" ".join(name.lower().replace("-", " ").split()))
    return out


def vowel_variants(name: str) -> set[str]:
    """Lower-case spellings of the Kurmanji name ``name`` with ONE short vowel e written a or the other way round
    (Dêrezor / Dêrazor, Reqa / Raqa), ``name`` excluded: Kurmanji writers differ on the short a of Arabic names."""
    low = " ".join(name.lower().replace("-", " ").split())
    out = {low[:i] + ("a" if c == "e" else "e") + low[i + 1:] for i, c in enumerate(low)
           if c in "ae" and (i == 0 or low[i - 1] not in "aeiouêîû") and (i + 1 == len(low) or low[i + 1] not in
                                                                        "aeiouêîû")}
    out.discard(low)
    return out


def direct_case(name: str) -> str:
    """The direct case of a Kurmanji name written in the oblique ending -iyê (Serêkaniyê -> serêkanî, Dirbêsiyê ->
    dirbêsî), lower case; the matcher already takes -ê / -yê after a name, and ê meets e (Amûdê / Amûde)."""
    low = " ".join(name.lower().split())
    return low[:-3] + "î" if low.endswith("iyê") and len(low) > 5 else low


def kurmanji_variants(entries: Iterable[dict[str, Any]], *, key: Callable[[str], str], taken: set[str],
                      ordinary: Callable[[str], bool], kurdish_words: Collection[str]
                      ) -> dict[str, dict[str, list[str]]]:
    """``{place id: {"kmr": [spelling]}}`` for the towns, districts and governorates of Iraq and Syria among
    ``entries`` (see the module docstring).

    ``taken``: the keys of every name of the gazetteer; ``ordinary(word)``: whether a one-word spelling is an ordinary
    word or a common personal name of Latin-script text (``build_geodata.py``: wordfreq English Zipf >= ``ZIPF`` or
    Turkish Zipf >= ``ZIPF_TR``: Hamza, Demir, Kasım); ``kurdish_words``: ordinary Kurmanji words, lower case.
    """
    made: dict[str, set[str]] = defaultdict(set)  # key -> places that produce it
    primary: dict[str, set[str]] = defaultdict(set)  # key -> places whose own name (not an alias) produces it
    spelled: dict[tuple[str, str], str] = {}
    for e in entries:
        if e.get("country") not in ("IQ", "SY") or e.get("type") not in _TYPES:
            continue
        names = [(e.get("names") or {}).get("en"), *((e.get("aliases") or {}).get("en") or [])]
        kurmanji = [(e.get("names") or {}).get("kmr"), *((e.get("aliases") or {}).get("kmr") or [])]
        own = {f for f in kurmanji_forms(str(names[0] or ""))} | {f for f in vowel_variants(str(kurmanji[0] or ""))}
        forms = {f for n in names if n and not str(n).isupper() for f in kurmanji_forms(str(n))}
        forms |= {f for n in kurmanji if n for f in vowel_variants(str(n))}
        forms |= {direct_case(str(n)) for n in kurmanji if n and str(n).lower().endswith("iyê")}
        for form in sorted(forms):
            k = key(form)
            if (sum(c.isalpha() for c in form) < 4 or k in taken or form in kurdish_words
                    or (" " not in form and ordinary(form))):
                continue
            made[k].add(e["id"])
            if form in own:
                primary[k].add(e["id"])
            spelled.setdefault((e["id"], k), " ".join(w[:1].upper() + w[1:] for w in form.split(" ")))
    out: dict[str, list[str]] = defaultdict(list)
    for k, ids in sorted(made.items()):
        owners = ids if len(ids) == 1 else primary[k]  # a city and its governorate share names: the city's own
        if len(owners) == 1:  # name wins (Dêrezor -> Dêrazor is the city, not Parêzgeha Dêrezorê)
            pid = next(iter(owners))
            out[pid].append(spelled[(pid, k)])
    return {pid: {"kmr": sorted(out[pid])} for pid in sorted(out)}


KURMANJI_HEADER = ("# Generated by scripts/build_geodata.py (scripts/_kurmanji_variants.py); do not edit.",
                   "# Kurmanji Latin spellings of curated Iraqi and Syrian names from their English transliteration",
                   "# (kh -> x, j -> c, sh -> ş, -ah -> -e, Tal -> Til, Abu -> Ebû, short a -> e: Celawla, Beqûbe).")
"""The comment lines of ``geodata/spellings_kmr.yaml`` (written by ``_spellings.spellings_text``)."""
