"""Sample files for the attachment tests, built in code: photos with EXIF (time, GPS and its
accuracy), a HEIC made with pillow-heif, and the first bytes of PDFs, recordings and videos as
phones write them."""

from __future__ import annotations

import io
import struct
import wave
from fractions import Fraction

from PIL import Image, TiffImagePlugin

TAKEN = "2026:03:14 09:30:00"
LAT, LON = 16.8125, 106.9375  # 16°48'45" N, 106°56'15" E: Quảng Trị
SECRET_CAMERA = "Máy-của-ông-Ba-0912345678"  # EXIF text no partner's copy may carry


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    return TiffImagePlugin.IFDRational(Fraction(value).limit_denominator(10_000))


def _dms(value: float) -> tuple:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return tuple(_rational(x) for x in (d, m, s))


def exif(lat: float | None = LAT, lon: float | None = LON, accuracy: float | None = None, orientation: int = 1):
    """EXIF with the time taken, the camera's owner (text a partner must not get), an
    orientation, and GPS with its horizontal error (GPSHPositioningError, tag 31) when given."""
    said = Image.Exif()
    said[306] = TAKEN
    said[274] = orientation
    said[315] = SECRET_CAMERA  # Artist
    said[0x8769] = {36867: TAKEN}
    if lat is not None and lon is not None:
        gps = {1: "N" if lat >= 0 else "S", 2: _dms(lat), 3: "E" if lon >= 0 else "W", 4: _dms(lon)}
        if accuracy is not None:
            gps[31] = _rational(accuracy)
        said[0x8825] = gps
    return said


def picture(size=(64, 48), color=(120, 160, 90)) -> Image.Image:
    return Image.new("RGB", size, color)


def jpeg(accuracy: float | None = 4.5, orientation: int = 1, size=(64, 48), color=(120, 160, 90), **where) -> bytes:
    """A JPEG photo with EXIF (time, GPS, its accuracy) and an XMP packet naming the witness."""
    out = io.BytesIO()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{SECRET_CAMERA}</dc:creator></x:xmpmeta>'.encode()
    picture(size, color).save(out, "JPEG", exif=exif(accuracy=accuracy, orientation=orientation, **where), xmp=xmp)
    return out.getvalue()


def heic(accuracy: float | None = 12.0) -> bytes:
    """An iPhone-like HEIC photo (pillow-heif's encoder) with the same EXIF."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    picture().save(out, "HEIF", exif=exif(accuracy=accuracy).tobytes())
    return out.getvalue()


def png(size=(30, 20), color=(200, 200, 190)) -> bytes:
    out = io.BytesIO()
    picture(size, color).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    """A small PDF as a scanner writes one: header, one empty page, trailer, %%EOF."""
    body = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    )
    return body + b"trailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"


def _mp3_frame() -> bytes:
    return b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz


def mp3(tagged: bool = True) -> bytes:
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x00" if tagged else b""
    return tag + _mp3_frame() * 4


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(1600))
    return out.getvalue()


def amr() -> bytes:
    return b"#!AMR\n" + (b"\x3c" + bytes(31)) * 10


def iso(major: bytes, compatible: tuple[bytes, ...]) -> bytes:
    """An ISO base media file's ftyp box, then an empty mdat: an MP4, M4A or MOV's first bytes."""
    brands = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    ftyp = struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands
    return ftyp + struct.pack(">I", 16) + b"mdat" + bytes(8)


def mp4() -> bytes:
    return iso(b"mp42", (b"mp42", b"isom"))


def m4a() -> bytes:
    return iso(b"M4A ", (b"M4A ", b"mp42", b"isom"))


def mov() -> bytes:
    return iso(b"qt  ", (b"qt  ",))


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
WINDOWS = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54)
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
