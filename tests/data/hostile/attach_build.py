"""Hostile files for attachments (`python -m layers attach LAYER ID FILE`, the record pages'
upload): each sets one trap; `attach_corpus.json` says what a correct reader does with it
(the kind it stores, or the words its refusal must say, always naming the file).

`python tests/data/hostile/attach_build.py` rewrites them (Pillow and struct only; the same
bytes on every run with the same Pillow)."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.layers import attachment_samples as samples  # noqa: E402


def _noise_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("ghi-am.m4a", (2026, 1, 1, 0, 0, 0)), b"not a recording")
    return out.getvalue()


FILES = {
    "attach_program_named.jpg": samples.ELF + b"\x00" * 200,
    "attach_windows_named.jpg": samples.WINDOWS + b"This program cannot be run in DOS mode.\r\n",
    "attach_svg_script.png": samples.SVG,
    "attach_html_named.pdf": samples.HTML,
    "attach_zip_named.m4a": _zip(),
    "attach_truncated.jpg": _noise_jpeg()[:20_000],
    "attach_pdf_no_eof.pdf": samples.pdf()[:-7],
    "attach_empty.jpg": b"",
    "attach_avif_named.heic": samples.iso(b"avif", (b"avif", b"mif1", b"miaf")),
    "attach_pixel_bomb.png": _png_claiming(60_000, 60_000),
    "attach_mp3_named.jpg": samples.mp3(tagged=False),
    "attach_jpeg_named.pdf": samples.jpeg(),
}


def main() -> None:
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
