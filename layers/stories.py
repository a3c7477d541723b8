"""The stories and the photos and videos a chapter lets out on the public pages (the progress
page, its province cards, the monthly bulletin).

A trip's story is its name and one sentence, shown once a chapter leader marked it public
(trips.story_public: access.check_changes lets only a person with Right.PUBLISH flip the mark, or
change the name or the sentence while it is on). A trip's photo or video is shown once a chapter
leader marked it public with the consent of the people visible (attachments.set_public); a
witness's private file never is.

Everything is read through access.public() (Store.frame: no private field, free texts scrubbed)
and the attachments' public columns only. A file goes out as a copy without any metadata: a
picture re-encoded (attachments.clean_copy: no EXIF, GPS, XMP, ICC, comment; at most 1600 px), a
video remuxed with PyAV keeping only its video and audio streams, its container's and streams'
metadata emptied (an MP4 keeps a phone's position in udta ©xyz / location, and in data
streams). Each copy is made once and kept by the original's hash (attachments.public_copy_path).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import av
import pandas as pd
from PIL import Image

from layers import access, attachments
from layers.access import Right, Viewer
from layers.errors import LayersError
from layers.failures import log_failure
from layers.labels import blank
from layers.publication import PublicMedia, Story
from layers.store import Store

PUBLIC_SIDE = attachments.SHARED_IMAGE_SIDE  # a public picture's longest side, in pixels
STILL_SIDE = 960  # a poster, a bulletin's picture, a card's
STORY_MAX = 300  # characters of a trip's public sentence
STILL_AT_S = 1.0  # a video's still is its first frame from this second on (past a black start)
VIDEO_TYPE = "video/mp4"
JPEG_TYPE = "image/jpeg"


class PublicMediaProblem(LayersError):
    """A public file whose clean copy cannot be made; the message says which."""


# -- reading ----------------------------------------------------------------------------------


def _day(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _public_trips(store: Store) -> pd.DataFrame:
    """The trips as the public sees them (not deleted, free texts scrubbed)."""
    return store.frame("trips", access.public())


def _chapter_names(store: Store) -> dict[str, str]:
    frame = store.frame("chapters", access.public())
    return {str(row["id"]): str(row["name"] or "") for row in frame[["id", "name"]].to_dict("records")}


def _text(value: object) -> str:
    return "" if blank(value) else str(value).strip()


def _media(rows: Iterable[dict], provinces: dict[str, str | None]) -> list[PublicMedia]:
    return [
        PublicMedia(
            id=str(row["id"]),
            kind=str(row["kind"]),
            caption=_text(row.get("caption")),
            trip_id=str(row["record_id"]),
            province_34=provinces.get(str(row["record_id"])),
        )
        for row in rows
    ]


def _provinces(trips: pd.DataFrame) -> dict[str, str | None]:
    return {
        str(row["id"]): (None if blank(row["province_34"]) else str(row["province_34"])) for _, row in trips.iterrows()
    }


def public_media(store: Store, province_34: str | None = None) -> list[PublicMedia]:
    """The photos and videos of trips marked public (never private, not removed, of a trip not
    deleted), oldest first; of one province's trips when `province_34` is given."""
    trips = _public_trips(store)
    if province_34 is not None:
        trips = trips[trips["province_34"] == province_34]
    provinces = _provinces(trips)
    return _media(attachments.public_rows(store, provinces), provinces)


def public_stories(
    store: Store, start: date | None = None, end: date | None = None, province_34: str | None = None
) -> list[Story]:
    """The trips whose story a chapter leader published, newest first (by their first day), with
    their public media; those whose first day lies within [start, end] when given, those of one
    province when `province_34` is given. A story without a sentence is not shown."""
    trips = _public_trips(store)
    trips = trips[trips["story_public"].fillna(False).astype(bool)]
    if province_34 is not None:
        trips = trips[trips["province_34"] == province_34]
    days = {str(row["id"]): _day(row["date_from"]) for _, row in trips.iterrows()}
    if start is not None or end is not None:
        keep = [
            i
            for i, day in days.items()
            if day is not None and (start is None or day >= start) and (end is None or day <= end)
        ]
        trips = trips[trips["id"].astype(str).isin(keep)]
    provinces = _provinces(trips)
    media: dict[str, list[PublicMedia]] = {}
    for item in _media(attachments.public_rows(store, provinces), provinces):
        media.setdefault(item.trip_id, []).append(item)
    chapters = _chapter_names(store)
    stories = [
        Story(
            trip_id=str(row["id"]),
            title=_text(row["name"]),
            sentence=_text(row["story"]),
            province_34=provinces[str(row["id"])],
            chapter_name=chapters.get(_text(row["chapter_id"]), ""),
            day=days[str(row["id"])],
            media=tuple(media.get(str(row["id"]), ())),
        )
        for _, row in trips.iterrows()
        if _text(row["story"])
    ]
    return sorted(stories, key=lambda s: (s.day or date.min, s.trip_id), reverse=True)


# -- the public copy of a file ----------------------------------------------------------------


def _still_of_image(row: dict) -> bytes:
    return attachments.clean_copy(row, max_side=STILL_SIDE)


def _jpeg(image: Image.Image, side: int) -> bytes:
    """A fresh RGB JPEG of a picture, at most `side` pixels on its longest side: no metadata."""
    picture = Image.new("RGB", image.size)
    picture.paste(image.convert("RGB"))
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _still_of_video(data: bytes) -> bytes:
    """A JPEG of one frame of a video: the first from STILL_AT_S on, else its last, else its first."""
    with av.open(io.BytesIO(data), mode="r") as container:
        if not container.streams.video:
            raise PublicMediaProblem("Video không có hình.")
        stream = container.streams.video[0]
        chosen = None
        for frame in container.decode(stream):
            chosen = frame
            if frame.time is not None and frame.time >= STILL_AT_S:
                break
        if chosen is None:
            raise PublicMediaProblem("Không đọc được hình nào của video.")
        return _jpeg(chosen.to_image(), STILL_SIDE)


