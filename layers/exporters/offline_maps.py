"""The offline map package a search team takes to the field: tiles of the trip's area that work
with no signal on a phone, a GPS unit's computer or a laptop.

- `<name>.mbtiles` and `<name>.pmtiles`: vector tiles (Mapbox Vector Tiles) of the province
  boundaries, the campaign's layers (sites, reports, trips …) and the planned route, zoom levels
  `MIN_ZOOM`–`MAX_ZOOM`, written by GDAL's MBTiles and PMTiles drivers (pyogrio's GDAL).
- `<name>_<scan>.mbtiles`: a raster MBTiles (EPSG:3857 tiles) from each georeferenced GeoTIFF the
  chapter has of the area (a wartime 1:50,000 sheet, an orthophoto), cut to the area, with
  overviews down to `MIN_ZOOM`, written by rasterio's GDAL.

Only a declared short list of public columns per layer (`PUBLIC_COLUMNS`) goes into the tiles,
never a private field even when the frames hold one, and free text is scrubbed of phone numbers:
a phone is lost or lent in the field. docs/offline-maps.md says which file goes into which app.
"""

from __future__ import annotations

import ctypes
import json
import logging
import math
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Geod

from geo.admin import boundaries
from geo.datums import HANOI1972, INDIAN1960, VN2000, Datum
from geo.text import slug
from layers import config
from layers.errors import LayersError
from layers.labels import number
from layers.privacy import scrub
from layers.schema import LAYERS

log = logging.getLogger(__name__)

MIN_ZOOM = 8  # a district whole on a phone's screen
MAX_ZOOM = 15  # about 5 m a pixel at 17°N: a path, a hillock; promised in docs/offline-maps.md
ZOOMS = tuple(range(MIN_ZOOM, MAX_ZOOM + 1))
MARGIN_M = 2_000  # around the trip's stops, so the way in and the next hill are on the map
MAX_SIDE_M = 80_000  # a trip is a district, not a province (the largest districts are ~70 km across)

RASTER_MAX_ZOOM = 16  # a scan or orthophoto finer than ~2.4 m a pixel is tiled at this zoom
RASTER_BYTES = 2 * 2**30  # one GeoTIFF
RASTER_SOURCE_PIXELS = 1_000_000_000  # pixels a GeoTIFF may say it has (a 1:50,000 sheet at 600 dpi: ~0.2 billion)
RASTER_OUTPUT_PIXELS = 64_000_000  # pixels of the cut at its finest zoom; the zoom is lowered until it fits
RASTER_QUALITY = 85  # JPEG quality of scan tiles
TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # TIFF and BigTIFF, both byte orders
WEB_MERCATOR_RES0 = 2 * math.pi * 6378137 / 256  # metres a pixel at zoom 0 (EPSG:3857)

# What a tile may carry of each layer: the record's id, what names it, its state and its place in
# the route. Anything else a frame holds stays out, private or not.
PUBLIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "sites": ("id", "name", "status", "order"),
    "reports": ("id", "site_id", "martyr_names", "status", "order"),
    "trips": ("id", "name", "outcome"),
    "observations": ("id", "site_id", "site_name", "finding", "status"),
}
DEFAULT_COLUMNS = ("id", "name", "status", "order")
BOUNDARY_LAYERS = {"provinces": "34", "neighbours": "neighbours"}  # tile layer → geo.admin.boundaries level
ROUTE_LAYER = "route"
# Datums whose transformation to WGS84 the project chose on purpose (geo.datums): a scan on one of
# them is placed with those parameters, never with one PROJ would pick (or not) by itself.
DATUM_NAMES = {"Indian 1960": INDIAN1960, "Hanoi 1972": HANOI1972, "Vietnam 2000": VN2000}


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


