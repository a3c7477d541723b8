"""Hostile files for the public media (layers.stories.public_file, /tien-do/tep/…): photos and
videos a chapter leader marks public, each hiding where it was taken or who is in it;
`public_corpus.json` says what the public copy must not carry (or that there is none).

`python tests/data/hostile/public_build.py` rewrites them (Pillow and PyAV only)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageCms

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.layers import attachment_samples as samples  # noqa: E402

WITNESS = "Nhà ông Ba 0912345678"
LOCATION = "+16.7000+107.0000/"


def photo_everything() -> bytes:
    """A JPEG with GPS EXIF, an XMP packet and a comment naming the witness, and an ICC profile."""
    out = io.BytesIO()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{WITNESS}</dc:creator></x:xmpmeta>'.encode()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.linear_gradient("L").resize((2400, 1800)).convert("RGB")
    image.save(out, "JPEG", exif=samples.exif(), xmp=xmp, comment=WITNESS.encode(), icc_profile=icc, quality=70)
    return out.getvalue()


def video_with_metadata(container_format: str = "mp4") -> bytes:
    """A tiny video (MPEG-4 part 2 and AAC) whose container says where and by whom it was taken,
    and whose video stream's handler names the witness."""
    out = io.BytesIO()
    with av.open(out, "w", format=container_format) as target:
        target.metadata.update({"location": LOCATION, "title": WITNESS, "artist": WITNESS, "comment": WITNESS})
        video = target.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        video.metadata.update({"handler_name": WITNESS, "title": WITNESS})
        audio = target.add_stream("aac", rate=8000)
        audio.metadata["handler_name"] = WITNESS
        for i in range(20):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 10, np.uint8), format="rgb24")
            target.mux(video.encode(frame))
        target.mux(video.encode())
        for i in range(10):
            sound = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            sound.sample_rate, sound.pts = 8000, i * 1024
            target.mux(audio.encode(sound))
        target.mux(audio.encode())
    return out.getvalue()


def video_cut_short() -> bytes:
    """An MP4 whose first bytes say MP4 (so it is attached) and whose rest is noise."""
    whole = video_with_metadata()
    return whole[:32] + bytes((i * 37) % 256 for i in range(4000))


FILES = {
    "public_photo_everything.jpg": photo_everything,
    "public_video_location.mp4": video_with_metadata,
    "public_video_location.mov": lambda: video_with_metadata("mov"),
    "public_video_cut_short.mp4": video_cut_short,
}

if __name__ == "__main__":
    for name, build in FILES.items():
        (HERE / name).write_bytes(build())
        print(name)
