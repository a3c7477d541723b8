"""Testimonies that may tell of the same grave: pairs of reports close enough for their
uncertainties, scored on what each witness said (martyr names, unit, years, place words).

Nothing here merges or rewrites a report: a reviewer confirms a pair ("cùng một điểm mộ") or
rejects it ("khác"). Each factor is kept with its score so the page and the command line can
show why a pair was suggested.

How a pair is found: a report's position is its point (radius: its uncertainty) or its
approximate area from the place name (radius: the area's); two reports are candidates when
their centres are no farther apart than the sum of their radii plus MARGIN_M. Reports with no
position are not paired (there is nothing to say they are near).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from rapidfuzz import fuzz

from geo.admin import METRIC_CRS
from geo.text import fold
from layers.access import Right, Viewer
from layers.labels import number
from layers.places import position_sources
from layers.query import FilterSpec, apply, prepare, unit_key
from layers.sites import rejected_pairs
from layers.store import Store

MARGIN_M = 500.0  # beyond the sum of two radii: witnesses pace distances, they do not measure them
MIN_SCORE = 0.7  # below this a pair is not suggested: one name and one hill in common is not enough
NO_NAME = frozenset({"", "chua ro ten", "khong ro", "khong ro ten", "vo danh", "unknown"})
# Factors and their weights in the score (a factor nobody told is left out, not counted as 0).
WEIGHTS = {"names": 3.0, "unit": 2.0, "years": 1.0, "place": 1.0, "distance": 2.0}
# Words of every place description (distances, directions, unit words): they say nothing of which place.
_PLACE_STOP = frozenset(
    {
        "cach",
        "khoang",
        "m",
        "ve",
        "phia",
        "gan",
        "canh",
        "ben",
        "tren",
        "duoi",
        "sau",
        "truoc",
        "doi",
        "chan",
        "bo",
        "cua",
        "mot",
        "hai",
        "ba",
        "cay",
        "so",
        "km",
        "cho",
        "noi",
        "xa",
        "huyen",
        "tinh",
        "thon",
        "ban",
        "lang",
        "phuong",
        "thi",
        "tran",
        "dong",
        "tay",
        "nam",
        "bac",
    }
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Factor:
    """One reason two testimonies may be one grave, with its score from 0 to 1."""

    name: str  # a key of WEIGHTS
    score: float
    said: str  # Vietnamese, for people: what was compared


@dataclass(frozen=True)
class Pair:
    """Two reports that may tell of one grave."""

    a: str
    b: str
    distance_m: float
    allowed_m: float
    score: float
    factors: tuple[Factor, ...]

    def as_dict(self) -> dict:
        return {
            "reports": [self.a, self.b],
            "score": round(self.score, 3),
            "distance_m": round(self.distance_m),
            "allowed_m": round(self.allowed_m),
            "factors": [{"name": f.name, "score": round(f.score, 3), "said": f.said} for f in self.factors],
        }


def pair_key(a: str, b: str) -> frozenset[str]:
    """A pair regardless of order, as rejected pairs are kept."""
    return frozenset((str(a), str(b)))


def _positions(reports: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Metric x, y and radius of each report (NaN where it has no position)."""
    n = len(reports)
    lon, lat, radius = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    source = position_sources(reports).to_numpy()
    if "geometry" in reports:
        points = reports.geometry.to_numpy()
        measured = source == "measured"
        lon[measured] = shapely.get_x(points[measured])
        lat[measured] = shapely.get_y(points[measured])
        given = pd.to_numeric(reports.get("uncertainty_m"), errors="coerce").to_numpy(dtype=float)
        radius[measured] = np.where(np.isnan(given[measured]), 0.0, given[measured])
    if "area_lat" in reports:
        named = source == "place_name"
        lon[named] = pd.to_numeric(reports["area_lon"], errors="coerce").to_numpy(dtype=float)[named]
        lat[named] = pd.to_numeric(reports["area_lat"], errors="coerce").to_numpy(dtype=float)[named]
        radius[named] = pd.to_numeric(reports["area_radius_m"], errors="coerce").to_numpy(dtype=float)[named]
    x, y = Transformer.from_crs(4326, METRIC_CRS, always_xy=True).transform(lon, lat)
    return np.asarray(x, float), np.asarray(y, float), np.nan_to_num(radius)


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _names(value: object) -> list[str]:
    """The martyrs a report names, folded; none for "Chưa rõ tên"."""
    out = [fold(part) for part in re.split(r"[;,\n]+", _text(value))]
    return [name for name in out if name and name not in NO_NAME]


def _names_factor(a: object, b: object) -> Factor | None:
    left, right = _names(a), _names(b)
    if not left or not right:
        return None
    best = max(fuzz.token_sort_ratio(x, y) for x in left for y in right) / 100
    return Factor("names", best, f"Tên liệt sĩ «{_text(a)[:60]}» và «{_text(b)[:60]}»: giống {best:.0%}")


def _unit_factor(a: object, b: object) -> Factor | None:
    left, right = unit_key(_text(a)), unit_key(_text(b))
    if not left or not right:
        return None
    same = left == right or f" {left} " in f" {right} " or f" {right} " in f" {left} "
    return Factor(
        "unit", 1.0 if same else 0.0, f"Đơn vị «{_text(a)[:40]}» và «{_text(b)[:40]}»: {'cùng' if same else 'khác'}"
    )


