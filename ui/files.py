"""Serving attached files: `/tep/{id}` the file itself, `/tep/{id}/anh-nho` an image's thumbnail.

Starlette routes of the app's server (server.py), beside the sign-in routes. The attachments
folder is never served as such: each request names one attachment, the route reads the session
cookie itself (the SignInRequired middleware only spares a visitor an empty page) and asks
layers.attachments.attachment_for whether this person may see it, which is the one rights check.
Nobody, no session, an unknown id, a removed attachment and one the person may not see all get
the same bare 404, so the answer never says whether a file exists.

A file goes out with its stored media type (sniffed from its content when it was attached) and
its original name percent-encoded, never to be sniffed again by the browser (nosniff), never
cached by a shared cache, and in a sandbox with no rights at all (CSP `default-src 'none';
sandbox`): a PDF, or anything else someone managed to attach, cannot run a script on the app's
origin. Pictures, audio and video are shown `inline` (the browser's media decoders run no
script); a person who does not see the record's witness contacts (a partner unit, a team not
sent there) gets a picture re-encoded without its EXIF, so never where it was taken. A PDF is
handed over as a download (`attachment`), since Chromium refuses to start its PDF viewer in a
CSP-sandboxed document and would show a blocked page: the device's own reader opens it. Audio
and video are served with HTTP Range (Starlette's FileResponse), so a player can seek without
loading a 100 MB recording whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from layers import access, attachments
from layers.access import Viewer
from layers.errors import LayersError
from layers.failures import log_failure
from layers.schema import get_layer
from layers.store import Store
from ui.auth import COOKIE, viewer_of_cookie

FILES_PATH = "/tep"
THUMBNAIL = "anh-nho"
MAX_ID = 36  # an attachment id is a UUID; anything longer is not one and is not looked up
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
THUMBNAIL_TYPE = "image/jpeg"


def file_url(attachment_id: str) -> str:
    """The address of an attachment's file.

    >>> file_url("0b7e3f0e-1d7c-4c4f-9a59-2f43d6a1c001")
    '/tep/0b7e3f0e-1d7c-4c4f-9a59-2f43d6a1c001'
    """
    return f"{FILES_PATH}/{quote(str(attachment_id), safe='')}"


def thumbnail_url(attachment_id: str) -> str:
    """The address of an image attachment's thumbnail.

    >>> thumbnail_url("0b7e3f0e-1d7c-4c4f-9a59-2f43d6a1c001")
    '/tep/0b7e3f0e-1d7c-4c4f-9a59-2f43d6a1c001/anh-nho'
    """
    return f"{file_url(attachment_id)}/{THUMBNAIL}"


INLINE_KINDS = frozenset({"image", "audio", "video"})  # what the browser shows itself; the rest is downloaded


def disposition(original_name: str | None, fallback: str, inline: bool = True) -> str:
    r"""`inline` (or `attachment`) with the file's name as RFC 6266/5987 say, every byte outside
    the unreserved set percent-encoded (quotes, semicolons, line breaks and slashes included), so
    no name a person gave can add a header or a parameter.

    >>> disposition('sơ đồ "mộ".pdf', "tep", inline=False)
    "attachment; filename*=UTF-8''s%C6%A1%20%C4%91%E1%BB%93%20%22m%E1%BB%99%22.pdf"
    >>> disposition("a\r\nSet-Cookie: x=1", "tep-1")
    "inline; filename*=UTF-8''aSet-Cookie%3A%20x%3D1"
    >>> disposition(None, "tep-1")
    "inline; filename*=UTF-8''tep-1"
    """
    name = "".join(ch for ch in (original_name or "") if ch.isprintable()).strip() or fallback
    return f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(name[:200], safe='')}"


def _not_found() -> Response:
    """The one answer for "no such file", "not yours" and "not signed in": nothing else said."""
    return Response(status_code=404, headers=dict(SAFE_HEADERS))


def _headers(row: dict) -> dict[str, str]:
    inline = row.get("kind") in INLINE_KINDS
    shown = disposition(row.get("original_name"), f"tep-{row['id'][:8]}", inline)
    return {**SAFE_HEADERS, "Content-Disposition": shown}


@dataclass(frozen=True)
class Allowed:
    """An attachment a person may see, and whether they see its record's witness contacts."""

    row: dict
    contacts: bool


