"""Threat context of a mention: sentence in, decision out, one group per rule (Arabic, English, Kurdish)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from threatmap.geoparse.passages import split_passages
from threatmap.geoparse.threat import assess_text, cue_families
from threatmap.models import Passage, ThreatDecision

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT.parent / "shared" / "gold" / "seed.jsonl"


def decide(text: str, place: str, *, nth: int = 0, lang: str | None = None, source: str | None = None
           ) -> ThreatDecision:
    """Assess the ``nth`` occurrence of ``place`` in ``text`` with the passage that contains it."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(place, start + 1)
    passage = next(p for p in split_passages(text, source=source) if p.start <= start < p.end)
    decision = assess_text(text, passage, start, start + len(place), lang=lang)
    if decision.cue is not None:
        assert decision.cue in text[passage.start:passage.end]  # the cue is quoted verbatim
    return decision


def check(cases: list[tuple[str, str, bool]]) -> None:
    wrong = [(text, place, want, decide(text, place)) for text, place, want in cases
             if decide(text, place).threat is not want]
    assert not wrong, "\n".join(f"{place!r} in {text!r}: want {want}, got {got}" for text, place, want, got in wrong)


class TestActor:
    def test_isis_by_any_name(self) -> None:
        check([
            ("تشكل خلايا داعش تهديداً في قضاء الحويجة.", "الحويجة", True),
            ("ما زال تنظيم الدولة الإسلامية ينشط في صحراء الأنبار.", "الأنبار", True),
            ("ISIL militants remain a threat in Kirkuk province.", "Kirkuk", True),
            ("Da'esh fighters attacked a checkpoint near Tikrit yesterday.", "Tikrit", True),
            ("IS fighters attacked a checkpoint near Tikrit.", "Tikrit", True),
        ])

    def test_kurdish_sorani_and_kurmanji(self) -> None:
        check([
            ("داعش هێشتا هەڕەشەیە لە کەرکووک.", "کەرکووک", True),
            ("DAIŞ hîn jî li Şingalê xeterek e.", "Şingalê", True),
        ])

    def test_no_isis_no_threat(self) -> None:
        check([
            ("Rocket attacks hit the base near Erbil.", "Erbil", False),
            ("تعرضت القواعد في بغداد لهجمات صاروخية.", "بغداد", False),
            ("The group still attacks villages in Diyala.", "Diyala", False),
        ])

    def test_the_group_means_isis_when_isis_is_the_topic(self) -> None:
        text = "ISIS lost its last town years ago. Today the group still attacks villages in Diyala."
        assert decide(text, "Diyala").threat is True

    def test_pronoun_sentence_takes_the_actor_of_the_sentence_before(self) -> None:
        text = ("Daesh's desperate attacks in the past days have made it weaker.\n\n"
                "On January 20, a complex attack was carried out on the Hasakah detention facility.")
        assert decide(text, "Hasakah") == ThreatDecision(True, "attack")

    def test_a_sentence_with_no_actor_in_a_document_about_isis_alone(self) -> None:
        text = "Two soldiers killed in an attack near Kirkuk\n\nISIS claimed the ambush on Sunday."
        assert decide(text, "Kirkuk").threat is True
        text += " Militias deny any role."  # another armed actor in the story: the headline stays open
        assert decide(text, "Kirkuk").threat is False

    def test_an_answer_takes_the_actor_of_the_question(self) -> None:
        text = ("رووداو: هل ما زال داعش يشكل خطراً في كركوك؟\nمسؤول: نعم، هناك خلايا نائمة في كركوك وديالى.\n"
                "رووداو: شكراً.\nمسؤول: شكراً.")
        assert decide(text, "وديالى", source="Rudaw").threat is True
        assert decide(text, "كركوك", source="Rudaw").threat is False  # the question itself asserts nothing

    def test_a_new_speaker_turn_does_not_inherit_the_actor(self) -> None:
        text = ("A: We fight ISIS every day.\nB: Rocket attacks hit bases in Baghdad, will you stay?\n"
                "A: Yes.\nB: Thanks.")
        assert decide(text, "Baghdad").threat is False


