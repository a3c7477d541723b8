"""The offline map package: vector MBTiles/PMTiles and raster MBTiles that open with GDAL, hold
the promised zoom levels, place the sites where they are, carry no private value, and refuse
hostile map scans with a message naming the file."""

from __future__ import annotations

import gzip
import json
import sqlite3
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio.transform import from_origin

from geo.datums import VN2000, from_wgs84, project, utm_proj
from layers.exporters import offline_maps as om
from layers.exporters.offline_maps import OfflineMapError, configured_rasters, write_offline_maps

HOSTILE = Path(__file__).resolve().parents[2] / "data" / "hostile"
CORPUS = json.loads((HOSTILE / "raster_corpus.json").read_text(encoding="utf-8"))["files"]
STOPS = (106.95, 16.95, 107.05, 17.0)  # Gio Linh, Quảng Trị
PHONE = "0912 345 678"
WITNESS = "Nguyễn Văn Bí Mật"
ADDRESS = "Số 7 ngõ Kín"
# Quadrant colours of the test scans: north-west, north-east, south-west, south-east.
COLOURS = {"nw": (200, 30, 30), "ne": (30, 200, 30), "sw": (30, 30, 200), "se": (220, 220, 40)}


def _frames() -> dict[str, gpd.GeoDataFrame]:
    sites = gpd.GeoDataFrame(
        {
            "id": ["s1", "s2"],
            "name": ["Đồi 31", f"Nhà ông Tám {PHONE}"],  # a phone typed into a public name
            "status": ["verified", "new"],
            "order": [1, 2],
            "notes": ["ghi chú không cần trên bản đồ", ""],
        },
        geometry=[shapely.Point(106.96, 16.99), shapely.Point(107.04, 16.96)],
        crs="EPSG:4326",
    )
    reports = gpd.GeoDataFrame(
        {
            "id": ["r1"],
            "site_id": ["s1"],
            "martyr_names": ["Lê Văn Tám"],
            "status": ["verified"],
            "witness_name": [WITNESS],
            "witness_phone": [PHONE],
            "witness_address": [ADDRESS],
        },
        geometry=[shapely.Point(106.961, 16.991)],
        crs="EPSG:4326",
    )
    return {"sites": sites, "reports": reports}


ROUTE = shapely.LineString([(106.95, 17.0), (106.96, 16.99), (107.04, 16.96)])


def _quadrants(size: int) -> np.ndarray:
    data = np.zeros((3, size, size), dtype="uint8")
    half = size // 2
    for key, (rows, cols) in {
        "nw": (slice(0, half), slice(0, half)),
        "ne": (slice(0, half), slice(half, size)),
        "sw": (slice(half, size), slice(0, half)),
        "se": (slice(half, size), slice(half, size)),
    }.items():
        for band, value in enumerate(COLOURS[key]):
            data[band, rows, cols] = value
    return data


def _geotiff(path: Path, crs: str, transform, size: int = 1000) -> Path:
    profile = {"driver": "GTiff", "width": size, "height": size, "count": 3, "dtype": "uint8"}
    with rasterio.open(path, "w", crs=crs, transform=transform, **profile) as out:
        out.write(_quadrants(size))
    return path


UTM_ORIGIN = (700_000.0, 1_885_000.0)  # VN-2000 / UTM 48N, north-west corner: near 106.9 E, 17.05 N
UTM_PIXEL = 20.0


