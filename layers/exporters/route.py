"""A planned route as files for phones and GPS units: GPX 1.1 and KMZ.

GPX: one waypoint per measured stop, named "1. <site>" in walking order, its description the
position with its uncertainty and a short summary of its testimonies; then one route (`rte`) from
the start through them as route points, which a GPS unit navigates leg by leg. gpxpy writes it.
A stop known only as an area estimated from a place name gets neither (as layers.exporters.gpx
decides for every GPX: a GPS shows no radius, and would lead the team to a commune's centre as to
a point someone stood on); the file's description names it, with its number and radius, and the
sheet and the KMZ show its area. KMZ: numbered placemarks, the route line and the uncertainty circles (estimated areas
outlined, as layers.exporters.kml draws them), with its icon inside so it shows offline.

Both take a Selection already cut for the audience (layers.planning.plan_selection): a team's
file carries the witness contacts the person may see, bar those who said nobody may contact
them; a partner's, none. Every file says its distances are straight lines.
"""

from __future__ import annotations

import gpxpy.gpx
import pandas as pd
import shapely
from fastkml import containers, features, styles
from fastkml import kml as fastkml
from fastkml.styles import StyleUrl

from geo.route import STRAIGHT_LINE
from geo.text import ascii_only
from layers.exporters.archive import zip_bytes
from layers.exporters.audience import exported_fields
from layers.exporters.gpx import CREATOR
from layers.exporters.kml import KMZ_ICON, circle, dot_png, kml_color, rounded, serialise
from layers.exporters.selection import Selection
from layers.labels import blank, display_value, kilometres, short_code
from layers.places import AREA_RADIUS_M
from layers.planning import Plan, Stop, start_words
from layers.schema import REPORTS, TRIPS

TESTIMONIES_SHOWN = 5  # per waypoint: a GPS screen shows a few lines
TOLD_CHARS = 160
ROUTE_COLOR = TRIPS.color
WORDS = {
    "vi": {
        "title": "Lộ trình tìm kiếm",
        "testimonies": "Lời kể",
        "more": "và {n} lời kể khác (xem phiếu thực địa)",
        "witness": "Nhân chứng",
        "route": "Lộ trình ({n} điểm, {km} km đường chim bay)",
        "circles": "Vùng sai số, vùng ước lượng",
        "stops": "Các điểm theo thứ tự",
        "leg": "Từ điểm trước: {km} km, hướng {deg}° {compass}, ≈ {minutes} phút {way}",
        "areas": (
            "Không ghi điểm nào cho các vùng chỉ ước lượng theo địa danh (không phải điểm đo; xem phiếu lộ trình):"
        ),
    },
    "en": {
        "title": "Search route",
        "testimonies": "Testimonies",
        "more": "and {n} more (see the field sheet)",
        "witness": "Witness",
        "route": "Route ({n} stops, {km} km as the crow flies)",
        "circles": "Uncertainty and estimated areas",
        "stops": "Stops in order",
        "leg": "From the previous stop: {km} km, bearing {deg}° {compass}, ≈ {minutes} min {way}",
        "areas": "No point is written for the areas estimated from a place name only (not measured; see the sheet):",
    },
}


def _words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "vi"]


def testimony_lines(reports: pd.DataFrame, site_id: str, audience: str, lang: str) -> list[str]:
    """One line per testimony of the site: code, martyrs, unit, the place as told, and (a team's
    file only, where the frame still holds them) the witness's contact."""
    rows = reports[reports["site_id"].astype(str) == site_id] if "site_id" in reports else reports.iloc[0:0]
    contact = [n for n in exported_fields(REPORTS, audience) if n in ("witness_name", "witness_phone")]
    lines = []
    for _, row in rows.iloc[:TESTIMONIES_SHOWN].iterrows():
        parts = [f"#{short_code(row['id'])}"]
        parts += [str(row[n]) for n in ("martyr_names", "unit") if not blank(row.get(n))]
        told = row.get("place_description")
        if not blank(told):
            parts.append(str(told)[:TOLD_CHARS])
        said = [display_value(REPORTS.field(n), row.get(n), lang) for n in contact]
        if any(said):
            parts.append(f"{_words(lang)['witness']}: {' '.join(s for s in said if s)}")
        lines.append(" – ".join(parts))
    if len(rows) > TESTIMONIES_SHOWN:
        lines.append(_words(lang)["more"].format(n=len(rows) - TESTIMONIES_SHOWN))
    return lines


def _names(selection: Selection, plan: Plan) -> dict[str, str]:
    """Each stop's title as the audience's frame has it (a partner's scrubbed), "≈" kept."""
    sites = selection.frames["sites"].set_index("id")
    out = {}
    for stop in plan.stops:
        name = sites.at[stop.site_id, "name"] if stop.site_id in sites.index else None
        name = f"#{short_code(stop.site_id)}" if blank(name) else str(name)
        out[stop.site_id] = f"≈ {name}" if stop.estimated else name
    return out


