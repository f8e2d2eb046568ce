"""Threat context of a mention: sentence in, decision out, one group per rule (Arabic, English, Kurdish)."""

from __future__ import annotations

import json
from pathlib import Path

from threat_cases import check, decide

from threatmap.geoparse.passages import split_passages
from threatmap.geoparse.threat import assess_text, cue_families
from threatmap.models import Passage, ThreatDecision

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.jsonl"


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

    def test_a_country_named_as_a_direction_is_no_actor(self) -> None:
        check([
            ("Çend trombêlên DAIŞ ji hêla Tirkîyê ketin nav Kobanê û dest bi gulebarandina xelkê kirin.", "Kobanê",
             True),
            ("Çend trombêlên DAIŞ ji hêla Tirkîyê ketin nav Kobanê û dest bi gulebarandina xelkê kirin.", "Tirkîyê",
             False),
            ("ISIS fighters entered Kobani from the direction of Turkey and attacked civilians.", "Kobani", True),
            ("دخل مسلحو داعش إلى كوباني من جهة تركيا وهاجموا المدنيين.", "كوباني", True),
        ])

    def test_a_kurmanji_passive_agent_stays_the_actor(self) -> None:
        check([
            ("Piştî êrîşa Daîşê, gundê Zerga ji aliyê artêşa Tirk ve hat bombebarankirin.", "Zerga", False),
        ])

    def test_the_preposition_ser_is_no_fight(self) -> None:
        check([
            ("Ahmed ku ji destê Daîşê reviya, niha li Qamişlo dimîne û bal kişand ser rewşa penaberan.", "Qamişlo",
             False),
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


class TestKurdishVocabulary:
    """Classes of Kurmanji and Sorani wording (each a family of the lexicon, in sentences written for the test)."""

    def test_kurmanji_attacks_hideouts_and_arrests_are_threats(self) -> None:
        check([
            ("Çekdarekî DAIŞê duh li Hewîcê xwe teqand.", "Hewîcê", True),  # blew himself up
            ("Endamên DAIŞê li Mexmûrê hatin binçavkirin.", "Mexmûrê", True),  # members detained
            ("DAIŞ li çiyayê Hemrînê kozik û sitargehên xwe hene.", "Hemrînê", True),  # positions and shelters
        ])

    def test_sorani_attacks_hideouts_and_sieges_are_threats(self) -> None:
        check([
            ("داعش لە دیالە خۆتەقاندنەوەیەکی ئەنجامدا.", "دیالە", True),  # a suicide bombing
            ("حەشارگەکانی داعش لە چیای حەمرین دۆزرانەوە.", "حەمرین", True),  # hideouts found
            ("شەڕڤانان لە کۆبانێ گەمارۆی چەکدارانی داعشیان دا.", "کۆبانێ", True),  # besieged ISIS fighters
        ])

    def test_kurdish_past_liberation_and_training_are_not(self) -> None:
        check([
            ("Sala 2017an Mûsil ji DAIŞê hat rizgarkirin.", "Mûsil", False),
            ("داعش لە ڕابردوودا لە حەویجە پێگەی هەبوو.", "حەویجە", False),  # "in the past"
            ("Hêzên hevpeymanan li Hewlêrê meşq dikin û perwerdeyê didin pêşmergeyan li dijî DAIŞê.", "Hewlêrê",
             False),
            ("هێزەکانی هاوپەیمانان لە هەولێر ڕاهێنان بە پێشمەرگە دەکەن دژ بە داعش.", "هەولێر", False),
        ])

    def test_isis_held_and_shelled(self) -> None:
        check([("ISIS-held villages near Hawija were shelled.", "Hawija", True)])


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
