"""The public progress page's data (/tien-do): the campaign's figures, nationally and for each of
the 34 provinces, its published targets, and a coarse density of the grave sites.

Everything is read through `access.public()` (every record counted, no witness contact, no
private field) and comes out as plain values. The figures over the period from the campaign's
start to today are those of the signed-in campaign report (layers.campaign.Scope.figures: the
same definitions, the same counting), except "sites verified", which counts the sites whose
status today is verified or a later step (not when they got there).

No position leaves this module: the density is the count of sites per H3 cell of RESOLUTION
(about 250 km² a hexagon), and a cell holding fewer than MIN_SITES sites is left out, so a
lone grave cannot be found from the map. The Progress object holds only cell ids and counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.admin import province_table_34
from geo.spatial import h3_cells
from layers.access import public
from layers.campaign import (
    CAMPAIGN_END,
    CAMPAIGN_START,
    VERIFIED_OR_LATER,
    Period,
    Scope,
    days_left,
    targets,
)
from layers.events import paperwork_events, status_events
from layers.store import Store

RESOLUTION = 5  # H3 resolution of the density cells: hexagons of about 250 km²
MIN_SITES = 3  # a cell holding fewer sites than this is not shown
SITES_VERIFIED = "sites_verified"
# The public figures, in the order the page shows them, each (Vietnamese, English). All but
# SITES_VERIFIED are Scope.figures' own keys; "recognition cases helped" are the cases that
# reached «recognised as a martyr» in the period (cases_recognised).
PUBLIC_FIGURES: dict[str, tuple[str, str]] = {
    "reports_received": ("Lời kể đã tiếp nhận", "Testimonies received"),
    SITES_VERIFIED: ("Điểm mộ đã xác minh (tính đến hôm nay)", "Sites verified (as of today)"),
    "trips": ("Chuyến tìm kiếm đã đi", "Searches made"),
    "km2_searched": ("Diện tích đã rà (km²)", "Area searched (km²)"),
    "remains_found": ("Hài cốt tìm thấy", "Remains found"),
    "remains_handed_over": ("Hài cốt đã bàn giao", "Remains handed over"),
    "identified": ("Đã xác định danh tính", "Identified"),
    "cases_recognised": ("Hồ sơ được công nhận liệt sĩ", "Recognition cases recognised"),
}
DECIMALS = {"km2_searched": 1}


def public_label(key: str, lang: str) -> str:
    vi, en = PUBLIC_FIGURES[key]
    return en if lang == "en" else vi


@dataclass(frozen=True)
class Target:
    """One of the campaign's published national figures, with its source (data/campaign_targets.csv)."""

    key: str
    value: int
    label_vi: str
    label_en: str
    period: str
    source: str
    as_of: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class ProvinceProgress:
    """One of the 34 provinces: its figures and its density cells (cell id, sites), zeros included."""

    code: str
    name: str
    figures: dict[str, float]
    cells: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Progress:
    """What the public progress page shows, as of `made_on` (Vietnam's day)."""

    made_on: date
    days_left: int
    period: Period  # the campaign's start to today (never past its end)
    national: dict[str, float]
    provinces: tuple[ProvinceProgress, ...]
    targets: tuple[Target, ...]
    cells: tuple[tuple[str, int], ...]  # (H3 cell id, sites), only cells of MIN_SITES or more
    demo: bool


def campaign_so_far(today: date) -> Period:
    """The campaign's start to today, clipped at its end (a day before the start: the first day)."""
    end = min(max(today, CAMPAIGN_START), CAMPAIGN_END)
    label = f"{CAMPAIGN_START:%d/%m/%Y} – {end:%d/%m/%Y}"
    return Period("progress", label, f"{CAMPAIGN_START:%Y-%m-%d} – {end:%Y-%m-%d}", CAMPAIGN_START, end)


def _public_figures(figures: dict[str, float], sites_verified: int) -> dict[str, float]:
    """The public figures out of Scope's (plain ints, floats for those shown with decimals)."""
    values = {**figures, SITES_VERIFIED: sites_verified}
    return {key: float(values[key]) if key in DECIMALS else int(values[key]) for key in PUBLIC_FIGURES}


def _verified_sites(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return sites[sites["status"].isin(VERIFIED_OR_LATER)]


def _site_cells(sites: gpd.GeoDataFrame) -> pd.Series:
    """Each located site's H3 cell (index: the site's row), from its point, else its estimated
    area's centre; sites with neither are left out."""
    points = sites.geometry
    has_point = points.notna() & ~points.is_empty
    lat = np.where(has_point, points.y.where(has_point), sites["area_lat"].astype(float))
    lon = np.where(has_point, points.x.where(has_point), sites["area_lon"].astype(float))
    located = np.isfinite(lat) & np.isfinite(lon)
    return pd.Series(h3_cells(lat[located], lon[located], RESOLUTION), index=sites.index[located], dtype=object)


def dense_cells(cells: pd.Series) -> tuple[tuple[str, int], ...]:
    """(cell, sites) of the cells holding at least MIN_SITES sites, the fullest first."""
    counted = Counter(cells)
    return tuple(sorted(((c, n) for c, n in counted.items() if n >= MIN_SITES), key=lambda cn: (-cn[1], cn[0])))


def _targets() -> tuple[Target, ...]:
    return tuple(
        Target(str(r.key), int(r.value), str(r.label_vi), str(r.label_en), str(r.period), str(r.source), str(r.as_of))
        for r in targets().itertuples(index=False)
    )


def progress_of(store: Store, today: date) -> Progress:
    """The page's data as of today, read through the public viewer."""
    viewer = public()
    reports, trips, sites = (store.frame(name, viewer) for name in ("reports", "trips", "sites"))
    scope = Scope.of(reports, trips, None, status_events(store, viewer), paperwork_events(store, viewer))
    period = campaign_so_far(today)
    verified = _verified_sites(sites)
    cells = _site_cells(sites)
    by_province = scope.by("province_34", period)
    verified_by_province = verified["province_34"].value_counts()
    provinces = []
    for code, name in province_table_34()[["code", "name"]].itertuples(index=False):
        figures = by_province.loc[code].to_dict() if code in by_province.index else dict.fromkeys(by_province, 0)
        in_province = cells[sites.loc[cells.index, "province_34"].to_numpy() == code]
        provinces.append(
            ProvinceProgress(
                code,
                name,
                _public_figures(figures, int(verified_by_province.get(code, 0))),
                dense_cells(in_province),
            )
        )
    demo = any(bool(frame["is_demo"].any()) for frame in (reports, trips, sites))
    return Progress(
        made_on=today,
        days_left=days_left(today),
        period=period,
        national=_public_figures(scope.figures(period).as_dict(), len(verified)),
        provinces=tuple(provinces),
        targets=_targets(),
        cells=dense_cells(cells),
        demo=demo,
    )


def province_of(progress: Progress, code: str) -> ProvinceProgress | None:
    """The province of that code (of the 34), or None."""
    return next((p for p in progress.provinces if p.code == code), None)