@contextmanager
def _quiet() -> Iterator[None]:
    """GDAL's warnings silenced: they quote field values, which may be private."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextmanager
def _raster_env() -> Iterator[None]:
    """rasterio's GDAL with its warnings silenced and its errors sent to logging (rasterio's
    handler, installed by its Env) rather than printed on stderr by GDAL's default one."""
    import rasterio

    with _quiet(), rasterio.Env():
        yield


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
        with _quiet():
            for index, (layer, frame) in enumerate(layers.items()):
                pyogrio.write_dataframe(frame, source, driver="GPKG", layer=layer, append=index > 0)
        for target, driver in zip(targets, ("MBTiles", "PMTiles"), strict=True):
            target.unlink(missing_ok=True)
            _translate(source, target, _tile_arguments(driver, stem, layers))
    return targets


# -- raster tiles from GeoTIFF scans ----------------------------------------------------------


@dataclass(frozen=True)
class Scan:
    """What a GeoTIFF's header says: enough to cut it, read before any pixel is."""

    path: Path
    crs_wkt: str  # the CRS it is placed with (an explicit datum shift where geo.datums has one)
    footprint: tuple[float, float, float, float]  # lon/lat bounds on WGS84
    width: int
    height: int
    bands: int
    res_3857: float  # its pixel size, in Web Mercator metres
    native: tuple[float, float, float, float]  # its bounds in its own CRS


def _towgs84(datum: Datum) -> str:
    """A geo.datums Helmert as PROJ's +towgs84 (position vector: rotations of a coordinate-frame
    shift change sign)."""
    terms = dict(part[1:].split("=") for part in datum.helmert.split() if "=" in part)
    values = [float(terms.get(k, 0)) for k in ("x", "y", "z", "rx", "ry", "rz", "s")]
    if terms.get("convention") == "coordinate_frame":
        values[3:6] = [-v for v in values[3:6]]
    return ",".join(f"{v:.10g}" for v in (values if any(values[3:]) else values[:3]))


def explicit_crs(wkt: str) -> str:
    """A scan's CRS as it is placed: for Indian 1960, Hanoi 1972 and VN-2000 the same CRS with the
    project's chosen shift to WGS84 (geo.datums) bound to it, so PROJ never picks one silently."""
    crs = ProjCRS.from_wkt(wkt)
    datum = next((d for name, d in DATUM_NAMES.items() if crs.datum is not None and name in crs.datum.name), None)
    if datum is None:
        return wkt
    with _quiet():
        proj4 = " ".join(p for p in crs.to_proj4().split() if not p.startswith("+towgs84="))
    return ProjCRS.from_proj4(f"{proj4} +towgs84={_towgs84(datum)}").to_wkt()


def _refuse(path: Path, why: str) -> OfflineMapError:
    return OfflineMapError(f"Bản đồ quét «{path.name}»: {why}")


def _check_bytes(path: Path) -> None:
    """Refuse before GDAL reads: an empty or too large file, or one that is not a TIFF at all."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4)
    except OSError:
        raise _refuse(path, "không mở được tệp.") from None
    if size == 0:
        raise _refuse(path, "tệp rỗng.")
    if size > RASTER_BYTES:
        raise _refuse(path, f"tệp quá lớn ({number(size // 2**20)} MB, tối đa {number(RASTER_BYTES // 2**20)} MB).")
    if head not in TIFF_MAGIC:
        raise _refuse(path, "không phải tệp GeoTIFF (nội dung không phải TIFF, dù tên là .tif).")


def _crs_name(crs: object) -> str:
    """A CRS's name for a message (the WKT is a page long)."""
    try:
        return ProjCRS.from_user_input(crs).name[:80]
    except Exception:  # noqa: BLE001 — only for a message
        return "không rõ"


