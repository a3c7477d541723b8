"""The offline map package: vector MBTiles/PMTiles and raster MBTiles that open with GDAL, hold
the promised zoom levels, place the sites where they are, carry no private value, and refuse
hostile map scans with a message naming the file."""

from __future__ import annotations

import gzip
import io
import json
import math
import sqlite3
import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import shapely
from lxml import etree
from PIL import Image
from pyproj import Transformer
from rasterio.transform import from_origin

from geo.datums import VN2000, from_wgs84, project, utm_proj
from layers.access import ROLES, Viewer, system
from layers.exporters import garmin, map_drawing, offline_area, scan_tiles
from layers.exporters import offline_maps as om
from layers.exporters.offline_area import OfflineMapError
from layers.exporters.offline_maps import configured_rasters, write_offline_maps

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
            "uncertainty_m": [300.0, None],
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
        "gio-linh_ban-ve.mbtiles",
        "gio-linh_ban-ve.sqlitedb",
        *(f"gio-linh_to-50k-{scan}.{kind}" for scan in ("wgs84", "vn-2000") for kind in ("mbtiles", "sqlitedb", "kmz")),
    }


@pytest.mark.parametrize("name", ["gio-linh.mbtiles", "gio-linh.pmtiles"])
def test_vector_tiles_open_with_gdal_and_hold_every_layer(package, name):
    layers = dict(pyogrio.list_layers(package[name]))
    assert set(layers) == {"provinces", "sites", "reports", "route"}
    assert pyogrio.read_info(package[name], layer="sites")["dataset_metadata"]["maxzoom"] == str(offline_area.MAX_ZOOM)


def test_vector_mbtiles_holds_tiles_at_every_promised_zoom_and_names_its_layers(package):
    path = package["gio-linh.mbtiles"]
    assert _zooms(path) == set(offline_area.ZOOMS)
    meta = _metadata(path)
    assert (int(meta["minzoom"]), int(meta["maxzoom"])) == (offline_area.MIN_ZOOM, offline_area.MAX_ZOOM)
    assert meta["format"] == "pbf"
    named = {layer["id"] for layer in json.loads(meta["json"])["vector_layers"]}
    assert named == {"provinces", "sites", "reports", "route"}


def test_pmtiles_header_promises_the_zooms_and_every_zoom_has_features(package):
    path = package["gio-linh.pmtiles"]
    header = path.read_bytes()[:127]
    assert header[:8] == b"PMTiles\x03"
    assert (header[100], header[101]) == (offline_area.MIN_ZOOM, offline_area.MAX_ZOOM)
    for zoom in offline_area.ZOOMS:
        assert pyogrio.read_info(path, layer="provinces", ZOOM_LEVEL=zoom)["features"] > 0, zoom
        sites = pyogrio.read_dataframe(path, layer="sites", ZOOM_LEVEL=zoom, read_geometry=False)
        assert set(sites["id"]) == {"s1", "s2"}, zoom  # a point by a tile's edge is in both tiles


@pytest.mark.parametrize("name", ["gio-linh.mbtiles", "gio-linh.pmtiles"])
def test_sites_are_inside_the_tiles_extent_where_they_are(package, name):
    west, south, east, north = (float(v) for v in _declared_bounds(package[name]))
    sites = pyogrio.read_dataframe(package[name], layer="sites", ZOOM_LEVEL=offline_area.MAX_ZOOM).to_crs("EPSG:4326")
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
        for zoom in offline_area.ZOOMS:
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
        f.truncate(scan_tiles.RASTER_BYTES + 1)
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
    assert sorted(configured_rasters(STOPS, system(), "team")) == sorted(scans.values())
    monkeypatch.setenv("BANDO_MAPS_DIR", str(tmp_path / "none"))
    assert configured_rasters(STOPS, system(), "team") == []


def _person(role: str, chapter: str | None) -> Viewer:
    chapters = frozenset({chapter}) if chapter else frozenset()
    return Viewer(f"{role}.{chapter}", ROLES[role], chapters, chapter_id=chapter)


