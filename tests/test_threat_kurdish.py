"""Threat cue classes of session 4, Kurdish: verbs in their present, imperfect and passive forms (generated from
their stems, ``threatmap/lang/kurdish_verbs.py``), "targeting" light verbs, presupposing questions, the fight
"against" ISIS under any of its names, and speaking verbs in the present tense. Sentences written for the test in
the style of Kurdish news, one class each."""

from __future__ import annotations

import pytest
from threat_cases import decide

from threatmap.geoparse.threat.lexicon import _verb_words

CASES = {  # name: (text, place, threat, the cue quoted)
    # present and imperfect forms of a past-stem cue (کوشت/کوژ, kuşt/kuj)
    "kill, present (ckb)": ("سەرچاوەیەک دەڵێت چەکدارانی داعش لە گوندەکانی دەوروبەری داقووق خەڵک دەکوژن.",
                            "داقووق", True, "دەکوژن"),
    "kill, present (kmr)": ("Li gundên derdora Hewîceyê DAIŞ sivîlan dikuje.", "Hewîce", True, "dikuje"),
    "exploded, intransitive (ckb)": ("بۆمبێکی چێنراوی داعش لە نزیک خانەقین تەقییەوە.", "خانەقین", True, "تەقییەوە"),
    "exploded, intransitive (kmr)": ("Bombeyeke DAIŞê li navenda Mexmûrê teqiya.", "Mexmûr", True, "teqiya"),
    # withdrawing from the fight is politics, not a fight at the place the fighters went to
    "withdrew, transitive (kmr)": ("Şervanên Kurd hêzên xwe ji şerê DAIŞê vekişandin û şandin Efrînê.",
                                   "Efrîn", False, "vekişandin"),
    # "made it a target"
    "targeted (ckb)": ("چەکدارانی داعش دوێنێ شەو بنکەیەکی پێشمەرگەیان لە مەخموور کردە ئامانج.", "مەخموور", True,
                       "کردە ئامانج"),
    "targeted (kmr)": ("Çekdarên DAIŞê duh şev baregeheke Pêşmerge li Mexmûrê kirin hedef.", "Mexmûr", True,
                       "kirin hedef"),
    # a question that names ISIS's threat, danger or cells presupposes them; one that names none asserts nothing
    "presupposing question (kmr)": ("Gelo xetera DAIŞê li Kerkûkê hîn mezin e?", "Kerkûk", True, "xetera"),
    "presupposing question (ckb)": ("ئایا مەترسی داعش لە کەرکووک هێشتا گەورەیە؟", "کەرکووک", True, "مەترسی"),
    "plain question (kmr)": ("Gelo rewşa Kerkûkê çi ye?", "Kerkûk", False, "Gelo"),
    "what is, question word (kmr)": ("Xetera DAIŞê li Kerkûkê çi ye?", "Kerkûk", True, "Xetera"),
    # "against" followed by any name of ISIS, with a present time, is the fight against it there
    "against, ongoing (kmr)": ("Pêşmerge niha li dijî Dewleta Îslamî li Mexmûrê radiwestin.", "Mexmûr", True,
                               "li dijî"),
    "against, ongoing (ckb)": ("پێشمەرگە ئێستا دژ بە دەوڵەتی ئیسلامی لە مەخموور دەوەستنەوە.", "مەخموور", True,
                               "دژ بە"),
    # a speaking agency in the present tense of news ("says"): the place that owns it locates the speaker
    "agency says (kmr)": ("Wezareta Karûbarên Pêşmerge li Hewlêrê dibêje ku çekdarên DAIŞê li Hemrînê êrîş kirin.",
                          "Hewlêr", False, "Wezareta"),
    "agency says (ckb)": ("وەزارەتی پێشمەرگە لە هەولێر دەڵێت چەکدارانی داعش لە حەمرین هێرشیان کرد.", "هەولێر", False,
                          "وەزارەتی"),
    # the Kurdish words for what the Arabic and English lists already hold: hideouts in caves, beheadings
    "caves and a haven (ckb)": ("بەپێی سەرچاوەکان داعش لە ئەشکەوتەکانی چیای قەرەچووغ پەناگەی هەیە.", "قەرەچووغ",
                                True, "پەناگەی"),
    "beheaded (kmr)": ("DAIŞê li gundekî Hewîceyê du şivan serjêkirin.", "Hewîce", True, "serjêkirin"),
    "beheaded (ckb)": ("داعش دوو شوانی لە گوندێکی حەویجە سەربڕی.", "حەویجە", True, "سەربڕی"),
    # police, security forces and officials speak for their city like a ministry does ("police in Kirkuk say")
    "officials say (ckb)": ("بەرپرسانی پێشمەرگە و هێزە ئەمنییەکان لە کەرکووک، دەڵێن چەکدارانی داعش لە حەویجە خۆیان "
                            "دەشارنەوە.", "کەرکووک", False, "هێزە ئەمنییەکان"),
    "police say (kmr)": ("Polîsên Kerkûkê dibêjin çekdarên DAIŞê li Hewîceyê xwe vedişêrin.", "Kerkûk", False,
                         "Polîsên"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_kurdish_cue_class_decides_the_place(name: str) -> None:
    text, place, want, cue = CASES[name]
    decision = decide(text, place)
    assert (decision.threat, decision.cue) == (want, cue), f"{name}: {place!r} in {text!r}"


def test_a_negated_verb_is_no_cue() -> None:
    """Negated forms are not generated: "they do not kill" asserts no attack."""
    decision = decide("Li gundên derdora Hewîceyê êdî kes nakuje.", "Hewîce")
    assert decision.cue != "nakuje"


def test_a_verb_without_two_stems_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"expected 'past stem\|present stem', got 'kuşt'"):
        _verb_words("attack", "kmr", ["kuşt"])