def _years(row: Mapping) -> tuple[float, float] | None:
    first, last = row.get("year_from"), row.get("year_to")
    first = last if pd.isna(first) else first
    last = first if pd.isna(last) else last
    return None if pd.isna(first) else (float(first), float(last))


def _years_factor(a: Mapping, b: Mapping) -> Factor | None:
    left, right = _years(a), _years(b)
    if left is None or right is None:
        return None
    overlap = left[0] <= right[1] and right[0] <= left[1]
    gap = 0.0 if overlap else min(abs(left[0] - right[1]), abs(right[0] - left[1]))
    score = 1.0 if overlap else max(0.0, 1.0 - gap / 3)
    span = f"{int(left[0])}–{int(left[1])} và {int(right[0])}–{int(right[1])}"
    return Factor("years", score, f"Năm {span}: {'trùng nhau' if overlap else f'cách {int(gap)} năm'}")


def _place_words(value: object) -> set[str]:
    return {w for w in _WORD.findall(fold(_text(value))) if w not in _PLACE_STOP and not w.isdigit()}


def _place_factor(a: object, b: object) -> Factor | None:
    left, right = _place_words(a), _place_words(b)
    if not left or not right:
        return None
    shared = left & right
    score = len(shared) / min(len(left), len(right))
    words = ", ".join(sorted(shared)[:6]) or "không có"
    return Factor("place", score, f"Từ chung trong mô tả vị trí: {words}")


def score_pair(a: Mapping, b: Mapping, distance_m: float, allowed_m: float) -> tuple[float, tuple[Factor, ...]]:
    """The weighted mean of the factors both testimonies tell, less for each factor one of them
    did not tell, and the factors."""
    closeness = max(0.0, 1.0 - distance_m / allowed_m) if allowed_m > 0 else 1.0
    factors = [
        f
        for f in (
            _names_factor(a.get("martyr_names"), b.get("martyr_names")),
            _unit_factor(a.get("unit"), b.get("unit")),
            _years_factor(a, b),
            _place_factor(a.get("place_description"), b.get("place_description")),
            Factor("distance", closeness, f"Cách nhau {number(distance_m)} m (cho phép {number(allowed_m)} m)"),
        )
        if f is not None
    ]
    told = sum(WEIGHTS[f.name] for f in factors)
    mean = sum(WEIGHTS[f.name] * f.score for f in factors) / told
    # What nobody told cannot agree: a pair compared on fewer factors counts for less.
    return mean * (0.5 + 0.5 * told / sum(WEIGHTS.values())), tuple(factors)


def suggest(
    reports: pd.DataFrame,
    rejected: Iterable[frozenset[str]] = (),
    min_score: float = MIN_SCORE,
    margin_m: float = MARGIN_M,
) -> list[Pair]:
    """Pairs of reports that may tell of one grave, best first; a rejected pair is not suggested
    again, nor two reports already in one site. Duplicates already marked ("duplicate") are left
    out."""
    if "status" in reports:
        reports = reports[reports["status"].ne("duplicate")]
    reports = reports.reset_index(drop=True)
    x, y, radius = _positions(reports)
    placed = np.flatnonzero(~np.isnan(x))
    if placed.size < 2:
        return []
    points = shapely.points(x[placed], y[placed])
    reach = float(2 * radius[placed].max() + margin_m)
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=reach)
    keep = left < right
    left, right = placed[left[keep]], placed[right[keep]]
    distance = np.hypot(x[left] - x[right], y[left] - y[right])
    allowed = radius[left] + radius[right] + margin_m
    near = distance <= allowed
    refused = set(rejected)
    ids = reports["id"].astype(str).to_numpy()
    sites = reports["site_id"].astype(object).to_numpy() if "site_id" in reports else np.full(len(reports), None)
    demo = (
        reports["is_demo"].fillna(False).to_numpy(dtype=bool) if "is_demo" in reports else np.zeros(len(reports), bool)
    )
    told = [c for c in ("martyr_names", "unit", "year_from", "year_to", "place_description") if c in reports]
    rows = reports[told].to_dict("records")  # read once: a row per pair from the frame is the slow part
    out = []
    for i, j, d, limit in zip(left[near], right[near], distance[near], allowed[near], strict=True):
        if pair_key(ids[i], ids[j]) in refused or (sites[i] is not None and sites[i] == sites[j]) or demo[i] != demo[j]:
            continue  # said to be different graves, already told as one site, or demo beside real data
        score, factors = score_pair(rows[i], rows[j], float(d), float(limit))
        if score >= min_score:
            out.append(Pair(ids[i], ids[j], float(d), float(limit), score, factors))
    return sorted(out, key=lambda p: (-p.score, p.distance_m, p.a, p.b))


def suggestions(store: Store, viewer: Viewer, province: str | None = None) -> list[dict]:
    """The pairs among the reports this person works on (of a province of any era, if given),
    as the command line prints them; for those who take reports through the workflow."""
    viewer.require(Right.EDIT, "xem gợi ý các lời kể cùng một điểm mộ")
    reports = store.frame("reports", viewer)
    if province:
        reports = apply(prepare(reports), FilterSpec(place=province))
    return [pair.as_dict() for pair in suggest(reports, rejected_pairs(store))]
