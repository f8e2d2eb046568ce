"""Kurdish verb forms for the cue lexicon: the written forms of a verb, generated from its past and present stems.

Sorani and Kurmanji build the present tense on another stem than the past (Sorani کوشت "killed" / دەیکوژن "they
kill him"; Kurmanji kuştin / dikujin), with aspect and mood prefixes (Sorani دە-, ب-, colloquial ئە-; Kurmanji di-,
bi-) that sit after a verbal particle (Kurmanji ve-dikişin "they withdraw"), and a Sorani passive on the present
stem (ڕفێنرا "was kidnapped", دەکوژرێن "are killed"). A lexicon word matches a token that starts with it, so the
past stem alone reaches the past forms (کوشتیان, kuştin, hatin kuştin) but never a present one. The cue lexicon
lists such verbs as ``past|present`` (``threatmap/data/threat_cues.yaml``, block ``verbs``), and these functions
write out their forms as lexicon words ending in ``*``.

Negated forms (Sorani نا- نە-, Kurmanji na- ne-) are not generated: "they were not killed" asserts no attack.
"""

from __future__ import annotations

__all__ = ["KMR_PREVERBS", "verb_forms"]

_CKB_ASPECT = ("دە", "ئە", "ب")
"""Sorani present prefixes: indicative دە- (ئە- in Sulaymaniyah speech and writing), subjunctive ب-."""
_CKB_OBJECT = ("", "ی", "یان")
"""Sorani pronoun clitics between the prefix and the stem: "him/her" ی, "them/they" یان (دەیانکوژن, دەیکوشت)."""
_CKB_PASSIVE = ("را", "درا", "رێ", "درێ")
"""The Sorani passive on the present stem: past -را (-درا after n), present -رێ (-درێ)."""
_KMR_ASPECT = ("di", "bi")
"""Kurmanji present prefixes: indicative di-, subjunctive bi-."""
KMR_PREVERBS = ("ve", "der", "hil", "ra", "wer", "da", "lê", "pê", "tê")
"""Kurmanji verbal particles the aspect prefix follows (vekişîn: vedikişe; lêgerîn: lê digerin is two words)."""


def verb_forms(lang: str, past: str, present: str) -> tuple[str, ...]:
    """The lexicon words (each ending in ``*``) that reach the forms of a verb of ``lang`` ("ckb" or "kmr") with past
    stem ``past`` and present stem ``present``.

    >>> verb_forms("kmr", "vekişand", "vekişîn")
    ('vekişand*', 'vedikişand*', 'vedikişîn*', 'vebikişîn*')
    """
    if lang == "ckb":
        return _ckb_forms(past, present)
    if lang == "kmr":
        return _kmr_forms(past, present)
    raise ValueError(f"Kurdish verb forms: expected language 'ckb' or 'kmr', got {lang!r}; list the verb under one")


def _ckb_forms(past: str, present: str) -> tuple[str, ...]:
    """Sorani: the past stem (alone it takes the person endings: کوشتیان), the imperfect دە + clitic + past stem
    (دەیانکوشت), the present prefix + clitic + present stem (دەکوژن، بیکوژن، ئەیانکوژن) and the passive (کوژرا،
    دەکوژرێن)."""
    forms = [past, *(f"دە{o}{past}" for o in _CKB_OBJECT)]
    forms += [f"{a}{o}{present}" for a in _CKB_ASPECT for o in _CKB_OBJECT]
    forms += [present + p for p in _CKB_PASSIVE]
    forms += [f"{a}{present}{p}" for a in _CKB_ASPECT for p in _CKB_PASSIVE if p.endswith("ێ")]
    return tuple(dict.fromkeys(f + "*" for f in forms))


def _kmr_forms(past: str, present: str) -> tuple[str, ...]:
    """Kurmanji: the past stem (kuştin, hatin kuştin), the imperfect di + past stem (dikuşt) and the present di/bi +
    present stem (dikujin, bikuje), each after the verbal particle when the verb has one (vedikişin)."""
    particle = next((p for p in KMR_PREVERBS if past.startswith(p) and present.startswith(p)), "")
    p_rest, n_rest = past[len(particle):], present[len(particle):]
    forms = [past, f"{particle}di{p_rest}", *(f"{particle}{a}{n_rest}" for a in _KMR_ASPECT)]
    return tuple(dict.fromkeys(f + "*" for f in forms))
