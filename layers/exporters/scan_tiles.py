"""Raster MBTiles from the chapter's georeferenced GeoTIFF scans (a wartime 1:50,000 sheet, an
orthophoto) for the offline package: each scan's header checked before any pixel is read (a
hostile or unusable file refused with a message naming it), placed with the project's chosen
datum shift (geo.datums), then cut to the trip's area as EPSG:3857 tiles written by rasterio's
GDAL, with overviews down to MIN_ZOOM. layers.exporters.garmin cuts the same Scan for Garmin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS as ProjCRS

from geo.datums import HANOI1972, INDIAN1960, VN2000, Datum
from layers.exporters.offline_area import (
    MIN_ZOOM,
    RASTER_OUTPUT_PIXELS,
    WEB_MERCATOR_RES0,
    Area,
    OfflineMapError,
    mercator_box,
    quiet,
    raster_env,
)
from layers.labels import number

RASTER_MAX_ZOOM = 16  # a scan or orthophoto finer than ~2.4 m a pixel is tiled at this zoom
RASTER_BYTES = 2 * 2**30  # one GeoTIFF
# Pixels a GeoTIFF may say it has (a 1:50,000 sheet at 600 dpi: ~0.2 billion). A bound on time, not
# memory: a scan is read in windows (WARP_MEMORY_MB, offline_area.GDAL_CACHE_BYTES), and cutting
# 0.9 billion pixels to a district takes about ten seconds.
RASTER_SOURCE_PIXELS = 1_000_000_000
WARP_MEMORY_MB = 32  # GDAL's warper reads a scan in windows of at most this much, however large the scan
RASTER_QUALITY = 85  # JPEG quality of scan tiles
TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # TIFF and BigTIFF, both byte orders
# Datums whose transformation to WGS84 the project chose on purpose (geo.datums): a scan on one of
# them is placed with those parameters, never with one PROJ would pick (or not) by itself.
DATUM_NAMES = {"Indian 1960": INDIAN1960, "Hanoi 1972": HANOI1972, "Vietnam 2000": VN2000}


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
    with quiet():
        proj4 = " ".join(p for p in crs.to_proj4().split() if not p.startswith("+towgs84="))
    return ProjCRS.from_proj4(f"{proj4} +towgs84={_towgs84(datum)}").to_wkt()


class ScanLeftOut(OfflineMapError):
    """A scan that is usable but gives no tile in the trip's area (blank there: GDAL writes no
    tile that is all black or all transparent). The package is made without it; its message,
    naming the scan, is for the person (PackageFiles.left_out), not a reason to fail the plan."""


def refuse(path: Path, why: str) -> OfflineMapError:
    return OfflineMapError(f"Bản đồ quét «{path.name}»: {why}")


def has_tiles(mbtiles: Path) -> bool:
    """Whether a raster MBTiles holds at least one tile (read from its table, not its images)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(mbtiles)) as db:
        return db.execute("SELECT 1 FROM tiles LIMIT 1").fetchone() is not None