def inspect_raster(path: Path) -> Scan:
    """A GeoTIFF's header, checked: a TIFF, not too many pixels, 8-bit grey/RGB(A), placed on
    Earth by a CRS that can be turned into WGS84. Raises OfflineMapError naming the file."""
    import rasterio
    from rasterio.enums import ColorInterp
    from rasterio.errors import RasterioError
    from rasterio.warp import transform_bounds

    path = Path(path)
    _check_bytes(path)
    try:
        with _raster_env(), rasterio.open(path) as ds:
            driver, crs, transform, gcps = ds.driver, ds.crs, ds.transform, ds.gcps[0]
            width, height, bands, dtypes = ds.width, ds.height, ds.count, set(ds.dtypes)
            palette = bands == 1 and ds.colorinterp[0] == ColorInterp.palette
            native = ds.bounds
    except RasterioError:
        raise _refuse(path, "GDAL không đọc được tệp như một ảnh GeoTIFF.") from None
    if driver != "GTiff":
        raise _refuse(path, f"không phải GeoTIFF (GDAL đọc thành {driver}).")
    if width * height > RASTER_SOURCE_PIXELS:
        raise _refuse(
            path,
            f"khai {number(width)} × {number(height)} điểm ảnh, quá giới hạn {number(RASTER_SOURCE_PIXELS)} điểm ảnh; "
            "hãy cắt nhỏ ảnh trước.",
        )
    if crs is None or transform.is_identity:
        hint = " (chỉ có điểm khống chế GCP: hãy nắn ảnh trong QGIS rồi lưu lại)" if gcps else ""
        raise _refuse(path, f"không có tọa độ địa lý (georeference){hint}; không biết đặt ảnh ở đâu.")
    if dtypes != {"uint8"} or not 1 <= bands <= 4 or palette:
        raise _refuse(path, "chỉ nhận ảnh 8 bit xám, RGB hoặc RGBA (không bảng màu, không 16 bit).")
    try:
        wkt = explicit_crs(crs.to_wkt())
        with _raster_env():
            footprint = transform_bounds(wkt, "EPSG:4326", *native, densify_pts=21)
            mercator = transform_bounds(wkt, "EPSG:3857", *native, densify_pts=21)
    except Exception:  # noqa: BLE001 — PROJ and GDAL raise several kinds for a CRS they cannot place
        raise _refuse(path, f"hệ tọa độ «{_crs_name(crs)}» không chuyển được sang WGS84.") from None
    x0, y0, x1, y1 = footprint
    if not all(math.isfinite(v) for v in footprint) or not (-180 <= x0 < x1 <= 180 and -85 <= y0 < y1 <= 85):
        raise _refuse(path, f"hệ tọa độ «{_crs_name(crs)}» đặt ảnh ra ngoài Trái Đất.")
    res = max((mercator[2] - mercator[0]) / width, (mercator[3] - mercator[1]) / height)
    return Scan(path, wkt, footprint, width, height, bands, res, tuple(native))


def configured_rasters(bounds: tuple[float, float, float, float]) -> list[Path]:
    """The GeoTIFFs under the chapter's maps folder (config.maps_dir()) whose footprint meets
    the trip's area (bounds and margin), found by reading headers only. A file that cannot be
    used is left out with a warning naming it (one bad scan in a shared folder must not keep a
    team from leaving); write_offline_maps refuses it with the reason when given it."""
    folder = config.maps_dir()
    if not folder.is_dir():
        return []
    box = trip_area(bounds).box
    found: list[Path] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".tif", ".tiff")):
        try:
            scan = inspect_raster(path)
        except OfflineMapError as problem:
            log.warning("%s", problem)
            continue
        if shapely.box(*scan.footprint).intersects(box):
            found.append(path)
    return found


def _mercator_box(area: Area) -> tuple[float, float, float, float]:
    from rasterio.warp import transform_bounds

    return transform_bounds("EPSG:4326", "EPSG:3857", *area.bounds)


def _zoom_for(scan: Scan, width_m: float, height_m: float) -> int:
    """The finest zoom the scan's pixels justify (capped at RASTER_MAX_ZOOM), lowered until the
    cut has at most RASTER_OUTPUT_PIXELS pixels, so time and size are bounded before reading."""
    zoom = round(math.log2(WEB_MERCATOR_RES0 / scan.res_3857))
    zoom = min(max(zoom, MIN_ZOOM), RASTER_MAX_ZOOM)
    while zoom > MIN_ZOOM and (width_m * height_m) / (WEB_MERCATOR_RES0 / 2**zoom) ** 2 > RASTER_OUTPUT_PIXELS:
        zoom -= 1
    return zoom