def _scans(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wgs84 = _geotiff(folder / "to-50k-wgs84.tif", "EPSG:4326", from_origin(106.9, 17.05, 0.0002, 0.0002))
    vn2000 = _geotiff(folder / "to 50k VN-2000.tif", "EPSG:3405", from_origin(*UTM_ORIGIN, UTM_PIXEL, UTM_PIXEL))
    return {"wgs84": wgs84, "vn2000": vn2000}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("offline")
    scans = _scans(tmp / "scans")
    files = write_offline_maps(tmp / "out", STOPS, _frames(), ROUTE, [scans["wgs84"], scans["vn2000"]], "Gio Linh")
    return {p.name: p for p in files} | {"_scan_" + k: v for k, v in scans.items()}


def _zooms(mbtiles: Path) -> set[int]:
    with sqlite3.connect(mbtiles) as db:
        return {z for (z,) in db.execute("SELECT DISTINCT zoom_level FROM tiles")}


def _metadata(mbtiles: Path) -> dict[str, str]:
    with sqlite3.connect(mbtiles) as db:
        return dict(db.execute("SELECT name, value FROM metadata"))


def test_package_is_named_for_the_trip_and_each_scan(package):
    assert {n for n in package if not n.startswith("_")} == {
        "gio-linh.mbtiles",
        "gio-linh.pmtiles",
        "gio-linh_to-50k-wgs84.mbtiles",
        "gio-linh_to-50k-vn-2000.mbtiles",
    }


@pytest.mark.parametrize("name", ["gio-linh.mbtiles", "gio-linh.pmtiles"])
def test_vector_tiles_open_with_gdal_and_hold_every_layer(package, name):
    layers = dict(pyogrio.list_layers(package[name]))
    assert set(layers) == {"provinces", "sites", "reports", "route"}
    assert pyogrio.read_info(package[name], layer="sites")["dataset_metadata"]["maxzoom"] == str(om.MAX_ZOOM)


def test_vector_mbtiles_holds_tiles_at_every_promised_zoom_and_names_its_layers(package):
    path = package["gio-linh.mbtiles"]
    assert _zooms(path) == set(om.ZOOMS)
    meta = _metadata(path)
    assert (int(meta["minzoom"]), int(meta["maxzoom"])) == (om.MIN_ZOOM, om.MAX_ZOOM)
    assert meta["format"] == "pbf"
    named = {layer["id"] for layer in json.loads(meta["json"])["vector_layers"]}
    assert named == {"provinces", "sites", "reports", "route"}


def test_pmtiles_header_promises_the_zooms_and_every_zoom_has_features(package):
    path = package["gio-linh.pmtiles"]
    header = path.read_bytes()[:127]
    assert header[:8] == b"PMTiles\x03"
    assert (header[100], header[101]) == (om.MIN_ZOOM, om.MAX_ZOOM)
    for zoom in om.ZOOMS:
        assert pyogrio.read_info(path, layer="provinces", ZOOM_LEVEL=zoom)["features"] > 0, zoom
        sites = pyogrio.read_dataframe(path, layer="sites", ZOOM_LEVEL=zoom, read_geometry=False)
        assert set(sites["id"]) == {"s1", "s2"}, zoom  # a point by a tile's edge is in both tiles


@pytest.mark.parametrize("name", ["gio-linh.mbtiles", "gio-linh.pmtiles"])
def test_sites_are_inside_the_tiles_extent_where_they_are(package, name):
    west, south, east, north = (float(v) for v in _declared_bounds(package[name]))
    sites = pyogrio.read_dataframe(package[name], layer="sites", ZOOM_LEVEL=om.MAX_ZOOM).to_crs("EPSG:4326")
    for site in _frames()["sites"].itertuples():
        assert west < site.geometry.x < east and south < site.geometry.y < north
        near = sites[sites["id"] == site.id].geometry.iloc[0]
        assert near.distance(site.geometry) < 1e-4  # about 10 m: the tile grid's rounding is ~0.3 m
    assert sorted(sites["order"]) == [1, 2]


def _declared_bounds(path: Path) -> list[str]:
    meta = pyogrio.read_info(path, layer="sites")["dataset_metadata"]
    return meta["bounds"].split(",")


def _all_values(path: Path) -> list[str]:
    """Every attribute value of every layer at every zoom, as GDAL reads the tiles."""
    values: list[str] = []
    for layer, _kind in pyogrio.list_layers(path):
        for zoom in om.ZOOMS:
            frame = pyogrio.read_dataframe(path, layer=layer, ZOOM_LEVEL=zoom, read_geometry=False)
            values += [str(v) for column in frame.columns for v in frame[column]]
    return values


def _decoded_bytes(path: Path) -> bytes:
    """The file's bytes with its compressed parts unpacked: each MBTiles tile, or the PMTiles
    metadata (its tiles are read through GDAL by _all_values)."""
    raw = path.read_bytes()
    if path.suffix == ".pmtiles":
        offset, length = struct.unpack_from("<QQ", raw, 24)
        return raw + gzip.decompress(raw[offset : offset + length])
    with sqlite3.connect(path) as db:
        tiles = [bytes(blob) for (blob,) in db.execute("SELECT tile_data FROM tiles")]
    return raw + b"".join(gzip.decompress(t) if t[:2] == b"\x1f\x8b" else t for t in tiles)


@pytest.mark.parametrize("name", ["gio-linh.mbtiles", "gio-linh.pmtiles"])
def test_no_private_value_reaches_the_vector_tiles(package, name):
    decoded = _decoded_bytes(package[name])
    values = _all_values(package[name])
    assert "Lê Văn Tám" in values and "Lê Văn Tám".encode() in decoded  # both readers see the tiles' text
    for secret in (PHONE, WITNESS, ADDRESS, "ghi chú không cần"):
        assert secret.encode() not in decoded, secret
        assert not any(secret in v for v in values), secret
    assert "Nhà ông Tám [đã ẩn]" in values  # the phone typed into a site's name is scrubbed


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)


def _colour_at(path: Path, lon: float, lat: float) -> tuple[int, ...]:
    with rasterio.open(path) as tiles:
        assert tiles.driver == "MBTiles" and tiles.crs.to_epsg() == 3857
        return tuple(int(v) for v in next(tiles.sample([_mercator(lon, lat)]))[:3])


