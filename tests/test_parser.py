"""Geoparser: sentence in, place id out (ar, en), with geometry, qualifiers, passages, speakers; the seed set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, box

from threatmap.evaluate import evaluate, read_gold
from threatmap.gazetteer import Gazetteer
from threatmap.geoparse.parser import Geoparser
from threatmap.models import Document, Mention, Place

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "gold" / "seed.jsonl"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(DATA / "geoparse_places.yaml", DATA / "geoparse_geodata")


@pytest.fixture(scope="module")
def geoparser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser.from_gazetteer(gazetteer)


@pytest.fixture(scope="module")
def real_geoparser() -> Geoparser:
    """The project's gazetteer (places.yaml + geodata/)."""
    return Geoparser.from_gazetteer(Gazetteer.load())


def parse(geoparser: Geoparser, text: str, **kw: object) -> tuple[Mention, ...]:
    return geoparser.parse(Document(id="t", text=text, **kw))  # type: ignore[arg-type]


def places(geoparser: Geoparser, text: str, **kw: object) -> list[tuple[str, str]]:
    return [(m.surface, m.place_id) for m in parse(geoparser, text, **kw)]


def test_mentions_carry_offsets_place_geometry_and_passage(geoparser: Geoparser, gazetteer: Gazetteer) -> None:
    text = "عاجل\n\nقال المتحدث إن داعش يهاجم في بالأنبار. وفي بغداد هدوء."
    mentions = parse(geoparser, text, source="Outlet")
    assert [(m.surface, m.place_id) for m in mentions] == [("الأنبار", "anbar_governorate"), ("بغداد", "baghdad")]
    anbar, baghdad = mentions
    for m in mentions:
        assert text[m.start:m.end] == m.surface
        assert text[m.passage_start:m.passage_end].strip() and m.passage_start <= m.start < m.end <= m.passage_end
        assert m.doc_id == "t" and m.speaker == "Outlet"
        assert m.name == gazetteer[m.place_id].name and m.place_type == gazetteer[m.place_id].type
        assert gazetteer[m.place_id].geometry.buffer(1e-9).contains(Point(m.lon, m.lat))
    assert anbar.geometry_type == "Polygon" and anbar.precision == 4
    assert anbar.bbox == pytest.approx(gazetteer["anbar_governorate"].geometry.bounds)
    assert baghdad.geometry_type == "Point" and baghdad.precision == 1 and baghdad.qualifier is None
    assert "بغداد" in text[baghdad.passage_start:baghdad.passage_end]
    assert "الأنبار" not in text[baghdad.passage_start:baghdad.passage_end]
    assert json.loads(json.dumps(anbar.to_dict(), ensure_ascii=False))["bbox"] == list(anbar.bbox)


