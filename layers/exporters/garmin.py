"""Garmin Custom Maps of the offline package: each scan (layers.exporters.scan_tiles) cut to the
trip's area as a KMZ of JPEG ground overlays on lon/lat, within Garmin's documented limits, for
the GPS units teams carry where a phone's battery does not last (docs/offline-maps.md).
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS as ProjCRS

from layers.exporters.offline_area import Area, OfflineMapError, quiet, raster_env
from layers.exporters.scan_tiles import RASTER_QUALITY, Scan, refuse

# Garmin Custom Maps (docs/offline-maps.md): JPEG ground overlays, at most 1024 × 1024 pixels and
# 3 MB each, at most 100 per device on most units; drawOrder above 49 shows over the unit's map.
GARMIN_TILE_PX = 1024
GARMIN_MAX_TILES = 100
GARMIN_MAX_BYTES = 3_000_000
GARMIN_DRAW_ORDER = 50


@dataclass(frozen=True)
class Overlays:
    """How a scan's cut is split into Garmin ground overlays: lon/lat pixel sizes and counts."""

    west: float
    north: float
    xres: float  # degrees a pixel
    yres: float
    width: int  # pixels of the whole cut
    height: int

    @property
    def columns(self) -> int:
        return math.ceil(self.width / GARMIN_TILE_PX)

    @property
    def rows(self) -> int:
        return math.ceil(self.height / GARMIN_TILE_PX)


def garmin_overlays(scan: Scan, area: Area) -> Overlays:
    """The cut of a scan to the area on a lon/lat grid: pixels as fine as the scan's (square on
    the ground at the area's latitude), made coarser until the cut is at most GARMIN_MAX_TILES
    images of at most GARMIN_TILE_PX a side, Garmin's limits for Custom Maps."""
    west, south = max(scan.footprint[0], area.minx), max(scan.footprint[1], area.miny)
    east, north = min(scan.footprint[2], area.maxx), min(scan.footprint[3], area.maxy)
    if west >= east or south >= north:
        raise refuse(scan.path, "không phủ vùng của chuyến đi (ảnh nằm ở nơi khác).")
    shrink = math.cos(math.radians((south + north) / 2))
    ground = scan.res_3857 * shrink  # metres a pixel on the ground
    yres = ground / 110_574
    while True:
        xres = yres / shrink
        overlays = Overlays(west, north, xres, yres, math.ceil((east - west) / xres), math.ceil((north - south) / yres))
        if overlays.columns * overlays.rows <= GARMIN_MAX_TILES:
            return overlays
        yres *= 1.1


def _jpeg(pixels: np.ndarray, valid: np.ndarray) -> bytes:
    """One overlay as a JPEG under GARMIN_MAX_BYTES (quality lowered until it fits), white where
    the scan has no pixel (JPEG has no transparency: black would hide the unit's own map)."""
    from PIL import Image

    pixels = pixels[:1] if pixels.shape[0] == 1 else pixels[:3]
    pixels[:, valid == 0] = 255
    image = Image.fromarray(pixels[0] if len(pixels) == 1 else pixels.transpose(1, 2, 0))
    for quality in (RASTER_QUALITY, 70, 55, 40):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        if buffer.tell() < GARMIN_MAX_BYTES:
            return buffer.getvalue()
    raise OfflineMapError("Một ô ảnh cho máy Garmin vẫn quá 3 MB sau khi nén.")