def _allowed(store_of: Callable[[], Store], cookie: str | None, attachment_id: str) -> Allowed | None:
    """The attachment if the person of this session cookie may see it, else None."""
    if not cookie or not attachment_id or len(attachment_id) > MAX_ID:
        return None
    store = store_of()
    person: Viewer | None = viewer_of_cookie(store, cookie)
    row = None if person is None else attachments.attachment_for(store, attachment_id, person)
    if person is None or row is None:
        return None
    record = store.record(row["layer"], row["record_id"], person)
    return Allowed(row, record is not None and access.sees_contacts(person, get_layer(row["layer"]), record))


def _clean_picture(row: dict) -> Response:
    """A picture for a person who does not see the record's witness contacts (a partner unit, a
    team not sent there): re-encoded without its EXIF, so never where it was taken."""
    stem = str(row.get("original_name") or "").rsplit(".", 1)[0]
    headers = {**_headers(row), "Content-Disposition": disposition(f"{stem}.jpg" if stem else None, "anh.jpg")}
    picture = attachments.clean_copy(row, attachments.SHARED_IMAGE_SIDE)
    return Response(picture, media_type=THUMBNAIL_TYPE, headers=headers)


def _kept(row: dict) -> tuple[str, os.stat_result] | None:
    """The kept file of an attachment and its size, or None when it is missing from the folder
    (a folder restored without it): said in the log, answered as any other missing file."""
    try:
        path = attachments.file_path(row["sha256"])
        return str(path), os.stat(path)
    except (OSError, LayersError) as exc:
        log_failure("serving an attachment", exc)
        return None


def routes(store_of: Callable[[], Store]) -> list[Route]:
    """The file routes; `store_of()` gives the process's store."""

    async def whole(request: Request) -> Response:
        try:
            found = await run_in_threadpool(_allowed, store_of, request.cookies.get(COOKIE), request.path_params["id"])
            if found is not None and not found.contacts and found.row.get("kind") == "image":
                return await run_in_threadpool(_clean_picture, found.row)
            kept = None if found is None else await run_in_threadpool(_kept, found.row)
        except Exception as exc:  # noqa: BLE001 - the visitor gets a bare answer, never a traceback
            log_failure("serving an attachment", exc)
            return _not_found()
        if found is None or kept is None:
            return _not_found()
        row, (path, stat) = found.row, kept
        media_type = str(row.get("media_type") or "application/octet-stream")
        return FileResponse(path, headers=_headers(row), media_type=media_type, stat_result=stat)

    async def small(request: Request) -> Response:
        try:
            found = await run_in_threadpool(_allowed, store_of, request.cookies.get(COOKIE), request.path_params["id"])
            picture = None if found is None else await run_in_threadpool(attachments.thumbnail, found.row)
        except Exception as exc:  # noqa: BLE001 - an unreadable image has no thumbnail; no traceback
            log_failure("serving a thumbnail", exc)
            return _not_found()
        if found is None or not picture:
            return _not_found()
        row = found.row
        headers = {**_headers(row), "Content-Disposition": disposition(None, f"anh-nho-{row['id'][:8]}.jpg")}
        return Response(picture, media_type=THUMBNAIL_TYPE, headers=headers)

    return [
        Route(f"{FILES_PATH}/{{id}}", whole, methods=["GET"]),
        Route(f"{FILES_PATH}/{{id}}/{THUMBNAIL}", small, methods=["GET"]),
    ]