@pytest.mark.parametrize(("text", "expected"), [
    ("ويمثل تهديداً في المناطق القريبة من جبال حمرين وقرجوخ وفي منطقة مخمور ومناطق في سهل نينوى وصحراء الأنبار.",
     [("جبال حمرين", "hamrin_mountains", "near"), ("قرجوخ", "qarachogh", "near"), ("مخمور", "makhmur", None),
      ("سهل نينوى", "nineveh_plains", None), ("صحراء الأنبار", "anbar_desert", None)]),
    ("-- Near Raqqa, Syria, two strikes destroyed four ISIS oil tankers.",
     [("Raqqa", "raqqa", "near"), ("Syria", "syria", None)]),
    ("ISIS cells near Hit and Baiji attacked checkpoints.",
     [("Hit", "hit", "near"), ("Baiji", "baiji", "near")]),
    ("في شمال ديالى مؤخراً", [("ديالى", "diyala_governorate", "north")]),
    ("in northeast Syria and eastern Syria", [("Syria", "syria", "northeast"), ("Syria", "syria", "east")]),
])
def test_qualifiers_and_lists(geoparser: Geoparser, text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert [(m.surface, m.place_id, m.qualifier) for m in parse(geoparser, text)] == expected


def test_qualifier_changes_bbox_point_and_precision(geoparser: Geoparser, gazetteer: Gazetteer) -> None:
    (near,) = parse(geoparser, "هجوم بالقرب من الحويجة")
    (plain,) = parse(geoparser, "هجوم في الحويجة")
    assert near.precision == 2 and plain.precision == 1
    assert plain.bbox[0] == plain.bbox[2]  # a point
    assert box(*near.bbox).contains(gazetteer["hawija"].geometry) and near.bbox[2] - near.bbox[0] > 0.15
    (north,) = parse(geoparser, "في شمال ديالى")
    diyala = gazetteer["diyala_governorate"].geometry
    assert north.bbox[1] >= diyala.centroid.y - 1e-6 and north.lat > diyala.centroid.y
    assert north.precision == 4


@pytest.mark.parametrize(("text", "expected"), [
    ("بالقرب من الحويجة في محافظة كركوك", [("الحويجة", "hawija"), ("محافظة كركوك", "kirkuk_governorate")]),
    ("في كركوك", [("كركوك", "kirkuk")]),
    ("في مدينة كركوك", [("كركوك", "kirkuk")]),
    ("ISIS in Anbar, Diyala, Kirkuk, and Ninewa provinces",
     [("Anbar", "anbar_governorate"), ("Diyala", "diyala_governorate"), ("Kirkuk", "kirkuk_governorate"),
      ("Ninewa", "nineveh_governorate")]),
    ("on the Hasakah detention facility in Hasakah province, Syria",
     [("Hasakah", "hasakah"), ("Hasakah", "hasakah_governorate"), ("Syria", "syria")]),
    ("على ضفاف نهر ديالى", [("نهر ديالى", "diyala_river")]),
    ("قرب ديالى", [("ديالى", "diyala_governorate")]),
    ("the Sinjar Mountains and Sinjar", [("Sinjar Mountains", "sinjar_mountains"), ("Sinjar", "sinjar")]),
    ("في جبل سنجار", [("جبل سنجار", "sinjar_mountains")]),
    ("في محافظتي كركوك والحسكة", [("كركوك", "kirkuk_governorate"), ("الحسكة", "hasakah_governorate")]),
])
def test_resolution_by_context(geoparser: Geoparser, text: str, expected: list[tuple[str, str]]) -> None:
    assert places(geoparser, text) == expected


def test_document_coherence(gazetteer: Gazetteer) -> None:
    extra = {
        "qahtaniyah_sy": Place("qahtaniyah_sy", "town", {"en": "Al-Qahtaniyah", "ar": "القحطانية"},
                               {"en": ("Qahtaniyah",)}, Point(41.05, 37.03), 1, country="SY"),
        "qahtaniyah_iq": Place("qahtaniyah_iq", "town", {"en": "Al-Qahtaniya", "ar": "القحطانية"},
                               {"en": ("Qahtaniyah",)}, Point(41.63, 36.33), 1, country="IQ"),
    }
    geoparser = Geoparser.from_gazetteer(Gazetteer({**{p.id: p for p in gazetteer}, **extra}))
    syria = "اشتباكات في الحسكة ثم هجوم قرب القحطانية. وتقول مصادر في الرقة إن الوضع متوتر."
    iraq = "Attacks near Sinjar and Mosul; later, fighting near Qahtaniyah."
    assert ("القحطانية", "qahtaniyah_sy") in places(geoparser, syria)
    assert ("Qahtaniyah", "qahtaniyah_iq") in places(geoparser, iraq)


def test_ordinary_words_that_are_town_names_need_evidence(geoparser: Geoparser) -> None:
    assert places(geoparser, "ينتمي إلى الطبقة العاملة") == []
    assert places(geoparser, "في مدينة الطبقة") == [("الطبقة", "tabqa")]
    assert places(geoparser, "بين الرقة والطبقة") == [("الرقة", "raqqa"), ("الطبقة", "tabqa")]


def test_speakers_of_an_interview(geoparser: Geoparser) -> None:
    text = ("رووداو: هل ما زال داعش في الموصل؟\n\n"
            "مايلز كاغينز: نعم، داعش ما زال يشكل تهديداً في الموصل.\n\n"
            "رووداو: وماذا عن بغداد؟\n\n"
            "مايلز كاغينز: بغداد آمنة.")
    mentions = parse(geoparser, text, source="رووداو")
    assert [(m.surface, m.speaker) for m in mentions] == [
        ("الموصل", "رووداو"), ("الموصل", "مايلز كاغينز"), ("بغداد", "رووداو"), ("بغداد", "مايلز كاغينز")]


@pytest.mark.parametrize("text", [
    "", "   \n\n ", "بغداد" * 50_000, "Mosul" * 50_000, "ب" * 200_000, "\u202eبغداد\u202c في \u200fالموصل\u200e",
    "ب\u0640\u0640غداد", "\x00\x07بغداد\x1b[31m", "العراق😀Syria😀سوريا", "a\ud800b بغداد", "\ufeffبغداد",
    "في " * 20_000 + "بغداد", "ISIS near " * 5_000,
])
def test_hostile_input_does_not_crash(geoparser: Geoparser, text: str) -> None:
    for m in parse(geoparser, text):
        assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.surface


def test_bidi_and_tatweel_inside_names_keep_exact_offsets(geoparser: Geoparser) -> None:
    text = "هجوم في ب\u0640\u0640غداد و\u200fالموصل"
    assert [m.surface for m in parse(geoparser, text)] == ["ب\u0640\u0640غداد", "الموصل"]


def test_ordinary_prose_gives_no_place(real_geoparser: Geoparser) -> None:
    for name in ("geoparse_prose_ar.txt", "geoparse_prose_en.txt"):
        text = (DATA / name).read_text(encoding="utf-8")
        assert places(real_geoparser, text) == [], name


def test_seed_development_set_scores_one(real_geoparser: Geoparser) -> None:
    scores = evaluate(read_gold(SEED), real_geoparser)["all"]
    assert scores.end_to_end == (1.0, 1.0, 1.0), [m for m in scores.misses if m.kind != "threat"]
    assert scores.threat_accuracy == 1.0, [m for m in scores.misses if m.kind == "threat"]


def test_a_qualifier_or_a_list_is_evidence_for_an_ordinary_word(geoparser: Geoparser) -> None:
    assert places(geoparser, "هجوم قرب الطبقة") == [("الطبقة", "tabqa")]
    assert places(geoparser, "في بغداد والطبقة") == [("بغداد", "baghdad"), ("الطبقة", "tabqa")]
    assert places(geoparser, "في بغداد. الطبقة العاملة") == [("بغداد", "baghdad")]


# ---------------------------------------------------------------- real gazetteer: Kurdish forms, datelines, evidence
@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("چەکدارانی داعش لە نزیک مەخموور پەلاماریان دا", "ckb", [("مەخموور", "makhmur_district")]),
    ("هێزەکان لە چیای حەمرین و دەوروبەری کەرکووکدا بوون", "ckb",
     [("چیای حەمرین", "hamrin_mountains"), ("کەرکووک", "kirkuk")]),
    ("له‌ نزیك تووزخورماتوو بۆسه‌یان نایه‌وه‌", "ckb", [("تووزخورماتوو", "tuz_khurmatu")]),
    ("خەڵکی ڕۆژئاوای کوردستان نیگەرانن", "ckb", [("ڕۆژئاوای کوردستان", "syrian_kurdistan")]),
    ("لە پارێزگای دیالە و گەرمیان", "ckb", [("پارێزگای دیالە", "diyala_governorate"), ("گەرمیان", "garmiyan")]),
    ("DAIŞ li gundên navbera Xurmatûyê û Kifrîyê êrîş kir", "kmr",
     [("Xurmatû", "tuz_khurmatu"), ("Kifrî", "kifri")]),
    ("Topan gundên derdora Til Temirê bombebaran kirin.", "kmr", [("Til Temir", "tal_tamr")]),
    ("Xelkê Binxetê û Kerkûkê", "kmr", [("Binxet", "syrian_kurdistan"), ("Kerkûk", "kirkuk")]),
    ("Şaneyên DAIŞê li herêmên nakokî û li çiyayê Qerejox in", "kmr",
     [("herêmên nakokî", "disputed_territories"), ("çiyayê Qerejox", "qarachogh")]),
    ("TAMPA, Fla. – The command said", "en", [("TAMPA", "tampa"), ("Fla", "florida")]),
    ("SOUTHWEST ASIA – Coalition forces struck", "en", [("SOUTHWEST ASIA", "southwest_asia")]),
    ("attacks in the Iraqi Kurdistan Region (IKR) and the areas of disputed control", "en",
     [("Iraqi Kurdistan Region", "kurdistan_region"), ("IKR", "kurdistan_region"),
      ("areas of disputed control", "disputed_territories")]),
    ("BEIRUT (wire) - officials in Ankara and Washington said", "en",
     [("BEIRUT", "beirut"), ("Ankara", "ankara"), ("Washington", "washington_dc")]),
    ("a raid in the Wadi al-Shay area near Thiban", "en", [("Wadi al-Shay", "wadi_al_shay"), ("Thiban", "dhiban")]),
])
def test_kurdish_forms_datelines_and_new_places(real_geoparser: Geoparser, text: str, lang: str,
                                                expected: list[tuple[str, str]]) -> None:
    assert places(real_geoparser, text, lang=lang) == expected


