"""What a file is, read from its first bytes (never from its name): the kinds of file a record
may carry, declared once, and the sniffing that tells them apart.

Each accepted type is one row of `KINDS` (media type → kind, labels, size limit, whether it is
a picture that gets a thumbnail); everything else (what may be attached, the limits, the
labels a page shows, the player it offers) is derived from that table. Sniffing reads only the
first `HEAD_BYTES` of a file, so a caller can tell the kind, and refuse a file too large for
it, before reading the whole file.

>>> sniff(b"%PDF-1.7\\n").media_type
'application/pdf'
>>> sniff(b"RIFF\\x24\\x00\\x00\\x00WAVEfmt ").kind
'audio'
>>> sniff(b"\\x7fELF\\x02\\x01\\x01") is None, refused_as(b"\\x7fELF\\x02\\x01\\x01")
(True, 'một chương trình chạy được (ELF)')
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 2**20
HEAD_BYTES = 64  # enough for every signature below (an ISO BMFF ftyp box's first brands)
PDF_TAIL_BYTES = 1024  # a PDF ends with %%EOF within its last KiB (a few bytes of newlines after)


@dataclass(frozen=True)
class FileKind:
    """One accepted type of file."""

    media_type: str
    kind: str  # image, document, audio, video: what a page does with it (picture, link, player)
    label_vi: str
    label_en: str
    extension: str  # the extension a download is given (the stored file has none)
    max_bytes: int
    thumbnail: bool = False  # a picture: a small JPEG is made of it, and a partner's copy is re-encoded
    pillow: str | None = None  # the format Pillow must decode it as (images)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


IMAGE_MAX_BYTES = 20 * MIB  # a phone's photo is 2–6 MB, a scan of an A3 sketch up to ~15 MB
DOCUMENT_MAX_BYTES = 30 * MIB  # a scanned letter or a commune's paper, a few pages
RECORDING_MAX_BYTES = 100 * MIB  # an hour's interview is ~60 MB as MP3; a phone's short video

KINDS: tuple[FileKind, ...] = (
    FileKind("image/jpeg", "image", "ảnh JPEG", "JPEG photo", "jpg", IMAGE_MAX_BYTES, True, "JPEG"),
    FileKind("image/png", "image", "ảnh PNG", "PNG image", "png", IMAGE_MAX_BYTES, True, "PNG"),
    FileKind("image/webp", "image", "ảnh WebP", "WebP image", "webp", IMAGE_MAX_BYTES, True, "WEBP"),
    FileKind("image/heic", "image", "ảnh HEIC (iPhone)", "HEIC photo (iPhone)", "heic", IMAGE_MAX_BYTES, True, "HEIF"),
    FileKind("application/pdf", "document", "tài liệu PDF", "PDF document", "pdf", DOCUMENT_MAX_BYTES),
    FileKind("audio/mpeg", "audio", "ghi âm MP3", "MP3 recording", "mp3", RECORDING_MAX_BYTES),
    FileKind("audio/mp4", "audio", "ghi âm M4A", "M4A recording", "m4a", RECORDING_MAX_BYTES),
    FileKind("audio/wav", "audio", "ghi âm WAV", "WAV recording", "wav", RECORDING_MAX_BYTES),
    FileKind("audio/amr", "audio", "ghi âm AMR", "AMR recording", "amr", RECORDING_MAX_BYTES),
    FileKind("audio/amr-wb", "audio", "ghi âm AMR-WB", "AMR-WB recording", "awb", RECORDING_MAX_BYTES),
    FileKind("video/mp4", "video", "video MP4", "MP4 video", "mp4", RECORDING_MAX_BYTES),
    FileKind("video/quicktime", "video", "video MOV (iPhone)", "MOV video (iPhone)", "mov", RECORDING_MAX_BYTES),
)
BY_MEDIA_TYPE: dict[str, FileKind] = {k.media_type: k for k in KINDS}
# What a page calls each kind, (Vietnamese, English).
KIND_LABELS: dict[str, tuple[str, str]] = {
    "image": ("Ảnh", "Photo"),
    "document": ("Tài liệu", "Document"),
    "audio": ("Ghi âm", "Recording"),
    "video": ("Video", "Video"),
}
MAX_BYTES = max(k.max_bytes for k in KINDS)  # the largest file of any kind
ACCEPTED_VI = "ảnh JPEG, PNG, WebP, HEIC; tài liệu PDF; ghi âm MP3, M4A, WAV, AMR; video MP4, MOV"

# ISO base media files (MP4, M4A, MOV, HEIC) name what they hold by the brands of their first
# box, `ftyp`: the major brand, then compatible ones.
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_HEIF_GENERIC = frozenset({b"mif1", b"msf1"})  # a HEIF of any codec: HEVC only if a brand says so
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B "})
_VIDEO_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"3gp4", b"3gp5", b"3gp6", b"MSNV"}
    | {b"M4V ", b"3g2a"}
)
_QUICKTIME = b"qt  "


def _brands(head: bytes) -> tuple[bytes, frozenset[bytes]] | None:
    """(major brand, compatible brands) of an ISO BMFF file's ftyp box, or None."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    size = int.from_bytes(head[:4], "big")
    end = min(size, len(head)) if size >= 16 else len(head)
    return head[8:12], frozenset(head[i : i + 4] for i in range(16, end - 3, 4))


