"""Hostile map scans for the offline package (layers.exporters.offline_maps, the `plan`
command's --out folder): each sets one trap a chapter's folder of scans could hold;
`raster_corpus.json` says the words each refusal must say (always after the file's name).

`python tests/data/hostile/raster_build.py` rewrites them (rasterio, Pillow and struct only;
the same bytes on every run with the same libraries). A file over the size cap cannot be
committed: tests/layers/export/test_offline_maps.py makes it, sparse, in a temporary folder.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import rasterio
from PIL import Image
from rasterio.crs import CRS
from rasterio.transform import from_origin
from rasterio.windows import Window

HERE = Path(__file__).resolve().parent
CLAIMED = 100_000  # pixels a side the lying header claims
BLANK_SIDE = 30_000  # pixels a side of the blank sheet: 0.9 billion, under the source-pixel cap
BLANK_STRIP = 512  # rows written at a time, so building it takes little memory too


def _png_named_tif() -> bytes:
    """A PNG screenshot of a map, renamed .tif."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 180, 120)).save(out, "PNG")
    return out.getvalue()


def _tiff_claiming(side: int) -> bytes:
    """A 200-byte classic TIFF whose header claims `side` × `side` 8-bit grey pixels in one strip,
    placed by GeoTIFF tags in WGS84 over Quảng Trị: only its pixel count is wrong."""
    entries = [
        (256, 4, 1, side),  # ImageWidth, LONG
        (257, 4, 1, side),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample, SHORT
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # Photometric: black is zero
        (273, 4, 1, 0),  # StripOffsets (patched below)
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, side),  # RowsPerStrip
        (279, 4, 1, 0xFFFFFFFF),  # StripByteCounts: as much as a LONG says
    ]
    pixel_scale = struct.pack("<3d", 1e-5, 1e-5, 0.0)
    tiepoint = struct.pack("<6d", 0, 0, 0, 106.9, 17.1, 0)
    geokeys = struct.pack("<16H", 1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326)
    extra = [(33550, 12, 3, pixel_scale), (33922, 12, 6, tiepoint), (34735, 3, 16, geokeys)]
    count = len(entries) + len(extra)
    ifd_size = 2 + 12 * count + 4
    data_at = 8 + ifd_size
    blobs, fields = b"", []
    for tag, kind, n, blob in extra:
        fields.append((tag, kind, n, data_at + len(blobs)))
        blobs += blob
    strip_at = data_at + len(blobs)
    rows = [(t, k, n, strip_at if t == 273 else v) for t, k, n, v in entries] + fields
    ifd = struct.pack("<H", count)
    for tag, kind, n, value in sorted(rows):
        packed = struct.pack("<HHI", tag, kind, n)
        ifd += packed + (struct.pack("<HH", value, 0) if kind == 3 and n == 1 else struct.pack("<I", value))
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + blobs + b"\x00" * 16


def _geotiff(path: Path, crs: CRS | None, transform) -> None:
    data = np.full((3, 16, 16), 120, dtype="uint8")
    profile = {"driver": "GTiff", "width": 16, "height": 16, "count": 3, "dtype": "uint8"}
    if crs is not None:
        profile["crs"] = crs
    if transform is not None:
        profile["transform"] = transform
    with rasterio.open(path, "w", **profile) as out:
        out.write(data)


def blank_sheet(path: Path, side: int = BLANK_SIDE) -> Path:
    """A GeoTIFF of `side` × `side` black (zero) grey pixels, deflate-compressed in 512-pixel tiles
    (about 1 MB for 30000²), 1e-5 degree pixels from 106.9 E, 17.1 N: a scan that is small on disk,
    large once read whole, and gives no tile at all (GDAL writes no all-black tile). Not committed
    (1 MB): tests/layers/export/test_offline_maps.py builds it in a temporary folder."""
    profile = {
        "driver": "GTiff",
        "width": side,
        "height": side,
        "count": 1,
        "dtype": "uint8",
        "crs": CRS.from_epsg(4326),
        "transform": from_origin(106.9, 17.1, 1e-5, 1e-5),
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
    }
    strip = np.zeros((1, BLANK_STRIP, side), dtype="uint8")
    with rasterio.open(path, "w", **profile) as out:
        for top in range(0, side, BLANK_STRIP):
            rows = min(BLANK_STRIP, side - top)
            out.write(strip[:, :rows], window=Window(0, top, side, rows))
    return path


def _transparent(path: Path) -> None:
    """A good RGBA GeoTIFF over Gio Linh whose alpha is zero everywhere: nothing to show."""
    data = np.zeros((4, 16, 16), dtype="uint8")
    data[:3] = 120
    profile = {"driver": "GTiff", "width": 16, "height": 16, "count": 4, "dtype": "uint8", "photometric": "RGB"}
    with rasterio.open(
        path, "w", crs=CRS.from_epsg(4326), transform=from_origin(106.95, 17.0, 0.003, 0.003), alpha="YES", **profile
    ) as out:
        out.write(data)


def build() -> None:
    (HERE / "raster_png_named.tif").write_bytes(_png_named_tif())
    (HERE / "raster_huge_header.tif").write_bytes(_tiff_claiming(CLAIMED))
    _geotiff(HERE / "raster_no_georef.tif", None, None)
    local = CRS.from_wkt('LOCAL_CS["Luoi may quet",LOCAL_DATUM["Ban quet",0],UNIT["metre",1]]')
    _geotiff(HERE / "raster_local_grid.tif", local, from_origin(1000, 2000, 10, 10))
    _geotiff(HERE / "raster_far_away.tif", CRS.from_epsg(4326), from_origin(2.30, 48.90, 0.001, 0.001))
    _transparent(HERE / "raster_transparent.tif")


if __name__ == "__main__":
    build()
