"""The offline map package a search team takes to the field: tiles of the trip's area that work
with no signal on a phone, a GPS unit's computer or a laptop. This module holds the package
(write_offline_maps: which files, named how, in what order; the trip's area; the scans found in
the chapter's maps folder) and the vector tiles; each other kind of file has its own module:

- `<name>.mbtiles` and `<name>.pmtiles` (here): vector tiles (Mapbox Vector Tiles) of the province
  boundaries, the campaign's layers (sites, reports, trips …) and the planned route, zoom levels
  `MIN_ZOOM`–`MAX_ZOOM`, written by GDAL's MBTiles and PMTiles drivers (pyogrio's GDAL).
- `<name>_<scan>.mbtiles` (layers.exporters.scan_tiles): a raster MBTiles (EPSG:3857 tiles) from
  each georeferenced GeoTIFF the chapter has of the area, cut to the area, with overviews.
- `<name>_ban-ve.mbtiles` (layers.exporters.map_drawing): the same layers as the vector tiles
  drawn with Pillow as transparent PNG raster tiles, for the apps that show raster tiles only.
- `.sqlitedb` beside each raster MBTiles (layers.exporters.osmand): OsmAnd's own SQLite format.
- `<name>_<scan>.kmz` (layers.exporters.garmin): each scan as Garmin Custom Maps.

What they share (the area, zooms, tile grid, error) is in layers.exporters.offline_area. Only a
declared short list of public columns per layer (`PUBLIC_COLUMNS`) goes into any file, never a
private field even when the frames hold one, and free text is scrubbed of phone numbers: a phone
is lost or lent in the field. docs/offline-maps.md says which file goes into which app.
"""

from __future__ import annotations

import ctypes
import json
import logging
import math
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod

from geo.admin import boundaries
from geo.text import slug
from layers import config
from layers.access import Viewer, may_take_scan
from layers.exporters.garmin import write_garmin
from layers.exporters.map_drawing import write_drawing
from layers.exporters.offline_area import (
    MAX_ZOOM,
    MIN_ZOOM,
    ROUTE_LAYER,
    Area,
    OfflineMapError,
    PackageFiles,
    quiet,
)
from layers.exporters.osmand import write_osmand
from layers.exporters.scan_tiles import Scan, ScanLeftOut, inspect_raster, refuse, write_raster_tiles
from layers.labels import number
from layers.privacy import scrub
from layers.schema import LAYERS

log = logging.getLogger(__name__)

MARGIN_M = 2_000  # around the trip's stops, so the way in and the next hill are on the map
MAX_SIDE_M = 80_000  # a trip is a district, not a province (the largest districts are ~70 km across)
DRAWING_STEM = "ban-ve"  # <name>_ban-ve.mbtiles: "the drawing"

# What a tile may carry of each layer: the record's id, what names it, its state and its place in
# the route. Anything else a frame holds stays out, private or not.
PUBLIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "sites": ("id", "name", "status", "order", "uncertainty_m"),
    "reports": ("id", "site_id", "martyr_names", "status", "order"),
    "trips": ("id", "name", "outcome"),
    "observations": ("id", "site_id", "site_name", "finding", "status"),
}
DEFAULT_COLUMNS = ("id", "name", "status", "order")
BOUNDARY_LAYERS = {"provinces": "34", "neighbours": "neighbours"}  # tile layer → geo.admin.boundaries level


def _sides_m(minx: float, miny: float, maxx: float, maxy: float) -> tuple[float, float]:
    """Width (along the middle latitude) and height of a lon/lat rectangle, in metres on WGS84."""
    geod = Geod(ellps="WGS84")
    middle_lat, middle_lon = (miny + maxy) / 2, (minx + maxx) / 2
    width = geod.inv(minx, middle_lat, maxx, middle_lat)[2]
    height = geod.inv(middle_lon, miny, middle_lon, maxy)[2]
    return width, height


