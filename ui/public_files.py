"""Serving the photos and videos a chapter leader marked public: `/tien-do/tep/{id}` the public
copy (a picture re-encoded, a video remuxed, without any metadata: layers.stories), and
`/tien-do/tep/{id}/anh.jpg` a JPEG still of it (a video's poster, the bulletin's and cards'
picture).

No sign-in: the public viewer's rule (layers.stories.public_copy) is the one check. Anything not
public (unknown, removed, private, of a deleted trip, a file that does not decode) gets the same
bare 404, which never says whether a file exists. A copy goes out with its own media type, never
sniffed (nosniff), cacheable by anyone (it is public and made once), in a sandbox with no rights
(CSP), and embeddable from the association's website (Cross-Origin-Resource-Policy cross-origin).
Videos are served with HTTP Range (FileResponse), so a player can seek.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from layers import stories
from layers.failures import log_failure
from layers.store import Store

PUBLIC_FILES_PATH = "/tien-do/tep"
STILL = "anh.jpg"
MAX_ID = 36  # an attachment id is a UUID
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=3600",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def media_url(media_id: str, still: bool = False) -> str:
    """The public address of a public photo or video, or of its still.

    >>> media_url("0b7e3f0e-1d7c-4c4f-9a59-2f43d6a1c001")
    '/tien-do/tep/0b7e3f0e-1d7c-4c4f-9a59-2f43d6a1c001'
    >>> media_url("0b7e3f0e", still=True)
    '/tien-do/tep/0b7e3f0e/anh.jpg'
    """
    url = f"{PUBLIC_FILES_PATH}/{quote(str(media_id), safe='')}"
    return f"{url}/{STILL}" if still else url


def _not_found() -> Response:
    """The one answer for anything not public: nothing else said."""
    headers = {**HEADERS, "Cache-Control": "no-store"}
    return Response(status_code=404, headers=headers)


def _copy(store_of: Callable[[], Store], media_id: str, still: bool) -> tuple[Path, str] | None:
    if not media_id or len(media_id) > MAX_ID:
        return None
    return stories.public_copy(store_of(), media_id, still)


def routes(store_of: Callable[[], Store]) -> list[Route]:
    """The public media routes; `store_of()` gives the process's store."""

    async def serve(request: Request, still: bool) -> Response:
        try:
            copy = await run_in_threadpool(_copy, store_of, request.path_params["id"], still)
        except Exception as exc:  # noqa: BLE001 - the visitor gets a bare answer, never a traceback
            log_failure("serving a public file", exc)
            return _not_found()
        if copy is None:
            return _not_found()
        path, media_type = copy
        name = f"{'anh' if media_type.startswith('image/') else 'video'}{path.suffix}"
        headers = {**HEADERS, "Content-Disposition": f"inline; filename={name}"}
        return FileResponse(path, headers=headers, media_type=media_type)

    async def whole(request: Request) -> Response:
        return await serve(request, still=False)

    async def poster(request: Request) -> Response:
        return await serve(request, still=True)

    return [
        Route(f"{PUBLIC_FILES_PATH}/{{id}}", whole, methods=["GET", "HEAD"]),
        Route(f"{PUBLIC_FILES_PATH}/{{id}}/{STILL}", poster, methods=["GET", "HEAD"]),
    ]
