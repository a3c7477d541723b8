"""The offline package's layers drawn with Pillow, for the apps that show raster tiles only
(Locus; OsmAnd through its copy, layers.exporters.osmand): sites numbered by their order on the
route with their uncertainty circle, the reports, the route and the borders, as transparent PNG
raster MBTiles (`<name>_ban-ve.mbtiles`) that lie over an app's own map. The layers come from
offline_maps.tile_layers: public columns only, already cut to the area and scrubbed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from layers.exporters.offline_area import (
    MAX_ZOOM,
    MIN_ZOOM,
    RASTER_OUTPUT_PIXELS,
    ROUTE_LAYER,
    TILE_SIZE,
    WEB_MERCATOR_HALF,
    WEB_MERCATOR_RES0,
    Area,
    OfflineMapError,
    mercator_box,
    raster_env,
)
from layers.exporters.pdfdoc import FONT_DIR

DRAWING_MAX_ZOOM = MAX_ZOOM  # lowered until the drawing fits RASTER_OUTPUT_PIXELS
DRAWING_DESCRIPTION = "Ranh giới, điểm mộ đánh số theo lộ trình, tin báo và lộ trình của chuyến tìm kiếm"
DRAWING_BAND_ROWS = 1  # tile rows drawn at a time: a 256-pixel strip of the area, RGBA
CIRCLE_MIN_PX, CIRCLE_MAX_PX = 4, 1500  # an uncertainty circle is drawn when it helps at that zoom


@dataclass(frozen=True)
class Grid:
    """A block of Web Mercator tiles at one zoom: the pixels a drawing or a cut is made of."""

    zoom: int
    column: int  # the first tile's column and row (XYZ: row 0 at the north)
    row: int
    columns: int
    rows: int

    @property
    def res(self) -> float:
        return WEB_MERCATOR_RES0 / 2**self.zoom

    @property
    def left(self) -> float:
        return -WEB_MERCATOR_HALF + self.column * TILE_SIZE * self.res

    @property
    def top(self) -> float:
        return WEB_MERCATOR_HALF - self.row * TILE_SIZE * self.res

    @property
    def width(self) -> int:
        return self.columns * TILE_SIZE

    @property
    def height(self) -> int:
        return self.rows * TILE_SIZE

    def transform(self):
        from affine import Affine

        return Affine(self.res, 0, self.left, 0, -self.res, self.top)


def tile_grid(box: tuple[float, float, float, float], zoom: int) -> Grid:
    """The tiles at `zoom` covering a Web Mercator box, whole tiles so GDAL writes them as drawn."""
    span = TILE_SIZE * WEB_MERCATOR_RES0 / 2**zoom
    first_column = math.floor((box[0] + WEB_MERCATOR_HALF) / span)
    last_column = math.ceil((box[2] + WEB_MERCATOR_HALF) / span)
    first_row = math.floor((WEB_MERCATOR_HALF - box[3]) / span)
    last_row = math.ceil((WEB_MERCATOR_HALF - box[1]) / span)
    return Grid(zoom, first_column, first_row, max(1, last_column - first_column), max(1, last_row - first_row))


def drawing_grid(area: Area) -> Grid:
    """The tiles of the drawing: DRAWING_MAX_ZOOM, lowered until the drawing has at most
    RASTER_OUTPUT_PIXELS pixels (the scans' budget), so its memory is known before drawing."""
    box = mercator_box(area)
    zoom = DRAWING_MAX_ZOOM
    grid = tile_grid(box, zoom)
    while zoom > MIN_ZOOM and grid.width * grid.height > RASTER_OUTPUT_PIXELS:
        zoom -= 1
        grid = tile_grid(box, zoom)
    return grid


@dataclass(frozen=True)
class Pen:
    """How one layer is drawn: RGBA colours, line width and point radius in pixels."""

    colour: tuple[int, int, int, int]
    width: int = 2
    radius: int = 4
    fill: tuple[int, int, int, int] | None = None


# Boundaries under the records, the route under the sites it joins, the sites on top.
PENS: dict[str, Pen] = {
    "neighbours": Pen((110, 110, 110, 200), width=2),
    "provinces": Pen((120, 40, 150, 230), width=3),
    "trips": Pen((40, 90, 200, 200), width=2),
    "reports": Pen((120, 70, 20, 255), radius=4, fill=(240, 160, 60, 230)),
    "observations": Pen((20, 110, 40, 255), radius=5, fill=(80, 190, 90, 230)),
    ROUTE_LAYER: Pen((220, 30, 30, 220), width=4),
    "sites": Pen((255, 255, 255, 255), width=2, radius=11, fill=(170, 20, 20, 240)),
}
DEFAULT_PEN = Pen((60, 60, 60, 220), radius=4, fill=(120, 120, 120, 220))
CIRCLE_PEN = Pen((170, 20, 20, 150), width=2, fill=(170, 20, 20, 28))
HALO = (255, 255, 255, 255)


@lru_cache(maxsize=4)
def _font(size: int):
    """The app's embedded DejaVu Sans Bold (it has every Vietnamese letter); Pillow's own small
    font where static/ was not fetched, so a package is still made, with plainer labels."""
    from PIL import ImageFont

    path = FONT_DIR / "DejaVuSans-Bold.ttf"
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)


