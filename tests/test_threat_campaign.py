"""Threat cue classes of session 3: an ongoing or intended campaign against ISIS asserts it is there; an achieved
defeat, political words (sovereignty, dialogue) and a stopped activity do not. Sentences written for the test, one
class each, in the languages the class was filled for."""

from __future__ import annotations

import pytest
from threat_cases import decide

CASES = {
    "campaign to defeat (en)": ("The coalition will press its campaign to defeat ISIS in Deir ez-Zor.", "Deir ez-Zor",
                                True),
    "enduring defeat (en)": ("Partners met to ensure the enduring defeat of ISIS in Anbar.", "Anbar", True),
    "enduring defeat (ar)": ("ناقش المشاركون أهمية الهزيمة الدائمة لداعش في الأنبار.", "الأنبار", True),
    "to ensure the defeat (ar)": ("ستواصل القوات العمل لضمان هزيمة داعش في صحراء الحضر.", "الحضر", True),
    "for the liberation (kmr)": ("Pêşmerge leşkeran dişînin ji bo rizgarkirina Mexmûrê ji DAIŞê.", "Mexmûr", True),
    "achieved defeat (ar)": ("أسهمت جهودنا في تحقيق هزيمة داعش في الموصل.", "الموصل", False),
    "past defeat (en)": ("ISIS was defeated in Mosul.", "Mosul", False),
    "sovereignty (ar)": ("على بغداد وأنقرة الدخول في حوار مع دعم سيادة العراق في الحرب على داعش الآن.",
                         "العراق", False),
    "sovereignty (en)": ("Both sides stressed the sovereignty of Iraq in the fight against ISIS today.", "Iraq", False),
    "against ISIS, ongoing (ar)": ("أطلع المبعوث الشركاء على التقدم المستمر ضد داعش في دير الزور.", "دير الزور", True),
    "against ISIS, dated (ar)": ("أطلع المبعوث الشركاء على التقدم ضد داعش في دير الزور عام 2017.", "دير الزور", False),
    "stopped (ar)": ("توقفت حركة مقاتلي داعش عبر الحدود من سوريا.", "سوريا", False),
    "stopped (en)": ("Officials say ISIS has stopped attacks in Sinjar.", "Sinjar", False),
    # ISIS supply routes or lines cut or struck: the fight against it there (session 4)
    "supply lines (en)": ("The coalition cut ISIS supply lines near Qaim.", "Qaim", True),
    "supply routes (ar)": ("قطعت القوات طرق إمداد داعش في البادية.", "البادية", True),
    "supply routes (ckb)": ("هاوپەیمانان ڕێگاکانی ئیمدادی داعشیان لە بیابانی ئەنبار بڕی.", "ئەنبار", True),
    "supply routes (kmr)": ("Koalîsyonê riyên piştgiriyê yên DAIŞê li Binxetê qut kirin.", "Binxet", True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_cue_class_decides_the_place(name: str) -> None:
    text, place, want = CASES[name]
    assert decide(text, place).threat is want, f"{name}: {place!r} in {text!r}"


def test_the_cue_quotes_the_campaign_phrase() -> None:
    decision = decide("The coalition will press its campaign to defeat ISIS in Deir ez-Zor.", "Deir ez-Zor")
    assert decision.threat and decision.cue == "to defeat"