def _check_bytes(path: Path) -> None:
    """Refuse before GDAL reads: an empty or too large file, or one that is not a TIFF at all."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4)
    except OSError:
        raise refuse(path, "không mở được tệp.") from None
    if size == 0:
        raise refuse(path, "tệp rỗng.")
    if size > RASTER_BYTES:
        raise refuse(path, f"tệp quá lớn ({number(size // 2**20)} MB, tối đa {number(RASTER_BYTES // 2**20)} MB).")
    if head not in TIFF_MAGIC:
        raise refuse(path, "không phải tệp GeoTIFF (nội dung không phải TIFF, dù tên là .tif).")


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
        with raster_env(), rasterio.open(path) as ds:
            driver, crs, transform, gcps = ds.driver, ds.crs, ds.transform, ds.gcps[0]
            width, height, bands, dtypes = ds.width, ds.height, ds.count, set(ds.dtypes)
            palette = bands == 1 and ds.colorinterp[0] == ColorInterp.palette
            native = ds.bounds
    except RasterioError:
        raise refuse(path, "GDAL không đọc được tệp như một ảnh GeoTIFF.") from None
    if driver != "GTiff":
        raise refuse(path, f"không phải GeoTIFF (GDAL đọc thành {driver}).")
    if width * height > RASTER_SOURCE_PIXELS:
        raise refuse(
            path,
            f"khai {number(width)} × {number(height)} điểm ảnh, quá giới hạn {number(RASTER_SOURCE_PIXELS)} điểm ảnh; "
            "hãy cắt nhỏ ảnh trước.",
        )
    if crs is None or transform.is_identity:
        hint = " (chỉ có điểm khống chế GCP: hãy nắn ảnh trong QGIS rồi lưu lại)" if gcps else ""
        raise refuse(path, f"không có tọa độ địa lý (georeference){hint}; không biết đặt ảnh ở đâu.")
    if dtypes != {"uint8"} or not 1 <= bands <= 4 or palette:
        raise refuse(path, "chỉ nhận ảnh 8 bit xám, RGB hoặc RGBA (không bảng màu, không 16 bit).")
    try:
        wkt = explicit_crs(crs.to_wkt())
        with raster_env():
            footprint = transform_bounds(wkt, "EPSG:4326", *native, densify_pts=21)
            mercator = transform_bounds(wkt, "EPSG:3857", *native, densify_pts=21)
    except Exception:  # noqa: BLE001 — PROJ and GDAL raise several kinds for a CRS they cannot place
        raise refuse(path, f"hệ tọa độ «{_crs_name(crs)}» không chuyển được sang WGS84.") from None
    x0, y0, x1, y1 = footprint
    if not all(math.isfinite(v) for v in footprint) or not (-180 <= x0 < x1 <= 180 and -85 <= y0 < y1 <= 85):
        raise refuse(path, f"hệ tọa độ «{_crs_name(crs)}» đặt ảnh ra ngoài Trái Đất.")
    res = max((mercator[2] - mercator[0]) / width, (mercator[3] - mercator[1]) / height)
    return Scan(path, wkt, footprint, width, height, bands, res, tuple(native))


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
    justify, JPEG tiles (PNG where it has an alpha band), overviews down to MIN_ZOOM. The scan is
    read in windows (GDAL's warper, WARP_MEMORY_MB; its block cache held by raster_env), so
    memory does not grow with the scan's size. Raises ScanLeftOut (file removed) when the cut
    holds no tile, OfflineMapError when GDAL cannot cut the scan."""
    import rasterio
    import rasterio.shutil
    from affine import Affine
    from rasterio.enums import Resampling
    from rasterio.errors import RasterioError
    from rasterio.vrt import WarpedVRT
    from rasterio.warp import transform_bounds

    scan_box = transform_bounds(scan.crs_wkt, "EPSG:3857", *scan.native, densify_pts=21)
    area_box = mercator_box(area)
    left, bottom = max(scan_box[0], area_box[0]), max(scan_box[1], area_box[1])
    right, top = min(scan_box[2], area_box[2]), min(scan_box[3], area_box[3])
    if left >= right or bottom >= top:
        raise refuse(scan.path, "không phủ vùng của chuyến đi (ảnh nằm ở nơi khác).")
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
            raster_env(),
            rasterio.open(scan.path) as src,
            WarpedVRT(
                src,
                src_crs=scan.crs_wkt,
                crs="EPSG:3857",
                transform=Affine(res, 0, left, 0, -res, top),
                width=width,
                height=height,
                resampling=Resampling.bilinear,
                warp_mem_limit=WARP_MEMORY_MB,
            ) as vrt,
        ):
            rasterio.shutil.copy(vrt, target, driver="MBTiles", **options)
        if not has_tiles(target):
            target.unlink(missing_ok=True)
            raise ScanLeftOut(
                f"Bản đồ quét «{scan.path.name}»: trống trong vùng của chuyến đi (toàn màu đen hoặc trong suốt, "
                "không có ô bản đồ nào); đã bỏ ra khỏi gói bản đồ ngoại tuyến."
            )
        levels = [2**i for i in range(1, zoom - MIN_ZOOM + 1)]
        if levels:
            with raster_env(), rasterio.open(target, "r+") as out:
                out.build_overviews(levels, Resampling.average)
    except RasterioError:
        target.unlink(missing_ok=True)
        raise refuse(scan.path, "GDAL không cắt được ảnh thành ô bản đồ (tệp hỏng giữa chừng?).") from None
    return target
