"""The curator's loop: unresolved names counted, a new place written to places.local.yaml and validated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from threatmap.cli import main
from threatmap.curate import add_local_place, local_entry, slug, unresolved_names
from threatmap.errors import GazetteerError
from threatmap.gazetteer import Gazetteer
from threatmap.models import Candidate

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def places(tmp_path: Path) -> Path:
    path = tmp_path / "places.yaml"
    shutil.copy(DATA / "geoparse_places.yaml", path)
    return path


GEODATA = DATA / "geoparse_geodata"


def test_unresolved_names_are_counted_with_their_passages() -> None:
    cands = [Candidate("a", 0, 5, "Tarmiyah", "village of", "the village of Tarmiyah was hit"),
             Candidate("b", 3, 8, "Tarmiyah", "village of", "again in the village of Tarmiyah"),
             Candidate("b", 9, 12, "Zab", "river", "the Zab river")]
    (first, second) = unresolved_names(cands)
    assert (first.surface, first.count, len(first.passages), first.kinds) == ("Tarmiyah", 2, 2, ("candidate",))
    assert second.surface == "Zab"


def test_a_point_is_added_to_the_local_gazetteer_and_loaded_after_places_yaml(places: Path) -> None:
    entry = local_entry(place_id=slug("Tall Ḥamīd"), place_type="village", names={"en": "Tall Hamid", "ar": "تل حميد"},
                        country="IQ", point=(34.61, 43.52), places_path=places, source="added by test")
    assert entry["id"] == "tall_hamid"
    gaz = add_local_place(entry, places, GEODATA)
    place = gaz["tall_hamid"]
    assert place.names["ar"] == "تل حميد" and place.precision == 1 and place.geometry.x == pytest.approx(43.52)
    local = places.with_name("places.local.yaml")
    assert "tall_hamid" in local.read_text(encoding="utf-8")
    assert "tall_hamid" in Gazetteer.load(places, GEODATA)  # read again from the files
    assert main(["--places", str(places), "--geodata", str(GEODATA), "validate"]) == 0


def test_an_invalid_entry_is_refused_with_the_validators_message_and_the_file_restored(
        places: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = local_entry(place_id="tall_hamid", place_type="village", names={"en": "Tall Hamid"}, country="IQ",
                       point=(34.61, 43.52), places_path=places, source="t")
    add_local_place(good, places, GEODATA)
    local = places.with_name("places.local.yaml")
    before = local.read_text(encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"places\.local\.yaml:\d+ place tall_hamid: duplicate id"):
        add_local_place(good, places, GEODATA)
    bad = {**good, "id": "tall_hamid_2", "type": "hamlet"}
    with pytest.raises(GazetteerError, match=r"places\.local\.yaml:\d+ place tall_hamid_2: type: expected one of"):
        add_local_place(bad, places, GEODATA)
    assert local.read_text(encoding="utf-8") == before
    local.write_text(before + "  - id: Bad Id\n    type: village\n", encoding="utf-8")  # by hand: validate says so
    assert main(["--places", str(places), "--geodata", str(GEODATA), "validate"]) == 1
    assert "places.local.yaml:" in capsys.readouterr().out


def test_hostile_names_are_refused(places: Path) -> None:
    with pytest.raises(GazetteerError, match="control or direction-override"):
        local_entry(place_id="x", place_type="village", names={"en": "Evil\u202eName"}, country="IQ",
                    point=(34.0, 43.0), places_path=places, source="t")
