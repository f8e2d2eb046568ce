"""Threat cue classes of session 3: an ongoing or intended campaign against ISIS asserts it is there; a past or
achieved defeat and political words (sovereignty, dialogue) do not. Sentences written for the test, one class each,
in the languages the class was filled for."""

from __future__ import annotations

from threat_cases import check, decide


class TestCampaign:
    def test_the_campaign_to_defeat_isis_somewhere_is_a_threat_there(self) -> None:
        check([
            ("The coalition will press its campaign to defeat ISIS in Deir ez-Zor.", "Deir ez-Zor", True),
            ("Partners met to ensure the enduring defeat of ISIS in Anbar.", "Anbar", True),
            ("ناقش المشاركون أهمية الهزيمة الدائمة لداعش في الأنبار.", "الأنبار", True),
            ("ستواصل القوات العمل لضمان هزيمة داعش في صحراء الحضر.", "الحضر", True),
            ("Pêşmerge leşkeran dişînin ji bo rizgarkirina Mexmûrê ji DAIŞê.", "Mexmûr", True),
        ])

    def test_an_achieved_defeat_is_not(self) -> None:
        check([
            ("أسهمت جهودنا في تحقيق هزيمة داعش في الموصل.", "الموصل", False),
            ("ISIS was defeated in Mosul.", "Mosul", False),
        ])

    def test_the_cue_quotes_the_campaign_phrase(self) -> None:
        decision = decide("The coalition will press its campaign to defeat ISIS in Deir ez-Zor.", "Deir ez-Zor")
        assert decision.threat and decision.cue == "to defeat"


class TestPoliticalAndWar:
    def test_sovereignty_and_dialogue_are_political(self) -> None:
        check([
            ("على بغداد وأنقرة الدخول في حوار مع دعم سيادة العراق في الحرب على داعش الآن.", "العراق", False),
            ("Both sides stressed the sovereignty of Iraq in the fight against ISIS today.", "Iraq", False),
        ])

    def test_arabic_against_isis_with_a_recent_time_is_the_war_there(self) -> None:
        check([
            ("أطلع المبعوث الشركاء على التقدم المستمر ضد داعش في دير الزور.", "دير الزور", True),
            ("أطلع المبعوث الشركاء على التقدم ضد داعش في دير الزور عام 2017.", "دير الزور", False),
        ])
