"""A trip's photos and videos on the public pages, on real stores (SQLite and PostgreSQL): only a
person with the right to publish marks one public, with the consent of the people visible, never
a witness's private file nor another layer's; the public copy carries no metadata at all (a
photo's EXIF, GPS, XMP, comment, ICC; a video's container and stream tags, its position), is made
once, and a file that does not decode has no copy. The hostile corpus (public_corpus.json) is
read back with Pillow and PyAV."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import av
import pytest
from PIL import Image

from layers import attachments, stories
from layers.access import AccessDenied, system
from layers.errors import LayersError
from tests.layers import attachment_samples as samples
from tests.layers.people import build
from tests.layers.test_stories import trip

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CORPUS = json.loads((HOSTILE / "public_corpus.json").read_text(encoding="utf-8"))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "attachments"
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(path))
    return path


@pytest.fixture
def campaign(any_store, folder):
    campaign = build(any_store)
    trip(any_store, "t-1", date(2026, 5, 2), story="Một câu.", story_public=True)
    return campaign


def attach(campaign, data: bytes, name: str, private: bool = False, layer: str = "trips", record: str = "t-1") -> str:
    return attachments.attach(
        campaign.store, layer, record, data, name, campaign.viewer("qt.tinh"), caption="Đội rà phá", private=private
    )


def published(campaign, data: bytes, name: str) -> str:
    made = attach(campaign, data, name)
    stories.set_public(campaign.store, made, True, campaign.viewer("qt.tinh"), consent=True)
    return made


def assert_no_metadata_picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
    assert b"Exif" not in data[:2000] and b"xmpmeta" not in data and samples.SECRET_CAMERA.encode() not in data
    return image


def test_a_public_photo_comes_back_without_exif_gps_xmp_or_comment_and_at_most_1600_px(campaign, folder):
    made = published(campaign, (HOSTILE / "public_photo_everything.jpg").read_bytes(), "anh-nha-ong-ba.jpg")
    data, media_type = stories.public_file(campaign.store, made)
    assert media_type == "image/jpeg"
    image = assert_no_metadata_picture(data)
    assert max(image.size) == 1600
    for word in CORPUS["never"]:
        assert word.encode() not in data
    still, still_type = stories.public_file(campaign.store, made, still=True)
    assert still_type == "image/jpeg" and max(assert_no_metadata_picture(still).size) == stories.STILL_SIDE
    assert sorted(p.name.split(".", 1)[1] for p in (folder / "public").iterdir()) == ["image.jpg", "still.jpg"]


def test_a_phones_gps_photo_is_clean_and_its_copy_is_made_once(campaign, folder):
    made = published(campaign, samples.jpeg(), "anh.jpg")
    first = stories.public_file(campaign.store, made)
    assert_no_metadata_picture(first[0])
    (kept,) = (folder / "public").iterdir()
    kept.write_bytes(b"kept")  # the second answer is the kept copy, not a new one
    assert stories.public_file(campaign.store, made) == (b"kept", "image/jpeg")


@pytest.mark.parametrize("name", ["public_video_location.mp4", "public_video_location.mov"])
def test_a_public_video_loses_its_container_and_stream_metadata_and_keeps_its_pictures(campaign, name):
    made = published(campaign, (HOSTILE / name).read_bytes(), name)
    data, media_type = stories.public_file(campaign.store, made)
    assert media_type == "video/mp4"
    with av.open(io.BytesIO(data)) as container:
        said = " ".join(f"{k}={v}" for k, v in container.metadata.items())
        said += " ".join(f"{k}={v}" for s in container.streams for k, v in s.metadata.items())
        assert "location" not in container.metadata and "title" not in container.metadata
        assert sorted(s.type for s in container.streams) == ["audio", "video"]
        assert sum(1 for _ in container.decode(video=0)) == 20
    for word in CORPUS["never"]:
        assert word not in said and word.encode() not in data
    still, still_type = stories.public_file(campaign.store, made, still=True)
    assert still_type == "image/jpeg" and Image.open(io.BytesIO(still)).size == (64, 48)
    assert_no_metadata_picture(still)


def test_a_corrupt_public_video_has_no_copy_and_nothing_half_written(campaign, folder):
    made = published(campaign, (HOSTILE / "public_video_cut_short.mp4").read_bytes(), "video.mp4")
    assert stories.public_file(campaign.store, made) is None
    assert stories.public_file(campaign.store, made, still=True) is None
    assert not (folder / "public").exists() or not list((folder / "public").iterdir())
    assert [m.id for m in stories.public_media(campaign.store)] == [made]  # listed; the page shows no file


def test_making_a_file_public_needs_the_right_and_the_consent_and_writes_history(campaign):
    store = campaign.store
    made = attach(campaign, samples.jpeg(), "anh.jpg")
    for username in ("qt.doi", "qt.ghi", "doitac"):
        with pytest.raises(AccessDenied):
            stories.set_public(store, made, True, campaign.viewer(username), consent=True)
    with pytest.raises(LayersError, match="sự đồng ý"):
        stories.set_public(store, made, True, campaign.viewer("qt.tinh"))
    assert stories.public_media(store) == [] and stories.public_file(store, made) is None
    stories.set_public(store, made, True, campaign.viewer("qt.tinh"), consent=True)
    (media,) = stories.public_media(store)
    assert (media.id, media.kind, media.caption, media.trip_id, media.province_34) == (
        made,
        "image",
        "Đội rà phá",
        "t-1",
        "VN-25",
    )
    assert stories.public_stories(store)[0].media == (media,)
    stories.set_public(store, made, False, campaign.viewer("tw.admin"))
    assert stories.public_media(store) == [] and stories.public_file(store, made) is None
    marks = [e["changes"].get("attachment_public") for e in store.history("t-1", system()) if e["action"] == "update"]
    assert marks == [[False, True], [True, False]]


def test_a_private_file_another_layers_file_or_a_recording_is_never_public(campaign):
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    private = attach(campaign, samples.jpeg(), "nhan-chung.jpg", private=True)
    with pytest.raises(LayersError, match="không bao giờ công khai"):
        stories.set_public(store, private, True, leader, consent=True)
    on_report = attach(campaign, samples.jpeg(), "anh.jpg", layer="reports", record="r-qt")
    with pytest.raises(LayersError, match="chuyến tìm kiếm"):
        stories.set_public(store, on_report, True, leader, consent=True)
    recording = attach(campaign, samples.wav(), "ghi-am.wav")
    with pytest.raises(LayersError, match="chuyến tìm kiếm"):
        stories.set_public(store, recording, True, leader, consent=True)
    assert stories.public_media(store) == []


def test_a_public_file_of_a_deleted_trip_or_removed_is_not_public_any_more(campaign):
    store = campaign.store
    first = published(campaign, samples.jpeg(), "anh.jpg")
    trip(store, "t-2", date(2026, 5, 3))
    second = attachments.attach(
        store, "trips", "t-2", samples.jpeg(color=(9, 9, 9)), "b.jpg", campaign.viewer("qt.tinh")
    )
    stories.set_public(store, second, True, campaign.viewer("qt.tinh"), consent=True)
    attachments.remove_attachment(store, first, campaign.viewer("qt.tinh"), "nhầm ảnh")
    assert stories.public_file(store, first) is None
    version = int(store.record("trips", "t-2", system())["version"])
    store.delete("trips", "t-2", system(), version, "thử")
    assert stories.public_media(store) == [] and stories.public_file(store, second) is None
    assert stories.public_media(store, province_34="VN-22") == []


def test_the_demos_published_trips_get_a_drawn_public_picture_without_metadata(campaign):
    from layers import demo

    store = campaign.store
    trip(store, "t-demo", date(2026, 6, 1), story="Câu mẫu.", story_public=True, is_demo=True)
    with store.engine.begin() as connection:
        made = demo.attach_demo_pictures(store, connection, [{"id": "t-demo", "story_public": True}])
    assert made == 1
    (media,) = [m for m in stories.public_media(store) if m.trip_id == "t-demo"]
    assert media.caption == demo.PICTURE_CAPTION
    assert_no_metadata_picture(stories.public_file(store, media.id)[0])
    assert demo.demo_picture(3) == demo.demo_picture(3)  # deterministic
