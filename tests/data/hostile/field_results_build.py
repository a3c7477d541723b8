"""Hostile files for bringing a trip's results back (layers.importers.field_results), written
byte for byte the same on every run: `python tests/data/hostile/field_results_build.py`.

- field_results_traversal.zip: a member named "../../DCIM/evil.jpg", which would be written
  outside the package's folder by a careless unzip; refused whole.
- field_results_bomb.zip: a small zip whose central directory says its GeoPackage unpacks to
  300 MB; refused by the declared size before anything is read.
- field_results_not_gpkg.gpkg: an HTML page named .gpkg; GDAL cannot open it, the message says
  so without quoting it.
- field_results_view.gpkg: a GeoPackage whose `observations` layer is a VIEW over a recursive
  query that never ends: GDAL would run it for ever; refused before GDAL opens the file.
- field_results_count_lies.gpkg: three observation points while gpkg_ogr_contents says 1: GDAL
  would read one row and lose two silently; refused. `count_lies(rows)` builds the same with as
  many rows as a test wants (100,001 to pass the row limit the lying count would hide).
- field_results_photo_flood.zip: 49 ".jpg" members each declaring 8 MB (392 MB, within one
  archive's limit) in a few KB: three of them at once pass the import's budget, refused unread.

The GeoPackages are written with sqlite3 alone (the tables GDAL needs, a point as a GeoPackage
geometry blob), so they are small and the same on every run.
"""

from __future__ import annotations

import sqlite3
import struct
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATE = (2026, 1, 1, 0, 0, 0)
DECLARED = 300 * 2**20


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, DATE), data)


def _declare_size(path: Path, size: int) -> None:
    """Rewrite every central directory entry's uncompressed size (what ZipInfo.file_size says)."""
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x01\x02")
    while start != -1:
        struct.pack_into("<I", data, start + 24, size)
        start = data.find(b"PK\x01\x02", start + 4)
    path.write_bytes(bytes(data))


PHOTO_DECLARED = 8 * 2**20 - 1
PHOTOS = 49
RECURSIVE = (
    "CREATE VIEW observations AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT i AS fid, NULL AS geom, 'x' AS site_id FROM n"
)


def _point(lon: float, lat: float) -> bytes:
    """A GeoPackage geometry blob: "GP", version 0, flags (little-endian, no envelope), srs 4326, WKB."""
    return b"GP\x00\x01" + struct.pack("<i", 4326) + struct.pack("<bIdd", 1, 1, lon, lat)


def _geopackage(path: Path, rows: int, declared: int | None, view: bool = False) -> None:
    """A GeoPackage with an `observations` point layer of `rows` rows (or a never-ending view),
    its feature count in gpkg_ogr_contents `declared`."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
          organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
          description TEXT);
        INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",
          SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],
          AUTHORITY["EPSG","4326"]]', NULL);
        INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL);
        INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);
        CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
          identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL,
          min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
          geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
        CREATE TABLE gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, feature_count INTEGER DEFAULT NULL);
        INSERT INTO gpkg_contents VALUES ('observations', 'features', 'observations', '', '2026-01-01T00:00:00Z',
          NULL, NULL, NULL, NULL, 4326);
        INSERT INTO gpkg_geometry_columns VALUES ('observations', 'geom', 'POINT', 4326, 0, 0);
        """
    )
    if view:
        db.execute(RECURSIVE)
    else:
        db.execute(
            "CREATE TABLE observations (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, site_id TEXT)"
        )
        points = ((k, _point(106.9 + k * 1e-7, 16.8), "1") for k in range(1, rows + 1))
        db.executemany("INSERT INTO observations VALUES (?, ?, ?)", points)
    db.execute("INSERT INTO gpkg_ogr_contents VALUES ('observations', ?)", (declared,))
    db.commit()
    db.execute("VACUUM")
    db.close()


def count_lies(rows: int, declared: int = 1) -> bytes:
    """A GeoPackage of `rows` observation points whose gpkg_ogr_contents says `declared`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lies.gpkg"
        _geopackage(path, rows, declared)
        return path.read_bytes()


def build() -> None:
    _zip(HERE / "field_results_traversal.zip", {"qfield.qgs": b"<qgis/>", "../../DCIM/evil.jpg": b"\xff\xd8\xff"})
    bomb = HERE / "field_results_bomb.zip"
    _zip(bomb, {"qfield.gpkg": b"SQLite format 3\x00" + bytes(1024)})
    _declare_size(bomb, DECLARED)
    (HERE / "field_results_not_gpkg.gpkg").write_bytes(
        b"<!doctype html><html><body><script>alert(1)</script>Nguyen Van A 0912 345 678</body></html>\n"
    )
    _geopackage(HERE / "field_results_view.gpkg", 0, None, view=True)
    (HERE / "field_results_count_lies.gpkg").write_bytes(count_lies(3))
    flood = HERE / "field_results_photo_flood.zip"
    _zip(flood, {f"DCIM/IMG_{k:02d}.jpg": b"\xff\xd8\xff" + bytes(64) for k in range(PHOTOS)})
    _declare_size(flood, PHOTO_DECLARED)


if __name__ == "__main__":
    build()
