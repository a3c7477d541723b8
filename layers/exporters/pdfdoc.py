"""What every PDF of the app shares: A4 pages with the DejaVu fonts embedded (Vietnamese
diacritics print on any printer) and a vector overview map of reports, trips and areas.

A report located only by its place name is drawn as the dashed outline of its approximate area,
never as a dot: a dot is a point someone gave."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from fpdf import FPDF

from geo.admin import boundaries
from geo.spatial import METRES_PER_DEGREE
from layers.errors import LayersError
from layers.exporters.records import PLACE_NAME, estimated
from layers.labels import clean_text
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
        _draw_contents(pdf, frame, reports, trips, areas, circles)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.set_xy(x, y + h + 2)
    pdf.set_font("DejaVu", size=8)
    text = MAP_TEXT[pdf.lang]
    scale = text["scale"].format(km=f"{frame.width_km():.0f}")
    pdf.multi_cell(w, 4, f"{scale}. {text['legend']}", new_x="LMARGIN", new_y="NEXT")


def _draw_contents(
    pdf: Document,
    frame: Frame,
    reports: pd.DataFrame,
    trips: gpd.GeoDataFrame,
    areas: gpd.GeoSeries,
    circles: list[tuple[float, float, float]],
) -> None:
    """Province lines, searched areas, trips, estimated areas and reports, in that order."""
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


EXTRACT_TEXT = {
    "vi": {
        "scale": "Bề ngang bản đồ ≈ {km} km",
        "legend": "Dấu thập đen: điểm mộ, vòng đen: sai số của điểm (vòng đen nét đứt: vùng ước lượng theo địa "
        "danh, không phải điểm đo); chấm tròn: các lời kể theo trạng thái; vòng nét đứt màu nâu: vùng ước lượng "
        "của lời kể; đường cam: chuyến tìm kiếm; vùng xanh: diện tích đã rà; đường xám: ranh giới tỉnh "
        "(2008–2025).",
        "nothing": "Chưa có vị trí nào để vẽ.",
    },
    "en": {
        "scale": "Map width ≈ {km} km",
        "legend": "Black cross: the site, black ring: its uncertainty (dashed black ring: an area estimated from "
        "the place name, not a measured point); dots: its testimonies by status; brown dashed rings: testimonies' "
        "estimated areas; orange lines: search trips; green: area searched; grey lines: province borders "
        "(2008–2025).",
        "nothing": "No position to draw yet.",
    },
}
EXTRACT_HALF_SPAN_M = 1_000.0  # the least the extract shows on each side of the site


@dataclass(frozen=True)
class SiteMark:
    """Where a site is drawn on its extract: a measured point with its uncertainty, or the centre
    and radius of an area estimated from the place name (drawn as a ring, never as a point)."""

    lon: float
    lat: float
    radius_m: float | None
    measured: bool


def _mm(frame: Frame, metres: float) -> float:
    return metres * frame.scale / (METRES_PER_DEGREE * frame.squash)


def _width_text(frame: Frame, lang: str) -> str:
    km = frame.width_km()
    text = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    return text.replace(".", ",") if lang != "en" else text


def draw_extract(
    pdf: Document,
    box: tuple[float, float, float, float],
    site: SiteMark | None,
    reports: pd.DataFrame,
    trips: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoSeries | None = None,
) -> None:
    """A site's map extract: the site and its testimonies fitted to the box (at least
    EXTRACT_HALF_SPAN_M each side of the site), with the trips, searched areas and province lines
    that fall inside, drawn as the overview draws them; the site marked in black."""
    trips = trips if trips is not None else gpd.GeoDataFrame(geometry=[], crs=4326)
    areas = areas if areas is not None else gpd.GeoSeries([], crs=4326)
    circles = estimated_circles(reports)
    shapes = [g for g in reports.geometry if g is not None and not g.is_empty]
    shapes += [_circle_box(*c) for c in circles]
    if site is not None:
        shapes.append(_circle_box(site.lon, site.lat, max(EXTRACT_HALF_SPAN_M, (site.radius_m or 0) * 1.2)))
    x, y, w, h = box
    pdf.set_draw_color(0)
    pdf.rect(x, y, w, h)
    text = EXTRACT_TEXT["en" if pdf.lang == "en" else "vi"]
    if not shapes:
        pdf.set_xy(x, y + h / 2)
        pdf.set_font("DejaVu", size=9)
        pdf.cell(w, 5, text["nothing"], align="C")
        pdf.set_xy(x, y + h + 2)
        return
    frame = Frame.fit(shapely.GeometryCollection(shapes).bounds, box)
    with pdf.rect_clip(x, y, w, h):
        _draw_contents(pdf, frame, reports, trips, areas, circles)
        if site is not None:
            _draw_site(pdf, frame, site)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.set_xy(x, y + h + 2)
    pdf.set_font("DejaVu", size=8)
    scale = text["scale"].format(km=_width_text(frame, pdf.lang))
    pdf.multi_cell(w, 4, f"{scale}. {text['legend']}", new_x="LMARGIN", new_y="NEXT")


def _draw_site(pdf: Document, frame: Frame, site: SiteMark) -> None:
    cx, cy = frame.xy(site.lon, site.lat)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.5)
    if site.radius_m:
        if not site.measured:
            pdf.set_dash_pattern(dash=1.6, gap=1.0)
        pdf.circle(cx, cy, max(_mm(frame, site.radius_m), 1.0), style="D")
        pdf.set_dash_pattern()
    if site.measured:
        pdf.line(cx - 2.5, cy, cx + 2.5, cy)
        pdf.line(cx, cy - 2.5, cx, cy + 2.5)


_UNSEEN = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")  # zero-width and direction marks
MISSING_GLYPH = "\ufffd"


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    """The characters the embedded font can draw (both weights: DejaVu Sans and its bold)."""
    from fontTools.ttLib import TTFont

    covered = None
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(FONT_DIR / name, lazy=True) as font:
            codes = frozenset(font.getBestCmap())
        covered = codes if covered is None else covered & codes
    return covered or frozenset()


def printable_text(text: str) -> str:
    """Stored text as the PDF can print it: composed (NFC), without control, zero-width or
    direction characters, and a character the font cannot draw shown as �, so that nothing is
    silently dropped.

    >>> printable_text("Go\\u0302\\u0301c\\u200b cây\\x07 \\u202e🌳")
    'Gốc cây �'
    """
    composed = _UNSEEN.sub("", clean_text(unicodedata.normalize("NFC", text)))
    glyphs = _glyphs()
    return "".join(ch if ord(ch) in glyphs or ch in "\n\t" else MISSING_GLYPH for ch in composed)