def _kml(title: str, tiles: list[tuple[str, float, float, float, float]]) -> bytes:
    """The KML of a Custom Map: one unrotated GroundOverlay per image, drawOrder 50 so the device
    shows it over its own map (Garmin's documented range)."""
    from lxml import etree

    kml = etree.Element("kml", nsmap={None: "http://www.opengis.net/kml/2.2"})
    folder = etree.SubElement(etree.SubElement(kml, "Document"), "Folder")
    etree.SubElement(folder, "name").text = title
    for href, north, south, east, west in tiles:
        overlay = etree.SubElement(folder, "GroundOverlay")
        etree.SubElement(overlay, "name").text = Path(href).stem
        etree.SubElement(overlay, "drawOrder").text = str(GARMIN_DRAW_ORDER)
        etree.SubElement(etree.SubElement(overlay, "Icon"), "href").text = href
        box = etree.SubElement(overlay, "LatLonBox")
        for tag, value in (("north", north), ("south", south), ("east", east), ("west", west)):
            etree.SubElement(box, tag).text = f"{value:.8f}"
    return etree.tostring(kml, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _overlay(grid: Overlays, transform, row: int, column: int):
    """One image of a Custom Map: its name in the KMZ, its pixel window, its north/south/east/west."""
    from rasterio.windows import Window

    window = Window(column * GARMIN_TILE_PX, row * GARMIN_TILE_PX, GARMIN_TILE_PX, GARMIN_TILE_PX)
    window = window.intersection(Window(0, 0, grid.width, grid.height))
    west, north = transform @ (window.col_off, window.row_off)
    east, south = transform @ (window.col_off + window.width, window.row_off + window.height)
    return f"files/{row:02d}_{column:02d}.jpg", window, (north, south, east, west)


def scan_outline(scan: Scan) -> shapely.Polygon:
    """The scan's edge on WGS84 (its own rectangle, bent by the projection), with the project's
    datum shift: what part of a lon/lat cut the scan actually fills."""
    from pyproj import Transformer

    minx, miny, maxx, maxy = scan.native
    edge = shapely.segmentize(shapely.box(minx, miny, maxx, maxy), max(maxx - minx, maxy - miny) / 20)
    to_wgs84 = Transformer.from_crs(ProjCRS.from_wkt(scan.crs_wkt), "EPSG:4326", always_xy=True)
    with quiet():
        return shapely.transform(edge, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))


def _latlon_box(sides: tuple[float, float, float, float]) -> shapely.Polygon:
    north, south, east, west = sides
    return shapely.box(west, south, east, north)


def write_garmin(target: Path, scan: Scan, area: Area) -> Path:
    """A Garmin Custom Maps KMZ of the scan cut to the area: JPEG ground overlays of at most
    GARMIN_TILE_PX a side, at most GARMIN_MAX_TILES of them, each under 3 MB, read one window at
    a time through a WarpedVRT to lon/lat (WGS84) so memory holds one image."""
    import rasterio
    from affine import Affine
    from rasterio.enums import ColorInterp, Resampling
    from rasterio.errors import RasterioError
    from rasterio.vrt import WarpedVRT

    grid = garmin_overlays(scan, area)
    transform = Affine(grid.xres, 0, grid.west, 0, -grid.yres, grid.north)
    footprint = scan_outline(scan)
    tiles = [_overlay(grid, transform, row, column) for row in range(grid.rows) for column in range(grid.columns)]
    tiles = [tile for tile in tiles if footprint.intersects(_latlon_box(tile[2]))]  # none the scan leaves blank
    target.unlink(missing_ok=True)
    try:
        with (
            raster_env(),
            rasterio.open(scan.path) as src,
            WarpedVRT(
                src,
                src_crs=scan.crs_wkt,
                crs="EPSG:4326",
                transform=transform,
                width=grid.width,
                height=grid.height,
                resampling=Resampling.bilinear,
                add_alpha=ColorInterp.alpha not in src.colorinterp,  # the last band says where the scan is
            ) as vrt,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as kmz,
        ):
            kmz.writestr("doc.kml", _kml(target.stem, [(href, *box) for href, _window, box in tiles]))
            for href, window, _box in tiles:  # JPEG is compressed already: stored as it is
                pixels = vrt.read(window=window)
                image = _jpeg(pixels[:-1], pixels[-1])
                kmz.writestr(href, image, compress_type=zipfile.ZIP_STORED)
    except RasterioError:
        target.unlink(missing_ok=True)
        raise refuse(scan.path, "GDAL không cắt được ảnh thành ảnh nền cho máy Garmin.") from None
    return target