class TestPositiveCues:
    def test_threat(self) -> None:
        check([
            ("لا يزال داعش يشكل تهديداً لسكان قرى طوز خورماتو.", "طوز خورماتو", True),
            ("ISIS remains a threat to the villages around Hawija.", "Hawija", True),
        ])

    def test_presence_and_sleeper_cells(self) -> None:
        check([
            ("ينتشر مسلحو داعش في وادي حوران.", "وادي حوران", True),
            ("أكدت المصادر وجود داعش في جزيرة سامراء.", "سامراء", True),
            ("Sleeper cells of ISIS were reported in the desert near Palmyra.", "Palmyra", True),
            ("ISIS sought to reestablish footholds in Salah al-Din.", "Salah al-Din", True),
        ])

    def test_presence_word_counts_only_next_to_isis(self) -> None:
        check([("أشار إلى وجود ممثلين عن التحالف في أربيل لبحث الحرب على داعش.", "أربيل", False)])

    def test_attacks_ieds_and_ambushes(self) -> None:
        check([
            ("هاجم مسلحو داعش نقطة تفتيش في قضاء خانقين الليلة الماضية.", "خانقين", True),
            ("An IED planted by ISIS killed two soldiers near Baiji.", "Baiji", True),
            ("نصب داعش كميناً لقوة من الجيش قرب الطارمية.", "الطارمية", True),
        ])

    def test_operations_and_strikes_against_isis(self) -> None:
        check([
            ("Iraqi forces launched clearance operations targeting Daesh hideouts near Makhmour.", "Makhmour", True),
            ("Near Abu Kamal, two strikes destroyed ISIS fighting positions.", "Abu Kamal", True),
            ("نفذت القوات العراقية عمليات تستهدف داعش في جبال مكحول.", "مكحول", True),
        ])

    def test_the_war_against_isis_needs_a_recent_time(self) -> None:
        check([
            ("سقط جنديان في الحرب ضد داعش، وبعضهم في شمال بابل مؤخراً.", "بابل", True),
            ("Thousands died in the war against ISIS in Mosul.", "Mosul", False),
        ])


class TestBlockers:
    def test_past_defeat_and_liberation(self) -> None:
        check([
            ("هُزم داعش في الموصل قبل سنوات.", "الموصل", False),
            ("ISIS was defeated in Raqqa in 2017.", "Raqqa", False),
            ("Iraqi forces liberated Tal Afar from ISIS.", "Tal Afar", False),
            ("بعد تحرير الفلوجة من داعش عاد السكان.", "الفلوجة", False),
        ])

    def test_history_of_occupation(self) -> None:
        check([
            ("In 2014, ISIS occupied Sinjar and committed genocide against the Yezidis.", "Sinjar", False),
            ("I never wanted to leave when ISIS took over Tel Keppe.", "Tel Keppe", False),
        ])

    def test_embassies_headquarters_bases_and_meetings(self) -> None:
        check([
            ("The coalition headquarters in Baghdad coordinates operations against ISIS.", "Baghdad", False),
            ("تدين سفارة الولايات المتحدة في بغداد هجوم داعش في الطارمية.", "بغداد", False),
            ("تدين سفارة الولايات المتحدة في بغداد هجوم داعش في الطارمية.", "الطارمية", True),
            ("اجتمع القادة في غرفة عمليات في أربيل لمتابعة الحرب على داعش اليوم.", "أربيل", False),
            ("ISIS attacked an army base near Rutba.", "Rutba", True),
        ])

    def test_a_place_named_as_speaker_or_agent(self) -> None:
        check([
            ("CENTCOM supports United States efforts to address the persistent ISIS threat.", "United States", False),
            ("تدرك الولايات المتحدة شجاعة من خاضوا معارك طاحنة ضد داعش مؤخراً.", "الولايات المتحدة", False),
            ("وبدعوة من حكومة العراق تستمر الحرب على داعش حالياً.", "العراق", False),
            ("ISIS attacks in Iraq continue, Baghdad said.", "Iraq", True),
        ])

    def test_training_and_trainer_countries(self) -> None:
        check([
            ("Italian trainers instruct Peshmerga in Erbil for the fight against ISIS.", "Erbil", False),
            ("يتولى التدريب الإيطاليون بمساعدة من هولندا لمواجهة داعش.", "هولندا", False),
        ])

    def test_humanitarian_and_stability(self) -> None:
        check([
            ("USAID delivered food baskets to families in Sinjar displaced by ISIS.", "Sinjar", False),
            ("تحافظ الشراكة على الاستقرار في منبج رغم تهديدات داعش.", "منبج", False),
        ])

    def test_political_statements(self) -> None:
        check([
            ("Iraq remains a member of the Global Coalition to Defeat ISIS.", "Iraq", False),
            ("أما عن علاقة واشنطن بأنقرة فلم تتأثر بالحرب على داعش.", "أنقرة", False),
        ])

    def test_other_actors(self) -> None:
        check([
            ("PKK fighters operate in the Sinjar district.", "Sinjar", False),
            ("Iran-aligned militias attacked a convoy near Jurf al-Sakhar.", "Jurf al-Sakhar", False),
            ("شنّت القوات التركية غارات على مخمور.", "مخمور", False),
            ("قطعت الفصائل المتطرفة الماء عن القامشلي.", "القامشلي", False),
        ])

    def test_negation(self) -> None:
        check([
            ("Officials said there was no ISIS presence in Sulaymaniyah.", "Sulaymaniyah", False),
            ("ISIS no longer poses a threat in Fallujah.", "Fallujah", False),
            ("داعش لم يعد يشكل تهديداً في الفلوجة.", "الفلوجة", False),
            ("داعش لا يزال يشكل تهديداً في الفلوجة.", "الفلوجة", True),
        ])