def trip_area(bounds: tuple[float, float, float, float]) -> Area:
    """The area of a trip's package: its stops' lon/lat bounds and MARGIN_M on every side,
    refused when not a place on Earth or larger than MAX_SIDE_M on a side."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)) or minx > maxx or miny > maxy:
        raise OfflineMapError(f"Vùng bản đồ không hợp lệ: {bounds!r} (cần kinh độ/vĩ độ nhỏ nhất rồi lớn nhất).")
    if not (minx >= -180 and maxx <= 180 and miny >= -85 and maxy <= 85):
        raise OfflineMapError(f"Vùng bản đồ {bounds!r} không phải kinh độ/vĩ độ WGS84.")
    lat = math.radians(max(abs(miny), abs(maxy)))
    dlat = MARGIN_M / 110_574  # metres in a degree of latitude
    dlon = MARGIN_M / (111_320 * math.cos(lat))  # …and of longitude, at the widest latitude
    area = Area(max(minx - dlon, -180), max(miny - dlat, -85), min(maxx + dlon, 180), min(maxy + dlat, 85))
    width, height = _sides_m(*area.bounds)
    if max(width, height) > MAX_SIDE_M:
        raise OfflineMapError(
            f"Vùng của chuyến đi rộng {number(round(width / 1000))} × {number(round(height / 1000))} km "
            f"(kể cả {number(MARGIN_M // 1000)} km lề), quá {number(MAX_SIDE_M // 1000)} km một cạnh cho bản đồ "
            "ngoại tuyến: một chuyến đi là một huyện, không phải một tỉnh. Hãy chia thành nhiều chuyến."
        )
    return area


def _file_stem(name: str) -> str:
    """A file name part of plain letters, digits and hyphens (a scan may be named anything)."""
    cleaned = "".join(c if c.isalnum() else " " for c in slug(name)).split()
    return "-".join(cleaned)[:80] or "ban-do"


# -- vector tiles ---------------------------------------------------------------------------


def public_columns(name: str, frame: pd.DataFrame) -> list[str]:
    """The columns of a frame that may go into tiles: the layer's declared public ones that the
    frame has, less any field the schema marks private."""
    layer = LAYERS.get(name)
    private = set(layer.private_fields) if layer is not None else set()
    wanted = PUBLIC_COLUMNS.get(name, DEFAULT_COLUMNS)
    return [c for c in wanted if c in frame.columns and c not in private]


def _text(value: object) -> object:
    """A text cell as tiles carry it: scrubbed of anything shaped like a phone number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return scrub(str(value))


def _tile_frame(name: str, frame: gpd.GeoDataFrame, area: Area) -> gpd.GeoDataFrame:
    """The public columns of a layer's rows, cut to the area (EPSG:4326)."""
    columns = public_columns(name, frame)
    data = gpd.GeoDataFrame(frame[columns].copy(), geometry=frame.geometry.to_numpy(), crs=frame.crs or "EPSG:4326")
    if data.crs is not None and not data.crs.equals("EPSG:4326"):
        data = data.to_crs("EPSG:4326")
    data = data[data.geometry.notna() & ~data.geometry.is_empty]
    data = gpd.clip(data, area.box) if len(data) else data
    for column in columns:
        if not pd.api.types.is_numeric_dtype(data[column]):
            data[column] = pd.Series([_text(v) for v in data[column]], index=data.index, dtype=object)
    return data.reset_index(drop=True)


def _boundary_frame(level: str, area: Area) -> gpd.GeoDataFrame:
    """The boundary polygons of a level cut to the area, with their code and name."""
    shapes = boundaries(level)
    columns = [c for c in ("code", "iso2", "name") if c in shapes.columns]
    near = shapes[shapes.intersects(area.box)]
    return gpd.clip(near[[*columns, "geometry"]], area.box).reset_index(drop=True)


def _route_frame(route: shapely.LineString | None, area: Area) -> gpd.GeoDataFrame:
    if route is None or route.is_empty:
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    return gpd.clip(gpd.GeoDataFrame({"name": ["Lộ trình"]}, geometry=[route], crs="EPSG:4326"), area.box)


def tile_layers(
    area: Area, frames: dict[str, gpd.GeoDataFrame], route: shapely.LineString | None
) -> dict[str, gpd.GeoDataFrame]:
    """Every layer the vector tiles hold, in drawing order (boundaries under the records, the
    route on top), each with only what may be carried; empty layers left out."""
    layers = {name: _boundary_frame(level, area) for name, level in BOUNDARY_LAYERS.items()}
    layers |= {name: _tile_frame(name, frame, area) for name, frame in frames.items()}
    layers[ROUTE_LAYER] = _route_frame(route, area)
    return {name: frame for name, frame in layers.items() if len(frame)}