def stop_description(stop: Stop, n: int, plan: Plan, selection: Selection, audience: str, lang: str) -> str:
    words = _words(lang)
    leg = plan.legs[n - 1]
    lines = [
        stop.where(lang),
        words["leg"].format(
            km=kilometres(leg.distance_m, lang),
            deg=f"{leg.bearing_deg:.0f}",
            compass=leg.compass(lang),
            minutes=leg.minutes,
            way=leg.way(lang),
        ),
    ]
    told = testimony_lines(selection.frames["reports"], stop.site_id, audience, lang)
    if told:
        lines += [f"{words['testimonies']}:", *told]
    return "\n".join(lines)


def route_gpx(plan: Plan, selection: Selection, audience: str, lang: str, ascii: bool = False) -> bytes:
    """GPX 1.1: metadata, a waypoint per stop ("1. <site>"), one route from the start through them."""
    words, names = _words(lang), _names(selection, plan)
    fix = ascii_only if ascii else str
    gpx = gpxpy.gpx.GPX()
    gpx.creator = CREATOR
    gpx.name = fix(f"{words['title']}: {plan.start.label}")
    note = STRAIGHT_LINE["en" if lang == "en" else "vi"]
    areas = [f"{n}. {names[s.site_id]} ({s.where(lang)})" for n, s in enumerate(plan.stops, 1) if s.estimated]
    told = [note, plan.start.note, *([words["areas"], *areas] if areas else [])]
    gpx.description = fix("\n".join(t for t in told if t))
    route = gpxpy.gpx.GPXRoute(name=fix(words["title"]), description=fix(note))
    route.points.append(
        gpxpy.gpx.GPXRoutePoint(round(plan.start.lat, 7), round(plan.start.lon, 7), name=fix(start_words(lang)))
    )
    for n, stop in enumerate(plan.stops, 1):
        if stop.estimated:
            continue
        name = fix(f"{n}. {names[stop.site_id]}")
        desc = fix(stop_description(stop, n, plan, selection, audience, lang))
        lat, lon = round(stop.lat, 7), round(stop.lon, 7)
        gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(lat, lon, name=name, description=desc, symbol="Flag"))
        route.points.append(gpxpy.gpx.GPXRoutePoint(lat, lon, name=name))
    gpx.routes.append(route)
    return gpx.to_xml(version="1.1").encode("utf-8")


def _style(style_id: str, color: str, fill_alpha: int = 64, width: int = 3) -> styles.Style:
    return styles.Style(
        id=style_id,
        styles=[
            styles.IconStyle(color=kml_color(color), scale=1.1, icon_href=KMZ_ICON),
            styles.LineStyle(color=kml_color(color), width=width),
            styles.PolyStyle(color=kml_color(color, fill_alpha)),
        ],
    )


def _mark(geometry: shapely.Geometry, name: str, text: str, style: styles.Style) -> features.Placemark:
    return features.Placemark(
        name=name, description=text, style_url=StyleUrl(url=f"#{style.id}"), geometry=rounded(geometry)
    )


def _html(text: str) -> str:
    import html

    return "<br/>".join(html.escape(line) for line in text.split("\n"))


def route_kmz(plan: Plan, selection: Selection, audience: str, lang: str) -> bytes:
    """KMZ: the route line, numbered placemarks in order, uncertainty circles and estimated areas."""
    words, names = _words(lang), _names(selection, plan)
    stop_style = _style("route-stop", "#1f3a93")
    area_style = _style("route-area", "#8c564b", fill_alpha=24, width=2)
    line_style = _style("route-line", ROUTE_COLOR, width=4)
    start = _mark(shapely.Point(plan.start.lon, plan.start.lat), start_words(lang), _html(plan.start.note), stop_style)
    marks, rings = [start], []
    for n, stop in enumerate(plan.stops, 1):
        text = _html(stop_description(stop, n, plan, selection, audience, lang))
        name = f"{n}. {names[stop.site_id]}"
        radius = stop.radius_m or (AREA_RADIUS_M if stop.estimated else 0)
        if not stop.estimated:  # an estimated area gets its ring only, never a pin to walk to
            marks.append(_mark(shapely.Point(stop.lon, stop.lat), name, text, stop_style))
        if radius:
            ring = shapely.Polygon(circle(stop.lon, stop.lat, float(radius)))
            rings.append(
                _mark(ring, name, text if stop.estimated else "", area_style if stop.estimated else stop_style)
            )
    km = kilometres(plan.total_m, lang)
    line = _mark(plan.line(), words["route"].format(n=len(plan.stops), km=km), STRAIGHT_LINE[lang], line_style)
    folders = [
        containers.Folder(name=words["stops"], features=marks),
        containers.Folder(name=words["circles"], features=rings),
    ]
    document = containers.Document(
        name=f"{words['title']}: {plan.start.label}",
        description=STRAIGHT_LINE["en" if lang == "en" else "vi"],
        styles=[stop_style, area_style, line_style],
        features=[line, *folders],
    )
    return zip_bytes([("doc.kml", serialise(fastkml.KML(features=[document]))), (KMZ_ICON, dot_png())])
