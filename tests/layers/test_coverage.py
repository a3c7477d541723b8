"""Coverage: searched areas, report states and per-province figures, checked against an
independent computation (pyproj to the UTM zone, shapely buffer and area) in the test."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point

from geo.spatial import area_km2, length_km, searched_area, utm_epsg
from layers.coverage import coverage_states, coverage_table, searched_areas

WEST = LineString([(107.000, 16.800), (107.010, 16.800), (107.010, 16.805)])  # UTM 48N
EAST = LineString([(108.300, 14.000), (108.300, 14.010)])  # UTM 49N
IDENTIFIED = {"far"}  # the reports the history says were identified (layers.campaign.reaching)


def _utm_buffer(line: LineString, width: float, epsg: int):
    """The test's own searched area: straight to the zone, buffer, measure there."""
    return _to_utm(line, epsg).buffer(width)


def _to_utm(geometry, epsg: int):
    forward = Transformer.from_crs(4326, epsg, always_xy=True)
    return shapely.transform(geometry, lambda x, y: forward.transform(x, y), interleaved=False)


def _trips() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["t1", "t2", "t3"],
            "outcome": ["nothing_found", "remains_found", "planned"],
            "sweep_width_m": [25.0, 40.0, 25.0],
            "date_from": ["2026-05-01", "2026-06-01", "2026-12-01"],
            "remains_found": [0, 2, 0],
            "linked_report_ids": [[], ["far"], ["planned-only"]],
            "province_34": ["VN-25", "VN-30", "VN-25"],
            "province_63": ["VN-25", "VN-30", "VN-25"],
            "chapter_id": ["c25", "c30", "c25"],
        },
        geometry=[WEST, EAST, LineString([(107.2, 16.9), (107.21, 16.9)])],
        crs=4326,
    )


def _reports() -> gpd.GeoDataFrame:
    metres = 1 / 111_320  # degrees of latitude per metre, near enough for offsets of tens of metres
    return gpd.GeoDataFrame(
        {
            "id": ["inside", "outside", "far", "planned-only", "nowhere"],
            "status": ["verified", "new", "identified", "planned", "new"],
            "province_34": ["VN-25", "VN-25", "VN-30", "VN-25", "VN-25"],
            "province_63": ["VN-25", "VN-25", "VN-30", "VN-25", "VN-25"],
            "chapter_id": ["c25", "c25", "c30", "c25", "c25"],
        },
        geometry=[
            Point(107.005, 16.800 + 20 * metres),  # 20 m from the 25 m sweep: searched
            Point(107.005, 16.800 + 60 * metres),  # 60 m away: not reached
            Point(108.9, 13.5),  # far from any track, but a trip names it
            Point(107.205, 16.9),  # on a planned trip's line: planned trips search nothing
            None,
        ],
        crs=4326,
    )


def test_searched_area_equals_the_buffer_in_the_utm_zone_of_the_track():
    assert utm_epsg(107.0) == 32648 and utm_epsg(108.3) == 32649
    for line, width in ((WEST, 25.0), (EAST, 40.0)):
        expected = _utm_buffer(line, width, utm_epsg(line.centroid.x)).area / 1e6
        assert area_km2(searched_area(line, width)) == pytest.approx(expected, rel=2e-3)
        utm_length = _to_utm(line, utm_epsg(line.centroid.x))
        assert length_km(line) == pytest.approx(utm_length.length / 1000, rel=2e-3)


def test_a_missing_sweep_width_means_25_m_each_side():
    assert area_km2(searched_area(WEST, None)) == pytest.approx(area_km2(searched_area(WEST, 25.0)))


def test_each_report_gets_its_coverage_state():
    states = coverage_states(_reports(), _trips()).set_index(_reports()["id"])
    assert states["state"].to_dict() == {
        "inside": "in_searched_area",
        "outside": "not_visited",
        "far": "linked",
        "planned-only": "not_visited",
        "nowhere": "not_visited",
    }
    assert states.loc["far", "outcome"] == "remains_found"
    assert len(searched_areas(_trips())) == 2  # the planned trip covers nothing


def test_coverage_table_per_province_matches_the_independent_figures():
    table = coverage_table(_reports(), _trips(), "province_34", IDENTIFIED)
    quang_tri, gia_lai = table.loc["VN-25"], table.loc["VN-30"]
    assert (quang_tri["reports"], quang_tri["located"], quang_tri["searched"]) == (4, 3, 1)
    assert quang_tri["searched_pct"] == pytest.approx(100 / 3)
    assert (quang_tri["trips"], gia_lai["trips"], gia_lai["remains_found"], gia_lai["identified"]) == (1, 1, 2, 1)
    expected = _utm_buffer(WEST, 25.0, 32648).area / 1e6
    assert quang_tri["searched_km2"] == pytest.approx(expected, rel=2e-3)


def test_overlapping_sweeps_are_counted_once():
    trips = _trips().iloc[[0, 0]].assign(id=["a", "b"])
    table = coverage_table(_reports(), trips, "province_34", IDENTIFIED)
    assert table.loc["VN-25", "searched_km2"] == pytest.approx(_utm_buffer(WEST, 25.0, 32648).area / 1e6, rel=2e-3)


def test_a_trip_without_a_track_still_counts_but_searches_no_area():
    trips = _trips()
    trips.loc[1, "geometry"] = None
    table = coverage_table(_reports(), trips, "province_34", IDENTIFIED)
    assert table.loc["VN-30", "trips"] == 1 and table.loc["VN-30", "remains_found"] == 2
    assert table.loc["VN-30", "searched_km2"] == 0


def test_no_trips_no_tracks_and_no_reports_give_zeros_not_errors():
    none = _trips().iloc[0:0]
    table = coverage_table(_reports(), none, "province_34", IDENTIFIED)
    assert table["searched_km2"].sum() == 0 and table["trips"].sum() == 0
    untracked = _trips().assign(geometry=None)
    assert coverage_table(_reports(), untracked, "province_34", IDENTIFIED)["searched_km2"].sum() == 0
    empty = coverage_table(_reports().iloc[0:0], none, "chapter_id", IDENTIFIED)
    assert empty.empty and float(empty["searched_km2"].sum()) == 0


def test_a_status_that_says_searched_counts_and_duplicates_are_left_out():
    reports = _reports()
    reports.loc[reports["id"] == "outside", "status"] = "searched_not_found"
    reports.loc[reports["id"] == "nowhere", "status"] = "duplicate"
    states = coverage_states(reports, _trips()).set_index(reports["id"])["state"]
    assert states["outside"] == "searched_by_status" and states["nowhere"] == "duplicate"
    table = coverage_table(reports, _trips(), "province_34", IDENTIFIED)
    assert table.loc["VN-25", "reports"] == 3 and table.loc["VN-25", "searched"] == 2


def test_identified_counts_what_the_history_says_not_the_status_now():
    reports = _reports()
    reports.loc[reports["id"] == "inside", "status"] = "identified"  # a status the history never gave
    table = coverage_table(reports, _trips(), "province_34", {"far", "outside"})
    assert table.loc["VN-25", "identified"] == 1 and table.loc["VN-30", "identified"] == 1


def test_area_does_not_depend_on_ring_orientation():
    square = shapely.box(107.0, 16.0, 107.01, 16.01)
    both = shapely.MultiPolygon([square, shapely.box(107.02, 16.0, 107.03, 16.01).reverse()])
    assert area_km2(both) == pytest.approx(2 * area_km2(square), rel=1e-3)
