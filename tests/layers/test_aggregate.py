"""Server-side aggregation: cells add up to the reports in view; close in, the reports themselves."""

from __future__ import annotations

import numpy as np

from layers import aggregate as agg

NATIONAL = agg.View(6, 100.0, 7.0, 112.0, 24.0)
STATUSES = 3


def _reports(n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(102.5, 109.0, n), rng.uniform(8.5, 23.0, n)
    lon[::97] = np.nan  # some reports have no position
    lat[::97] = np.nan
    status = rng.integers(0, STATUSES, n)
    return lon, lat, status


def test_cells_add_up_to_the_located_reports_in_view_and_per_status():
    lon, lat, status = _reports(50_000)
    result = agg.aggregate(lon, lat, status, STATUSES, NATIONAL)
    located = ~np.isnan(lon)
    assert not result.individual and result.in_view == int(located.sum())
    assert int(result.cells.count.sum()) == result.in_view
    assert (result.cells.by_status.sum(axis=1) == result.cells.count).all()
    assert result.cells.by_status.sum(axis=0).tolist() == np.bincount(status[located], minlength=STATUSES).tolist()
    assert len(result.cells) < 2_000  # a few hundred cells, not 50,000 markers


def test_zooming_in_gives_the_individual_reports_of_the_view():
    lon, lat, status = _reports(50_000)
    close = agg.View(12, 106.60, 17.40, 106.70, 17.50)
    result = agg.aggregate(lon, lat, status, STATUSES, close)
    inside = np.flatnonzero((lon >= 106.60) & (lon <= 106.70) & (lat >= 17.40) & (lat <= 17.50))
    assert result.individual and sorted(result.points) == sorted(inside)
    assert 0 < result.in_view <= agg.INDIVIDUAL_MAX


def test_only_reports_inside_the_view_are_summed():
    lon, lat, status = _reports(50_000)  # spread over 102.5–109 E, 8.5–23 N
    view = agg.View(7, 104.0, 10.0, 106.0, 14.0)
    cells = agg.aggregate(lon, lat, status, STATUSES, view).cells
    inside = (lon >= 104.0) & (lon <= 106.0) & (lat >= 10.0) & (lat <= 14.0)
    assert int(cells.count.sum()) == int(inside.sum()) < int((~np.isnan(lon)).sum()) / 5
    assert ((cells.lon >= 104.0) & (cells.lon <= 106.0) & (cells.lat >= 10.0) & (cells.lat <= 14.0)).all()


def test_cells_cover_the_same_screen_size_at_every_zoom():
    lon, lat, status = _reports(50_000)
    coarse = agg.aggregate(lon, lat, status, STATUSES, agg.View(5, 100.0, 7.0, 112.0, 24.0)).cells
    fine = agg.aggregate(lon, lat, status, STATUSES, agg.View(7, 100.0, 7.0, 112.0, 24.0)).cells
    assert len(fine) > 2 * len(coarse)  # twice the zoom, up to four times the cells


def test_a_cell_is_the_same_cell_after_a_pan():
    lon, lat, status = _reports(50_000)
    left = agg.aggregate(lon, lat, status, STATUSES, agg.View(6, 100.0, 7.0, 110.0, 24.0)).cells
    right = agg.aggregate(lon, lat, status, STATUSES, agg.View(6, 102.0, 7.0, 112.0, 24.0)).cells
    # Cells wholly inside both views keep their position and count: the grid is the map's, not the view's.
    both = lambda c: (c.lon > 103.5) & (c.lon < 108.5)  # noqa: E731
    a = sorted(zip(left.lon[both(left)], left.count[both(left)], strict=True))
    b = sorted(zip(right.lon[both(right)], right.count[both(right)], strict=True))
    assert a == b and len(a) > 10


def test_fit_matches_leaflet_fit_bounds_for_vietnam():
    view = agg.fit(102.1, 8.2, 109.5, 23.4, 940, 620)
    assert view.zoom == 5  # what Leaflet's fitBounds gives for Vietnam in a 940×620 map
    assert view.west < 102.1 and view.east > 109.5 and view.south < 8.2 and view.north > 23.4
