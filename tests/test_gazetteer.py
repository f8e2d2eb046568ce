"""The real gazetteer: it loads clean, covers the gold places and its outlines lie where they should."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from shapely.geometry import Point

from threatmap import settings
from threatmap.gazetteer import Gazetteer, default_gazetteer
from threatmap.geoparse.match.matcher import match_key
from threatmap.geoparse.parser import Geoparser
from threatmap.lang.normalize import normalize_key
from threatmap.models import PLACE_TYPES, PRECISION_CODES

DATA = Path(__file__).parent / "data" / "gazetteer"
SHARED_GOLD = settings.ROOT / "tests" / "data" / "gold" / "seed.jsonl"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(settings.ROOT / "places.yaml", settings.ROOT / "geodata")


@pytest.fixture(scope="module")
def holders(gaz: Gazetteer) -> dict[str, set[str]]:
    """Place ids by the normalised key of each of their names and aliases."""
    out: dict[str, set[str]] = defaultdict(set)
    for alias, _, place in gaz.aliases():
        out[normalize_key(alias)].add(place.id)
    return out


def _gold_mentions() -> list[dict]:
    mentions = json.loads((DATA / "gold_places.json").read_text(encoding="utf-8"))["mentions"]
    seen = {(m["surface"], m["place"]) for m in mentions}  # the seed may have grown since the fixture was made
    for line in SHARED_GOLD.read_text(encoding="utf-8").splitlines():
        for m in json.loads(line)["mentions"] if line.strip() else ():
            if (m["surface"], m["place"]) not in seen:
                seen.add((m["surface"], m["place"]))
                mentions.append(m)
    return mentions


def _km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _distance_km(geom, point: Point) -> float:
    if geom.contains(point):
        return 0.0
    from shapely.ops import nearest_points
    return _km(nearest_points(geom, point)[0], point)


def test_the_real_gazetteer_loads_and_has_the_required_coverage(gaz: Gazetteer) -> None:
    types = Counter(p.type for p in gaz)
    assert set(types) <= set(PLACE_TYPES)
    assert all(p.precision in PRECISION_CODES for p in gaz)
    governorates = [p for p in gaz if p.type == "governorate" and p.country in ("IQ", "SY")]
    assert Counter(p.country for p in governorates) == {"IQ": 18, "SY": 14}  # (+ Florida, a dateline state)
    assert all(p.geometry.geom_type in ("Polygon", "MultiPolygon") and p.names.get("ar") for p in governorates)
    assert types["country"] >= 200
    assert all(p.names.get("ar") for p in gaz if p.type == "country" and p.country in ("US", "RU", "FI", "TR", "IR"))
    settlements = [p for p in gaz if p.country in ("IQ", "SY") and p.type in ("city", "town", "village", "camp")]
    assert len(settlements) >= 400
    rivers = {p.id: p for p in gaz if p.type == "river"}
    assert {"tigris", "euphrates", "great_zab", "little_zab", "diyala_river", "khabur_river"} <= set(rivers)
    assert all(r.geometry.geom_type in ("LineString", "MultiLineString") for r in rivers.values())


@pytest.mark.parametrize("place_id", [
    "hamrin_mountains", "qarachogh", "makhoul_mountains", "badush_mountains", "atshan_mountains", "makhmur_district",
    "nineveh_plains", "anbar_desert", "jazira_desert", "wadi_horan", "syrian_badia", "middle_euphrates_river_valley",
    "lake_hamrin", "lake_tharthar", "kurdistan_region", "disputed_territories", "sinjar_mountains",
])
def test_hand_drawn_outlines_are_polygons_with_stated_sources(gaz: Gazetteer, place_id: str) -> None:
    place = gaz[place_id]
    assert place.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert place.sources and place.precision in (3, 4, 5)


def _gold_cases() -> list[pytest.param]:
    return [pytest.param(m, id=f"{m['place']}:{m['surface']}") for m in _gold_mentions()]


@pytest.mark.parametrize("mention", _gold_cases())
def test_every_gold_place_has_a_place_within_161_km(gaz: Gazetteer, holders: dict, mention: dict) -> None:
    candidates = {i: gaz[i] for i in holders.get(normalize_key(mention["surface"]), ())}
    if not candidates:  # a source typo kept by the annotators (دير الوزر): the matcher's variant rule finds it
        found = Geoparser.from_gazetteer(gaz).matcher.find(mention["surface"])
        assert found and found[0].fuzzy, f"no place has the name or alias {mention['surface']!r} ({mention['place']})"
        candidates = {i: gaz[i] for i in found[0].place_ids}
        mention = {**mention, "surface": found[0].key}  # the name it is a variant of decides the preference
    gold = Point(mention["lon"], mention["lat"])
    chosen = gaz.preferred(mention["surface"]) if len(candidates) > 1 else next(iter(candidates.values()))
    assert chosen is not None, f"{mention['surface']!r} is ambiguous and no place declares it"
    assert _distance_km(chosen.geometry, gold) <= 161, (chosen.id, mention)


@pytest.mark.parametrize(("place_id", "governorates"), [
    ("hamrin_mountains", {"salahuddin_governorate", "kirkuk_governorate", "diyala_governorate"}),
    ("qarachogh", {"erbil_governorate", "nineveh_governorate"}),
    ("makhoul_mountains", {"salahuddin_governorate", "kirkuk_governorate"}),
    ("badush_mountains", {"nineveh_governorate"}),
    ("atshan_mountains", {"nineveh_governorate", "salahuddin_governorate"}),
    ("sinjar_mountains", {"nineveh_governorate"}),
    ("makhmur_district", {"erbil_governorate", "nineveh_governorate"}),
    ("nineveh_plains", {"nineveh_governorate", "duhok_governorate"}),
    ("anbar_desert", {"anbar_governorate"}),
    ("jazira_desert", {"anbar_governorate", "salahuddin_governorate", "nineveh_governorate"}),
    ("wadi_horan", {"anbar_governorate"}),
    ("lake_hamrin", {"diyala_governorate"}),
    ("lake_tharthar", {"salahuddin_governorate", "anbar_governorate"}),
    ("kurdistan_region", {"erbil_governorate", "duhok_governorate", "sulaymaniyah_governorate"}),
    ("disputed_territories", {"kirkuk_governorate", "nineveh_governorate", "salahuddin_governorate",
                              "diyala_governorate", "erbil_governorate"}),
    ("middle_euphrates_river_valley", {"deir_ez_zor_governorate"}),
    ("syrian_badia", {"homs_governorate", "deir_ez_zor_governorate", "raqqa_governorate", "rif_dimashq_governorate"}),
])
def test_outlines_lie_in_their_expected_governorates(gaz: Gazetteer, place_id: str, governorates: set[str]) -> None:
    place = gaz[place_id]
    point = place.geometry.representative_point()
    assert any(gaz[g].geometry.contains(point) for g in governorates), (place_id, point.wkt)


def test_anbar_desert_lies_within_anbar(gaz: Gazetteer) -> None:
    desert, anbar = gaz["anbar_desert"].geometry, gaz["anbar_governorate"].geometry
    assert desert.difference(anbar).area < 0.001 * desert.area


@pytest.mark.parametrize(("name", "place_id"), [
    ("ديالى", "diyala_governorate"), ("Diyala", "diyala_governorate"), ("Kirkuk", "kirkuk"), ("كركوك", "kirkuk"),
    ("الحسكة", "hasakah"), ("Hasakah", "hasakah"), ("الرقة", "raqqa"), ("Raqqa", "raqqa"),
    ("دير الزور", "deir_ez_zor"), ("Dayr Az Zawr", "deir_ez_zor"), ("إدلب", "idlib"), ("بغداد", "baghdad"),
    ("مخمور", "makhmur_district"), ("Makhmour", "makhmur_district"), ("Rabiah", "rabia"),
    ("Sinjar", "sinjar"), ("الديوانية", "diwaniyah"),
])
def test_ambiguous_names_are_declared(gaz: Gazetteer, holders: dict, name: str, place_id: str) -> None:
    ids = holders[normalize_key(name)]
    assert len(ids) >= 2 and place_id in ids
    assert gaz.preferred(name) is gaz[place_id]


@pytest.mark.parametrize(("name", "place_id"), [
    ("Qara Chokh", "qarachogh"), ("قرة جوخ", "qarachogh"), ("قەرەچوغ", "qarachogh"), ("Karachok", "qarachogh"),
    ("Mexmûr", "makhmur_district"), ("Himreen", "hamrin_mountains"), ("سلسلة جبال حمرين", "hamrin_mountains"),
    ("بادية الأنبار", "anbar_desert"), ("Nineveh Plain", "nineveh_plains"), ("إقليم كردستان", "kurdistan_region"),
    ("هەرێمی کوردستان", "kurdistan_region"), ("USA", "united_states"), ("أميركا", "united_states"),
    ("سورية", "syria"), ("Deir al-Zour", "deir_ez_zor"), ("Ninewah", "nineveh_governorate"),
    ("Salah al-Din", "salahuddin_governorate"), ("At-Ta'mim", "kirkuk_governorate"), ("Huwayjah", "hawija"),
    ("Shadaddi", "shaddadi"), ("Abu Kamal", "abu_kamal"), ("Wadi Hawran", "wadi_horan"), ("Al Roj camp", "roj_camp"),
    ("الهول", "al_hol_camp"),
    # generated English transliteration variants (geodata/spellings_en.yaml)
    ("Ninevah", "nineveh_governorate"), ("Tel Kayf", "tel_keppe"), ("Tuz", "tuz_khurmatu"), ("Beiji", "baiji"),
    ("disputed territory", "disputed_territories"),
    # curated names of generated places (geodata/spellings_curated.yaml)
    ("Dirbêsiyê", "ad_darbasiyah"), ("Tirbespiyê", "al_qahtaniyah"), ("Ain Issa", "ayn_isa"),
    ("Sheikhan", "ash_shaykhan"), ("دێرک", "al_malikiyah"), ("Hammam al-Alil", "ovt_hamam_al_alil"),
    # continents (GeoNames names, outline of their countries)
    ("Europe", "europe"), ("إفريقيا", "africa"), ("آسيا", "asia"),
])
def test_spelling_variants_reach_their_place(holders: dict, name: str, place_id: str) -> None:
    assert place_id in holders[normalize_key(name)]


@pytest.mark.parametrize("word", ["the", "us", "as seen", "new", "السجن", "المزرعة", "التأميم", "تل", "جديدة", "خالص",
                                  "العلم"])
def test_ordinary_words_are_not_aliases(holders: dict, word: str) -> None:
    assert normalize_key(word) not in holders


def test_an_ordinary_word_that_names_a_region_needs_evidence(gaz: Gazetteer) -> None:
    # البادية ("the desert") names the Syrian Badia only with evidence (the document names it, or a related place)
    entry = Geoparser.from_gazetteer(gaz).matcher.entries[match_key("البادية")]
    assert entry.place_ids == ("syrian_badia",) and entry.needs_context


def test_generated_block_never_redefines_curated_places() -> None:
    text = (settings.ROOT / "places.yaml").read_text(encoding="utf-8")
    curated, marker, generated = text.partition("=" * 71 + " GENERATED")
    assert marker, "places.yaml lost its GENERATED marker (see scripts/build_geodata.py)"
    curated_ids = {line.split(":", 1)[1].strip() for line in curated.splitlines() if line.startswith("  - id:")}
    generated_ids = {line.split(":", 1)[1].strip() for line in generated.splitlines() if line.startswith("  - id:")}
    assert len(curated_ids) > 100 and len(generated_ids) > 400
    assert not curated_ids & generated_ids


def test_gazetteer_api(gaz: Gazetteer) -> None:
    iraq = gaz["iraq"]
    assert gaz.get("nowhere") is None and "iraq" in gaz and len(gaz) == len(list(gaz))
    assert {p.id for p in gaz.children("iraq")} >= {"anbar_governorate", "kurdistan_region", "hamrin_mountains"}
    assert ("العراق", "ar", iraq) in set(gaz.aliases())
    assert default_gazetteer() is default_gazetteer()


def test_only_iraqi_and_syrian_first_level_areas_are_typed_governorate() -> None:
    from threatmap.gazetteer import default_gazetteer

    odd = [p.id for p in default_gazetteer() if p.type == "governorate" and p.country not in ("IQ", "SY")]
    assert odd == []  # a US state (Florida) is a region of precision 4


def test_continents_are_the_outline_of_their_countries(gaz: Gazetteer) -> None:
    from shapely.geometry import Point
    africa, europe = gaz["africa"], gaz["europe"]
    assert africa.type == europe.type == "region" and africa.country is None
    assert africa.geometry.contains(Point(20.0, 5.0)) and africa.geometry.contains(Point(31.2, 30.0))  # Cairo
    assert europe.geometry.contains(Point(12.5, 41.9)) and not europe.geometry.contains(Point(44.4, 33.3))  # Rome
