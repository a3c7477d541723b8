"""Where the explorer's map is looking, from what the browser last reported (pure functions).

streamlit-folium returns the map's bounds and zoom after every pan or zoom; the server draws the
layer of that view. A new map (after a filter or layer change) opens on its own fitted view, and a
report picked in the table sends the map to it.
"""

from __future__ import annotations

from layers.aggregate import MERCATOR_LAT, View, fit
from layers.query import FilterSpec
from ui.mapview import VIETNAM_BOUNDS
from ui.reports_view import Positions

MAP_WIDTH = 940  # the map column's width on a laptop screen, for guessing a view not yet reported
MAP_HEIGHT = 620
SELECTED_ZOOM = 14


def returned_view(state: dict | None) -> View | None:
    """The view in streamlit-folium's returned value ({"bounds": {...}, "zoom": n}), if any."""
    try:
        sw, ne = state["bounds"]["_southWest"], state["bounds"]["_northEast"]
        return View(
            int(state["zoom"]),
            max(float(sw["lng"]), -180.0),
            max(float(sw["lat"]), -MERCATOR_LAT),
            min(float(ne["lng"]), 180.0),
            min(float(ne["lat"]), MERCATOR_LAT),
        )
    except (TypeError, KeyError, ValueError):
        return None


def around(lat: float, lon: float, zoom: int) -> View:
    """The view of a map of the usual size centred on a point."""
    half = 360.0 / (256 * 2**zoom) * MAP_WIDTH / 2
    return View(zoom, lon - half, lat - half, lon + half, lat + half)


def current_view(
    returned: View | None, same_map: bool, bounds: list[list[float]], centre: tuple[float, float] | None
) -> View:
    """Around a report the map is being sent to; else the browser's last report while it keeps the
    same map; else the view a new map opens on (`bounds` fitted, as Leaflet's fitBounds does)."""
    if centre is not None:
        return around(*centre, SELECTED_ZOOM)
    if returned is not None and same_map:
        return returned
    (south, west), (north, east) = bounds
    return fit(west, south, east, north, MAP_WIDTH, MAP_HEIGHT)


def opening_bounds(spec: FilterSpec, positions: Positions) -> list[list[float]]:
    """[[south, west], [north, east]] a new map fits: the filtered reports (points and approximate
    areas) when the filter narrows the place, area or text, else the whole country."""
    narrowed = bool(
        spec.provinces_34
        or spec.provinces_63
        or spec.districts
        or spec.communes
        or spec.communes_34
        or spec.place.strip()
        or spec.area
        or spec.text.strip()
    )
    return (positions.bounds() if narrowed else None) or VIETNAM_BOUNDS
