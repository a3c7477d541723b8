"""OsmAnd's own copy of a raster MBTiles of the offline package (a scan's tiles or the drawing):
OsmAnd reads no MBTiles, only its `.sqlitedb` tile databases, so each raster file is copied
tile for tile beside itself, in bounded memory.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from layers.exporters.offline_area import TILE_SIZE, OfflineMapError

OSMAND_ZOOM = 17  # BigPlanet numbering: z = 17 - zoom


def write_osmand(mbtiles: Path) -> Path:
    """An OsmAnd `.sqlitedb` copy of a raster MBTiles, beside it. OsmAnd reads no MBTiles; its own
    format (MOBAC's "BigPlanet" SQLite, extended) keeps the same tile images in
    `tiles(x, y, z, s, image)` with y counted from the north (MBTiles counts from the south) and,
    with `tilenumbering` = BigPlanet, z = 17 − zoom, the info table's minzoom/maxzoom inverted too.
    Every info column OsmAnd looks for is written: it adds a missing one to the file itself."""
    import sqlite3

    target = mbtiles.with_suffix(".sqlitedb")
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(mbtiles)) as source, closing(sqlite3.connect(target)) as out:
        zooms = [z for (z,) in source.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY zoom_level")]
        if not zooms:
            raise OfflineMapError(f"Tệp bản đồ {mbtiles.name} không có ô nào để chép sang OsmAnd.")
        meta = dict(source.execute("SELECT name, value FROM metadata"))
        out.executescript(
            "CREATE TABLE tiles (x INTEGER, y INTEGER, z INTEGER, s INTEGER, image BLOB, PRIMARY KEY (x, y, z, s));"
            "CREATE TABLE info (minzoom INTEGER, maxzoom INTEGER, url TEXT, title TEXT, tilenumbering TEXT,"
            " timecolumn TEXT, expireminutes INTEGER, ellipsoid INTEGER, inverted_y INTEGER, tilesize INTEGER);"
            "CREATE TABLE android_metadata (locale TEXT);"
        )
        out.execute(
            "INSERT INTO info VALUES (?, ?, '', ?, 'BigPlanet', 'no', 0, 0, 0, ?)",
            (OSMAND_ZOOM - max(zooms), OSMAND_ZOOM - min(zooms), meta.get("name", mbtiles.stem), TILE_SIZE),
        )
        out.execute("INSERT INTO android_metadata VALUES ('en_US')")
        rows = source.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        while batch := rows.fetchmany(500):  # bounded memory: a scan's tiles may be hundreds of MB
            out.executemany(
                "INSERT INTO tiles VALUES (?, ?, ?, 0, ?)",
                [(x, (1 << z) - 1 - row, OSMAND_ZOOM - z, data) for z, x, row, data in batch],
            )
        out.commit()
    return target