def _pixels(frame: gpd.GeoDataFrame, grid: Grid) -> list[shapely.Geometry]:
    """A layer's geometries in the drawing's pixel coordinates (x right, y down)."""
    mercator = frame.geometry.to_crs("EPSG:3857").to_numpy()
    scale = np.array([1 / grid.res, -1 / grid.res])
    origin = np.array([grid.left, grid.top])
    return list(shapely.transform(mercator, lambda xy: (xy - origin) * scale))


def _parts(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    return list(shapely.get_parts(geometry)) if geometry is not None and not geometry.is_empty else []


def _draw_line(draw, line: shapely.Geometry, pen: Pen) -> None:
    """A line on whole pixels: Pillow truncates a wide line's coordinates toward zero, so a
    point above a band (negative y) would land a pixel off from where the band above draws it."""
    for part in _parts(line):
        if isinstance(part, shapely.LineString) and len(part.coords) > 1:
            points = [(round(x), round(y)) for x, y, *_ in part.coords]
            draw.line(points, fill=pen.colour, width=pen.width, joint="curve")


def _draw_point(draw, point: shapely.Point, pen: Pen) -> None:
    x, y, r = point.x, point.y, pen.radius
    draw.ellipse((x - r, y - r, x + r, y + r), fill=pen.fill, outline=pen.colour, width=max(1, pen.width // 2))


def _draw_shapes(draw, shapes: list[shapely.Geometry], pen: Pen, edge: shapely.Geometry) -> None:
    """Lines as lines, polygons by their outline (less the area's edge, where clip_by_rect cut
    them: it is not a border), points as dots."""
    for shape in shapes:
        for part in _parts(shape):
            if isinstance(part, shapely.Point):
                _draw_point(draw, part, pen)
            elif isinstance(part, shapely.Polygon):
                _draw_line(draw, part.boundary.difference(edge), pen)
            else:
                _draw_line(draw, part, pen)


def _circle_px(uncertainty: object, lat: float, grid: Grid) -> float:
    """A site's uncertainty as a radius in pixels (Web Mercator stretches by 1/cos(lat)); 0 when
    unknown, or too small or too large to help at the drawing's zoom."""
    try:
        metres = float(uncertainty)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(metres) or metres <= 0:
        return 0.0
    radius = metres / math.cos(math.radians(lat)) / grid.res
    return radius if CIRCLE_MIN_PX <= radius <= CIRCLE_MAX_PX else 0.0


def _label(value: object) -> str:
    """A site's place on the route as its label ("3"), or nothing where it has none."""
    try:
        order = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return str(int(order)) if math.isfinite(order) else ""


def _draw_circles(draw, sites: gpd.GeoDataFrame, grid: Grid) -> None:
    """Each site's uncertainty circle, drawn first: Pillow replaces RGBA pixels rather than
    blending them, so whatever is drawn later lies on the faint fill instead of being erased."""
    for row, shape in zip(sites.itertuples(index=False), _pixels(sites, grid), strict=True):
        radius = _circle_px(getattr(row, "uncertainty_m", None), row.geometry.y, grid)
        if radius and isinstance(shape, shapely.Point):
            box = (shape.x - radius, shape.y - radius, shape.x + radius, shape.y + radius)
            draw.ellipse(box, fill=CIRCLE_PEN.fill, outline=CIRCLE_PEN.colour, width=CIRCLE_PEN.width)


def _draw_sites(draw, sites: gpd.GeoDataFrame, grid: Grid) -> None:
    """Each site's marker numbered by its order on the route, and its name beside it (a public
    column, already scrubbed) with a white halo to read over any map."""
    pen = PENS["sites"]
    for row, shape in zip(sites.itertuples(index=False), _pixels(sites, grid), strict=True):
        if not isinstance(shape, shapely.Point):
            continue
        _draw_point(draw, shape, pen)
        number = _label(getattr(row, "order", None))
        if number:
            size = 13 if len(number) < 3 else 10  # "106" still inside its marker
            draw.text((shape.x, shape.y), number, fill=pen.colour, font=_font(size), anchor="mm")
        name = getattr(row, "name", None)
        if isinstance(name, str) and name:
            draw.text(
                (shape.x + pen.radius + 4, shape.y),
                name[:60],
                fill=pen.fill,
                font=_font(12),
                anchor="lm",
                stroke_width=2,
                stroke_fill=HALO,
            )


def draw_package(layers: dict[str, gpd.GeoDataFrame], grid: Grid, area: Area):
    """The package's layers (tile_layers: public columns only, cut to the area) drawn on a
    transparent RGBA image of the grid: province borders, records, route, then the numbered
    sites on top."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (grid.width, grid.height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    (outline,) = _pixels(gpd.GeoDataFrame(geometry=[area.box.exterior], crs="EPSG:4326"), grid)
    edge = outline.buffer(1)
    if "sites" in layers:
        _draw_circles(draw, layers["sites"], grid)
    for name in [*PENS, *(n for n in layers if n not in PENS)]:
        frame = layers.get(name)
        if frame is None or not len(frame):
            continue
        if name == "sites":
            _draw_sites(draw, frame, grid)
        else:
            _draw_shapes(draw, _pixels(frame, grid), PENS.get(name, DEFAULT_PEN), edge)
    return image


def drawing_bands(grid: Grid, rows: int = DRAWING_BAND_ROWS) -> list[Grid]:
    """The grid cut into bands of `rows` tile rows, top to bottom: each is drawn and written on
    its own, so memory holds one band's image, not the whole drawing's."""
    return [
        Grid(grid.zoom, grid.column, grid.row + first, grid.columns, min(rows, grid.rows - first))
        for first in range(0, grid.rows, rows)
    ]


def write_drawing(target: Path, layers: dict[str, gpd.GeoDataFrame], area: Area) -> Path:
    """A raster MBTiles of the drawing (PNG tiles with transparency, so it lies over an app's own
    map), at drawing_grid's zoom with overviews down to MIN_ZOOM. Drawn and written one band of
    tile rows at a time (drawing_bands): a shape, label or circle crossing a band's edge is drawn
    in each band it touches, at the same place, so the tiles join as one drawing."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.errors import RasterioError
    from rasterio.windows import Window

    grid = drawing_grid(area)
    profile = {"driver": "MBTiles", "width": grid.width, "height": grid.height, "count": 4, "dtype": "uint8"}
    options = {"TILE_FORMAT": "PNG", "NAME": target.stem, "TYPE": "overlay", "DESCRIPTION": DRAWING_DESCRIPTION}
    target.unlink(missing_ok=True)
    try:
        with raster_env():
            with rasterio.open(target, "w", crs="EPSG:3857", transform=grid.transform(), **profile, **options) as out:
                for band in drawing_bands(grid):
                    pixels = np.asarray(draw_package(layers, band, area)).transpose(2, 0, 1)
                    top = (band.row - grid.row) * TILE_SIZE
                    out.write(pixels, window=Window(0, top, band.width, band.height))
            levels = [2**i for i in range(1, grid.zoom - MIN_ZOOM + 1)]
            if levels:
                with rasterio.open(target, "r+") as out:
                    out.build_overviews(levels, Resampling.average)
    except RasterioError:
        target.unlink(missing_ok=True)
        raise OfflineMapError(f"Không ghi được tệp bản đồ {target.name} (GDAL báo lỗi khi tạo ô ảnh).") from None
    return target