def test_a_chapters_scans_go_to_its_own_people_and_shared_scans_to_all_and_none_to_a_partner(tmp_path, monkeypatch):
    shared = sorted(_scans(tmp_path / "maps").values())
    secret = sorted(_scans(tmp_path / "maps" / "chapter-vn-25").values())  # Quảng Trị's own scans of the area
    monkeypatch.setenv("BANDO_MAPS_DIR", str(tmp_path / "maps"))

    def taken(person: Viewer, audience: str = "team") -> list[Path]:
        return sorted(configured_rasters(STOPS, person, audience))

    assert taken(_person("chapter", "chapter-vn-25")) == sorted(secret + shared)
    assert taken(_person("team", "chapter-vn-25")) == sorted(secret + shared)
    assert taken(_person("chapter", "chapter-vn-22")) == shared  # another chapter's scans are not Nghệ An's
    assert taken(_person("admin", None)) == sorted(secret + shared)
    for person in (_person("chapter", "chapter-vn-25"), _person("partner", None), system()):
        assert taken(person, "partner") == []  # a partner's file carries no configured scan


# -- the drawing, for apps that show raster tiles only ----------------------------------------

SITE_1 = (106.96, 16.99)  # site s1, first on the route, with a 300 m uncertainty
REPORT_1 = (106.961, 16.991)


def _rgba_at(path: Path, lon: float, lat: float, south_px: float = 0) -> tuple[int, ...]:
    """The drawing's pixel at a place (optionally a few pixels south of it), at its finest zoom."""
    with rasterio.open(path) as tiles:
        assert tiles.driver == "MBTiles" and tiles.crs.to_epsg() == 3857 and tiles.count == 4
        x, y = _mercator(lon, lat)
        return tuple(int(v) for v in next(tiles.sample([(x, y - south_px * tiles.res[1])])))


def test_the_drawing_is_transparent_png_tiles_from_its_finest_zoom_down(package):
    path = package["gio-linh_ban-ve.mbtiles"]
    zooms = _zooms(path)
    finest = map_drawing.DRAWING_MAX_ZOOM
    assert max(zooms) == finest and zooms == set(range(min(zooms), finest + 1))
    with sqlite3.connect(path) as db:
        (fewest,) = db.execute("SELECT count(*) FROM tiles WHERE zoom_level = ?", (min(zooms),)).fetchone()
    assert fewest <= 4
    meta = _metadata(path)
    assert meta["format"] == "png" and meta["type"] == "overlay"
    assert _rgba_at(path, 107.0, 16.93)[3] == 0  # nothing drawn there: the app's own map shows through


def test_the_drawing_shows_the_numbered_sites_their_circle_the_reports_and_the_route(package):
    path = package["gio-linh_ban-ve.mbtiles"]
    site = map_drawing.PENS["sites"]
    assert _close(_rgba_at(path, *SITE_1, south_px=site.radius - 3)[:3], site.fill[:3])  # the marker, under its number
    assert _rgba_at(path, *SITE_1)[:3] != site.fill[:3]  # …which is drawn in white at its centre
    assert _close(_rgba_at(path, *REPORT_1)[:3], map_drawing.PENS["reports"].fill[:3])  # inside s1's circle, not erased
    circle = _rgba_at(path, SITE_1[0], SITE_1[1] - 0.0018)  # 200 m south of s1: inside its 300 m circle
    assert circle == map_drawing.CIRCLE_PEN.fill
    assert _rgba_at(path, 107.04, 16.96 - 0.0018)[3] == 0  # s2 has no uncertainty: no circle
    middle = ROUTE.interpolate(0.5, normalized=True)
    assert _close(_rgba_at(path, middle.x, middle.y)[:3], map_drawing.PENS[offline_area.ROUTE_LAYER].colour[:3])


