"""The public media routes (ui/public_files.py) in a small Starlette app, through the ASGI driver
of tests/ui/test_files_route (Browser), on both backends: a public photo's copy and a video's
still go out without a sign-in, with their media type, nosniff and a public cache; anything not
public (unknown, not marked, a witness's private file, a corrupt video, an id too long) is the
same bare 404."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from starlette.applications import Starlette

from layers import attachments, stories
from tests.layers import attachment_samples as samples
from tests.layers.people import build
from tests.layers.test_stories import trip
from tests.ui.test_files_route import Browser
from ui.public_files import media_url, routes

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"


@pytest.fixture
def site(any_store, tmp_path, monkeypatch):
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    campaign = build(any_store)
    trip(any_store, "t-1", date(2026, 5, 2), story="Một câu.", story_public=True)
    leader = campaign.viewer("qt.tinh")

    def attached(data: bytes, name: str, public: bool = True, private: bool = False) -> str:
        made = attachments.attach(any_store, "trips", "t-1", data, name, leader, private=private)
        if public:
            stories.set_public(any_store, made, True, leader, consent=True)
        return made

    client = Browser(Starlette(routes=routes(lambda: any_store)))
    return client, attached


def test_a_public_photo_and_a_videos_still_are_served_without_metadata_and_cacheable(site):
    client, attached = site
    photo = attached(samples.jpeg(size=(2000, 1000)), "anh.jpg")
    answer = client.call("GET", media_url(photo))
    assert answer.status == 200 and answer.headers["content-type"].startswith("image/jpeg")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"].startswith("public")
    image = Image.open(io.BytesIO(answer.body))
    assert image.size == (1600, 800) and not image.getexif() and "exif" not in image.info
    video = attached((HOSTILE / "public_video_location.mp4").read_bytes(), "video.mp4")
    whole = client.call("GET", media_url(video))
    assert whole.status == 200 and whole.headers["content-type"] == "video/mp4"
    assert b"0912345678" not in whole.body
    poster = client.call("GET", media_url(video, still=True))
    assert poster.status == 200 and poster.headers["content-type"] == "image/jpeg"
    ranged = client.call("GET", media_url(video), headers={"Range": "bytes=0-9"})
    assert ranged.status == 206 and len(ranged.body) == 10


def test_anything_not_public_is_the_same_bare_404(site):
    client, attached = site
    hidden = attached(samples.jpeg(), "an.jpg", public=False)
    private = attached(samples.jpeg(color=(1, 2, 3)), "nhan-chung.jpg", public=False, private=True)
    corrupt = attached((HOSTILE / "public_video_cut_short.mp4").read_bytes(), "hong.mp4")
    for target in (
        media_url(hidden),
        media_url(private),
        media_url(corrupt),
        media_url(corrupt, still=True),
        media_url("00000000-0000-0000-0000-000000000000"),
        media_url("x" * 200),
    ):
        answer = client.call("GET", target)
        assert (answer.status, answer.body) == (404, b""), target
