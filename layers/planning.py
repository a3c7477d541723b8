"""Planning a search trip as an itinerary: which sites, from where, in which order, how far.

The sites are read through the Store as the person planning sees them (a site they may not see
is "not there" for them, as everywhere); testimonies (reports) stand for their sites, each site
once, in the order first mentioned. A site with a measured point is a stop at that point; one
whose only position is an area estimated from a place name is a stop at the area's centre,
marked "≈" with the area's radius wherever it is written, because no one gave that point.

The start is a typed coordinate (any form geo.coords reads), or a commune's name, whose centre
(data/admin, geo.communes) stands in for its People's Committee (UBND xã): the note says so.
Distances are straight lines (geo.route.STRAIGHT_LINE): there is no road network offline.

What a file for an audience carries of those sites and their testimonies is
layers.exporters.formats.for_audience's to decide, as for `python -m layers export`
(plan_selection).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from shapely.geometry import LineString

from geo.communes import find_place
from geo.coords import CoordinateError, parse
from geo.route import STRAIGHT_LINE, LatLon, Leg, legs, shortest_order
from layers.access import Viewer, check_export
from layers.errors import LayersError
from layers.exporters.formats import for_audience
from layers.exporters.selection import Selection
from layers.labels import blank, radius_text, short_code
from layers.query import FilterSpec
from layers.store import Store
from layers.trips import ROUTE_MAX, change_trip, edit_trip, given_ids

ORDERS = ("shortest", "given")
ESTIMATED_MARK = "≈"
START_WORDS = {"vi": "Điểm xuất phát", "en": "Start"}


class PlanProblem(LayersError):
    """Something a plan cannot be made of; the message names the site, report or start."""


@dataclass(frozen=True)
class Start:
    """Where the walk begins: a point, how it was given, and a note where it is approximate."""

    lat: float
    lon: float
    label: str
    note: str = ""

    @property
    def text(self) -> str:
        """As the trip stores it (route_start): "lat, lon"."""
        return f"{self.lat:.6f}, {self.lon:.6f}"


@dataclass(frozen=True)
class Stop:
    """A site to walk to: its point (a measured one, or an estimated area's centre) and how far
    from that point it may be (the point's uncertainty, or the area's radius)."""

    site_id: str
    name: str
    lat: float
    lon: float
    estimated: bool  # the point is an area's centre read from a place name, not a measured point
    radius_m: float | None
    province_63: str | None = None

    @property
    def title(self) -> str:
        """ "≈ Điểm mộ đồi Cồn Tiên" for an estimated area, the name otherwise."""
        return marked(self.name, self.estimated)

    def where(self, lang: str = "vi") -> str:
        """The position as a line of text, with its uncertainty or the estimated area's radius."""
        point = f"{self.lat:.6f}, {self.lon:.6f} (WGS84)"
        radius = radius_text(self.radius_m, lang) if self.radius_m and self.radius_m >= 1000 else ""
        radius = radius or (f"± {self.radius_m:,.0f} m" if self.radius_m else "")
        if self.estimated:
            words = (
                "tâm vùng ước lượng theo địa danh, không phải điểm đo"
                if lang != "en"
                else ("centre of an area estimated from the place name, not a measured point")
            )
            return f"{ESTIMATED_MARK} {point}, {words}" + (f", {radius}" if radius else "")
        return point + (f", {radius}" if radius else "")


@dataclass(frozen=True)
class Plan:
    """The stops in walking order from the start, and the leg to each of them."""

    start: Start
    stops: tuple[Stop, ...]
    legs: tuple[Leg, ...] = field(default=())

    @property
    def site_ids(self) -> list[str]:
        return [s.site_id for s in self.stops]

    @property
    def total_m(self) -> float:
        return sum(leg.distance_m for leg in self.legs)

    @property
    def total_minutes(self) -> int:
        return sum(leg.minutes for leg in self.legs)

    def line(self) -> LineString:
        """The route from the start through every stop, lon/lat."""
        coords = [(self.start.lon, self.start.lat), *((s.lon, s.lat) for s in self.stops)]
        return LineString(coords if len(coords) > 1 else coords * 2)

    def bounds(self) -> tuple[float, float, float, float]:
        """lon/lat (minx, miny, maxx, maxy) of the stops with their radii: the area the team walks,
        which the offline maps cover. The start is left out: it is often the provincial office,
        an hour's drive away, and the drive there needs no offline map."""
        lons: list[float] = []
        lats: list[float] = []
        for stop in self.stops:
            dlat = (stop.radius_m or 0) / 111_320
            dlon = dlat / max(math.cos(math.radians(stop.lat)), 0.01)
            lons += [stop.lon - dlon, stop.lon + dlon]
            lats += [stop.lat - dlat, stop.lat + dlat]
        return min(lons), min(lats), max(lons), max(lats)

    def as_dict(self, lang: str = "vi") -> dict:
        """What the command line prints: the order, the legs, the total, the straight-line note."""
        return {
            "start": {"lat": round(self.start.lat, 6), "lon": round(self.start.lon, 6), "label": self.start.label}
            | ({"note": self.start.note} if self.start.note else {}),
            "order": [
                {"n": n, "site": s.site_id, "name": s.title, "estimated": s.estimated}
                for n, s in enumerate(self.stops, 1)
            ],
            "legs": [
                {
                    "to": s.site_id,
                    "distance_m": round(leg.distance_m, 1),
                    "bearing_deg": round(leg.bearing_deg, 1),
                    "compass": leg.compass(lang),
                    "minutes": leg.minutes,
                    "way": leg.mode,
                }
                for s, leg in zip(self.stops, self.legs, strict=True)
            ],
            "total_m": round(self.total_m, 1),
            "total_minutes": self.total_minutes,
            "note": STRAIGHT_LINE["en" if lang == "en" else "vi"],
        }


# -- the start ----------------------------------------------------------------------------------


def read_start(text: str) -> Start:
    """The start from a coordinate ("16.95, 107.05", DMS, MGRS, VN-2000 …) or a commune's name,
    whose centre stands in for its People's Committee. A name several communes share is refused
    with their names; anything else unreadable with the text it got."""
    given = str(text or "").strip()
    if not given:
        raise PlanProblem("Cần điểm xuất phát: tọa độ «vĩ độ, kinh độ» hoặc tên xã.")
    try:
        position = parse(given)
    except CoordinateError as exc:
        coordinate_error = str(exc)
    else:
        return Start(position.lat, position.lon, f"{position.lat:.6f}, {position.lon:.6f}")
    return _commune_start(given, coordinate_error)


def _commune_start(text: str, coordinate_error: str) -> Start:
    match = find_place(text)
    if match.ambiguous:
        names = "; ".join(unit.label("63") for unit in match.candidates[:5])
        raise PlanProblem(f"Điểm xuất phát «{text[:60]}»: nhiều xã cùng tên ({names}); hãy ghi thêm huyện, tỉnh.")
    unit = match.best
    if unit is None:
        raise PlanProblem(
            f"Điểm xuất phát «{text[:60]}» không phải tọa độ đọc được ({coordinate_error}) cũng không phải tên xã."
        )
    label = unit.label("34" if unit.level == "commune_34" else "63")
    note = (
        f"UBND {label.split(',')[0]} lấy gần đúng là tâm xã ({unit.lat:.5f}, {unit.lon:.5f}); "
        "hãy sửa bằng tọa độ khi biết vị trí trụ sở."
    )
    return Start(unit.lat, unit.lon, f"UBND {label}", note)


def start_at(lat: float, lon: float, label: str = "") -> Start:
    """A start clicked on a map."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlanProblem(f"Điểm xuất phát {lat}, {lon} nằm ngoài trái đất.")
    return Start(float(lat), float(lon), label or f"{lat:.6f}, {lon:.6f}")


# -- the stops ----------------------------------------------------------------------------------


def marked(name: str, estimated: bool) -> str:
    """A stop's name as every file writes it: "≈ " before an area estimated from a place name."""
    return f"{ESTIMATED_MARK} {name}" if estimated else name


def site_name(row: pd.Series | dict, site_id: str) -> str:
    """A site's name, or its short code where it has none."""
    return str(row["name"]) if not blank(row.get("name")) else f"#{short_code(site_id)}"


def _sites_of_reports(store: Store, viewer: Viewer, report_ids: list[str]) -> list[str]:
    """The sites of the testimonies, each once, in the order first mentioned."""
    table = store.table("reports")
    reports = store.frame("reports", viewer, table.c.id.in_(report_ids))
    site_of = dict(zip(reports["id"].astype(str), reports["site_id"], strict=True))
    out = []
    for report_id in report_ids:
        if report_id not in site_of:
            raise PlanProblem(f"Không có tin báo «{report_id[:60]}».")
        if blank(site_of[report_id]):
            raise PlanProblem(f"Tin báo «{report_id[:60]}» chưa thuộc điểm mộ nào.")
        out.append(str(site_of[report_id]))
    return list(dict.fromkeys(out))


def _number(value: object) -> float | None:
    return None if blank(value) else float(value)


def _stop(row: pd.Series) -> Stop:
    """A site's stop; one with no position at all is refused naming it."""
    name = site_name(row, str(row["id"]))
    geometry = row.geometry
    province = None if blank(row.get("province_63")) else str(row["province_63"])
    if geometry is not None and not geometry.is_empty:
        point = geometry.representative_point()
        return Stop(str(row["id"]), name, point.y, point.x, False, _number(row.get("uncertainty_m")), province)
    lat, lon = _number(row.get("area_lat")), _number(row.get("area_lon"))
    if lat is None or lon is None:
        raise PlanProblem(
            f"Điểm mộ «{name[:80]}» ({row['id']}) chưa có vị trí (không tọa độ, không địa danh đọc được); "
            "bỏ điểm này ra hoặc ghi vị trí trước."
        )
    return Stop(str(row["id"]), name, lat, lon, True, _number(row.get("area_radius_m")), province)


def stop_of(site: dict) -> Stop:
    """The stop of a site as the store keeps it (Store.seen: the geometry as WKB), for a route
    saved on a trip (layers.trips measures it so)."""
    record = dict(site)
    wkb = record.pop("geom", None)
    record["geometry"] = None if wkb is None else shapely.from_wkb(bytes(wkb))
    return _stop(pd.Series(record))


def plan_stops(
    store: Store,
    viewer: Viewer,
    site_ids: Sequence[str] | str | None = None,
    report_ids: Sequence[str] | str | None = None,
) -> list[Stop]:
    """The stops for the sites given, or for the sites of the reports given, in that order, as
    the viewer sees them. Refused, naming it, for a site or report they cannot see, a site with no
    position; and for none, or more than ROUTE_MAX."""
    sites, reports = given_ids(site_ids), given_ids(report_ids)
    if sites and reports:
        raise PlanProblem("Chọn điểm mộ (--sites) hoặc tin báo (--reports), không cả hai.")
    if len(sites) > ROUTE_MAX or len(reports) > ROUTE_MAX:
        raise PlanProblem(f"Một lộ trình đi tối đa {ROUTE_MAX} điểm; hãy chia chuyến theo xã hoặc huyện.")
    ids = sites or (_sites_of_reports(store, viewer, reports) if reports else [])
    if not ids:
        raise PlanProblem("Chưa chọn điểm mộ hay tin báo nào cho lộ trình.")
    table = store.table("sites")
    frame = store.frame("sites", viewer, table.c.id.in_(ids)).set_index("id", drop=False)
    missing = [i for i in ids if i not in frame.index]
    if missing:
        raise PlanProblem(f"Không có điểm mộ «{missing[0][:60]}».")
    return [_stop(frame.loc[i]) for i in ids]


# -- the plan -----------------------------------------------------------------------------------


def make_plan(stops: Sequence[Stop], start: Start, order: str = "shortest") -> Plan:
    """The walk from the start: the shortest order found (geo.route.shortest_order), or the stops
    as given ("given": how a person reorders them)."""
    if order not in ORDERS:
        raise PlanProblem(f"Thứ tự «{order}» không có; chọn: {', '.join(ORDERS)}.")
    if not stops:
        raise PlanProblem("Lộ trình cần ít nhất một điểm mộ.")
    if len(stops) > ROUTE_MAX:
        raise PlanProblem(f"Một lộ trình đi tối đa {ROUTE_MAX} điểm; hãy chia chuyến theo xã hoặc huyện.")
    points: list[LatLon] = [(s.lat, s.lon) for s in stops]
    here = (start.lat, start.lon)
    chosen = shortest_order(here, points) if order == "shortest" else list(range(len(stops)))
    return Plan(start, tuple(stops[i] for i in chosen), tuple(legs(here, points, chosen)))


def reorder(plan: Plan, site_ids: Sequence[str]) -> Plan:
    """The same stops in the order a person gave (every site of the plan once)."""
    by_id = {s.site_id: s for s in plan.stops}
    if sorted(site_ids) != sorted(by_id):
        raise PlanProblem("Thứ tự mới phải có đúng các điểm mộ của lộ trình, mỗi điểm một lần.")
    return make_plan([by_id[i] for i in site_ids], plan.start, "given")


def save_plan(
    store: Store, trip_id: str, plan: Plan, viewer: Viewer, version: int, connection: sa.Connection | None = None
) -> int:
    """The route written on the trip (its sites in order and its start; the trips layer measures
    its length), with its history and the planning of its sites in the same transaction
    (layers.trips.change_trip): the caller's when given. Returns the trip's new version."""
    changes = {"route_site_ids": plan.site_ids, "route_start": plan.start.text}
    if connection is None:
        return edit_trip(store, trip_id, changes, version, viewer)
    return change_trip(store, connection, trip_id, changes, version, viewer)


# -- what a file for an audience carries ------------------------------------------------------


def plan_selection(store: Store, viewer: Viewer, plan: Plan, audience: str, trip_id: str | None = None) -> Selection:
    """The plan's sites, their testimonies and the trip (if any), read as the viewer sees them and
    cut for the audience exactly as `python -m layers export` cuts them (check_export, then
    layers.exporters.formats.for_audience)."""
    check_export(viewer, audience)
    sites_table, reports_table, trips_table = (store.table(n) for n in ("sites", "reports", "trips"))
    ids = plan.site_ids
    frames = {
        "sites": store.frame("sites", viewer, sites_table.c.id.in_(ids)),
        "reports": store.frame("reports", viewer, reports_table.c.site_id.in_(ids)),
        "trips": store.frame("trips", viewer, trips_table.c.id == (trip_id or "")),
    }
    return for_audience(Selection(FilterSpec(), frames).cleaned(), audience)


def ordered_sites(selection: Selection, plan: Plan) -> gpd.GeoDataFrame:
    """The selection's sites in the plan's order (1-based `order`), each at its stop's point, with
    `uncertainty_m` the stop's radius (an estimated area's too) and `estimated` saying which."""
    sites = selection.frames["sites"].set_index("id", drop=False)
    rows = []
    for n, stop in enumerate(plan.stops, 1):
        row = sites.loc[stop.site_id]  # the name as the file's audience may read it
        rows.append(
            {
                "id": stop.site_id,
                "name": marked(site_name(row, stop.site_id), stop.estimated),
                "status": row.get("status"),
                "order": n,
                "uncertainty_m": stop.radius_m,
                "estimated": stop.estimated,
            }
        )
    points = gpd.points_from_xy([s.lon for s in plan.stops], [s.lat for s in plan.stops])
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=points, crs=4326)


def start_words(lang: str) -> str:
    return START_WORDS["en" if lang == "en" else "vi"]