def test_an_ordinary_word_is_a_place_when_a_related_place_or_the_same_place_is_named(
        real_geoparser: Geoparser) -> None:
    text = ("كمين لداعش في البادية السورية.\n\nهاجم مسلحون حافلة بين السخنة وتدمر في ريف حمص الشرقي.\n\n"
            "وصعدت الخلايا هجماتها في البادية منذ أشهر.")
    found = places(real_geoparser, text, lang="ar")
    assert ("السخنة", "sukhnah") in found and ("تدمر", "palmyra") in found
    assert [p for s, p in found if s == "البادية"] == ["syrian_badia"]
    # without any of that, the same words are ordinary words ("the desert", "destroys")
    assert places(real_geoparser, "قال إن الحرب تدمر البادية والمدن", lang="ar") == []


def test_the_head_of_a_construct_is_no_place(real_geoparser: Geoparser) -> None:
    found = places(real_geoparser, "غارات على جبل البشري وبادية السخنة في ريف حمص", lang="ar")
    assert ("جبل البشري", "jabal_bishri") in found and ("السخنة", "sukhnah") in found
    assert all(s != "بادية" for s, _ in found)


def test_al_riyadh_near_kirkuk_is_the_sub_district(real_geoparser: Geoparser) -> None:
    text = "هجوم جنوب غرب كركوك. وشرعت القوات بتفتيش المناطق المحيطة بالرياض والعباسي."
    assert ("الرياض", "ar_riyad") in places(real_geoparser, text, lang="ar")