class TestScope:
    def test_each_clause_keeps_its_own_verdict(self) -> None:
        text = "ISIS was defeated in Mosul, but it remains a threat in Kirkuk."
        assert decide(text, "Mosul").threat is False
        assert decide(text, "Kirkuk").threat is True

    def test_other_actor_in_a_clause_of_its_own(self) -> None:
        text = "ISIS remains a threat in Anbar, while the PKK operates in Sinjar."
        assert decide(text, "Anbar").threat is True
        assert decide(text, "Sinjar").threat is False

    def test_arabic_clauses(self) -> None:
        text = "داعش يهاجم القرى في ديالى، أما في السليمانية فالوضع مستقر."
        assert decide(text, "ديالى").threat is True
        assert decide(text, "السليمانية").threat is False

    def test_a_clause_with_a_place_of_its_own_keeps_its_cue(self) -> None:
        text = "قواتنا موجودة في أربيل وفي قاعدة عين الأسد، وداعش ما زال ينشط في وادي حوران وصحراء الأنبار."
        assert [decide(text, p).threat for p in ("أربيل", "عين الأسد", "وادي حوران", "الأنبار")] == [
            False, False, True, True]
        text = "نحن ندعم قوات البيشمركة في السليمانية ودهوك، لكن التهديد الأكبر يأتي من خلايا داعش في كركوك."
        assert [decide(text, p).threat for p in ("السليمانية", "دهوك", "كركوك")] == [False, False, True]
        text = ("Coalition aircraft struck ISIS hideouts in the Qarachogh mountains on Tuesday, the Kurdistan "
                "Region's counterterrorism service said.")
        assert [decide(text, p).threat for p in ("Qarachogh", "Kurdistan Region")] == [True, False]

    def test_a_relative_clause_describes_the_place_before_it(self) -> None:
        text = "The Peshmerga are deployed in Makhmour and Gwer, where ISIS cells attack villages at night."
        assert [decide(text, p).threat for p in ("Makhmour", "Gwer")] == [True, True]

    def test_a_clause_about_isis_itself(self) -> None:
        check([
            ("A strike killed Usamah al-Muhajir, an ISIS leader in eastern Syria.", "Syria", True),
            ("ISIS was defeated in Baghuz in March 2019, and its fighters fled to the Syrian desert.",
             "Syrian desert", True),
            ("بعد تحرير الموصل عام 2017، انتقلت فلول داعش إلى جبال مكحول.", "مكحول", True),
        ])

    def test_a_list_shares_the_verb_before_it(self) -> None:
        text = "ISIS was defeated in Mosul, Tal Afar and Hawija, but it remains active in Anbar."
        assert [decide(text, p).threat for p in ("Mosul", "Tal Afar", "Hawija", "Anbar")] == [
            False, False, False, True]

    def test_cause_clause_applies_to_the_main_clause(self) -> None:
        check([
            ("We stay in Iraq because ISIS is still a threat.", "Iraq", True),
            ("نبقى في سوريا لأن داعش ما زال يشكل تهديداً.", "سوريا", True),
        ])


class TestQuestions:
    def test_questions_assert_nothing(self) -> None:
        check([
            ("هل ما زال داعش يشكل تهديداً في كركوك؟", "كركوك", False),
            ("Is ISIS still a threat in Anbar?", "Anbar", False),
            ("Is ISIS a threat in Anbar?", "Anbar", False),
            ("هل تتوقعون عودة داعش إلى الموصل؟", "الموصل", False),
            ("How is the situation in Nineveh now?", "Nineveh", False),
        ])

    def test_a_question_that_presupposes_attacks_counts(self) -> None:
        check([
            ("What are you doing to stop ISIS attacks in Tarmiyah?", "Tarmiyah", True),
            ("ما الذي تفعلونه للحد من هجمات داعش في الطارمية؟", "الطارمية", True),
            ("What is the coalition doing about ISIS sleeper cells in Diyala?", "Diyala", True),
            ("لماذا تتزايد هجمات داعش في كركوك؟", "كركوك", True),
        ])

    def test_a_statement_before_the_question_still_asserts(self) -> None:
        text = "داعش يهاجم القرى في ديالى، ماذا ستفعلون في أربيل؟"
        assert decide(text, "ديالى").threat is True
        assert decide(text, "أربيل").threat is False


class TestPartner:
    def test_with_and_between_govern_partners(self) -> None:
        check([
            ("The coalition coordinates with Erbil to counter ISIS attacks.", "Erbil", False),
            ("نعمل مع بغداد وأربيل لمواجهة هجمات داعش اليوم.", "أربيل", False),
            ("Joint operations between Baghdad and Erbil target ISIS cells.", "Erbil", False),
            ("داعش يشكل تهديداً، وتنفذ القوات عمليات في مناطق يجري فيها التنسيق مع دهوك.", "دهوك", False),
        ])

    def test_a_locative_word_ends_the_partner_phrase(self) -> None:
        check([("We fight ISIS together with the army in Diyala today.", "Diyala", True)])


