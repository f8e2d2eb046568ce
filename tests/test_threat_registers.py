"""Threat context, continued: rules found on interviews, news wires and regional news (ar, ckb, kmr, en)."""

from __future__ import annotations

import datetime

from threat_cases import check, decide

from threatmap.geoparse.passages import split_passages
from threatmap.geoparse.threat import assess_text


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