def test_the_drawing_of_a_large_area_is_coarser_to_stay_in_the_pixel_budget():
    small = map_drawing.drawing_grid(om.trip_area(STOPS))
    large = map_drawing.drawing_grid(om.trip_area((106.7, 16.7, 107.4, 17.35)))  # ~75 km with its margins
    assert small.zoom == map_drawing.DRAWING_MAX_ZOOM
    assert large.zoom < map_drawing.DRAWING_MAX_ZOOM and large.width * large.height <= offline_area.RASTER_OUTPUT_PIXELS
    assert large.width % 256 == 0 and large.height % 256 == 0  # whole tiles, as GDAL stores them


@pytest.mark.parametrize("name", ["gio-linh_ban-ve.mbtiles", "gio-linh_ban-ve.sqlitedb"])
def test_no_private_value_reaches_the_drawing(package, name):
    raw = package[name].read_bytes()
    for secret in (PHONE, WITNESS, ADDRESS, "ghi chú không cần"):
        assert secret.encode() not in raw, secret


# -- OsmAnd's .sqlitedb ---------------------------------------------------------------------


def _xyz(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The slippy-map tile (row 0 at the north) holding a place."""
    n = 2**zoom
    x = (lon + 180) / 360 * n
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int(x), int(y)


def _pixel_in_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom * 256
    x = (lon + 180) / 360 * n
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int(x) % 256, int(y) % 256


@pytest.mark.parametrize("stem", ["gio-linh_ban-ve", "gio-linh_to-50k-wgs84", "gio-linh_to-50k-vn-2000"])
def test_osmand_copy_holds_every_tile_with_bigplanet_zooms_and_rows_from_the_north(package, stem):
    mbtiles, sqlitedb = package[f"{stem}.mbtiles"], package[f"{stem}.sqlitedb"]
    with sqlite3.connect(mbtiles) as source, sqlite3.connect(sqlitedb) as copy:
        assert (
            copy.execute("SELECT count(*) FROM tiles").fetchone()
            == source.execute("SELECT count(*) FROM tiles").fetchone()
        )
        info = dict(zip([d[0] for d in copy.execute("SELECT * FROM info").description], copy.execute(
            "SELECT * FROM info").fetchone(), strict=True))  # fmt: skip
        zooms = _zooms(mbtiles)
        assert info["tilenumbering"] == "BigPlanet"
        assert (info["minzoom"], info["maxzoom"]) == (17 - max(zooms), 17 - min(zooms))
        assert (info["inverted_y"], info["ellipsoid"], info["tilesize"]) == (0, 0, 256)
        zoom = max(zooms)
        x, y = _xyz(*SITE_1, zoom)
        (image,) = copy.execute("SELECT image FROM tiles WHERE x = ? AND y = ? AND z = ?", (x, y, 17 - zoom)).fetchone()
        (same,) = source.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (zoom, x, 2**zoom - 1 - y),
        ).fetchone()
        assert bytes(image) == bytes(same)


def test_osmand_tile_at_a_site_shows_the_site_where_osmand_looks_for_it(package):
    zoom = map_drawing.DRAWING_MAX_ZOOM
    x, y = _xyz(*SITE_1, zoom)
    with sqlite3.connect(package["gio-linh_ban-ve.sqlitedb"]) as db:
        (image,) = db.execute("SELECT image FROM tiles WHERE x = ? AND y = ? AND z = ?", (x, y, 17 - zoom)).fetchone()
    tile = Image.open(io.BytesIO(image)).convert("RGBA")
    px, py = _pixel_in_tile(*SITE_1, zoom)
    colour = tile.getpixel((px, min(py + map_drawing.PENS["sites"].radius - 3, 255)))
    assert _close(colour[:3], map_drawing.PENS["sites"].fill[:3])


# -- Garmin Custom Maps ---------------------------------------------------------------------

KML = "{http://www.opengis.net/kml/2.2}"


def _overlays(kmz: Path) -> tuple[zipfile.ZipFile, list[dict]]:
    archive = zipfile.ZipFile(kmz)
    assert archive.namelist()[0] == "doc.kml"  # the first KML in a KMZ is the one read
    root = etree.fromstring(archive.read("doc.kml"))
    overlays = []
    for overlay in root.iter(f"{KML}GroundOverlay"):
        box = overlay.find(f"{KML}LatLonBox")
        overlays.append(
            {"href": overlay.findtext(f"{KML}Icon/{KML}href"), "draw_order": int(overlay.findtext(f"{KML}drawOrder"))}
            | {side: float(box.findtext(f"{KML}{side}")) for side in ("north", "south", "east", "west")}
        )
    return archive, overlays


@pytest.mark.parametrize("scan", ["wgs84", "vn-2000"])
def test_garmin_kmz_keeps_to_the_custom_maps_limits(package, scan):
    archive, overlays = _overlays(package[f"gio-linh_to-50k-{scan}.kmz"])
    assert 1 <= len(overlays) <= 100
    for overlay in overlays:
        data = archive.read(overlay["href"])
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG" and max(image.size) <= 1024 and len(data) < 3_000_000
        assert overlay["draw_order"] >= 50  # shown over the unit's own map
    area = om.trip_area(STOPS)
    union = shapely.union_all([shapely.box(o["west"], o["south"], o["east"], o["north"]) for o in overlays])
    footprint = shapely.box(*scan_tiles.inspect_raster(package[f"_scan_{scan.replace('-', '')}"]).footprint)
    assert union.buffer(1e-6).contains(area.box.intersection(footprint))  # the whole cut, no gap


def test_garmin_kmz_shows_the_scan_colours_where_they_are(package):
    archive, overlays = _overlays(package["gio-linh_to-50k-wgs84.kmz"])
    points = {"nw": (106.96, 16.99), "ne": (107.04, 16.99), "sw": (106.96, 16.94), "se": (107.04, 16.94)}
    for key, (lon, lat) in points.items():
        (overlay,) = [o for o in overlays if o["west"] <= lon < o["east"] and o["south"] < lat <= o["north"]]
        image = Image.open(io.BytesIO(archive.read(overlay["href"]))).convert("RGB")
        column = int((lon - overlay["west"]) / (overlay["east"] - overlay["west"]) * image.width)
        row = int((overlay["north"] - lat) / (overlay["north"] - overlay["south"]) * image.height)
        assert _close(image.getpixel((column, row)), COLOURS[key]), key


def test_garmin_overlays_of_a_fine_scan_are_coarsened_to_at_most_100_images(tmp_path):
    area = om.trip_area((106.75, 16.75, 107.3, 17.3))  # ~65 km with its margins
    orthophoto = scan_tiles.Scan(tmp_path / "anh.tif", "", (106.0, 16.0, 108.0, 18.0), 10, 10, 3, 0.5, (0, 0, 1, 1))
    grid = garmin.garmin_overlays(orthophoto, area)
    assert grid.columns * grid.rows <= garmin.GARMIN_MAX_TILES
    assert grid.columns * grid.rows > garmin.GARMIN_MAX_TILES * 0.7  # not coarser than it must be
    assert 0.8 < (grid.xres * math.cos(math.radians(17.0))) / grid.yres < 1.2  # square pixels on the ground


def test_garmin_kmz_is_white_where_the_scan_ends_so_the_units_map_is_not_hidden(package, tmp_path):
    scan = scan_tiles.inspect_raster(package["_scan_vn2000"])  # a UTM rectangle: askew on a lon/lat grid
    outline = garmin.scan_outline(scan)
    corner = shapely.Point(scan.footprint[2] - 0.0002, scan.footprint[3] - 0.0002)  # NE of its lon/lat box
    assert not outline.contains(corner) and outline.distance(corner) > 0.001  # ~100 m out: 5 pixels
    area = om.trip_area((107.03, 17.0, 107.06, 17.03))
    archive, overlays = _overlays(garmin.write_garmin(tmp_path / "goc.kmz", scan, area))
    assert all(outline.intersects(shapely.box(o["west"], o["south"], o["east"], o["north"])) for o in overlays)
    for (lon, lat), want in (((corner.x, corner.y), (255, 255, 255)), ((107.05, 17.02), COLOURS["ne"])):
        (overlay,) = [o for o in overlays if o["west"] <= lon < o["east"] and o["south"] < lat <= o["north"]]
        image = Image.open(io.BytesIO(archive.read(overlay["href"]))).convert("RGB")
        column = int((lon - overlay["west"]) / (overlay["east"] - overlay["west"]) * image.width)
        row = int((overlay["north"] - lat) / (overlay["north"] - overlay["south"]) * image.height)
        assert _close(image.getpixel((min(column, image.width - 1), row)), want), (lon, lat)


@pytest.mark.parametrize("bands", [1, 4], ids=["grey", "rgba"])
def test_grey_and_rgba_scans_make_every_raster_file(tmp_path, bands):
    path = tmp_path / "anh.tif"
    data = np.full((bands, 200, 200), 120, dtype="uint8")
    profile = {"driver": "GTiff", "width": 200, "height": 200, "count": bands, "dtype": "uint8"}
    if bands == 4:
        data[3] = 255
        profile["photometric"] = "RGB"
        profile["alpha"] = "YES"
    with rasterio.open(path, "w", crs="EPSG:4326", transform=from_origin(106.9, 17.05, 0.001, 0.001), **profile) as f:
        f.write(data)
    files = {
        p.suffix: p for p in write_offline_maps(tmp_path / "out", STOPS, _frames(), ROUTE, [path]) if "anh" in p.name
    }
    assert set(files) == {".mbtiles", ".sqlitedb", ".kmz"}
    archive, overlays = _overlays(files[".kmz"])
    image = Image.open(io.BytesIO(archive.read(overlays[0]["href"])))
    assert image.mode == ("L" if bands == 1 else "RGB")
    middle = image.getpixel((image.width // 2, image.height // 2))
    assert _close(middle if bands == 4 else (middle,) * 3, (120, 120, 120))
    assert _metadata(files[".mbtiles"])["format"] == ("jpg" if bands == 1 else "png")


# -- scans and the drawing in bounded memory; a blank scan left out --------------------------

LEFT_OUT = json.loads((HOSTILE / "raster_corpus.json").read_text(encoding="utf-8"))["left_out"]
# Memory a scan's cut or the drawing of a district may take above the same process cutting a
# 16-pixel scan: GDAL's block cache and warp windows (32 MB each), the MBTiles writer's own and a
# strip of the drawing. Reading the blank sheet whole took 1 GB above it, drawing whole 0.5 GB.
PACKAGE_FILE_MEMORY = 256 * 2**20


def _probe(out: Path, *args: str) -> tuple[dict, int]:
    """tests.data.hostile.raster_probe ARGS… in a process of its own: what it printed, its peak memory."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    peak = out / f"peak-{len(list(out.glob('peak-*')))}"
    done = subprocess.run(
        [sys.executable, "-m", "tests.memory_probe", str(peak), "tests.data.hostile.raster_probe", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(out)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), int(peak.read_text())


@pytest.fixture(scope="module")
def small_scan_memory(tmp_path_factory) -> int:
    """The probe's peak memory for a 16-pixel scan: the interpreter, the app's libraries, GDAL."""
    out = tmp_path_factory.mktemp("probe-baseline")
    said, peak = _probe(out, str(HOSTILE / "raster_transparent.tif"), str(out / "out"))
    assert "left_out" in said
    return peak


def test_a_blank_30000_pixel_sheet_is_cut_in_bounded_memory_and_left_out_by_name(tmp_path, small_scan_memory):
    from tests.data.hostile.raster_build import BLANK_SIDE, blank_sheet

    (entry,) = [e for e in LEFT_OUT if e["file"] == "raster_blank_sheet.tif"]
    sheet = blank_sheet(tmp_path / entry["file"])
    assert sheet.stat().st_size < 3 * 2**20 and BLANK_SIDE**2 <= scan_tiles.RASTER_SOURCE_PIXELS  # not refused
    said, peak = _probe(tmp_path, str(sheet), str(tmp_path / "out"))
    assert f"«{entry['file']}»" in said["left_out"] and entry["says"] in said["left_out"]
    assert not list((tmp_path / "out").iterdir())  # its empty MBTiles is not left behind
    assert peak - small_scan_memory < PACKAGE_FILE_MEMORY, f"{(peak - small_scan_memory) // 2**20} MB"


def test_the_drawing_of_a_district_is_made_in_bounded_memory(tmp_path, small_scan_memory):
    said, peak = _probe(tmp_path, "--drawing", str(tmp_path / "out"))
    (drawing,) = said["files"]
    assert scan_tiles.has_tiles(tmp_path / "out" / drawing)
    assert map_drawing.drawing_grid(om.trip_area((106.92, 16.82, 107.18, 17.08))).rows > map_drawing.DRAWING_BAND_ROWS
    assert peak - small_scan_memory < PACKAGE_FILE_MEMORY, f"{(peak - small_scan_memory) // 2**20} MB"


@pytest.mark.parametrize("entry", [e for e in LEFT_OUT if "built" not in e], ids=lambda e: e["file"])
def test_a_scan_with_no_tile_in_the_area_is_left_out_with_its_name_and_no_file(tmp_path, entry):
    scan = scan_tiles.inspect_raster(HOSTILE / entry["file"])  # a usable scan: its header is fine
    target = tmp_path / "cut.mbtiles"
    with pytest.raises(scan_tiles.ScanLeftOut) as left_out:
        scan_tiles.write_raster_tiles(target, scan, om.trip_area(STOPS))
    assert f"«{entry['file']}»" in str(left_out.value) and entry["says"] in str(left_out.value)
    assert "\n" not in str(left_out.value) and not target.exists()
    assert isinstance(left_out.value, OfflineMapError)  # still of the project's one error family


def test_package_files_are_the_list_of_paths_and_carry_the_scans_left_out():
    files = offline_area.PackageFiles([Path("a.mbtiles")], ["Bản đồ quét «x.tif»: trống"])
    files += [Path("b.mbtiles")]
    assert files == [Path("a.mbtiles"), Path("b.mbtiles")] and files.left_out == ["Bản đồ quét «x.tif»: trống"]
    assert offline_area.PackageFiles().left_out == []


def test_the_drawing_drawn_in_bands_is_the_same_as_drawn_whole():
    area = om.trip_area(STOPS)
    layers = om.tile_layers(area, _frames(), ROUTE)
    grid = map_drawing.drawing_grid(area)
    whole = np.asarray(map_drawing.draw_package(layers, grid, area))
    bands = map_drawing.drawing_bands(grid, rows=1)
    assert len(bands) == grid.rows > 1
    joined = np.concatenate([np.asarray(map_drawing.draw_package(layers, band, area)) for band in bands])
    assert np.array_equal(joined, whole)  # lines, circles and labels crossing a band's edge join exactly


def test_gdal_block_cache_is_small_inside_raster_env_and_restored_after():
    import ctypes
    import glob

    # rasterio's own GDAL (raster_env sets its cache), not pyogrio's: the one in rasterio.libs
    lib = ctypes.CDLL(glob.glob(str(Path(rasterio.__file__).parent.parent / "rasterio.libs" / "libgdal*"))[0])
    lib.GDALGetCacheMax64.restype = ctypes.c_int64
    before = lib.GDALGetCacheMax64()
    with offline_area.raster_env():
        assert lib.GDALGetCacheMax64() == offline_area.GDAL_CACHE_BYTES
    assert lib.GDALGetCacheMax64() == before


def test_a_blank_scan_is_left_out_of_the_package_by_name_and_the_rest_is_made(tmp_path):
    good = _scans(tmp_path / "scans")["wgs84"]
    blank = HOSTILE / "raster_transparent.tif"
    files = write_offline_maps(tmp_path / "out", STOPS, _frames(), ROUTE, [blank, good], "Gio Linh")
    names = {p.name for p in files}
    assert {"gio-linh.mbtiles", "gio-linh_ban-ve.sqlitedb", "gio-linh_to-50k-wgs84.kmz"} <= names
    assert not any("transparent" in name for name in names)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)  # nothing of it left behind
    (said,) = files.left_out
    assert "«raster_transparent.tif»" in said and "trống trong vùng của chuyến đi" in said