class TestEnglishCorpusLike:
    def test_strike_reports(self) -> None:
        check([
            ("-- Near Qaim, a strike destroyed two ISIS vehicles and a vehicle-borne-bomb factory.", "Qaim", True),
            ("Coalition strikes near Abu Kamal on July 19 destroyed ISIS fighting positions.", "Abu Kamal", True),
        ])

    def test_country_reports(self) -> None:
        text = ("The Kurdistan Workers' Party, headquartered in the mountains of northern Iraq, operates in the "
                "vicinity of Sinjar, Ninewa province.")
        assert [decide(text, p).threat for p in ("Iraq", "Sinjar", "Ninewa")] == [False, False, False]
        text = "During 2022, ISIS continued to conduct operations, particularly in the West of Iraq."
        assert decide(text, "Iraq").threat is True

    def test_humanitarian_story(self) -> None:
        text = ("In 2016, ISIS occupied Sinjar and targeted its Yezidi residents. ISIS was eventually defeated, and "
                "Sinjar liberated, but displaced residents of Sinjar faced challenges.")
        assert [decide(text, "Sinjar", nth=k).threat for k in range(3)] == [False, False, False]

    def test_partners_in(self) -> None:
        text = "ISIS remains a global threat. We work with our partners in Iraq and northeast Syria."
        assert decide(text, "Syria").threat is False


class TestNewsWire:
    def test_the_dateline_is_where_the_report_was_filed(self) -> None:
        check([
            ("BAGHDAD (Reuters) - Islamic State militants killed five soldiers in an ambush in Salahuddin.",
             "BAGHDAD", False),
            ("BAGHDAD (Reuters) - Islamic State militants killed five soldiers in an ambush in Salahuddin.",
             "Salahuddin", True),
            ("KIRKUK, Iraq - ISIS cells attacked a checkpoint overnight.", "KIRKUK", False),
            ("TAMPA, Fla. – On July 7, CENTCOM conducted a strike against ISIS in Syria.", "Fla", False),
            ("TAMPA, Fla. – On July 7, CENTCOM conducted a strike against ISIS in Syria.", "Syria", True),
            ("Kirkuk - ISIS cells attacked a checkpoint in Hawija overnight.", "Hawija", True),
            ("أربيل (رووداو) - هاجم مسلحو داعش قرية في قضاء مخمور.", "أربيل", False),
            ("أربيل (رووداو) - هاجم مسلحو داعش قرية في قضاء مخمور.", "مخمور", True),
        ])

    def test_people_fleeing_is_not_isis_presence(self) -> None:
        check([
            ("Thousands of people fled Raqqa in 2017 as U.S.-backed forces fought to drive Islamic State out.",
             "Raqqa", False),
            ("Kurdish-led forces said they had captured dozens of IS suspects in raids in Deir al-Zor.",
             "Deir al-Zor", True),
        ])


class TestContract:
    def test_cue_lexicon_loads_every_family(self) -> None:
        families = cue_families()
        assert "داعش" in families["actor"] and "sleeper cell*" in families["presence"]
        assert "no" in families["negation"] and "on" in families["locative"]  # words, not YAML booleans

    def test_mention_outside_the_passage_is_not_a_threat(self) -> None:
        text = "ISIS attacked Hit. Calm in Basra."
        assert assess_text(text, Passage(0, 18), 27, 32, lang="en") == ThreatDecision(False, None)

    def test_hostile_input_does_not_crash(self) -> None:
        for text in ("\u202eداعش\u202c يهاجم\x00 الأنبار\u200f", "ISIS " + "\u0651" * 1000 + " Hit", "x"):
            passage = Passage(0, len(text))
            assert isinstance(assess_text(text, passage, len(text) - 1, len(text), lang=None), ThreatDecision)

    def test_long_passage_of_one_repeated_word(self) -> None:
        text = "داعش " * 200_000 + "في الأنبار"
        passage = Passage(0, len(text))
        start = text.index("الأنبار")
        assert assess_text(text, passage, start, start + 7, lang="ar").threat is False  # no cue, only the actor
        assert assess_text(text, passage, 5, 9, lang="ar").threat is False  # a second mention of the same passage


@pytest.mark.skipif(not SEED_GOLD.exists(), reason=f"seed gold not found at {SEED_GOLD}")
def test_every_seed_mention_agrees_with_gold() -> None:
    """The acceptance bar: every gold mention of the seed gets the gold threat from its own passage."""
    wrong = []
    total = 0
    for line in SEED_GOLD.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        text = doc["text"]
        passages = split_passages(text, source=doc.get("source"))
        for m in doc["mentions"]:
            passage = next(p for p in passages if p.start <= m["start"] < p.end)
            decision = assess_text(text, passage, m["start"], m["end"], lang=doc.get("lang"))
            total += 1
            if decision.threat is not m["threat"]:
                wrong.append(f"{m['surface']!r}@{m['start']}: gold {m['threat']}, got {decision}")
    assert total >= 45
    assert not wrong, "\n".join(wrong)


