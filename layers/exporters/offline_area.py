"""What every file of the offline package shares, in a module of its own so the modules that
write them (layers.exporters.offline_maps, scan_tiles, map_drawing, osmand, garmin) import it
without importing each other: the error they raise, the area they are cut to, the zoom levels
and the Web Mercator tile grid, and GDAL kept quiet (its messages may quote private values).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import shapely

from layers.errors import LayersError

MIN_ZOOM = 8  # a district whole on a phone's screen
MAX_ZOOM = 15  # about 5 m a pixel at 17°N: a path, a hillock; promised in docs/offline-maps.md
ZOOMS = tuple(range(MIN_ZOOM, MAX_ZOOM + 1))
RASTER_OUTPUT_PIXELS = 64_000_000  # pixels of a raster file at its finest zoom; the zoom is lowered until it fits
WEB_MERCATOR_RES0 = 2 * math.pi * 6378137 / 256  # metres a pixel at zoom 0 (EPSG:3857)
WEB_MERCATOR_HALF = math.pi * 6378137  # the grid's origin is at (-HALF, +HALF)
TILE_SIZE = 256
# GDAL's raster block cache inside raster_env, in bytes (rasterio hands it to GDALSetCacheMax64).
# GDAL's default is 5 % of the machine's RAM (over a gigabyte on a server), filled while a large
# scan is warped; scans and the drawing are read and written in windows, so a small cache bounds
# their memory at little cost in time.
GDAL_CACHE_BYTES = 32 * 2**20
ROUTE_LAYER = "route"  # the planned route's layer, in the vector tiles and the drawing


class OfflineMapError(LayersError):
    """The offline package cannot be made: the area is too large, or a map scan is unusable."""


@dataclass(frozen=True)
class Area:
    """The lon/lat rectangle the package covers: the trip's stops and a margin."""

    minx: float
    miny: float
    maxx: float
    maxy: float

    @property
    def box(self) -> shapely.Polygon:
        return shapely.box(self.minx, self.miny, self.maxx, self.maxy)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.minx, self.miny, self.maxx, self.maxy)


class PackageFiles(list[Path]):
    """What write_offline_maps returns: the files it wrote (a list of Path, in order), and in
    `left_out` one message per scan it left out of the package because the scan gave no tile in
    the area (scan_tiles.ScanLeftOut), each naming the scan, for the caller to show the person
    (the plan command prints them) rather than fail the whole plan over one blank scan."""

    def __init__(self, files: Iterable[Path] = (), left_out: Iterable[str] = ()) -> None:
        super().__init__(files)
        self.left_out: list[str] = list(left_out)


def mercator_box(area: Area) -> tuple[float, float, float, float]:
    """The area's bounds in Web Mercator metres (EPSG:3857), the grid raster tiles are cut on."""
    from rasterio.warp import transform_bounds

    return transform_bounds("EPSG:4326", "EPSG:3857", *area.bounds)


@contextmanager
def quiet() -> Iterator[None]:
    """GDAL's warnings silenced: they quote field values, which may be private."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextmanager
def raster_env() -> Iterator[None]:
    """rasterio's GDAL with its warnings silenced, its errors sent to logging (rasterio's
    handler, installed by its Env) rather than printed on stderr by GDAL's default one, and its
    block cache held to GDAL_CACHE_BYTES so a scan's memory does not grow with the machine's RAM."""
    import rasterio

    with quiet(), rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_BYTES):
        yield
