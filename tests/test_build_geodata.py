"""scripts/build_geodata.py: which cities abroad the build keeps (the rest of the build is checked by --check)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from build_geodata import _Keys, _world_city_entries


def _city(gid: int, name: str, pop: int, *arabic: str) -> dict:
    return {"geonameid": gid, "name": name, "countrycode": "DE", "population": pop, "latitude": 52.5,
            "longitude": 13.4, "alternatenames": list(arabic)}


def test_a_city_of_millions_keeps_its_frequent_english_name_a_small_capital_does_not() -> None:
    germany = {"id": "germany", "type": "country", "country": "DE", "names": {"en": "Germany"}}
    rows = [_city(1, "Berlin", 3_400_000, "برلين"), _city(2, "Male", 100_000), _city(3, "Rostock", 2_100_000,
                                                                                   "مشهد")]
    made = {e["names"]["en"]: e for e in _world_city_entries(rows, [germany], _Keys([germany]))}
    assert "Berlin" in made and "Male" not in made  # "Berlin" is as frequent as "male"; the city is the reason
    assert "ar" not in made["Rostock"]["names"]  # an Arabic name stays subject to the frequency rule (مشهد "scene")