class TestMoreRules:
    def test_isis_own_camps_and_headquarters_are_presence(self) -> None:
        check([
            ("Strikes destroyed an ISIS headquarters near Raqqa.", "Raqqa", True),
            ("دمرت الطائرات معسكر تدريب لداعش في جبال حمرين.", "حمرين", True),
        ])

    def test_between_is_a_location_unless_it_relates_two_parties(self) -> None:
        check([
            ("ISIS maintained outposts along the border between Iraq and Syria.", "Syria", True),
            ("ISIS remnants still move between the Hamrin mountains and the Wadi al-Shay valley.", "Hamrin", True),
            ("Talks between Baghdad and Erbil on ISIS attacks stalled.", "Erbil", False),
            ("ينشط داعش في المنطقة الحدودية بين العراق وسوريا.", "سوريا", True),
        ])

    def test_arrests_of_isis_members(self) -> None:
        check([("اعتقلت القوات الأمنية ثلاثة من عناصر داعش في قضاء الشرقاط.", "الشرقاط", True)])

    def test_mass_graves_and_anniversaries_are_history(self) -> None:
        check([
            ("Investigators exhumed a mass grave of ISIS victims in Sinjar.", "Sinjar", False),
            ("أحيا الأهالي ذكرى مجزرة داعش في سبايكر.", "سبايكر", False),
        ])

    def test_kurdish_suffixes(self) -> None:
        check([
            ("Êrîşa DAIŞê li nêzîkî Kerkûkê du leşker kuştin.", "Kerkûkê", True),
            ("لە هەولێر کۆبوونەوەیەک بۆ گفتوگۆ لەسەر شەڕی داعش ئەنجامدرا.", "هەولێر", False),
            ("داعش هێرشی کردە سەر بنکەیەکی سوپا لە دەوروبەری کەرکووک.", "کەرکووک", True),
        ])

    def test_news_wire_sentences(self) -> None:
        check([
            ("أعلنت خلية الإعلام الأمني مقتل ثلاثة من عناصر داعش بضربة جوية في وادي الشاي جنوب كركوك.", "كركوك", True),
            ("قال محافظ نينوى إن المحافظة تشهد استقراراً أمنياً منذ تحريرها من داعش عام 2017.", "نينوى", False),
            ("زار رئيس الوزراء محافظة الأنبار اليوم لافتتاح مشاريع خدمية.", "الأنبار", False),
            ("هاجمت فصائل مسلحة موالية لإيران قاعدة عين الأسد بطائرة مسيرة.", "عين الأسد", False),
            ("قُتل مدنيان بانفجار عبوة ناسفة من مخلفات داعش في قضاء سنجار.", "سنجار", True),
            ("The Islamic State claimed responsibility for an attack that killed four soldiers near Kirkuk.",
             "Kirkuk", True),
            ("Three years after ISIS was driven out of Raqqa, reconstruction is slow.", "Raqqa", False),
            ("The Prime Minister met the US ambassador in Baghdad to discuss the fight against ISIS.",
             "Baghdad", False),
        ])


class TestInterviewSentences:
    def test_statement_inside_an_interviewer_turn(self) -> None:
        text = ("رووداو: هناك تقارير عن تحركات لداعش في حمرين، هل أنتم قلقون؟\nكاغينز: نعم.\n"
                "رووداو: شكراً.\nكاغينز: شكراً.")
        assert decide(text, "حمرين", source="Rudaw").threat is True

    def test_bases_airports_and_other_armed_actors(self) -> None:
        check([
            ("The coalition withdrew from the K1 base in Kirkuk last year.", "Kirkuk", False),
            ("The US-led coalition handed over Qayyarah airbase to Iraqi forces.", "Qayyarah", False),
            ("قال مسؤول كوردي إن ميليشيات موالية لإيران قصفت مطار أربيل بطائرات مسيرة.", "أربيل", False),
            ("The Syrian regime and Russian forces bombed Idlib.", "Idlib", False),
        ])

    def test_hideouts_and_security_gaps(self) -> None:
        check([
            ("ISIS fighters are still hiding in the caves of the Qarachogh mountains.", "Qarachogh", True),
            ("Joint brigades will fill the security gap in Makhmour exploited by ISIS.", "Makhmour", True),
            ("The camp of al-Hol remains a breeding ground for ISIS ideology.", "al-Hol", True),
        ])

    def test_calm_places_and_denied_presence(self) -> None:
        check([
            ("وأشار إلى أن الوضع الأمني في دهوك مستقر تماماً.", "دهوك", False),
            ("لا يوجد أي تواجد لداعش في حلبجة.", "حلبجة", False),
            ("سقطت قذائف هاون على قرية في ناحية قره تبه دون أن تتبنى أي جهة الهجوم.", "قره تبه", False),
        ])

    def test_the_actor_of_an_earlier_paragraph_is_not_inherited_when_others_are_around(self) -> None:
        text = ("ISIS attacked a village in Diyala.\n\nMilitias are active in the area.\n\n"
                "A drone attack targeted Erbil airport.")
        assert decide(text, "Erbil").threat is False


