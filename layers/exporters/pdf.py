"""The field sheet: an A4 PDF to print before a trip, fonts embedded so diacritics survive.

Page 1 is an overview map of the selection (province lines, reports by status, trips);
then every report with its code, coordinates in three systems, the place as the witness
described it, unit and period, the witness's contact for the team audience only, and
ruled lines for notes in the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from fpdf import FPDF

from geo.admin import boundaries
from layers.errors import LayersError
from layers.exporters.records import coordinate_frame
from layers.exporters.selection import Selection
from layers.labels import blank, describe_spec, display_value, field_label, period_text, short_code
from layers.schema import REPORTS, TRIPS

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "dejavu-fonts-ttf" / "ttf"
MAX_REPORTS = 500  # a field sheet is printed for one trip, not for a whole campaign
MAP_BOX = (15.0, 45.0, 180.0, 150.0)  # x, y, width, height in mm
NOTE_LINES = 4

TEXT = {
    "vi": {
        "title": "Phiếu thực địa – Đi tìm đồng đội",
        "made": "Lập ngày {day} · {n} tin báo · {trips} chuyến đi",
        "filters": "Phạm vi",
        "coords": "Tọa độ WGS84",
        "vn2000": "VN-2000",
        "no_position": "Chưa có tọa độ – tìm theo mô tả vị trí",
        "notes": "Ghi chép thực địa",
        "witness": "Nhân chứng",
        "place_description": "Mô tả vị trí",
        "historical_place": "Địa danh cũ",
        "uncertainty_m": "Sai số",
        "unit": "Đơn vị",
        "period": "Thời gian",
        "province": "Tỉnh",
        "page": "Trang {n}",
        "legend": "Chấm tròn: tin báo theo trạng thái; đường cam: chuyến tìm kiếm; đường xám: ranh giới tỉnh.",
        "scale": "Bề ngang bản đồ ≈ {km} km",
        "demo": "DỮ LIỆU MẪU – không dùng để đi thực địa",
    },
    "en": {
        "title": "Field sheet – Search for fallen comrades",
        "made": "Made {day} · {n} reports · {trips} trips",
        "filters": "Scope",
        "coords": "WGS84",
        "vn2000": "VN-2000",
        "no_position": "No coordinates – search by the place description",
        "notes": "Field notes",
        "witness": "Witness",
        "place_description": "Place as told",
        "historical_place": "Old place name",
        "uncertainty_m": "Uncertainty",
        "unit": "Unit",
        "period": "Period",
        "province": "Province",
        "page": "Page {n}",
        "legend": "Dots: reports by status; orange lines: search trips; grey lines: province borders.",
        "scale": "Map width ≈ {km} km",
        "demo": "DEMO DATA – not for field use",
    },
}


class FontsMissing(LayersError):
    """The embedded font was not fetched (scripts/fetch_static.py)."""


@dataclass(frozen=True)
class Frame:
    """Where lon/lat land on the page: an equirectangular view fitted to the map box."""

    lon0: float
    lat1: float
    scale: float  # mm per degree of longitude at the centre
    squash: float  # cos(latitude) at the centre

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return MAP_BOX[0] + (lon - self.lon0) * self.scale, MAP_BOX[1] + (self.lat1 - lat) * self.scale / self.squash


def _frame(bounds: tuple[float, float, float, float]) -> Frame:
    x0, y0, x1, y1 = bounds
    squash = math.cos(math.radians((y0 + y1) / 2))
    span_x, span_y = max(x1 - x0, 0.02), max((y1 - y0) / squash, 0.02)
    pad = 0.08
    span_x, span_y = span_x * (1 + 2 * pad), span_y * (1 + 2 * pad)
    scale = min(MAP_BOX[2] / span_x, MAP_BOX[3] / span_y)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return Frame(cx - MAP_BOX[2] / 2 / scale, cy + MAP_BOX[3] / 2 / scale * squash, scale, squash)


class Sheet(FPDF):
    def __init__(self, lang: str) -> None:
        super().__init__(format="A4")
        self.lang = lang
        if not (FONT_DIR / "DejaVuSans.ttf").exists():
            raise FontsMissing("Thiếu phông chữ cho PDF; hãy chạy: python scripts/fetch_static.py")
        self.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_font("DejaVu", size=10)
        self.set_auto_page_break(True, margin=15)
        self.set_title(TEXT[lang]["title"])
        self.set_creator("Bản đồ Đi tìm đồng đội")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, TEXT[self.lang]["page"].format(n=self.page_no()), align="C")


def _draw_map(pdf: Sheet, selection: Selection, reports: pd.DataFrame) -> None:
    trips = selection.frames.get(TRIPS.name, gpd.GeoDataFrame(geometry=[], crs=4326))
    shapes = [g for g in [*reports.geometry, *trips.geometry] if g is not None and not g.is_empty]
    x, y, w, h = MAP_BOX
    pdf.set_draw_color(0)
    pdf.rect(x, y, w, h)
    if not shapes:
        return
    frame = _frame(shapely.GeometryCollection(shapes).bounds)
    view = shapely.box(
        frame.lon0, frame.lat1 - h / frame.scale * frame.squash, frame.lon0 + w / frame.scale, frame.lat1
    )
    with pdf.rect_clip(x, y, w, h):
        pdf.set_draw_color(150)
        pdf.set_line_width(0.2)
        for geometry in boundaries("63").geometry.intersection(view):
            for polygon in getattr(geometry, "geoms", [geometry]):
                if polygon.geom_type == "Polygon" and not polygon.is_empty:
                    pdf.polygon([frame.xy(a, b) for a, b in polygon.exterior.coords], style="D")
        pdf.set_line_width(0.6)
        pdf.set_draw_color(*_rgb(TRIPS.color))
        for line in trips.geometry.dropna():
            for part in getattr(line, "geoms", [line]):
                pdf.polyline([frame.xy(a, b) for a, b in part.coords])
        colors = {t.code: t.color for t in REPORTS.field("status").vocabulary}
        for geometry, status in zip(reports.geometry, reports["status"], strict=True):
            if geometry is None or geometry.is_empty:
                continue
            pdf.set_fill_color(*_rgb(colors.get(status, "#666666")))
            cx, cy = frame.xy(geometry.x, geometry.y)
            pdf.circle(cx, cy, 1.1, style="F")
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    km = w / frame.scale * 111.32 * frame.squash
    pdf.set_xy(x, y + h + 2)
    pdf.set_font("DejaVu", size=8)
    text = TEXT[pdf.lang]
    pdf.multi_cell(w, 4, f"{text['scale'].format(km=f'{km:,.0f}')}. {text['legend']}", new_x="LMARGIN", new_y="NEXT")


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def _row(pdf: Sheet, label: str, value: str) -> None:
    if not value:
        return
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(42, 5, label)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")


def _report(pdf: Sheet, row: pd.Series, coords: pd.Series, audience: str) -> None:
    lang, text = pdf.lang, TEXT[pdf.lang]
    if pdf.will_page_break(60):
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    names = "" if blank(row.get("martyr_names")) else f" – {row['martyr_names']}"
    pdf.multi_cell(0, 6, f"#{short_code(row['id'])}{names}", new_x="LMARGIN", new_y="NEXT")
    if row.geometry is not None and not row.geometry.is_empty:
        _row(pdf, text["coords"], f"{coords.iloc[0]:.6f}, {coords.iloc[1]:.6f}  ·  {coords.iloc[2]}")
        _row(pdf, "MGRS", coords.iloc[3])
        if not pd.isna(coords.iloc[4]):
            vn = f"X = {coords.iloc[4]:.2f} m, Y = {coords.iloc[5]:.2f} m (KTT {coords.iloc[6]})"
            _row(pdf, text["vn2000"], vn)
    else:
        _row(pdf, text["coords"], text["no_position"])
    _row(
        pdf,
        text["place_description"],
        display_value(REPORTS.field("place_description"), row.get("place_description"), lang),
    )
    _row(
        pdf,
        text["historical_place"],
        display_value(REPORTS.field("historical_place"), row.get("historical_place"), lang),
    )
    if not blank(row.get("uncertainty_m")):
        _row(pdf, text["uncertainty_m"], f"≈ {float(row['uncertainty_m']):,.0f} m")
    _row(pdf, text["unit"], display_value(REPORTS.field("unit"), row.get("unit"), lang))
    _row(pdf, text["period"], period_text(row))
    _row(pdf, text["province"], display_value(REPORTS.field("province_34"), row.get("province_34"), lang))
    _row(pdf, field_label(REPORTS.field("status"), lang), display_value(REPORTS.field("status"), row["status"], lang))
    if audience == "team":
        contact = [row.get(n) for n in ("witness_name", "witness_phone", "witness_address", "witness_relation")]
        _row(pdf, text["witness"], " · ".join(str(v) for v in contact if not blank(v)))
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(0, 6, text["notes"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(170)
    for _ in range(NOTE_LINES):
        pdf.ln(7)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(0)
    pdf.ln(6)


def pdf_bytes(selection: Selection, audience: str, lang: str, today: date) -> bytes:
    reports = selection.frames.get(REPORTS.name)
    if reports is None:
        raise LayersError("Phiếu thực địa in tin báo: hãy chọn lớp tin báo (reports) hoặc tất cả.")
    if len(reports) > MAX_REPORTS:
        raise LayersError(
            f"Phiếu thực địa in tối đa {MAX_REPORTS} tin báo, bộ lọc đang chọn {len(reports)}; "
            "hãy thu hẹp theo tỉnh, đơn vị hoặc vùng vẽ trên bản đồ."
        )
    reports = reports.sort_values(["province_34", "id"], na_position="last")
    text = TEXT[lang]
    pdf = Sheet(lang)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 9, text["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    trips = len(selection.frames.get(TRIPS.name, []))
    pdf.cell(
        0, 5, text["made"].format(day=today.isoformat(), n=len(reports), trips=trips), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.multi_cell(0, 5, f"{text['filters']}: {describe_spec(selection.spec, lang)}", new_x="LMARGIN", new_y="NEXT")
    if "is_demo" in reports and reports["is_demo"].fillna(False).astype(bool).any():
        pdf.set_text_color(200, 0, 0)
        pdf.cell(0, 5, text["demo"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    _draw_map(pdf, selection, reports)
    coords = coordinate_frame(reports, lang)
    pdf.add_page()
    for index, row in reports.iterrows():
        _report(pdf, row, coords.loc[index], audience)
    return bytes(pdf.output())
