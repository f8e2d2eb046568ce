"""The cue pass (threatmap.geoparse.threat.cues): the one-pass generation of hits in order equals the plain
definition (every phrase at every token, sorted, longer decisive cues hiding the shorter ones inside them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.cues import _DECISIVE, Hit, _words_of, find_hits
from threatmap.geoparse.threat.lexicon import TOKEN_RE
from threatmap.lang.normalize import normalize_for_matching, normalize_key

ROOT = Path(__file__).resolve().parent.parent


def _by_definition(norm: str) -> tuple[list[tuple[int, int]], list[Hit]]:
    """Every lexicon phrase at every token, sorted by (start, longest first), then the hiding rule."""
    spans = [m.span() for m in TOKEN_RE.finditer(norm)]
    entries = [_words_of(tok) for tok in TOKEN_RE.findall(norm)]
    hits = []
    for i, (_, singles, longer) in enumerate(entries):
        hits += [Hit(spans[i][0], spans[i][1], i, i, fam) for fam in singles]
        for fam, seq in longer:
            j = i + len(seq) - 1
            if j < len(entries) and all(seq[k] in entries[i + k][0]
                                        and norm[spans[i + k - 1][1]:spans[i + k][0]].isspace()
                                        for k in range(1, len(seq))):
                hits.append(Hit(spans[i][0], spans[j][1], i, j, fam))
    hits.sort(key=lambda h: (h.start, h.start - h.end))
    kept, reach = [], -1
    for h in hits:
        if h.kind in _DECISIVE:
            if h.start < reach:
                continue
            reach = h.end
        kept.append(h)
    return spans, kept


def _texts() -> list[str]:
    texts = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "corpus").glob("*.md"))]
    texts.append("ISIS sleeper cells attacked a fighting position near the village, but the threat is not over.")
    return texts


@pytest.mark.parametrize("text", _texts()[-1:] + _texts()[:6])
def test_find_hits_equals_the_definition(text: str) -> None:
    norm = normalize_for_matching(text)[0].text
    spans, hits = find_hits(norm)
    assert hits, "the text has cues"
    assert (spans, hits) == _by_definition(norm)


@pytest.mark.parametrize("text", [*_texts()[-1:], *_texts()[:6],
                                  "داعش قصف_القرية ISIS’s cells 2024 \U0001d400\U0001d401 attacked 𝑥 near Kirkuk"])
def test_find_hits_from_the_word_view_equals_the_regex_tokens(text: str) -> None:
    """The word view's runs are the tokens (a split instead of a class match); outside the BMP, the regex."""
    norm, view = normalize_for_matching(text)
    assert find_hits(norm.text, view) == _by_definition(norm.text)


def test_find_hits_orders_phrases_first_and_hides_words_inside_them() -> None:
    norm = normalize_for_matching("Sleeper cells hit a fighting position.")[0].text
    _, hits = find_hits(norm)
    assert hits == sorted(hits, key=lambda h: (h.start, h.start - h.end))
    kinds = [(norm[h.start:h.end], h.kind) for h in hits]
    assert ("fighting position", "combat") in kinds
    assert ("fighting", "war") not in kinds  # hidden by the phrase around it
    alone = normalize_for_matching("Heavy fighting continued.")[0].text
    assert ("fighting", "war") in [(alone[h.start:h.end], h.kind) for h in find_hits(alone)[1]]


def test_released_context_forgets_its_memo() -> None:
    ctx = ParseContext("ISIS attacked Kirkuk.")
    calls = []
    assert ctx.memo(("k",), lambda: calls.append(1) or 1) == 1
    assert ctx.memo(("k",), lambda: calls.append(2) or 2) == 1  # memoised
    ctx.release()
    assert ctx.memo(("k",), lambda: calls.append(3) or 3) == 3  # computed afresh
    assert calls == [1, 3]


def _written_hits(text: str) -> list[tuple[str, str]]:
    """The (original words, family) of the cues of ``text``, with the original spelling at hand."""
    norm = normalize_for_matching(text)[0]

    def original(start: int, end: int) -> str:
        s, e = norm.to_original(start, end)
        return text[s:e]

    return [(text[slice(*norm.to_original(h.start, h.end))], h.kind) for h in find_hits(norm.text, None, original)[1]]


def test_a_folded_kurmanji_word_is_the_cue_only_where_spelled_so() -> None:
    """şer (war) and ser (on) share the key ser: the preposition, alone or with an ending, is no combat cue."""
    assert ("Şer", "combat") in _written_hits("Şer li Kobanê berdewam e.")
    assert ("şerê", "combat") in _written_hits("Di şerê giran de gelek kes hatin kuştin.")
    assert ("șer", "combat") in _written_hits("Raport dibêje șer dom dike.")  # comma-below ș typed for ş
    for text in ("Wî bal kişand ser rewşa penaberan.", "Ew li serê çiyê ne.", "Gund li ser rê ye."):
        assert not [h for h in _written_hits(text) if h[1] in ("combat", "war")], text


def test_without_the_original_a_folded_word_matches_as_before() -> None:
    norm = normalize_for_matching("Gund li ser rê ye.")[0].text
    assert "combat" in [h.kind for h in find_hits(norm)[1]]


def test_a_spelling_the_lexicon_lists_itself_is_no_other_word() -> None:
    """alîyê is listed next to aliyê: though an ordinary word alî + yê spells it, it stays the direction word."""
    assert ("ji alîyê", "direction") in _written_hits("Trombêl ji alîyê Tirkîyê hatin.")
    assert ("ji aliyê", "direction") in _written_hits("Trombêl ji aliyê Tirkîyê hatin.")


@pytest.mark.parametrize(("word", "family"), [
    ("داعشییەکان", "actor"),    # the word's own ی, then the definite plural
    ("داعشێکی", "actor"),       # indefinite, then the ezafe
    ("شەڕێکدا", "combat"),      # indefinite, then the postposition دا: "in a fight"
    ("شەڕەکانیان", "combat"),   # definite plural, then "their"
    ("şerekan", "combat"),      # Kurmanji definite plural
    ("hebûnyan", "presence_bound"),
])
def test_a_composed_kurdish_ending_reaches_the_word(word: str, family: str) -> None:
    assert family in _words_of(normalize_key(word))[1]


@pytest.mark.parametrize("word", ["چونکە", "کێیانیان"])
def test_a_long_ending_leaves_no_two_letter_word(word: str) -> None:
    """چونکە "because" is not چۆن "how" with an ending: a long ending needs a stem of three letters."""
    assert "question" not in _words_of(normalize_key(word))[1]