class TestRegionalNewsRegister:
    """Cue families, morphology and roles of regional news in Arabic, Sorani, Kurmanji and English."""

    def test_arabic_security_news_cues(self) -> None:
        check([
            ("شنت القوات الأمنية عملية تفتيش بحثا عن خلايا داعش في وادي الشاي.", "وادي الشاي", True),
            ("أحبطت القوات هجوما إرهابيا لداعش على قرية في قضاء الدبس.", "الدبس", True),
            ("تشهد أطراف الشرقاط خروقات متكررة من بقايا داعش.", "الشرقاط", True),
            ("فككت القطعات عبوة ناسفة زرعها داعش على طريق تكريت.", "تكريت", True),
        ])

    def test_sorani_cues_and_enclitics(self) -> None:
        check([
            ("پەلاماری داعش بۆ سەر گوندێکی دووبز دوو کەسی کوشت.", "دووبز", True),
            ("چالاکییەکانی داعش لە دەوروبەری خانەقین زیادی کردووە.", "خانەقین", True),
            ("شانە نووستووەکانی داعش لە حەمرین جووڵەیان هەیە.", "حەمرین", True),
            ("لە ساڵی ٢٠١٧دا حەویجە لە داعش ڕزگار کرا.", "حەویجە", False),
        ])

    def test_kurmanji_cues_and_case_endings(self) -> None:
        check([
            ("Şaneyên DAIŞê li gundên Şingalê çalakiyên xwe zêde kirin.", "Şingalê", True),
            ("Çekdarên DAIŞê êrîşî baregeheke artêşê li Mexmûrê kirin.", "Mexmûrê", True),
            ("Balafirên Tirkiyeyê gundên derdora Qamişloyê bombebaran kirin.", "Qamişloyê", False),
        ])

    def test_arabic_clitics_never_reach_kurdish_words(self) -> None:
        # كشانەوە ("withdrew") is not ك + شانە ("cells"): Arabic clitics only apply to Arabic cue words.
        assert decide("پێشمەرگە لە دەوروبەری کەرکووک کشانەوە.", "کەرکووک").threat is False

    def test_the_nearer_actor_owns_the_cue(self) -> None:
        check([
            ("Russian jets carried out strikes on ISIS hideouts in Jabal Bishri.", "Jabal Bishri", True),
            ("Residents said Turkish attacks in Kobani help ISIS return.", "Kobani", False),
            ("وقصفت المدفعية التركية قرى في ريف عين عيسى بينما تنشط خلايا داعش في البادية.", "عين عيسى", False),
        ])

    def test_especially_continues_the_clause_before(self) -> None:
        check([
            ("ISIS cells have stepped up attacks in the desert, especially around Palmyra.", "Palmyra", True),
            ("صعدت خلايا داعش هجماتها في البادية، ولا سيما قرب السخنة.", "السخنة", True),
            ("چالاکیی داعش زیادی کردووە، بەتایبەتی لە دەوروبەری مەخموور.", "مەخموور", True),
        ])

    def test_an_appositive_distance_takes_the_clause_before(self) -> None:
        text = "ISIS militants ambushed a patrol near Tarmiyah, 50 km (31 miles) north of the town of Samarra."
        assert decide(text, "Samarra").threat is True

    def test_addressees_owners_and_reporting_sources(self) -> None:
        check([
            ("تتحرك خلايا داعش ليلا في حمرين، مطالبا بغداد بإرسال تعزيزات.", "بغداد", False),
            ("Sleeper cells attack villages in areas claimed by both Baghdad and Erbil.", "Baghdad", False),
            ("Du leşkerên artêşa Iraqê di êrîşeke DAIŞê de hatin kuştin.", "Iraqê", False),
            ('"ISIS exploits the gap," a security official in Erbil told reporters.', "Erbil", False),
            ("Li gorî çavkaniyeke ewlehiyê li Duhokê, çekdarên DAIŞê ji Hemrînê hatin.", "Duhokê", False),
            ("أعلن مصدر أمني في الأنبار مقتل راعيين بهجوم لداعش.", "الأنبار", True),
        ])

    def test_the_story_actor_carries_over_to_later_paragraphs(self) -> None:
        text = ("Islamic State gunmen killed two soldiers near Hit on Sunday, security sources said.\n\n"
                "The attack targeted a checkpoint in the village of Zuwiya.\n\n"
                "Separately, a rocket landed near a base in Baghdad. Militias were blamed for a similar attack.")
        assert decide(text, "Zuwiya").threat is True
        assert decide(text, "Baghdad").threat is False

    def test_ending_a_mission_is_political(self) -> None:
        text = "The coalition against ISIS will end its mission in federal Iraq by 2025."
        assert decide(text, "Iraq").threat is False


