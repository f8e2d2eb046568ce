"""Alias automaton: finds gazetteer names in text with Arabic clitics, Kurdish enclitics and word boundaries.

One pyahocorasick automaton holds every alias key (``normalize_key`` in its word view), each preceded by a
space and, for Arabic-script keys, by every clitic combination (و ف ب ل ك, with ال or its ``لل`` form), so
one pass over the padded word view of the text finds only matches that start a word. The end of a match is
checked per match: a space, or an enclitic suffix that the rules allow (Sorani ی دا یش ەوە ەکە … only with
Kurdish evidence; Kurmanji -ê -yê -a -ya; English 's). Blocked names (organisations, persons, outlets whose
name contains a place) are keys of the same automaton and suppress the place matches inside them. Spelling
variants of long multi-word names are found from anchor words with a strict edit-distance rule.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

import ahocorasick

from threatmap.geoparse.match.filters import (
    QUOTE_RE,
    QUOTES_AND_SPACE,
    arabic_adjective,
    capital_at,
    capitalised,
    compound_adjective,
    has_quote,
    in_identifier,
    in_quoted_name,
    nisba_adjective,
)
from threatmap.geoparse.match.lexicon import (
    ANCHOR_STOP,
    AR_COMMON,
    BLOCK_TEMPLATES,
    BLOCKED,
    EN_COMMON,
    GENERIC_WORDS,
)
from threatmap.geoparse.match.select import select as _select
from threatmap.geoparse.match.variants import Cand as _Cand
from threatmap.geoparse.match.variants import anchors, fuzzy_window, sorani_variants
from threatmap.lang.clitics import AR_LL_PREFIXES as LL_PREFIXES
from threatmap.lang.clitics import AR_NAME_PREFIXES as AR_PREFIXES
from threatmap.lang.clitics import LATIN_NAME_SUFFIXES as LATIN_SUFFIXES
from threatmap.lang.clitics import SORANI_NAME_SUFFIXES as SORANI_SUFFIXES
from threatmap.lang.normalize import Normalized, matching_view, normalize_for_matching
from threatmap.lang.scripts import KURDISH_EVIDENCE_LETTERS as KURDISH_LETTERS
from threatmap.lang.scripts import KURMANJI_LETTERS

__all__ = ["BLOCKED", "BLOCK_TEMPLATES", "AliasEntry", "Match", "Matcher", "match_key"]


_APOSTROPHES = "'’ʼ"
_MAX_SUFFIX = 7  # the longest enclitic of SORANI_NAME_SUFFIXES (هكانهوه)
_START = itemgetter(0)
_HYPHENS = frozenset("-‐‑")
_TOKEN_JOINERS = frozenset("-/_.=@:\\")


def match_key(name: str) -> str:
    """The automaton key of a name: its normalised word view (punctuation as single spaces), stripped."""
    return " ".join(normalize_for_matching(name)[1].split())


_EN_COMMON = frozenset(match_key(w) for w in EN_COMMON)  # in key form (القائم -> القايم)
_AR_COMMON = frozenset(match_key(w) for w in AR_COMMON)
_SORANI_SUFFIXES = frozenset(match_key(w) for w in SORANI_SUFFIXES)
_GENERIC_WORDS = frozenset(match_key(w) for w in GENERIC_WORDS)
_ANCHOR_STOP = frozenset(match_key(w) for w in ANCHOR_STOP)
_AR_PREFIXES = AR_PREFIXES
_LL_PREFIXES = LL_PREFIXES
_LATIN_SUFFIXES = LATIN_SUFFIXES
_ALL_SUFFIXES = _SORANI_SUFFIXES | _LATIN_SUFFIXES
_KURDISH_LETTERS = KURDISH_LETTERS
_KURMANJI_LETTERS = KURMANJI_LETTERS
_KURDISH_LANGS = frozenset({"ckb", "kmr"})


def _is_arabic_script(key: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in key)


_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")
_ATTRIBUTIVE = re.compile(r" (?!(?:and|or|is|was|has|had|have|in|on|at|to|of|for|with|by|from|as|says|said|will|"
                          r"would|also|and|but|not|government|officials?)\b)[a-z][a-z-]+\b")
_US_BODY = re.compile(r"\s+(?:Central Command|Army|Air Force|Navy|Marine Corps|Embassy|Consulate|Department|Agency|"
                      r"Mission|Congress|Senate|House|Treasury|Special Operations|Forces|Government|Institute)\b")


def _letters(key: str) -> int:
    return sum(c.isalpha() for c in key)


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """One alias key with the places that carry it and how it must be matched."""

    key: str
    place_ids: tuple[str, ...]
    arabic: bool
    blocked: bool = False
    needs_capital: bool = False
    """A Latin key that is also an ordinary English word or very short: needs an upper-case first letter."""
    needs_context: bool = False
    """An Arabic key that is also an ordinary word: needs a place-type word or a related place (resolver)."""
    fuzzy: bool = True
    """Whether spelling variants are searched (curated places only; see :meth:`Matcher.build`)."""
    kurdish_word: bool = False
    """A key that is also an ordinary Kurdish word (گوت "said" = كوت) and no Kurdish name of its places: in a
    Kurdish document it needs context, as :attr:`needs_context`."""
    minor_name: bool = False
    """An Arabic-script one-word name of minor places only that is no Arabic word (زاخو): found without context in
    Arabic text, but in a Kurdish document it needs context, since Kurdish personal names (کاوە) are no Arabic
    words either."""


class Match(NamedTuple):
    """A name found in a text; offsets of the name without clitics, in the original and normalised text.

    An immutable named tuple rather than a frozen dataclass: thousands are made per megabyte of text.
    """

    start: int
    end: int
    nstart: int
    nend: int
    key: str
    place_ids: tuple[str, ...]
    prefix: str = ""
    """The clitic prefix before the name (normalised), e.g. ``"و"`` or ``"بال"`` minus the alias's own ال."""
    fuzzy: bool = False
    needs_context: bool = False


