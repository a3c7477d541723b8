"""Zip files: every multi-file export (zipped layers, KMZ, Shapefile, split GPX) goes through here."""

from __future__ import annotations

import io
import zipfile


def zip_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """The files, in the order given, in one deflated zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()