def dated(text: str, place: str, doc_date: datetime.date | None) -> bool:
    """``decide`` with the document's date."""
    start = text.index(place)
    passage = next(p for p in split_passages(text) if p.start <= start < p.end)
    return assess_text(text, passage, start, start + len(place), lang=None, doc_date=doc_date).threat


_MAY_2024 = datetime.date(2024, 5, 1)


class TestScopeRound2:
    def test_a_clause_dated_to_a_past_year_is_history(self) -> None:
        cases = [
            ("Daesh, which at its height in 2015 held much of Nineveh, has exploited the drought to recruit in "
             "Kirkuk.", "Nineveh", False),
            ("Daesh, which at its height in 2015 held much of Nineveh, has exploited the drought to recruit in "
             "Kirkuk.", "Kirkuk", True),
            ("شهدت بلدة الباغوز آخر معارك داعش في آذار 2019.", "الباغوز", False),
            ("تنظيم داعش، الذي سيطر عام 2014 على نينوى، يستغل الفراغ الأمني في كركوك.", "نينوى", False),
            ("تنظيم داعش، الذي سيطر عام 2014 على نينوى، يستغل الفراغ الأمني في كركوك.", "كركوك", True),
            ("في عام 2016، هاجم داعش قرية في الحويجة.", "الحويجة", False),  # a dating clause dates the next
            ("In 2018 ISIS militants ambushed a convoy near Tuz.", "Tuz", False),
            ("لە ساڵی 2019دا داعش هێرشی کردە سەر گوندێکی مەخموور.", "مەخموور", False),
            ("Di sala 2016an de DAIŞ êrîşî Şingalê kir.", "Şingalê", False),
        ]
        wrong = [(t, p) for t, p, want in cases if dated(t, p, _MAY_2024) is not want]
        assert not wrong

    def test_since_still_and_the_current_year_stay_present(self) -> None:
        cases = [
            ("Since 2014 ISIS has still been active in the Hamrin range.", "Hamrin"),
            ("منذ عام 2017 لا يزال داعش ينشط في صحراء الأنبار.", "الأنبار"),
            ("لە ساڵی 2014ەوە داعش هێشتا لە چیای حەمرین چالاکە.", "حەمرین"),
            ("Ji sala 2017an ve DAIŞ hîn li Germiyanê çalak e.", "Germiyanê"),
            ("Attacks by ISIS in Hawija rose in 2023 and 2024.", "Hawija"),
        ]
        assert [p for t, p in cases if not dated(t, p, _MAY_2024)] == []

    def test_without_a_date_only_years_clearly_before_the_latest_one_are_history(self) -> None:
        text = "ISIS attacked a village near Sinjar in 2019. Its cells attacked farmers near Hawija in 2024."
        assert dated(text, "Sinjar", None) is False
        assert dated(text, "Hawija", None) is True
        assert dated("ISIS attacked a village near Sinjar in 2019.", "Sinjar", None) is True  # nothing later
        assert dated(text, "Sinjar", datetime.date(2019, 8, 1)) is True  # the document's own year

    def test_pronoun_suffixes_and_generic_nouns_stand_for_isis(self) -> None:
        check([
            ("سألنا عن تنظيم داعش في المنطقة.\nقال: خلاياه موجودة أصلا في وادي الشاي.", "وادي الشاي", True),
            ("داعش هاجم القرية. عناصره تتخفى في بساتين المقدادية.", "المقدادية", True),
            ("يتحدث التقرير عن داعش. التنظيم ما زال يملك خلايا في جبال مكحول.", "مكحول", True),
            ("ISIS lost its last town in 2019. Its cells still operate in the Wadi al-Shay valley.", "Wadi al-Shay",
             True),
            ("Daesh was driven from the towns. The militants now move at night near Tarmiyah.", "Tarmiyah", True),
            ("هەڵمەتێک دژی داعش دەستی پێکرد. شانەکانی هێشتا لە دەشتی کەرکووک هەن.", "کەرکووک", True),
            ("DAIŞ hat têkbirin. Lê çekdarên wê hîn li çiyayê Qereçoxê ne.", "Qereçoxê", True),
            ("وقعت خلية تنظيمية في المقدادية.", "المقدادية", False),  # خلية (ta marbuta) is no pronoun
        ])

    def test_presence_verbs(self) -> None:
        check([
            ("ISIS degraded but cells persist in Tarmiyah", "Tarmiyah", True),
            ("ISIS militants hide in the orchards of Muqdadiyah.", "Muqdadiyah", True),
            ("Daesh cells remain a menace. The militants extort farmers near Tuz Khurmatu.", "Tuz Khurmatu", True),
            ("ISIS fighters demand money from farmers in Hawija.", "Hawija", True),
            ("تتحرك خلايا داعش ليلاً في قرى الحويجة.", "الحويجة", True),
            ("يفرض عناصر داعش إتاوات على الرعاة في بادية السماوة.", "السماوة", True),
            ("تختبئ فلول داعش في كهوف جبل قرة جوخ.", "قرة جوخ", True),
        ])

    def test_a_list_shares_the_cue_through_descriptors(self) -> None:
        text = "ISIS cells still operate in remote parts of Anbar, the Hamrin range and the desert around al-Baaj."
        check([(text, "Anbar", True), (text, "Hamrin", True), (text, "al-Baaj", True)])
        text = "تنشط خلايا داعش من ريف حمص الشرقي إلى محيط تدمر وصولا إلى بادية السخنة."
        check([(text, "حمص", True), (text, "تدمر", True), (text, "السخنة", True)])

    def test_the_owner_of_a_speaking_ministry_is_a_speaker(self) -> None:
        check([
            ("The Kurdistan Region's Peshmerga ministry said ISIS fighters attacked a post near Kifri.",
             "Kurdistan Region", False),
            ("The Kurdistan Region's Peshmerga ministry said ISIS fighters attacked a post near Kifri.", "Kifri", True),
            ("Iraq's interior ministry said ISIS gunmen killed two shepherds in Anbar.", "Iraq", False),
            ("قالت وزارة البيشمركة في إقليم كوردستان إن مسلحي داعش هاجموا نقطة قرب كفري.", "إقليم كوردستان", False),
            ("وەزارەتی پێشمەرگەی هەرێمی کوردستان ڕایگەیاند چەکدارانی داعش هێرشیان کردە سەر بنکەیەک لە کفری.",
             "هەرێمی کوردستان", False),
            ("Wezareta Pêşmerge ya Herêma Kurdistanê ragihand ku çekdarên DAIŞê li Kifriyê êrîş kirin.",
             "Herêma Kurdistanê", False),
            ("Wezareta Pêşmerge ya Herêma Kurdistanê ragihand ku çekdarên DAIŞê li Kifriyê êrîş kirin.", "Kifriyê",
             True),
            ("The Security Media Cell said ISIS gunmen attacked a checkpoint in Iraq's Diyala province.", "Diyala",
             True),
            ("ISIS attacked a checkpoint in Kirkuk, the ministry said.", "Kirkuk", True),  # another clause
            ("هاجم داعش نقطة في كركوك، قالت وزارة الداخلية.", "كركوك", True),
        ])

    def test_generic_presence_verbs_need_isis_next_to_them(self) -> None:
        check([
            ("ISIS is a threat. Tensions persist in Kirkuk between Baghdad and Erbil.", "Kirkuk", False),
            ("ISIS cells attacked shepherds. US forces operate in Syria to support partners.", "Syria", False),
        ])

    def test_a_negated_clause_before_but_is_denied(self) -> None:
        en = "ISIS no longer holds territory in Syria but its cells still operate in Deir ez-Zor, Raqqa and Hasakah."
        ar = "لم يعد داعش يسيطر على أراض في العراق لكن خلاياه ما زالت تنشط في كركوك وديالى."
        ckb = "داعش چیتر خاکی لە عێراق کۆنترۆڵ ناکات، بەڵام شانەکانی هێشتا لە حەمرین و کەرکووک چالاکن."
        kmr = "DAIŞ êdî li Iraqê xak kontrol nake, lê şaneyên wê hîn li Hemrîn û Kerkûkê çalak in."
        check([(en, "Syria", False), (en, "Raqqa", True), (en, "Hasakah", True), (ar, "العراق", False),
               (ar, "ديالى", True), (ckb, "عێراق", False), (ckb, "کەرکووک", True), (kmr, "Iraqê", False),
               (kmr, "Kerkûkê", True)])

    def test_does_not_mean_the_threat_is_over(self) -> None:
        check([
            ("Ev nayê wê wateyê ku xetera DAIŞê li Şengalê bi dawî bûye.", "Şengalê", True),
            ("This does not mean that the ISIS threat in Diyala is over.", "Diyala", True),
            ("This does not mean ISIS has been defeated in Kirkuk.", "Kirkuk", True),
            ("هذا لا يعني أن خطر داعش في كركوك انتهى.", "كركوك", True),
            ("ئەمە بەو مانایە نییە کە مەترسیی داعش لە خانەقین کۆتایی هاتووە.", "خانەقین", True),
            ("ISIS is no longer a threat in Diyala.", "Diyala", False),
        ])
