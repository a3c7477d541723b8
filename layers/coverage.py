"""What has been searched: searched areas of trips, each report's coverage state, figures per place.

Only trips that took place (outcome "nothing found" or "remains found") count as searches;
planned and cancelled trips cover nothing.
"""

from __future__ import annotations

from collections.abc import Collection

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.spatial import area_km2, searched_area

DONE_OUTCOMES = ("nothing_found", "remains_found")
OPEN_OUTCOMES = ("planned",)  # with no outcome at all too: a trip not yet made, still to be told


def is_open(outcome: object) -> bool:
    """Whether a trip with this outcome has yet to be made (or told)."""
    return outcome is None or outcome in OPEN_OUTCOMES


STATES = ("not_visited", "in_searched_area", "linked", "searched_by_status", "duplicate")
SEARCHED_STATUSES = ("searched_not_found", "remains_found", "identified")  # a search took place
GROUPS = ("province_34", "province_63", "chapter_id")


def done_trips(trips: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Trips that took place, with or without a GPS track."""
    return trips[trips["outcome"].isin(DONE_OUTCOMES)]


def tracked(trips: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Completed trips with a GPS track."""
    done = done_trips(trips)
    return done[done.geometry.notna() & ~done.geometry.is_empty]


def searched_areas(trips: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Each completed trip's searched area, in the order of `tracked(trips)` (trips without a track have none)."""
    done = tracked(trips)
    areas = [searched_area(g, w) for g, w in zip(done.geometry, done["sweep_width_m"], strict=True)]
    return gpd.GeoSeries(areas, index=done.index, crs=4326)


def _linked_outcomes(trips: gpd.GeoDataFrame) -> dict[str, str]:
    """Report id → outcome of the latest completed trip that names it."""
    done = done_trips(trips).sort_values("date_from")
    outcomes: dict[str, str] = {}
    for ids, outcome in zip(done["linked_report_ids"], done["outcome"], strict=True):
        for report_id in ids or []:
            outcomes[str(report_id)] = outcome
    return outcomes


def coverage_states(reports: gpd.GeoDataFrame, trips: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per report: `state` and the `outcome` of a trip linked to it.

    A duplicate is "duplicate" (its original carries the state). A report a completed trip names
    is "linked", whatever its position; else a located report inside a searched area is
    "in_searched_area"; else a report whose status says it was searched (a trip recorded
    without a track, say) is "searched_by_status"; the rest are "not_visited"."""
    outcomes = _linked_outcomes(trips)
    areas = searched_areas(trips)
    inside = np.zeros(len(reports), dtype=bool)
    located = reports.geometry.notna().to_numpy()
    if len(areas) and located.any():
        tree = shapely.STRtree(areas.values)
        hits, _ = tree.query(reports.geometry.values[located], predicate="intersects")
        inside[np.flatnonzero(located)[np.unique(hits)]] = True
    outcome = reports["id"].map(outcomes)
    status = reports["status"]
    state = np.select(
        [status.eq("duplicate"), outcome.notna(), inside, status.isin(SEARCHED_STATUSES)],
        ["duplicate", "linked", "in_searched_area", "searched_by_status"],
        default="not_visited",
    )
    return pd.DataFrame({"state": state, "outcome": outcome}, index=reports.index)


def union_area_km2(areas: gpd.GeoSeries) -> float:
    """km² of the union (overlapping sweeps counted once)."""
    return area_km2(shapely.union_all(areas.values)) if len(areas) else 0.0


def coverage_table(
    reports: gpd.GeoDataFrame, trips: gpd.GeoDataFrame, by: str, identified: Collection[str]
) -> pd.DataFrame:
    """Per province (34 or 63) or chapter: reports, located, inside searched areas (% of located),
    searched km², completed trips, remains found, and identified: of the reports, those whose
    history says they were identified (the ids given, layers.campaign.reaching)."""
    if by not in GROUPS:
        raise ValueError(f"by must be one of {GROUPS}")
    states = coverage_states(reports, trips)
    counted = states["state"].ne("duplicate")  # the same site reported twice is counted once
    located = reports.geometry.notna() & counted
    searched = located & states["state"].ne("not_visited")
    keys = reports[by]
    table = pd.DataFrame(
        {
            "reports": counted.groupby(keys).sum(),
            "located": located.groupby(keys).sum(),
            "searched": searched.groupby(keys).sum(),
            "identified": (reports["id"].isin(set(identified)) & counted).groupby(keys).sum(),
        }
    )
    done = done_trips(trips)
    areas = searched_areas(trips)
    groups = areas.reset_index(drop=True).groupby(tracked(trips)[by].to_numpy())
    km2 = {key: union_area_km2(group) for key, group in groups}
    trip_figures = pd.DataFrame(
        {
            "trips": done.groupby(by).size(),
            "remains_found": done.groupby(by)["remains_found"].sum(),
            "searched_km2": pd.Series(km2, dtype=float),
        }
    )
    table = table.join(trip_figures, how="outer").fillna(0)
    table["searched_pct"] = np.where(table["located"] > 0, 100 * table["searched"] / table["located"].clip(lower=1), 0)
    columns = ["reports", "located", "searched", "searched_pct", "searched_km2", "trips", "remains_found", "identified"]
    out = table[columns].astype({c: int for c in columns if c not in ("searched_pct", "searched_km2")})
    out.index.name = by
    return out.sort_index()
