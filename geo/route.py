"""The order a search team walks its stops in, and each leg's distance, bearing and time.

Distances are geodesic straight lines on WGS84 (pyproj.Geod): there is no road or path network
offline, so a leg is "as the crow flies" and every output says so (STRAIGHT_LINE). The time of
a leg is an estimate: a team walks from one site to the next nearby (the straight distance
times TERRAIN_FACTOR, paths wind round hills, paddies and streams, at WALK_KMH, a loaded walk on
rural paths), and drives a leg longer than WALK_MAX_M (times ROAD_FACTOR at DRIVE_KMH, a car or
motorbike on district and commune roads).

The order is nearest neighbour from the fixed start, then 2-opt on the open path (the start
stays first, the last stop is free) until no move shortens it: within a few per cent of the
optimum for a trip's handful of sites, and fast for a few hundred.

>>> start = (16.90, 107.00)
>>> points = [(16.95, 107.00), (16.91, 107.00), (16.93, 107.00)]
>>> shortest_order(start, points)
[1, 2, 0]
>>> round(path_length(start, points, [1, 2, 0]))
5533
>>> leg = legs(start, points, [1, 2, 0])[0]
>>> round(leg.distance_m), round(leg.bearing_deg), leg.compass("vi"), leg.compass("en")
(1107, 0, 'Bắc', 'N')
>>> leg.minutes, leg.way("vi")
(33, 'đi bộ')
>>> legs(start, [(17.0, 107.0)], [0])[0].way("en")
'by road'
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

LatLon = tuple[float, float]
GEOD = Geod(ellps="WGS84")
WALK_KMH = 3.0  # a loaded walk on rural and hill paths, stops for asking the way included
TERRAIN_FACTOR = 1.5  # a path's length over the straight line between its ends, in rolling country
WALK_MAX_M = 3_000.0  # a longer leg is driven to the next commune, then walked from the road
DRIVE_KMH = 25.0  # car or motorbike on district and commune roads, villages and bridges included
ROAD_FACTOR = 1.4  # a rural road's length over the straight line
MAX_PASSES = 200  # 2-opt passes over the whole path: each shortens it, so this bounds the time
BRUTE_FORCE_MAX = 9  # permutations beyond this are too many for a test's patience


def _vi(number: float) -> str:
    return f"{number:g}".replace(".", ",")


STRAIGHT_LINE = {
    "vi": (
        "Khoảng cách là đường chim bay (không có bản đồ đường đi khi không có mạng); thời gian là ước lượng: "
        f"chặng đến {_vi(WALK_MAX_M / 1000)} km đi bộ (khoảng cách × {_vi(TERRAIN_FACTOR)}, {_vi(WALK_KMH)} km/giờ), "
        f"chặng dài hơn đi xe (khoảng cách × {_vi(ROAD_FACTOR)}, {_vi(DRIVE_KMH)} km/giờ)."
    ),
    "en": (
        f"Distances are straight lines (no road network offline); times are estimates: legs up to "
        f"{WALK_MAX_M / 1000:g} km walked (distance × {TERRAIN_FACTOR:g} at {WALK_KMH:g} km/h), longer ones driven "
        f"(distance × {ROAD_FACTOR:g} at {DRIVE_KMH:g} km/h)."
    ),
}
WAYS = {"walk": {"vi": "đi bộ", "en": "on foot"}, "drive": {"vi": "đi xe", "en": "by road"}}
COMPASS = {
    "vi": ("Bắc", "Đông Bắc", "Đông", "Đông Nam", "Nam", "Tây Nam", "Tây", "Tây Bắc"),
    "en": ("N", "NE", "E", "SE", "S", "SW", "W", "NW"),
}


@dataclass(frozen=True)
class Leg:
    """One leg of the walk: its straight distance, the initial bearing (0–360°, clockwise from
    north), the estimated time in minutes and how it is travelled ("walk" or "drive", WAYS)."""

    distance_m: float
    bearing_deg: float
    minutes: int
    mode: str = "walk"

    def way(self, lang: str = "vi") -> str:
        """How the leg is travelled, in words."""
        return WAYS[self.mode]["en" if lang == "en" else "vi"]

    def compass(self, lang: str = "vi") -> str:
        """The bearing as one of eight compass words.

        >>> Leg(10.0, 44.0, 1).compass(), Leg(10.0, 350.0, 1).compass("en")
        ('Đông Bắc', 'N')
        """
        words = COMPASS["en" if lang == "en" else "vi"]
        return words[int(((self.bearing_deg % 360) + 22.5) // 45) % 8]


def _arrays(points: Sequence[LatLon]) -> tuple[np.ndarray, np.ndarray]:
    coords = np.asarray(points, dtype=float).reshape(-1, 2)
    return coords[:, 0], coords[:, 1]


def distance_matrix(points: Sequence[LatLon]) -> np.ndarray:
    """Geodesic distances in metres between every pair of (lat, lon) points, in one vectorised call.

    >>> distance_matrix([(16.0, 107.0), (16.0, 107.0), (17.0, 107.0)]).round(-3).tolist()
    [[0.0, 0.0, 111000.0], [0.0, 0.0, 111000.0], [111000.0, 111000.0, 0.0]]
    """
    lat, lon = _arrays(points)
    n = lat.size
    i, j = np.triu_indices(n, k=1)
    out = np.zeros((n, n))
    if i.size:
        _, _, dist = GEOD.inv(lon[i], lat[i], lon[j], lat[j])
        out[i, j] = out[j, i] = dist
    return out


def _nearest_neighbour(d: np.ndarray) -> list[int]:
    """A path over the nodes of `d` from node 0, always on to the nearest not yet visited."""
    n = d.shape[0]
    path, left = [0], np.ones(n, dtype=bool)
    left[0] = False
    while left.any():
        here = d[path[-1]].copy()
        here[~left] = np.inf
        nxt = int(np.argmin(here))
        path.append(nxt)
        left[nxt] = False
    return path


def _two_opt(d: np.ndarray, path: list[int]) -> list[int]:
    """The open path improved by reversing stretches of it while one shortens it: node 0 stays
    first, the end is free (a reversed stretch reaching the end costs no closing edge)."""
    p = np.asarray(path)
    n = p.size
    for _ in range(MAX_PASSES):
        improved = False
        for i in range(1, n - 1):
            j = np.arange(i + 1, n)
            before, first, last = p[i - 1], p[i], p[j]
            after = np.where(j + 1 < n, p[np.minimum(j + 1, n - 1)], -1)
            tail = np.where(after >= 0, d[first, np.maximum(after, 0)] - d[last, np.maximum(after, 0)], 0.0)
            gain = d[before, first] - d[before, last] - tail
            best = int(np.argmax(gain))
            if gain[best] > 1e-6:
                k = int(j[best])
                p[i : k + 1] = p[i : k + 1][::-1]
                improved = True
        if not improved:
            break
    return p.tolist()


def _length(d: np.ndarray, path: Sequence[int]) -> float:
    nodes = np.asarray(path)
    return float(d[nodes[:-1], nodes[1:]].sum())


def _or_opt(d: np.ndarray, path: list[int]) -> list[int]:
    """The path improved by one move of a stretch of 1 to 3 stops (either way round) to where it
    costs least, if that shortens it: 2-opt alone leaves such detours (a stop passed by and
    fetched later)."""
    n = len(path)
    best_path, best = path, _length(d, path)
    for size in (1, 2, 3):
        for i in range(1, n - size + 1):
            piece, rest = path[i : i + size], path[:i] + path[i + size :]
            r = np.asarray(rest)
            for part in (piece, piece[::-1]):
                head, tail = part[0], part[-1]
                # Inserting after rest[k]: edges rest[k]→head and tail→rest[k+1] replace rest[k]→rest[k+1].
                added = d[r, head] + np.append(d[tail, r[1:]] - d[r[:-1], r[1:]], 0.0)
                k = int(np.argmin(added))
                candidate = rest[: k + 1] + list(part) + rest[k + 1 :]
                length = _length(d, candidate)
                if length < best - 1e-6:
                    best_path, best = candidate, length
    return best_path


def shortest_order(start: LatLon, points: Sequence[LatLon]) -> list[int]:
    """Indices into `points` in the order to walk them from `start`: nearest neighbour, then
    2-opt and moves of short stretches (or-opt) on the open path until neither shortens it.
    Every index comes once; the start is not among them."""
    if not len(points):
        return []
    d = distance_matrix([start, *points])
    path = _two_opt(d, _nearest_neighbour(d))
    for _ in range(MAX_PASSES):
        moved = _two_opt(d, _or_opt(d, path))
        if _length(d, moved) >= _length(d, path) - 1e-6:
            break
        path = moved
    return [node - 1 for node in path[1:]]


def brute_force_order(start: LatLon, points: Sequence[LatLon]) -> list[int]:
    """The shortest open path from `start` by trying every order (a yardstick for tests)."""
    if len(points) > BRUTE_FORCE_MAX:
        raise ValueError(f"brute force takes at most {BRUTE_FORCE_MAX} points, not {len(points)}")
    d = distance_matrix([start, *points])
    best, best_order = np.inf, list(range(len(points)))
    for order in itertools.permutations(range(1, len(points) + 1)):
        nodes = (0, *order)
        length = sum(d[a, b] for a, b in itertools.pairwise(nodes))
        if length < best:
            best, best_order = length, [node - 1 for node in order]
    return best_order


def _leg_arrays(start: LatLon, points: Sequence[LatLon], order: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    if sorted(order) != list(range(len(points))):
        raise ValueError(f"order must hold every index of {len(points)} points once")
    lat, lon = _arrays([start, *(points[i] for i in order)])
    bearing, _, dist = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return np.atleast_1d(dist), np.atleast_1d(bearing)


def path_length(start: LatLon, points: Sequence[LatLon], order: Sequence[int]) -> float:
    """The straight-line length in metres of the walk from `start` through the points in `order`."""
    if not len(order):
        return 0.0
    return float(_leg_arrays(start, points, order)[0].sum())


def walking_minutes(distance_m: float) -> int:
    """The estimated walk for a straight distance (TERRAIN_FACTOR at WALK_KMH), whole minutes.

    >>> walking_minutes(1000)
    30
    """
    return round(distance_m * TERRAIN_FACTOR / (WALK_KMH * 1000 / 60))


def leg_time(distance_m: float) -> tuple[int, str]:
    """The estimated time of a leg and how it is travelled: walked up to WALK_MAX_M, else driven.

    >>> leg_time(1000), leg_time(10_000)
    ((30, 'walk'), (34, 'drive'))
    """
    if distance_m <= WALK_MAX_M:
        return walking_minutes(distance_m), "walk"
    return round(distance_m * ROAD_FACTOR / (DRIVE_KMH * 1000 / 60)), "drive"


def legs(start: LatLon, points: Sequence[LatLon], order: Sequence[int]) -> list[Leg]:
    """Each leg of the walk: start → points[order[0]], then on in order."""
    if not len(order):
        return []
    dist, bearing = _leg_arrays(start, points, order)
    return [Leg(float(m), float(b % 360), *leg_time(float(m))) for m, b in zip(dist, bearing, strict=True)]