@lru_cache(maxsize=1)
def _gdal() -> ctypes.CDLL:
    """pyogrio's own GDAL (already loaded with pyogrio), for the one GDAL function pyogrio does
    not wrap: ogr2ogr's GDALVectorTranslate, which writes several layers into one tile set (the
    tile drivers cannot add a layer to a set once written, which is all pyogrio's append does)."""
    import pyogrio._ogr

    lib = ctypes.CDLL(pyogrio._ogr.__file__)  # its symbols resolve in the GDAL it links to
    lib.GDALOpenEx.restype = ctypes.c_void_p
    lib.GDALOpenEx.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.GDALVectorTranslateOptionsNew.restype = ctypes.c_void_p
    lib.GDALVectorTranslateOptionsNew.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p]
    lib.GDALVectorTranslateOptionsFree.argtypes = [ctypes.c_void_p]
    lib.GDALVectorTranslate.restype = ctypes.c_void_p
    lib.GDALVectorTranslate.argtypes = [
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_int),
    ]
    lib.GDALClose.restype = ctypes.c_int
    lib.GDALClose.argtypes = [ctypes.c_void_p]
    lib.CPLPushErrorHandler.argtypes = [ctypes.c_void_p]
    return lib


GDAL_OF_VECTOR = 0x04


def _translate(source: Path, target: Path, arguments: list[str]) -> None:
    """ogr2ogr `arguments` from `source` to `target`, GDAL's messages silenced (they may quote
    values); a failure is one Vietnamese line naming the file."""
    lib = _gdal()
    argv = (ctypes.c_char_p * (len(arguments) + 1))(*(a.encode() for a in arguments), None)
    lib.CPLPushErrorHandler(ctypes.cast(lib.CPLQuietErrorHandler, ctypes.c_void_p))
    try:
        src = lib.GDALOpenEx(str(source).encode(), GDAL_OF_VECTOR, None, None, None)
        options = lib.GDALVectorTranslateOptionsNew(argv, None)
        usage = ctypes.c_int(0)
        try:
            dst = lib.GDALVectorTranslate(
                str(target).encode(), None, 1, (ctypes.c_void_p * 1)(src), options, ctypes.byref(usage)
            )
            closed = lib.GDALClose(dst) if dst else 1
        finally:
            lib.GDALVectorTranslateOptionsFree(options)
            if src:
                lib.GDALClose(src)
    finally:
        lib.CPLPopErrorHandler()
    if not src or not options or not dst or closed != 0 or usage.value:
        raise OfflineMapError(f"Không ghi được tệp bản đồ {target.name} (GDAL báo lỗi khi tạo ô bản đồ).")


def _tile_arguments(driver: str, name: str, layers: dict[str, gpd.GeoDataFrame]) -> list[str]:
    conf = {layer: {"target_name": layer, "minzoom": MIN_ZOOM, "maxzoom": MAX_ZOOM} for layer in layers}
    options = {
        "NAME": name,
        "DESCRIPTION": "Bản đồ ngoại tuyến cho chuyến tìm kiếm (Hội Cựu TNXP)",
        "TYPE": "baselayer",
        "MINZOOM": MIN_ZOOM,
        "MAXZOOM": MAX_ZOOM,
        "CONF": json.dumps(conf),
    }
    return ["-f", driver, *(part for key, value in options.items() for part in ("-dsco", f"{key}={value}"))]


def write_vector_tiles(out_dir: Path, stem: str, layers: dict[str, gpd.GeoDataFrame]) -> list[Path]:
    """`<stem>.mbtiles` and `<stem>.pmtiles` holding `layers` (tile_layers) at ZOOMS."""
    if not layers:
        raise OfflineMapError("Vùng của chuyến đi không có gì để vẽ (không ranh giới, không điểm nào).")
    targets = [out_dir / f"{stem}.mbtiles", out_dir / f"{stem}.pmtiles"]
    with tempfile.TemporaryDirectory(prefix="bando-tiles-") as tmp:
        source = Path(tmp) / "layers.gpkg"
        with quiet():
            for index, (layer, frame) in enumerate(layers.items()):
                pyogrio.write_dataframe(frame, source, driver="GPKG", layer=layer, append=index > 0)
        for target, driver in zip(targets, ("MBTiles", "PMTiles"), strict=True):
            target.unlink(missing_ok=True)
            _translate(source, target, _tile_arguments(driver, stem, layers))
    return targets


