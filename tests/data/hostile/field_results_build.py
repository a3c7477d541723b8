"""Hostile files for bringing a trip's results back (layers.importers.field_results), written
byte for byte the same on every run: `python tests/data/hostile/field_results_build.py`.

- field_results_traversal.zip: a member named "../../DCIM/evil.jpg", which would be written
  outside the package's folder by a careless unzip; refused whole.
- field_results_bomb.zip: a small zip whose central directory says its GeoPackage unpacks to
  300 MB; refused by the declared size before anything is read.
- field_results_not_gpkg.gpkg: an HTML page named .gpkg; GDAL cannot open it, the message says
  so without quoting it.
"""

from __future__ import annotations

import struct
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


def build() -> None:
    _zip(HERE / "field_results_traversal.zip", {"qfield.qgs": b"<qgis/>", "../../DCIM/evil.jpg": b"\xff\xd8\xff"})
    bomb = HERE / "field_results_bomb.zip"
    _zip(bomb, {"qfield.gpkg": b"SQLite format 3\x00" + bytes(1024)})
    _declare_size(bomb, DECLARED)
    (HERE / "field_results_not_gpkg.gpkg").write_bytes(
        b"<!doctype html><html><body><script>alert(1)</script>Nguyen Van A 0912 345 678</body></html>\n"
    )


if __name__ == "__main__":
    build()