def write_raster_tiles(target: Path, scan: Scan, area: Area) -> Path:
    """A raster MBTiles of the scan cut to the area: warped to EPSG:3857 at the zoom its pixels
    justify, JPEG tiles (PNG where it has an alpha band), overviews down to MIN_ZOOM."""
    import rasterio
    import rasterio.shutil
    from affine import Affine
    from rasterio.enums import Resampling
    from rasterio.errors import RasterioError
    from rasterio.vrt import WarpedVRT
    from rasterio.warp import transform_bounds

    scan_box = transform_bounds(scan.crs_wkt, "EPSG:3857", *scan.native, densify_pts=21)
    area_box = _mercator_box(area)
    left, bottom = max(scan_box[0], area_box[0]), max(scan_box[1], area_box[1])
    right, top = min(scan_box[2], area_box[2]), min(scan_box[3], area_box[3])
    if left >= right or bottom >= top:
        raise _refuse(scan.path, "không phủ vùng của chuyến đi (ảnh nằm ở nơi khác).")
    zoom = _zoom_for(scan, right - left, top - bottom)
    res = WEB_MERCATOR_RES0 / 2**zoom
    width, height = max(1, math.ceil((right - left) / res)), max(1, math.ceil((top - bottom) / res))
    jpeg = scan.bands in (1, 3)
    options = {
        "TILE_FORMAT": "JPEG" if jpeg else "PNG",
        "QUALITY": RASTER_QUALITY,
        "NAME": target.stem,
        "DESCRIPTION": f"Bản đồ quét {scan.path.name}, cắt theo vùng chuyến đi",
        "TYPE": "baselayer",
        "RESAMPLING": "BILINEAR",
    }
    target.unlink(missing_ok=True)
    try:
        with (
            _raster_env(),
            rasterio.open(scan.path) as src,
            WarpedVRT(
                src,
                src_crs=scan.crs_wkt,
                crs="EPSG:3857",
                transform=Affine(res, 0, left, 0, -res, top),
                width=width,
                height=height,
                resampling=Resampling.bilinear,
            ) as vrt,
        ):
            rasterio.shutil.copy(vrt, target, driver="MBTiles", **options)
        levels = [2**i for i in range(1, zoom - MIN_ZOOM + 1)]
        if levels:
            with _raster_env(), rasterio.open(target, "r+") as out:
                out.build_overviews(levels, Resampling.average)
    except RasterioError:
        target.unlink(missing_ok=True)
        raise _refuse(scan.path, "GDAL không cắt được ảnh thành ô bản đồ (tệp hỏng giữa chừng?).") from None
    return target


# -- the package ------------------------------------------------------------------------------


def write_offline_maps(
    out_dir: Path,
    bounds: tuple[float, float, float, float],
    frames: dict[str, gpd.GeoDataFrame],
    route: shapely.LineString | None,
    rasters: Sequence[Path] = (),
    name: str = "ban-do",
) -> list[Path]:
    """Write the offline package of a trip into out_dir and return its files: vector tiles
    `<name>.mbtiles` and `<name>.pmtiles`, and `<name>_<scan>.mbtiles` for each raster.

    `bounds` are the trip's stops (lon/lat minx, miny, maxx, maxy); MARGIN_M is added and an
    area over MAX_SIDE_M a side refused. `frames` are the campaign layers already cut for the
    audience (EPSG:4326); only their PUBLIC_COLUMNS are written. Every raster is checked before
    any file is written, so a bad scan costs nothing but its message."""
    area = trip_area(bounds)
    stem = _file_stem(name)
    scans = [inspect_raster(Path(p)) for p in rasters]
    for scan in scans:
        if not shapely.box(*scan.footprint).intersects(area.box):
            raise _refuse(scan.path, "không phủ vùng của chuyến đi (ảnh nằm ở nơi khác).")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_vector_tiles(out_dir, stem, tile_layers(area, frames, route))
    for scan in scans:
        written.append(write_raster_tiles(out_dir / f"{stem}_{_file_stem(scan.path.stem)}.mbtiles", scan, area))
    return written
