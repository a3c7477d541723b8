"""What every PDF of the app shares: A4 pages with the DejaVu fonts embedded (Vietnamese
diacritics print on any printer) and a vector overview map of reports, trips and areas.

A report located only by its place name is drawn as the dashed outline of its approximate area,
never as a dot: a dot is a point someone gave."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from fpdf import FPDF

from geo.admin import boundaries
from geo.spatial import METRES_PER_DEGREE
from layers.errors import LayersError
from layers.exporters.records import PLACE_NAME, estimated
from layers.places import AREA_RADIUS_M as NO_RADIUS_M
from layers.schema import POSITION_SOURCES, REPORTS, TRIPS

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "dejavu-fonts-ttf" / "ttf"
AREA_COLOR = "#2ca02c"
ESTIMATED_COLOR = next(t.color for t in POSITION_SOURCES if t.code == PLACE_NAME)
MAP_TEXT = {
    "vi": {
        "scale": "Bề ngang bản đồ ≈ {km} km",
        "legend": "Chấm tròn: tin báo theo trạng thái; vòng nét đứt: vùng ước lượng theo địa danh "
        "(tin báo chưa có tọa độ); đường cam: chuyến tìm kiếm; vùng xanh: diện tích đã rà; "
        "đường xám: ranh giới tỉnh (2008–2025).",
        "page": "Trang {n}",
    },
    "en": {
        "scale": "Map width ≈ {km} km",
        "legend": "Dots: reports by status; dashed rings: areas estimated from the place name (reports "
        "without coordinates); orange lines: search trips; green: area searched; "
        "grey lines: province borders (2008–2025).",
        "page": "Page {n}",
    },
}


class FontsMissing(LayersError):
    """The embedded font was not fetched (scripts/fetch_static.py)."""


class Document(FPDF):
    """An A4 document in DejaVu Sans with page numbers."""

    def __init__(self, lang: str, title: str) -> None:
        super().__init__(format="A4")
        self.lang = lang
        if not (FONT_DIR / "DejaVuSans.ttf").exists():
            raise FontsMissing("Thiếu phông chữ cho PDF; hãy chạy: python scripts/fetch_static.py")
        self.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_font("DejaVu", size=10)
        self.set_auto_page_break(True, margin=15)
        self.set_title(title)
        self.set_creator("Bản đồ Đi tìm đồng đội")

    def open_with(self, title: str, demo_warning: str | None) -> None:
        """The first page: the title, then, for demo data, a red line saying so."""
        self.add_page()
        self.set_font("DejaVu", "B", 14)
        self.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", size=9)
        if demo_warning:
            self.set_text_color(200, 0, 0)
            self.cell(0, 5, demo_warning, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0)

    def line_of_text(self, text: str) -> None:
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, MAP_TEXT[self.lang]["page"].format(n=self.page_no()), align="C")


@dataclass(frozen=True)
class Frame:
    """Where lon/lat land on the page: an equirectangular view fitted to a box (mm)."""

    box: tuple[float, float, float, float]  # x, y, width, height
    lon0: float
    lat1: float
    scale: float  # mm per degree of longitude
    squash: float  # cos(latitude) at the centre

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> Frame:
        x0, y0, x1, y1 = bounds
        squash = math.cos(math.radians((y0 + y1) / 2))
        pad = 1.16  # 8 % margin each side
        span_x, span_y = max(x1 - x0, 0.02) * pad, max((y1 - y0) / squash, 0.02) * pad
        scale = min(box[2] / span_x, box[3] / span_y)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return cls(box, cx - box[2] / 2 / scale, cy + box[3] / 2 / scale * squash, scale, squash)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return self.box[0] + (lon - self.lon0) * self.scale, self.box[1] + (self.lat1 - lat) * self.scale / self.squash

    def view(self) -> shapely.Polygon:
        return shapely.box(
            self.lon0,
            self.lat1 - self.box[3] / self.scale * self.squash,
            self.lon0 + self.box[2] / self.scale,
            self.lat1,
        )

    def width_km(self) -> float:
        return self.box[2] / self.scale * 111.32 * self.squash


def rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def _polygons(geometry: shapely.Geometry):
    for part in getattr(geometry, "geoms", [geometry]):
        if part.geom_type == "Polygon" and not part.is_empty:
            yield part


def _draw_polygons(pdf: Document, frame: Frame, geometries, style: str) -> None:
    for geometry in geometries:
        for polygon in _polygons(geometry):
            pdf.polygon([frame.xy(a, b) for a, b in polygon.exterior.coords], style=style)


def estimated_circles(reports: pd.DataFrame) -> list[tuple[float, float, float]]:
    """(lon, lat, radius in m) of each report's approximate area read from its place name."""
    rows = reports[estimated(reports)]
    radius = pd.to_numeric(rows.get("area_radius_m", pd.Series(index=rows.index, dtype=float)), errors="coerce")
    radius = radius.where(radius > 0, NO_RADIUS_M)
    return list(zip(rows["area_lon"].astype(float), rows["area_lat"].astype(float), radius.astype(float), strict=True))


