"""The itinerary sheet: an A4 PDF of a planned route, in walking order, to print before a trip.

Page 1: the overview map of the route (start, numbered stops, the line between them, province
borders) and the table of legs (from → to, straight distance, bearing, estimated time). Then a
block per stop: a small map of its leg (previous stop → this stop, with the province borders),
its position in WGS84, VN-2000 and MGRS (geo.notation, through the dossier's writer) or, for an
area estimated from a place name, its centre and radius and never a point, its testimonies
printed as the field sheet prints them (layers.exporters.pdf), and lines to write on.

The Selection comes cut for the audience (layers.planning.plan_selection): a partner's sheet
shows no witness contact.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import shapely

from geo.admin import boundaries
from geo.route import STRAIGHT_LINE
from geo.spatial import METRES_PER_DEGREE
from layers.exporters.dossier import site_notation, write_notation
from layers.exporters.pdf import testimony_block as print_testimony
from layers.exporters.pdfdoc import Document, Frame, printable_text, rgb
from layers.exporters.records import coordinate_frame, estimated
from layers.exporters.route import _names
from layers.exporters.selection import Selection
from layers.labels import kilometres, number
from layers.planning import Plan, Stop, start_words
from layers.schema import TRIPS

OVERVIEW_BOX = (15.0, 40.0, 180.0, 120.0)  # x, y, width, height in mm
LEG_BOX_H = 60.0
NOTE_LINES = 5
LEAST_HALF_SPAN_M = 400.0
_START_MARK = {"vi": "XP", "en": "Start"}
TEXT = {
    "vi": {
        "title": "Lộ trình tìm kiếm – Đi tìm đồng đội",
        "made": "Lập ngày {day} · {n} điểm · tổng {km} km đường chim bay · ≈ {hours} giờ đi đường",
        "from": "Từ",
        "to": "Đến",
        "distance": "Khoảng cách",
        "bearing": "Hướng",
        "time": "Ước lượng",
        "leg": "Từ {prev}: {km} km, hướng {deg}° {compass}, ≈ {minutes} phút {way}",
        "position": "Vị trí",
        "estimated": "Vùng ước lượng theo địa danh (không phải điểm đo): tâm {lat:.5f}, {lon:.5f}, bán kính ≈ {r}",
        "testimonies": "Lời kể",
        "none": "Không có lời kể nào mà bản này được in.",
        "notes": "Ghi chép tại điểm (tìm thấy / không tìm thấy / không đến được, số hài cốt)",
        "demo": "DỮ LIỆU MẪU – không dùng để đi thực địa",
        "minutes": "{m} phút {way}",
    },
    "en": {
        "title": "Search route – Search for fallen comrades",
        "made": "Made {day} · {n} stops · {km} km in straight lines · ≈ {hours} h on the way",
        "from": "From",
        "to": "To",
        "distance": "Distance",
        "bearing": "Bearing",
        "time": "Estimate",
        "leg": "From {prev}: {km} km, bearing {deg}° {compass}, ≈ {minutes} min {way}",
        "position": "Position",
        "estimated": "Area estimated from the place name (not a measured point): centre {lat:.5f}, {lon:.5f}, "
        "radius ≈ {r}",
        "testimonies": "Testimonies",
        "none": "No testimony this copy may print.",
        "notes": "Notes at the site (found / not found / not reached, remains count)",
        "demo": "DEMO DATA – not for field use",
        "minutes": "{m} min {way}",
    },
}


def _text(lang: str) -> dict[str, str]:
    return TEXT["en" if lang == "en" else "vi"]


def _box_around(lon: float, lat: float, radius_m: float) -> shapely.Polygon:
    return shapely.Point(lon, lat).buffer(radius_m / METRES_PER_DEGREE)


def _route_map(pdf: Document, box: tuple, plan: Plan, numbers: list[int], line: list[tuple[float, float]]) -> None:
    """Province borders, the route line given, and the stops numbered (estimated ones as dashed
    rings), fitted to what `numbers` (1-based; 0 is the start) and the line cover."""
    points = [(plan.start.lon, plan.start.lat), *((s.lon, s.lat) for s in plan.stops)]
    shown = [shapely.Point(points[n]) for n in numbers] + [shapely.LineString(line)] * (len(line) > 1)
    shown += [_box_around(*points[n], max(plan.stops[n - 1].radius_m or 0, LEAST_HALF_SPAN_M)) for n in numbers if n]
    frame = Frame.fit(shapely.GeometryCollection(shown).bounds, box)
    x, y, w, h = box
    pdf.set_draw_color(0)
    pdf.rect(x, y, w, h)
    with pdf.rect_clip(x, y, w, h):
        pdf.set_draw_color(150)
        pdf.set_line_width(0.2)
        for geometry in boundaries("63").geometry.intersection(frame.view()):
            for part in getattr(geometry, "geoms", [geometry]):
                if part.geom_type == "Polygon" and not part.is_empty:
                    pdf.polygon([frame.xy(a, b) for a, b in part.exterior.coords], style="D")
        pdf.set_draw_color(*rgb(TRIPS.color))
        pdf.set_line_width(0.6)
        if len(line) > 1:
            pdf.polyline([frame.xy(a, b) for a, b in line])
        pdf.set_line_width(0.3)
        for n, (lon, lat) in enumerate(points):
            _stop_mark(pdf, frame, n, lon, lat, plan.stops[n - 1] if n else None)
    # Numbers are written outside the clip: a font chosen inside it would be undone by the clip's
    # end while fpdf still believed it current, and later text would print in the wrong font.
    pdf.set_font("DejaVu", "B", 8)
    for n, (lon, lat) in enumerate(points):
        cx, cy = frame.xy(lon, lat)
        if x <= cx <= x + w - 4 and y + 3 <= cy <= y + h:
            pdf.text(cx + 1.8, cy - 1.2, _START_MARK[pdf.lang] if n == 0 else str(n))
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.set_xy(x, y + h + 1)


def _stop_mark(pdf: Document, frame: Frame, n: int, lon: float, lat: float, stop: Stop | None) -> None:
    cx, cy = frame.xy(lon, lat)
    pdf.set_draw_color(0)
    if stop is not None and stop.radius_m:
        if stop.estimated:
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
        radius = stop.radius_m * frame.scale / (METRES_PER_DEGREE * frame.squash)
        pdf.circle(cx, cy, max(radius, 0.8), style="D")
        pdf.set_dash_pattern()
    pdf.set_fill_color(0 if n == 0 else 31, 0 if n == 0 else 58, 0 if n == 0 else 147)
    if stop is None:  # the start: a triangle, as maps mark a departure
        pdf.polygon([(cx, cy - 1.8), (cx - 1.6, cy + 1.0), (cx + 1.6, cy + 1.0)], style="F")
    elif not stop.estimated:
        pdf.circle(cx, cy, 1.3, style="F")


def _legs_table(pdf: Document, plan: Plan, names: dict[str, str]) -> None:
    text, lang = _text(pdf.lang), pdf.lang
    widths = (10, 47, 47, 22, 26, 28)
    pdf.set_font("DejaVu", "B", 8)
    for width, head in zip(
        widths, ("#", text["from"], text["to"], text["distance"], text["bearing"], text["time"]), strict=True
    ):
        pdf.cell(width, 5, head, border=1)
    pdf.ln(5)
    pdf.set_font("DejaVu", size=8)
    previous = start_words(lang)
    for n, (stop, leg) in enumerate(zip(plan.stops, plan.legs, strict=True), 1):
        name = printable_text(names[stop.site_id])
        cells = (
            str(n),
            previous[:30],
            name[:30],
            f"{kilometres(leg.distance_m, lang)} km",
            f"{leg.bearing_deg:.0f}° {leg.compass(lang)}",
            text["minutes"].format(m=leg.minutes, way=leg.way(lang)),
        )
        if pdf.will_page_break(5):
            pdf.add_page()
        for width, cell in zip(widths, cells, strict=True):
            pdf.cell(width, 5, cell, border=1)
        pdf.ln(5)
        previous = f"{n}. {name}"


def _position(pdf: Document, stop: Stop, site: dict) -> None:
    text = _text(pdf.lang)
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(0, 5, text["position"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    notation = None if stop.estimated else site_notation(site)
    if notation is not None:
        write_notation(pdf, notation, site.get("uncertainty_m"))
        return
    r = f"{kilometres(stop.radius_m, pdf.lang)} km" if stop.radius_m else "?"
    pdf.multi_cell(0, 5, text["estimated"].format(lat=stop.lat, lon=stop.lon, r=r), new_x="LMARGIN", new_y="NEXT")


def _stop_block(
    pdf: Document, plan: Plan, n: int, names: dict, sites: pd.DataFrame, reports: pd.DataFrame, audience: str
) -> None:
    text, lang = _text(pdf.lang), pdf.lang
    stop, leg = plan.stops[n - 1], plan.legs[n - 1]
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, printable_text(f"{n}. {names[stop.site_id]}"), new_x="LMARGIN", new_y="NEXT")
    previous = start_words(lang) if n == 1 else f"{n - 1}. {names[plan.stops[n - 2].site_id]}"
    pdf.set_font("DejaVu", size=9)
    said = text["leg"].format(
        prev=previous,
        km=kilometres(leg.distance_m, lang),
        deg=f"{leg.bearing_deg:.0f}",
        compass=leg.compass(lang),
        minutes=leg.minutes,
        way=leg.way(lang),
    )
    pdf.multi_cell(0, 5, printable_text(said), new_x="LMARGIN", new_y="NEXT")
    here = (stop.lon, stop.lat)
    before = (plan.start.lon, plan.start.lat) if n == 1 else (plan.stops[n - 2].lon, plan.stops[n - 2].lat)
    box = (pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.l_margin - pdf.r_margin, LEG_BOX_H)
    _route_map(pdf, box, plan, [n - 1, n], [before, here])
    pdf.ln(2)
    site = sites.loc[stop.site_id].to_dict() if stop.site_id in sites.index else {}
    if site:
        site["geometry"] = sites.loc[stop.site_id].geometry
    _position(pdf, stop, site)
    told = reports[reports["site_id"].astype(str) == stop.site_id] if "site_id" in reports else reports.iloc[0:0]
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 7, f"{text['testimonies']} ({len(told)})", new_x="LMARGIN", new_y="NEXT")
    if told.empty:
        pdf.set_font("DejaVu", size=9)
        pdf.cell(0, 5, text["none"], new_x="LMARGIN", new_y="NEXT")
    for (_, row), (_, coords), area in zip(
        told.iterrows(), coordinate_frame(told).iterrows(), estimated(told), strict=True
    ):
        print_testimony(pdf, row, coords, bool(area), audience)
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(0, 6, text["notes"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(170)
    for _ in range(NOTE_LINES):
        pdf.ln(7)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(0)


def itinerary_pdf(plan: Plan, selection: Selection, audience: str, lang: str, today: date) -> bytes:
    """The sheet: overview and legs, then a page per stop in walking order."""
    text, names = _text(lang), _names(selection, plan)
    sites = selection.frames["sites"].set_index("id", drop=False)
    reports = selection.frames["reports"]
    pdf = Document(lang, text["title"])
    demo = "is_demo" in sites and sites["is_demo"].fillna(False).astype(bool).any()
    pdf.open_with(text["title"], text["demo"] if demo else None)
    pdf.line_of_text(
        text["made"].format(
            day=today.isoformat(),
            n=len(plan.stops),
            km=kilometres(plan.total_m, lang),
            hours=number(plan.total_minutes / 60, lang, 1),
        )
    )
    pdf.line_of_text(printable_text(f"{start_words(lang)}: {plan.start.label}. {plan.start.note}".strip()))
    pdf.line_of_text(STRAIGHT_LINE["en" if lang == "en" else "vi"])
    box = (OVERVIEW_BOX[0], pdf.get_y() + 2, OVERVIEW_BOX[2], OVERVIEW_BOX[3])
    line = [(plan.start.lon, plan.start.lat), *((s.lon, s.lat) for s in plan.stops)]
    _route_map(pdf, box, plan, list(range(len(plan.stops) + 1)), line)
    pdf.ln(3)
    _legs_table(pdf, plan, names)
    for n in range(1, len(plan.stops) + 1):
        _stop_block(pdf, plan, n, names, sites, reports, audience)
    return bytes(pdf.output())
