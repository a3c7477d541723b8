"""The walking order: within 5 % of the brute-force optimum for eight generated sites (several
seeds), shorter than the input order for 200, the start first and every site once; legs and
their bearings against pyproj computed here directly."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from geo.route import Leg, brute_force_order, distance_matrix, legs, path_length, shortest_order

START = (16.92, 107.05)  # near Gio Linh, Quảng Trị


def _sites(seed: int, n: int, spread_deg: float = 0.08) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    lat = START[0] + rng.uniform(-spread_deg, spread_deg, n)
    lon = START[1] + rng.uniform(-spread_deg, spread_deg, n)
    return list(zip(lat.tolist(), lon.tolist(), strict=True))


@pytest.mark.parametrize("seed", range(12))
def test_eight_sites_are_ordered_within_five_percent_of_brute_force(seed):
    sites = _sites(seed, 8)
    planned = path_length(START, sites, shortest_order(START, sites))
    optimum = path_length(START, sites, brute_force_order(START, sites))
    assert planned <= optimum * 1.05


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_hundred_sites_are_ordered_shorter_than_given(seed):
    sites = _sites(seed, 200, spread_deg=0.3)
    order = shortest_order(START, sites)
    assert path_length(START, sites, order) < path_length(START, sites, list(range(200)))


def test_every_site_comes_once_and_the_start_stays_first():
    sites = _sites(5, 50)
    order = shortest_order(START, sites)
    assert sorted(order) == list(range(50))
    # The first leg leaves from the start: its length is the start's distance to the first site.
    first = legs(START, sites, order)[0]
    _, _, expected = Geod(ellps="WGS84").inv(START[1], START[0], sites[order[0]][1], sites[order[0]][0])
    assert first.distance_m == pytest.approx(expected)


def test_a_site_nearer_the_start_than_the_others_is_visited_first():
    sites = [(16.99, 107.05), (16.921, 107.05), (16.95, 107.05)]
    assert shortest_order(START, sites)[0] == 1


def test_leg_bearings_and_distances_agree_with_pyproj():
    sites = _sites(9, 6)
    order = shortest_order(START, sites)
    geod = Geod(ellps="WGS84")
    previous = START
    for leg, index in zip(legs(START, sites, order), order, strict=True):
        azimuth, _, metres = geod.inv(previous[1], previous[0], sites[index][1], sites[index][0])
        assert leg.distance_m == pytest.approx(metres)
        assert leg.bearing_deg == pytest.approx(azimuth % 360)
        assert 0 <= leg.bearing_deg < 360
        previous = sites[index]


def test_an_order_missing_a_site_is_refused():
    with pytest.raises(ValueError):
        path_length(START, _sites(1, 3), [0, 1, 1])


def test_compass_words_follow_the_bearing():
    assert [Leg(1.0, b, 1).compass("vi") for b in (0, 90, 135, 180, 270, 315)] == [
        "Bắc",
        "Đông",
        "Đông Nam",
        "Nam",
        "Tây",
        "Tây Bắc",
    ]


def test_distance_matrix_is_symmetric_with_a_zero_diagonal():
    d = distance_matrix(_sites(3, 10))
    assert np.allclose(d, d.T) and np.allclose(np.diag(d), 0) and (d[~np.eye(10, dtype=bool)] > 0).all()


def test_no_sites_make_an_empty_order():
    assert shortest_order(START, []) == [] and legs(START, [], []) == []