def _circle_box(lon: float, lat: float, radius_m: float) -> shapely.Polygon:
    dlat = radius_m / METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def draw_overview(
    pdf: Document,
    box: tuple[float, float, float, float],
    reports: pd.DataFrame,
    trips: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoSeries | None = None,
) -> None:
    """Province lines, searched areas, trips and reports (coloured by status) fitted to the box."""
    trips = trips if trips is not None else gpd.GeoDataFrame(geometry=[], crs=4326)
    areas = areas if areas is not None else gpd.GeoSeries([], crs=4326)
    circles = estimated_circles(reports)
    shapes = [g for g in [*reports.geometry, *trips.geometry, *areas] if g is not None and not g.is_empty]
    shapes += [_circle_box(*c) for c in circles]
    x, y, w, h = box
    pdf.set_draw_color(0)
    pdf.rect(x, y, w, h)
    if not shapes:
        return
    frame = Frame.fit(shapely.GeometryCollection(shapes).bounds, box)
    with pdf.rect_clip(x, y, w, h):
        pdf.set_draw_color(150)
        pdf.set_line_width(0.2)
        _draw_polygons(pdf, frame, boundaries("63").geometry.intersection(frame.view()), "D")
        pdf.set_fill_color(*rgb(AREA_COLOR))
        _draw_polygons(pdf, frame, areas, "F")
        pdf.set_line_width(0.6)
        pdf.set_draw_color(*rgb(TRIPS.color))
        for line in trips.geometry.dropna():
            for part in getattr(line, "geoms", [line]):
                pdf.polyline([frame.xy(a, b) for a, b in part.coords])
        pdf.set_line_width(0.4)
        pdf.set_draw_color(*rgb(ESTIMATED_COLOR))
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        for lon, lat, radius in circles:
            cx, cy = frame.xy(lon, lat)
            pdf.circle(cx, cy, max(radius * frame.scale / (METRES_PER_DEGREE * frame.squash), 0.8), style="D")
        pdf.set_dash_pattern()
        colors = {t.code: t.color for t in REPORTS.field("status").vocabulary}
        for geometry, status in zip(reports.geometry, reports["status"], strict=True):
            if geometry is None or geometry.is_empty:
                continue
            pdf.set_fill_color(*rgb(colors.get(status, "#666666")))
            cx, cy = frame.xy(geometry.x, geometry.y)
            pdf.circle(cx, cy, 1.1, style="F")
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.set_xy(x, y + h + 2)
    pdf.set_font("DejaVu", size=8)
    text = MAP_TEXT[pdf.lang]
    scale = text["scale"].format(km=f"{frame.width_km():.0f}")
    pdf.multi_cell(w, 4, f"{scale}. {text['legend']}", new_x="LMARGIN", new_y="NEXT")
