"""The explorer's view: what the browser reports, which map it belongs to, where a pick sends it."""

from __future__ import annotations

import geopandas as gpd
import pytest

from layers.aggregate import View
from ui.mapview import ALL_LAYERS, DEFAULT_LAYERS, VIETNAM_BOUNDS, MapOptions, build_map, script_key
from ui.view_state import SELECTED_ZOOM, current_view, returned_view

REPORTED = {"bounds": {"_southWest": {"lat": 16.5, "lng": 106.5}, "_northEast": {"lat": 17.2, "lng": 107.5}}, "zoom": 9}


def test_the_browsers_report_is_read_and_kept_on_the_one_world():
    assert returned_view(REPORTED) == View(9, 106.5, 16.5, 107.5, 17.2)
    wide = {"bounds": {"_southWest": {"lat": -89, "lng": -200}, "_northEast": {"lat": 89, "lng": 250}}, "zoom": 1}
    assert returned_view(wide) == View(1, -180.0, -85.05, 180.0, 85.05)
    for nothing in (None, {}, {"zoom": 3}, {"bounds": None, "zoom": 3}, {"bounds": REPORTED["bounds"], "zoom": "x"}):
        assert returned_view(nothing) is None


def test_the_view_is_the_browsers_only_while_it_keeps_the_same_map():
    reported = returned_view(REPORTED)
    assert current_view(reported, True, VIETNAM_BOUNDS, None) == reported
    fresh = current_view(reported, False, VIETNAM_BOUNDS, None)  # a new map opens on Vietnam
    assert fresh.zoom == 5 and fresh.west < 102.1 and fresh.east > 109.5
    assert current_view(None, True, VIETNAM_BOUNDS, None) == fresh


def test_a_picked_report_is_in_the_view_at_street_level():
    view = current_view(returned_view(REPORTED), True, VIETNAM_BOUNDS, (16.75, 107.19))
    assert view.zoom == SELECTED_ZOOM and view.contains(107.19, 16.75)


NO_BOUNDARIES = DEFAULT_LAYERS - {"boundaries"}


@pytest.mark.parametrize(
    ("before", "after", "same"),
    [
        ({}, {"layers": DEFAULT_LAYERS - {"circles"}}, True),
        ({}, {"layers": DEFAULT_LAYERS - {"reports"}}, True),
        ({}, {"layers": DEFAULT_LAYERS - {"trips"}}, True),
        ({}, {"show_contacts": True}, True),
        ({"layers": NO_BOUNDARIES}, {"layers": NO_BOUNDARIES, "boundary_level": "63"}, True),
        ({}, {"boundary_level": "63"}, False),
        ({}, {"layers": ALL_LAYERS}, False),  # the heat map's plugin comes with the map
        ({}, {"layers": DEFAULT_LAYERS - {"battlefields"}}, False),
        ({}, {"lang": "en"}, False),
    ],
)
def test_the_map_key_changes_exactly_when_the_maps_script_does(before, after, same):
    """streamlit-folium rebuilds the map in the browser when its script changes; the server must
    know, or it draws the layer of a view the browser is no longer showing."""
    import streamlit_folium as sf

    sites = gpd.GeoDataFrame({"name": ["A"], "notes": [""]}, geometry=gpd.points_from_xy([107], [16.8]), crs=4326)
    options = MapOptions(**before), MapOptions(**after)
    scripts = []
    for chosen in options:
        m = build_map(sites, sites, chosen)
        m.render()
        scripts.append(sf.generate_leaflet_string(m))
    assert (script_key(options[0], None) == script_key(options[1], None)) is same
    assert (scripts[0] == scripts[1]) is same