def test_the_islamic_state_of_is_a_name_in_says_where(real_geoparser: Geoparser) -> None:
    assert places(real_geoparser, "Fighters of the Islamic State of Iraq and Syria attacked.", lang="en") == []
    assert places(real_geoparser, "The coalition conducted 38 operations against the Islamic State in Iraq and "
                                  "Syria.", lang="en") == [("Iraq", "iraq"), ("Syria", "syria")]


def test_a_name_nothing_locates_is_kept_without_geometry(real_geoparser: Geoparser) -> None:
    from threatmap.geoparse.unknown import find_candidates

    doc = Document(id="t", text="ISIS fighters attacked the village of Qaryat Zubaydawi at dawn.", lang="en")
    (m,) = real_geoparser.parse(doc)
    assert (m.surface, m.place_id, m.resolved_by, m.where, m.lat, m.precision) == (
        "Qaryat Zubaydawi", None, "unlocated", None, None, None)
    assert m.threat and m.to_dict()["bbox"] is None and m.to_dict()["lat"] is None
    assert Mention.from_row(m.row()) == m
    assert [c.surface for c in find_candidates(doc, [m])] == ["Qaryat Zubaydawi"]  # the curator's list too
    located = Document(id="u", text="ISIS attacked the village of Qaryat Zubaydawi, 20 km south of Mosul.",
                       lang="en")
    (n, mosul) = real_geoparser.parse(located)
    assert n.resolved_by == "context" and n.where is not None and mosul.place_id == "mosul"
    assert find_candidates(located, [n, mosul]) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("عقد الاجتماع في بروكسل اليوم.", [("بروكسل", "brussels")]),  # a city abroad after "in"
    ("وصل الوفد إلى سيول.", [("سيول", "seoul")]),
    ("تتكون من مياه الأودية والسيول المنحدرة من الجبال.", []),  # "and the floods": no preposition, an article
    ("ضربت سيول جارفة المنطقة.", []),  # "torrential floods"
])
def test_a_city_abroad_needs_a_locative_preposition(real_geoparser: Geoparser, text: str,
                                                     expected: list[tuple[str, str]]) -> None:
    assert places(real_geoparser, text, lang="ar") == expected