# A candidate before selection: (normalised start, normalised end, prefix length, entry, fuzzy).
_Exact = tuple[int, int, AliasEntry]
_Anchor = tuple[int, int, AliasEntry, int, str, int, int]


class Matcher:
    """Find alias keys in texts; build once with :meth:`build`, then call :meth:`find` per document."""

    def __init__(self, entries: Iterable[AliasEntry]) -> None:
        # automaton text -> (exact forms: (form length, prefix length, entry),
        #                    anchor words: (word length, prefix length, entry, index of the word in the name,
        #                                   the name, offset of the word in the name, number of words))
        table: dict[str, tuple[list[_Exact], list[_Anchor]]] = {}
        entries = list(entries)
        self.entries: dict[str, AliasEntry] = {e.key: e for e in entries}
        fuzzy = [e for e in entries if e.fuzzy and not e.blocked and " " in e.key and _letters(e.key) >= 8]
        word_use = Counter(w for e in fuzzy for w in set(e.key.split(" ")))
        for entry in entries:
            for prefix, form in _forms(entry):
                table.setdefault(" " + prefix + form, ([], []))[0].append((len(form), len(prefix), entry))
        for entry in fuzzy:
            # Anchors: the two longest words of the name that are rare (not a name themselves, not generic,
            # in at most _MAX_ANCHOR_USE names).
            words = entry.key.split(" ")
            for i in anchors(words, word_use, self.entries, stop=_ANCHOR_STOP, generic=_GENERIC_WORDS,
                             fallback=entry.arabic):
                word = words[i]
                for prefix in (_AR_PREFIXES if entry.arabic else ("",)) if i == 0 else ("",):
                    table.setdefault(" " + prefix + word, ([], []))[1].append(
                        (len(word), len(prefix), entry, i, entry.key, sum(len(w) + 1 for w in words[:i]), len(words)))
        self._automaton = ahocorasick.Automaton()
        for text, (exact, anchored) in table.items():
            self._automaton.add_word(text, (tuple(exact), tuple(anchored)))
        if table:
            self._automaton.make_automaton()
        self._empty = not table

    @classmethod
    def build(cls, aliases: Iterable[tuple[str, str, str, str]], *, strict_places: Collection[str] = (),
              no_fuzzy: Collection[str] = (), kurdish_words: Collection[str] = (),
              arabic_words: Collection[str] | None = None, abroad_places: Collection[str] = ()) -> Matcher:
        """Build from ``(alias, lang, place_id, place_type)`` tuples; the blocklist is added here.

        Aliases with fewer than three letters after normalisation are dropped (never matched).
        ``strict_places`` are ids of minor places (generated towns and villages) whose one-word names need
        evidence: an Arabic one needs context (see :attr:`AliasEntry.needs_context`), a Latin one a capital.
        Spelling variants are searched for names of places outside ``strict_places`` and ``no_fuzzy``.
        ``kurdish_words`` are keys of ordinary Kurdish words (:func:`~.lexicon.kurdish_word_keys`): a key among
        them (also without its article ال) that no Sorani or Kurmanji alias gives needs context in Kurdish text.
        ``arabic_words`` are keys of Arabic words (:func:`~.lexicon.arabic_word_keys`): given, a one-word Arabic name
        of a minor place needs context only when it is among them (also without ال); not given, it always does.
        ``abroad_places`` (minor places outside Iraq and Syria) need context whatever their names.
        """
        strict = frozenset(strict_places)
        abroad = frozenset(abroad_places)
        no_fuzzy = frozenset(no_fuzzy)
        by_key: dict[str, list[str]] = {}
        template_names: dict[str, set[str]] = {}
        kurdish_named: set[str] = set()  # keys that a Sorani or Kurmanji alias gives
        for alias, lang, place_id, place_type in aliases:
            key = match_key(alias)
            if _letters(key) < 3 and not _DOTTED.fullmatch(alias):
                continue  # too short to be a name, unless a dotted abbreviation (U.S.), which needs its capital
            keys = sorani_variants(key) if lang == "ckb" or not _KURDISH_LETTERS.isdisjoint(alias) else (key,)
            if lang in _KURDISH_LANGS:
                kurdish_named.add(key)  # as written: the single-و variant كوت of کووت is no name
            for k in keys:
                ids = by_key.setdefault(k, [])
                if place_id not in ids:
                    ids.append(place_id)
            if place_id not in strict:
                template_names.setdefault(place_type, set()).add(alias)
        entries = []
        for key, ids in by_key.items():
            arabic = _is_arabic_script(key)
            minor = " " not in key and all(i in strict for i in ids)
            word = (arabic_words is None or key in arabic_words or (key.startswith("ال") and key[2:] in arabic_words)
                    or not abroad.isdisjoint(ids))
            entries.append(AliasEntry(
                key, tuple(ids), arabic,
                needs_capital=not arabic and (_letters(key) <= 4 or key in _EN_COMMON or minor),
                needs_context=arabic and (key in _AR_COMMON or (minor and word)),
                minor_name=arabic and minor and not word,
                fuzzy=not all(i in strict or i in no_fuzzy for i in ids),
                kurdish_word=key not in kurdish_named and (
                    key in kurdish_words or (key.startswith("ال") and key[2:] in kurdish_words))))
        blocked = set(BLOCKED)
        for template, types in BLOCK_TEMPLATES.items():
            template_arabic = _is_arabic_script(template)
            for place_type in types:
                blocked.update(template.format(n) for n in template_names.get(place_type, ())
                               if _is_arabic_script(n) == template_arabic)
        for name in sorted(blocked):
            key = match_key(name)
            if _letters(key) >= 3 and key not in by_key:
                entries.append(AliasEntry(key, (), _is_arabic_script(key), blocked=True))
        return cls(entries)

    def knows(self, name: str) -> bool:
        """Whether ``name`` as written (one clitic ال, و … allowed) is a key of the automaton: a place's or a
        blocked name."""
        key = match_key(name)
        return key in self.entries or any(key.startswith(p) and key[len(p):] in self.entries
                                          for p in ("ال", "و", "وال") if len(key) > len(p) + 2)

    def find(self, text: str, *, lang: str | None = None) -> list[Match]:
        """The place names in ``text``: blocked names removed, longest of overlapping ones, sorted by start."""
        norm, view = matching_view(text)  # normalize_for_matching without the normalised text: not read here
        return self.find_normalized(norm, view, lang=lang)

    def find_normalized(self, norm: Normalized, view: str, *, lang: str | None = None) -> list[Match]:
        """As :meth:`find`, for a text already normalised with :func:`normalize_for_matching`."""
        if self._empty or not view:
            return []
        cands = self._candidates(norm, view, lang)
        if not cands:
            return []
        out: list[Match] = []
        original = norm.original
        n_orig = len(original)
        seg_norm, seg_orig = norm.norm_starts, norm.orig_starts  # norm.to_original, inlined: hot loop
        quoted = has_quote(original)
        kurdish = lang in _KURDISH_LANGS
        new_match = tuple.__new__  # Match(...) runs a Python-level __new__: too slow for thousands of matches
        for ns, ne, plen, entry, fuzzy in _select(cands):
            if seg_norm:
                k = bisect_right(seg_norm, ns) - 1
                start = seg_orig[k] + ns - seg_norm[k]
                k = bisect_right(seg_norm, ne - 1, k) - 1
                end = seg_orig[k] + ne - seg_norm[k]
            else:
                start, end = ns, ne
            if end < n_orig and original[end] == "." and _DOTTED.fullmatch(original[start:end + 1]):
                end += 1  # U.S.: the abbreviation's last dot is part of the name
                if _US_BODY.match(original, end) or _ATTRIBUTIVE.match(original, end):
                    continue  # U.S. Central Command (an organisation); U.S. troops (the adjective, "American")
            after = original[end] if end < n_orig else " "
            if entry.arabic:
                if not plen and entry.key.endswith("يا") and arabic_adjective(view, ns):
                    continue  # "11 عسكريا سوريا" (Syrian soldiers)
                if entry.key.endswith(("يه", "ي")) and nisba_adjective(original, view, start, end, ns, plen):
                    continue  # "ناحية سوريّة" (a Syrian sub-district), "قوات عراقية وسورية" (Syrian forces)
            elif (((entry.needs_capital or fuzzy) and not capitalised(original, start))
                  or (after in _HYPHENS and (compound_adjective(original, end)
                                             or (end + 1 < n_orig and original[end + 1].isdigit())))):
                continue  # "hit" is not the town Hit; "Iran-aligned" is an adjective; Jeddah-1 is a numbered camp
            if quoted and start and original[start - 1] in QUOTES_AND_SPACE and QUOTE_RE.search(
                    original, start - 40 if start > 40 else 0, start) and in_quoted_name(original, start, end):
                continue  # عملية "أبطال العراق" (an operation's name); a quote within 40 characters before it
            if ((after in _TOKEN_JOINERS and end + 1 < n_orig and not original[end + 1].isspace())
                    or (start > 1 and original[start - 1] in _TOKEN_JOINERS and not original[start - 2].isspace())
                    ) and in_identifier(original, start, end):
                continue  # part of a URL, a path, an e-mail address or a slug (usemb-baghdad-nahrawan-attack)
            kurdish_context = kurdish and (entry.kurdish_word or entry.minor_name)
            out.append(new_match(Match, (start, end, ns, ne, entry.key, entry.place_ids,
                                         view[ns - plen:ns] if plen else "", fuzzy,
                                         entry.needs_context or kurdish_context)))
        return out

    def _candidates(self, norm: Normalized, view: str, lang: str | None) -> list[_Cand]:
        """Every match of the automaton that passes the boundary, suffix and capitalisation rules."""
        out: list[_Cand] = []
        append = out.append
        padded = " " + view + " "  # view[i] is padded[i + 1]; a key never ends with a space
        anchors_hit: list[tuple[int, int, int, AliasEntry, int, int, int]] = []
        sorani = lang == "ckb"
        for ne, (exact, anchored) in self._automaton.iter(padded):  # ne: exclusive end in ``view``
            if padded[ne + 1] == " ":  # the name ends a word
                for form_len, plen, entry in exact:
                    if plen and sorani and view[ne - form_len - plen:ne - form_len] != "و":
                        continue  # Sorani has no attached ب ل ف ك: باشوری is "south", not ب + اشور
                    append((ne - form_len, ne, plen, entry, False))
                for form_len, plen, entry, anchor, key, offset, words in anchored:
                    a_start = ne - form_len
                    if a_start < offset or not view.startswith(key, a_start - offset):  # else the exact name
                        anchors_hit.append((a_start - plen, a_start, ne, entry, anchor, offset, words))
            elif exact:  # letters follow: an enclitic suffix the rules allow, or no match
                we = padded.find(" ", ne + 1) - 1  # the end of the word in ``view``
                if we - ne > _MAX_SUFFIX or view[ne:we] not in _ALL_SUFFIXES:
                    continue
                form_len, plen, entry = exact[0]
                kind = _suffix_kind(norm, view, ne - form_len - plen, ne, we, lang)
                for form_len, plen, entry in exact:
                    if plen and sorani and view[ne - form_len - plen:ne - form_len] != "و":
                        continue
                    if kind == _ANY or (kind == _LONG and _letters(view[ne - form_len:ne]) >= 4):
                        append((ne - form_len, ne, plen, entry, False))
        if anchors_hit:
            self._variants(norm, view, anchors_hit, out)
        return out

    @staticmethod
    def _variants(norm: Normalized, view: str, hits: list[tuple[int, int, int, AliasEntry, int, int, int]],
                  out: list[_Cand]) -> None:
        """Spelling variants around anchor words; an anchor inside an exact name is skipped (the exact name
        is found: "United States" in "United States forces" is no variant of "United States of America")."""
        spans = [(c[0] - c[2], c[1]) for c in out]
        spans.sort()
        for word_start, anchor_start, ne, entry, anchor, offset, words in hits:
            k = bisect_right(spans, word_start, key=_START) - 1
            if k >= 0 and spans[k][1] >= ne:
                continue
            fuzzy = fuzzy_window(view, word_start, anchor_start, entry, anchor, offset=offset, words=words)
            if fuzzy is not None and (entry.arabic or capital_at(norm, fuzzy[0])):
                out.append(fuzzy)  # a Latin variant needs a capital, checked here: it must not win over
                # an exact name inside it ("çiyayê Hemrîn" is Hemrîn, not a variant of Çiyayê Hemrînê)



