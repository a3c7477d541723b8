"""Independent readers: what a file holds, as another program would see it."""

from __future__ import annotations

import html
import io
import zipfile

from pypdf import PdfReader


def all_text(name: str, data: bytes) -> str:
    """Every piece of text in a file, looking inside zips (KMZ, XLSX, zipped layers) and PDFs,
    with XML character references (openpyxl writes Đ as &#272;) resolved."""
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(all_text(item, archive.read(item)) for item in archive.namelist())
    if data[:5] == b"%PDF-":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return html.unescape(data.decode("utf-8", errors="replace"))  # XML character references too


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {item: archive.read(item) for item in archive.namelist()}