def _remuxed(data: bytes) -> bytes:
    """The video's video and audio streams, copied packet by packet into a new MP4, without the
    container's or the streams' metadata (titles, dates, a phone's position, its make); data and
    subtitle streams (where a phone may also write its position) are left out."""
    out = io.BytesIO()
    with av.open(io.BytesIO(data), mode="r") as source:
        kept = [s for s in source.streams if s.type in ("video", "audio")]
        if not any(s.type == "video" for s in kept):
            raise PublicMediaProblem("Video không có hình.")
        with av.open(out, mode="w", format="mp4") as target:
            target.metadata.clear()
            streams = {}
            for stream in kept:
                copied = target.add_stream_from_template(stream)
                copied.metadata.clear()
                streams[stream.index] = copied
            for packet in source.demux(kept):
                if packet.dts is None:  # the demuxer's empty packet at the end of a stream
                    continue
                packet.stream = streams[packet.stream.index]
                target.mux(packet)
    return out.getvalue()


def _made(row: dict, still: bool) -> tuple[bytes, str, str]:
    """(the clean copy, its media type, its variant name) of a public attachment's file."""
    if row["kind"] == "image":
        if still:
            return _still_of_image(row), JPEG_TYPE, "still.jpg"
        return attachments.clean_copy(row, max_side=PUBLIC_SIDE), JPEG_TYPE, "image.jpg"
    data = attachments.read_file(row["sha256"])
    if still:
        return _still_of_video(data), JPEG_TYPE, "still.jpg"
    return _remuxed(data), VIDEO_TYPE, "video.mp4"


def _variant(row: dict, still: bool) -> tuple[str, str]:
    if still or row["kind"] == "image":
        return ("still.jpg" if still else "image.jpg"), JPEG_TYPE
    return "video.mp4", VIDEO_TYPE


def _public_row(store: Store, attachment_id: str) -> dict | None:
    if not attachment_id or len(attachment_id) > 36:
        return None
    trips = _public_trips(store)
    rows = attachments.public_rows(store, trips["id"].astype(str), attachment_id)
    return rows[0] if rows else None


def public_copy(store: Store, attachment_id: str, still: bool = False) -> tuple[Path, str] | None:
    """(where it is kept, media type) of the public copy of an attachment marked public
    (public_media's rule), or of a JPEG still of it (`still`: one frame of a video, a smaller copy
    of a picture); None when it is not public, or when its file cannot be read or decoded (logged,
    nothing kept). Made the first time it is asked for and kept beside the attachments, written
    aside then renamed: never half a file."""
    row = _public_row(store, attachment_id)
    if row is None:
        return None
    variant, media_type = _variant(row, still)
    path = attachments.public_copy_path(row["sha256"], variant)
    if path.exists():
        return path, media_type
    try:
        data, media_type, variant = _made(row, still)
    except (LayersError, av.FFmpegError, OSError, ValueError, EOFError, SyntaxError, MemoryError) as exc:
        log_failure(f"public copy of attachment {row['id']}", exc)
        return None
    attachments.keep_public_copy(path, data)
    return path, media_type


def public_file(store: Store, attachment_id: str, still: bool = False) -> tuple[bytes, str] | None:
    """(bytes, media type) of public_copy: what the bulletin, the cards and the exports embed."""
    copy = public_copy(store, attachment_id, still)
    return None if copy is None else (copy[0].read_bytes(), copy[1])


# -- writing ----------------------------------------------------------------------------------


def set_public(store: Store, attachment_id: str, public: bool, viewer: Viewer, consent: bool = False) -> None:
    """attachments.set_public: a trip's photo or video on the public pages, or off them."""
    attachments.set_public(store, attachment_id, public, viewer, consent)


def check_sentence(story: str | None) -> str:
    """A trip's public sentence, stripped, or LayersError: empty, or over STORY_MAX characters."""
    text = " ".join((story or "").split())
    if not text:
        raise PublicMediaProblem("Cần một câu chuyện (một câu) để công bố.")
    if len(text) > STORY_MAX:
        raise PublicMediaProblem(f"Câu chuyện công khai tối đa {STORY_MAX} ký tự (đang có {len(text)}).")
    return text


def publish_story(store: Store, trip_id: str, viewer: Viewer, public: bool, story: str | None = None) -> int:
    """Publish a trip's story (its name and one sentence, `story` or the one it has), or take it
    off the public pages; returns the trip's new version. Written through Store.update with the
    trip's version, so access.check_changes refuses it to a person without Right.PUBLISH, and a
    history row goes with it."""
    viewer.require(Right.PUBLISH, "công bố câu chuyện của chuyến tìm kiếm")
    current = store.record("trips", trip_id, viewer)
    if current is None:
        raise PublicMediaProblem(f"Không có chuyến tìm kiếm «{trip_id[:60]}».")
    changes: dict[str, object] = {"story_public": public}
    if story is not None:
        changes["story"] = check_sentence(story) if public else (" ".join(story.split()) or None)
    if public:
        changes["story"] = check_sentence(changes.get("story", current.get("story")))
    version = int(current["version"])
    published = current.get("story_public") is True or current.get("story_public") == 1
    if published == public and changes.get("story", current.get("story")) == current.get("story"):
        return version
    return store.update("trips", trip_id, changes, viewer.username, version, viewer=viewer)
