"""The geometry a qualified mention means ("near X", "north of X") and the mention's geometry record."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point, box

from threatmap.geometry import qualified_geometry, qualified_precision, where_of
from threatmap.models import Place, Where

TOWN = Point(44.0, 34.0)
AREA = box(44.0, 33.0, 46.0, 35.0)
RIDGE = LineString([(43.6, 35.0), (44.9, 34.2)])


def test_no_qualifier_keeps_the_geometry() -> None:
    assert qualified_geometry(TOWN, None) is TOWN


def test_near_a_point_is_a_circle_of_about_ten_km() -> None:
    g = qualified_geometry(TOWN, "near")
    assert g.geom_type == "Polygon" and g.contains(TOWN)
    minx, miny, maxx, maxy = g.bounds
    assert (maxy - miny) * 110.574 == pytest.approx(20.0, rel=0.02)
    assert (maxx - minx) * 111.32 * 0.829 == pytest.approx(20.0, rel=0.03)


def test_direction_from_a_point_is_a_sector_away_from_it() -> None:
    g = qualified_geometry(TOWN, "north")
    assert not g.contains(TOWN)
    assert g.bounds[1] > TOWN.y + 4 / 110.574 and g.bounds[3] < TOWN.y + 31 / 110.574
    se = qualified_geometry(TOWN, "southeast").representative_point()
    assert se.x > TOWN.x and se.y < TOWN.y


def test_direction_on_an_area_keeps_its_outer_part_in_that_direction() -> None:
    """"north of X" on an area is a band along its northern edge (40 % of its extent), not a half or a wedge."""
    north = qualified_geometry(AREA, "north")
    assert north.bounds == pytest.approx((44.0, 34.2, 46.0, 35.0), abs=0.02)
    west = qualified_geometry(AREA, "west")
    assert west.bounds[2] == pytest.approx(44.8, abs=0.02)
    nw = qualified_geometry(AREA, "northwest")
    assert nw.area == pytest.approx(AREA.area * 0.32, rel=0.05)  # the corner beyond 40 % of the diagonal
    assert nw.contains(Point(44.2, 34.8)) and not nw.contains(Point(45.0, 34.0)) and AREA.contains(nw)


def test_near_an_area_or_a_line_is_a_buffer_around_it() -> None:
    g = qualified_geometry(AREA, "near")
    assert g.contains(AREA) and g.area > AREA.area
    ridge = qualified_geometry(RIDGE, "near")
    assert ridge.geom_type == "Polygon" and ridge.contains(RIDGE)
    assert (ridge.bounds[3] - RIDGE.bounds[3]) * 110.574 == pytest.approx(15.0, rel=0.05)


def test_qualified_geometry_is_pure() -> None:
    before = AREA.wkt
    assert qualified_geometry(AREA, "north").equals(qualified_geometry(AREA, "north"))
    assert AREA.wkt == before


def test_unknown_qualifier_is_rejected() -> None:
    with pytest.raises(ValueError, match="expected a qualifier"):
        qualified_geometry(TOWN, "upstream")


def test_precision_of_a_qualified_town_becomes_an_area_around_it() -> None:
    assert qualified_precision(1, "near") == 2
    assert qualified_precision(1, "north") == 2
    assert qualified_precision(1, None) == 1
    assert qualified_precision(4, "north") == 4


def test_where_of_a_qualified_town_is_the_area_around_it() -> None:
    town = Place(id="t", type="town", names={"en": "T"}, aliases={}, geometry=TOWN, precision=1)
    assert where_of(town, None) == Where(34.0, 44.0, (44.0, 34.0, 44.0, 34.0), "Point", 1)
    near = where_of(town, "near")
    assert near.geometry_type == "Point" and near.precision == 2
    assert near.bbox[0] < 44.0 < near.bbox[2] and near.bbox[1] < 34.0 < near.bbox[3]
    assert box(*near.bbox).contains(qualified_geometry(TOWN, "near").representative_point())