def configured_rasters(bounds: tuple[float, float, float, float], viewer: Viewer, audience: str) -> list[Path]:
    """The GeoTIFFs under the chapter's maps folder (config.maps_dir()) that this person may take
    into a file for `audience` (access.may_take_scan: a scan under `<maps folder>/<chapter_id>/`
    is that chapter's, one directly in the folder everyone's, none for a partner) and whose
    footprint meets the trip's area (bounds and margin), found by reading headers only. A file
    that cannot be used is left out with a warning naming it (one bad scan in a shared folder
    must not keep a team from leaving); write_offline_maps refuses it with the reason when given it."""
    folder = config.maps_dir()
    if not folder.is_dir():
        return []
    box = trip_area(bounds).box
    found: list[Path] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".tif", ".tiff")):
        parts = path.relative_to(folder).parts
        if not may_take_scan(viewer, audience, parts[0] if len(parts) > 1 else None):
            continue  # another chapter's scan: not even its header is read
        try:
            scan = inspect_raster(path)
        except OfflineMapError as problem:
            log.warning("%s", problem)
            continue
        if shapely.box(*scan.footprint).intersects(box):
            found.append(path)
    return found


# -- the package ------------------------------------------------------------------------------


def _scan_stems(stem: str, scans: Sequence[Scan]) -> list[str]:
    """`<name>_<scan>` for each scan, distinct from each other and from the drawing's file even
    when two scans have the same name in different folders."""
    taken = {f"{stem}_{DRAWING_STEM}"}
    stems = []
    for scan in scans:
        base = f"{stem}_{_file_stem(scan.path.stem)}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        stems.append(candidate)
    return stems


def write_offline_maps(
    out_dir: Path,
    bounds: tuple[float, float, float, float],
    frames: dict[str, gpd.GeoDataFrame],
    route: shapely.LineString | None,
    rasters: Sequence[Path] = (),
    name: str = "ban-do",
) -> list[Path]:
    """Write the offline package of a trip into out_dir and return every file written:

    - `<name>.mbtiles`, `<name>.pmtiles`: vector tiles (QGIS, QField);
    - `<name>_ban-ve.mbtiles` and `<name>_ban-ve.sqlitedb`: the same layers drawn as raster tiles
      (Locus; OsmAnd as an overlay);
    - for each raster: `<name>_<scan>.mbtiles` (Locus, QGIS), `<name>_<scan>.sqlitedb` (OsmAnd) and
      `<name>_<scan>.kmz` (Garmin Custom Maps).

    `bounds` are the trip's stops (lon/lat minx, miny, maxx, maxy); MARGIN_M is added and an
    area over MAX_SIDE_M a side refused. `frames` are the campaign layers already cut for the
    audience (EPSG:4326); only their PUBLIC_COLUMNS are written. Every raster is checked before
    any file is written, so a bad scan costs nothing but its message. A usable scan that gives no
    tile in the area (blank there) is left out, and the package made without it: the result is a
    PackageFiles (a list of the files) whose `left_out` holds one message per such scan, naming it."""
    area = trip_area(bounds)
    stem = _file_stem(name)
    scans = [inspect_raster(Path(p)) for p in rasters]
    for scan in scans:
        if not shapely.box(*scan.footprint).intersects(area.box):
            raise refuse(scan.path, "không phủ vùng của chuyến đi (ảnh nằm ở nơi khác).")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    layers = tile_layers(area, frames, route)
    written = PackageFiles(write_vector_tiles(out_dir, stem, layers))
    drawing = write_drawing(out_dir / f"{stem}_{DRAWING_STEM}.mbtiles", layers, area)
    written += [drawing, write_osmand(drawing)]
    for scan, scan_stem in zip(scans, _scan_stems(stem, scans), strict=True):
        try:
            tiles = write_raster_tiles(out_dir / f"{scan_stem}.mbtiles", scan, area)
        except ScanLeftOut as blank:
            log.warning("%s", blank)
            written.left_out.append(str(blank))
            continue
        written += [tiles, write_osmand(tiles), write_garmin(out_dir / f"{scan_stem}.kmz", scan, area)]
    return written