_SORANI_ADJ_END = re.compile(r"\s+و\s")
_NONE, _ANY, _LONG = 0, 1, 2
"""Which matches an enclitic allows: none, any, or those of names with at least four letters."""


def _suffix_kind(norm: Normalized, view: str, w_start: int, ne: int, we: int, lang: str | None) -> int:
    """Whether ``view[ne:we]`` (a known suffix) is an enclitic the rules allow after a name ending at ``ne``.

    ``w_start`` is where the word starts (with its clitic prefix); the answer is one of ``_NONE``, ``_ANY``
    or ``_LONG`` (Kurmanji -a / -ya: only after a name of four letters or more).
    """
    suffix = view[ne:we]
    o_word_start, o_end = norm.to_original(w_start, ne)
    o_word_end = norm.to_original(w_start, we)[1]
    original_word = norm.original[o_word_start:o_word_end]
    if suffix in _SORANI_SUFFIXES:  # Sorani: only with Kurdish evidence (العراقي is the Arabic adjective)
        if suffix.startswith("يي") or (suffix == "ي" and _SORANI_ADJ_END.match(norm.original, o_word_end)):
            return _NONE  # the adjective: عێراقیی، عێراقییە، "عێراقی و" (Iraqi and): an ezafe is followed by its word
        return _ANY if lang == "ckb" or not _KURDISH_LETTERS.isdisjoint(original_word) else _NONE
    tail = norm.original[o_end:o_word_end].lower()
    if suffix == "s":
        return _ANY if len(tail) == 2 and tail[0] in _APOSTROPHES else _NONE  # English possessive: Iraq's
    if tail in ("ê", "yê"):
        return _ANY
    kurmanji = lang == "kmr" or not _KURMANJI_LETTERS.isdisjoint(original_word)
    return _LONG if kurmanji and tail in ("a", "ya") else _NONE


def _forms(entry: AliasEntry) -> list[tuple[str, str]]:
    """``(prefix, form)`` pairs under which an entry is put in the automaton."""
    key = entry.key
    if not entry.arabic:
        return [("", key)]
    forms = [(p, key) for p in _AR_PREFIXES]
    if key.startswith("ال") and len(key) > 3:
        forms += [(p + "لل", key[2:]) for p in _LL_PREFIXES]  # للموصل = ل + (ا)ل + موصل: the span is موصل
    elif not key.startswith("ال") and " " not in key and not key.endswith(("ه", "ي")) and not entry.needs_context:
        # an alias without the article also takes it (موصل/الموصل), except endings of adjectives: السورية is
        # "Syrian", not Syria (سورية); الجديدة is "the new"
        forms += [(p + "ال", key) for p in _AR_PREFIXES]
    return forms
