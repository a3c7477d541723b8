"""Server-side aggregation: clusters add up to the reports in view; close in, the reports themselves."""

from __future__ import annotations

import numpy as np

from layers import aggregate as agg

NATIONAL = agg.View(6, 100.0, 7.0, 112.0, 24.0)


def _reports(n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(102.5, 109.0, n), rng.uniform(8.5, 23.0, n)
    lon[::97] = np.nan  # some reports have no position
    status = rng.choice(np.array(["new", "verified", "identified"]), n)
    return lon, lat, status


def test_clusters_add_up_to_the_located_reports_in_view():
    lon, lat, status = _reports(50_000)
    result = agg.aggregate(lon, lat, status, NATIONAL)
    located = int((~np.isnan(lon)).sum())
    assert not result.individual and result.in_view == located
    assert int(result.clusters["count"].sum()) == located
    per_status = result.clusters.filter(like="status_").sum(axis=1)
    assert (per_status == result.clusters["count"]).all()
    assert len(result.clusters) < 2_000  # a few hundred cells, not 50,000 markers


def test_zooming_in_gives_the_individual_reports_of_the_view():
    lon, lat, status = _reports(50_000)
    close = agg.View(12, 106.60, 17.40, 106.70, 17.50)
    result = agg.aggregate(lon, lat, status, close)
    inside = np.flatnonzero((lon >= 106.60) & (lon <= 106.70) & (lat >= 17.40) & (lat <= 17.50))
    assert result.individual and sorted(result.points) == sorted(inside)
    assert 0 < result.in_view <= agg.INDIVIDUAL_MAX


def test_clusters_sit_inside_the_view_and_cover_the_same_screen_size_at_every_zoom():
    lon, lat, status = _reports(50_000)
    for zoom in (5, 6, 7):
        clusters = agg.aggregate(lon, lat, status, agg.View(zoom, 100.0, 7.0, 112.0, 24.0)).clusters
        assert clusters["lon"].between(100.0, 112.0).all() and clusters["lat"].between(7.0, 24.0).all()
    coarse = agg.aggregate(lon, lat, status, agg.View(5, 100.0, 7.0, 112.0, 24.0)).clusters
    fine = agg.aggregate(lon, lat, status, agg.View(7, 100.0, 7.0, 112.0, 24.0)).clusters
    assert len(fine) > 4 * len(coarse) * 0.5  # twice the zoom, about four times the cells