def _iso_media(head: bytes) -> str | None:
    found = _brands(head)
    if found is None:
        return None
    major, compatible = found
    if major in _HEVC_BRANDS or (major in _HEIF_GENERIC and compatible & _HEVC_BRANDS):
        return "image/heic"
    if major in _AUDIO_BRANDS:
        return "audio/mp4"
    if major in _VIDEO_BRANDS:
        return "video/mp4"
    if major == _QUICKTIME:
        return "video/quicktime"
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG-1/2/2.5 Layer III frame header (an MP3 without an ID3 tag starts with one)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0xF) and rate != 0b11


def _media_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"#!AMR-WB\n"):
        return "audio/amr-wb"
    if head.startswith(b"#!AMR\n"):
        return "audio/amr"
    if (head.startswith(b"ID3") and len(head) > 3 and 2 <= head[3] <= 4) or _mpeg_audio_frame(head):
        return "audio/mpeg"
    return _iso_media(head)


def sniff(head: bytes) -> FileKind | None:
    """The accepted kind a file's first bytes (at least HEAD_BYTES of them, or the whole file)
    say it is, or None: the name plays no part."""
    media_type = _media_type(head[:HEAD_BYTES])
    return BY_MEDIA_TYPE.get(media_type) if media_type else None


# Files people send that are refused, named so the message says what the file really is.
_REFUSED: tuple[tuple[tuple[bytes, ...], str], ...] = (
    ((b"\x7fELF",), "một chương trình chạy được (ELF)"),
    ((b"MZ",), "một chương trình chạy được (Windows)"),
    ((b"#!",), "một tệp lệnh (script)"),
    ((b"PK\x03\x04", b"PK\x05\x06"), "một tệp nén ZIP (hay DOCX, XLSX)"),
    ((b"Rar!",), "một tệp nén RAR"),
    ((b"7z\xbc\xaf",), "một tệp nén 7z"),
    ((b"GIF87a", b"GIF89a"), "một ảnh GIF"),
    ((b"\xd0\xcf\x11\xe0",), "một tệp Office cũ (DOC, XLS)"),
)


def refused_as(head: bytes) -> str | None:
    """What a refused file is, in Vietnamese, when its first bytes say so (None when unknown)."""
    for magics, said in _REFUSED:
        if head.startswith(magics):
            return said
    text = head[:HEAD_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in head.lower():
        return "một ảnh SVG (có thể chứa mã chạy)"
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body", b"<?xml", b"<")):
        return "một trang HTML hay XML (có thể chứa mã chạy)"
    return None


def pdf_complete(data: bytes) -> bool:
    """Whether a PDF ends as one must (%%EOF within its last KiB): a half-downloaded scan does not."""
    return b"%%EOF" in data[-PDF_TAIL_BYTES:]
