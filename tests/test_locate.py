"""Context names are located by the known place that contains them, a distance to one, or the area named before."""

from __future__ import annotations

from shapely.geometry import Point

from threatmap.geoparse.discover import find_context_names
from threatmap.geoparse.locate import locate
from threatmap.models import Place


def _place(pid: str, typ: str, lon: float, lat: float, precision: int = 1) -> Place:
    return Place(id=pid, type=typ, names={"en": pid}, aliases={}, geometry=Point(lon, lat), precision=precision)


def _locate(text: str, anchors: dict[str, Place]):  # type: ignore[no-untyped-def]
    spans = [(text.index(k), text.index(k) + len(k), p) for k, p in anchors.items()]
    (name,) = find_context_names(text, [(s, e) for s, e, _ in spans])
    return locate(text, name, spans)


def test_containment_gives_the_area_around_the_town() -> None:
    baghdad = _place("baghdad", "city", 44.4, 33.3)
    loc = _locate("the bombing of Karrada district in Baghdad on Monday", {"Baghdad": baghdad})
    assert (loc.anchor_id, loc.precision, loc.how) == ("baghdad", 2, "containment")


def test_a_distance_moves_the_point() -> None:
    loc = _locate("clashes near Kisik, 20 km south of Mosul.", {"Mosul": _place("mosul", "city", 43.13, 36.34)})
    assert loc.how == "distance" and loc.precision == 2
    assert abs(loc.lat - (36.34 - 20 / 111)) < 0.01 and abs(loc.lon - 43.13) < 0.01


def test_a_list_of_villages_takes_the_area_named_before_it() -> None:
    text = "تعتبر مدينة هجين مركز ناحية وتضم عدة قرى وهي: غرانيج – الكشكية."
    loc = _locate(text.replace(" – الكشكية", ""), {"هجين": _place("hajin", "town", 40.83, 34.69)})
    assert (loc.anchor_id, loc.precision, loc.how) == ("hajin", 3, "nearby")


def test_a_governorate_is_precision_4_and_a_country_locates_nothing() -> None:
    gov = _place("diyala", "governorate", 44.9, 34.0, precision=4)
    assert _locate("في محافظة ديالى إلى اليسار من قرية إنجانة", {"ديالى": gov}).precision == 4
    iraq = _place("iraq", "country", 43.7, 33.0, precision=6)
    assert _locate("-- Near Kisik, two strikes in Iraq", {"Iraq": iraq}) is None


def test_a_verb_between_is_no_containment() -> None:
    text = "وفيها أحياء السوق وترتبط بمدينة دير الزور"
    assert _locate(text, {"دير الزور": _place("deir", "city", 40.1, 35.3)}) is None


def test_the_same_line_locates_at_governorate_size_but_a_list_line_does_not() -> None:
    gov = _place("diyala", "governorate", 44.9, 34.0, precision=4)
    loc = _locate("يقع في محافظة ديالى. وكانت عدة أنهار تسقي قرية إنجانة قديما", {"ديالى": gov})
    assert (loc.anchor_id, loc.precision, loc.how) == ("diyala", 4, "paragraph")
    tal_afar = _place("tal_afar", "city", 42.45, 36.37)
    assert _locate("-- Near Tal Afar, a strike.\n-- Near Kisik, a strike.", {"Tal Afar": tal_afar}) is None


def test_a_camp_is_located_by_the_camp_listed_with_it_at_governorate_size() -> None:
    hol = _place("al_hol_camp", "camp", 41.15, 36.38)
    loc = _locate("يعيش آلاف في مخيمي الهول والروج للنازحين", {"الهول": hol})
    assert (loc.anchor_id, loc.precision, loc.how) == ("al_hol_camp", 4, "sibling")
    loc = _locate("gelo wê rewşa kampên Hol û Roj çi be?", {"Hol": hol})
    assert (loc.anchor_id, loc.precision) == ("al_hol_camp", 4)
    # a camp named earlier in the sentence, not in the list, still contains nothing
    assert _locate("near al-Hol camp, fighters attacked the village of Tuwaymin.", {"al-Hol": hol}) is None


def test_containment_words_with_a_ta_marbuta_or_in_kurdish() -> None:
    qayyarah = _place("qayyarah", "town", 43.2, 35.8)
    loc = _locate("هاجم عناصر التنظيم قرية المشيرفة التابعة لناحية القيارة", {"القيارة": qayyarah})
    assert (loc.anchor_id, loc.precision, loc.how) == ("qayyarah", 2, "containment")
    loc = _locate("انفجار في حي الزهراء بمدينة القيارة", {"القيارة": qayyarah})
    assert (loc.anchor_id, loc.how) == ("qayyarah", "containment")
    daquq = _place("daquq", "town", 44.45, 35.14)
    loc = _locate("هێرش کرایە سەر گوندی سیباد سەر بە قەزای داقوق", {"داقوق": daquq})
    assert (loc.anchor_id, loc.how) == ("daquq", "containment")
    hasakah = _place("hasakah", "city", 40.75, 36.5)
    loc = _locate("Êrîş li gundê Til Birak yê navçeya Hesekê", {"Hesekê": hasakah})
    assert (loc.anchor_id, loc.how) == ("hasakah", "containment")