def _close(got: tuple[int, ...], want: tuple[int, int, int]) -> bool:
    return all(abs(g - w) <= 12 for g, w in zip(got, want, strict=True))  # JPEG tiles


def test_a_wgs84_scan_becomes_raster_tiles_with_the_source_colours(package):
    path = package["gio-linh_to-50k-wgs84.mbtiles"]
    # The scan spans 106.9–107.1 E, 16.85–17.05 N; its quadrants meet at 107.0 E, 16.95 N.
    points = {"nw": (106.96, 16.99), "ne": (107.04, 16.99), "sw": (106.96, 16.94), "se": (107.04, 16.94)}
    for key, (lon, lat) in points.items():
        assert _close(_colour_at(path, lon, lat), COLOURS[key]), key


def test_a_vn2000_utm_scan_is_placed_with_the_chosen_datum_shift(package):
    path = package["gio-linh_to-50k-vn-2000.mbtiles"]
    middle_e, middle_n = UTM_ORIGIN[0] + 500 * UTM_PIXEL, UTM_ORIGIN[1] - 500 * UTM_PIXEL  # where quadrants meet
    seen = set()
    for lon in (106.94, 106.97, 107.03, 107.06):
        for lat in (16.94, 16.97, 17.0):
            easting, northing = project(*from_wgs84(lon, lat, VN2000), utm_proj(48, VN2000))
            if min(abs(easting - middle_e), abs(northing - middle_n)) < 300:
                continue  # too near a quadrant's edge for a bilinear JPEG tile
            key = ("n" if northing > middle_n else "s") + ("e" if easting > middle_e else "w")
            assert _close(_colour_at(path, lon, lat), COLOURS[key]), (lon, lat, key)
            seen.add(key)
    assert seen == set(COLOURS)


@pytest.mark.parametrize("name", ["gio-linh_to-50k-wgs84.mbtiles", "gio-linh_to-50k-vn-2000.mbtiles"])
def test_raster_tiles_reach_from_the_scans_own_zoom_down_to_the_whole_area(package, name):
    zooms = _zooms(package[name])
    assert max(zooms) == 13  # 20 m pixels: zoom 13 is 17 m a pixel at 17° N
    assert zooms == set(range(min(zooms), 14))  # overviews: every zoom between, none missing
    with sqlite3.connect(package[name]) as db:
        (fewest,) = db.execute("SELECT count(*) FROM tiles WHERE zoom_level = ?", (min(zooms),)).fetchone()
    assert fewest <= 4  # down to where the whole area is a tile or a few
    assert _metadata(package[name])["format"] == "jpg"


@pytest.mark.parametrize("entry", CORPUS, ids=[e["file"] for e in CORPUS])
def test_hostile_scans_are_refused_with_a_message_naming_the_file(tmp_path, entry):
    with pytest.raises(OfflineMapError) as refused:
        write_offline_maps(tmp_path / "out", STOPS, _frames(), ROUTE, [HOSTILE / entry["file"]])
    assert f"«{entry['file']}»" in str(refused.value) and entry["says"] in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not (tmp_path / "out").exists()  # scans are checked before anything is written


def test_a_scan_over_the_size_cap_is_refused_before_gdal_reads_it(tmp_path):
    big = tmp_path / "orthophoto.tif"
    with big.open("wb") as f:  # a TIFF header, then a hole: sparse, costs no disk
        f.write(b"II*\x00")
        f.truncate(om.RASTER_BYTES + 1)
    with pytest.raises(OfflineMapError, match="«orthophoto.tif»: tệp quá lớn"):
        write_offline_maps(tmp_path / "out", STOPS, _frames(), ROUTE, [big])


def test_an_area_the_size_of_a_province_is_refused(tmp_path):
    with pytest.raises(OfflineMapError, match="không phải một tỉnh"):
        write_offline_maps(tmp_path / "out", (106.5, 16.5, 107.4, 17.2), _frames(), ROUTE)
    assert om.trip_area(STOPS).box.contains(shapely.box(*STOPS))  # the margin is added around the stops


def test_configured_rasters_lists_only_usable_scans_that_meet_the_area(tmp_path, monkeypatch):
    scans = _scans(tmp_path / "maps")
    (tmp_path / "maps" / "khac").mkdir()
    for name in ("raster_far_away.tif", "raster_png_named.tif"):
        (tmp_path / "maps" / "khac" / name).write_bytes((HOSTILE / name).read_bytes())
    monkeypatch.setenv("BANDO_MAPS_DIR", str(tmp_path / "maps"))
    assert sorted(configured_rasters(STOPS)) == sorted(scans.values())
    monkeypatch.setenv("BANDO_MAPS_DIR", str(tmp_path / "none"))
    assert configured_rasters(STOPS) == []
