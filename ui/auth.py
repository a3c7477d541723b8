"""Signing in and out: the only UI code that knows about passwords.

The sign-in page is served by the app's own server (Starlette routes of `st.App`, see server.py),
not by a Streamlit script, so that the session can be an HttpOnly cookie: a random token,
signed with the installation's key (layers.config.cookie_secret) and kept in the database as a
hash (layers.users), so it survives a reload, works across several app processes and ends
everywhere at sign-out. Every Streamlit run reads the cookie again (`signed_in_viewer`): a page
never trusts a flag in session state.
"""

from __future__ import annotations

import html
import secrets
from functools import lru_cache
from urllib.parse import parse_qs, quote, urlparse

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from layers.access import Viewer
from layers.config import cookie_secret
from layers.errors import LayersError
from layers.failures import log_failure
from layers.store import Store
from layers.users import (
    DEMO_PASSWORD,
    DEMO_USERS,
    SESSION_DAYS,
    authenticate,
    end_session,
    session_user,
    start_session,
    viewer_of,
)
from ui.i18n import text

COOKIE = "bando_session"
CSRF_COOKIE = "bando_csrf"
SIGN_IN_PATH = "/dang-nhap"
SIGN_OUT_PATH = "/dang-xuat"
_SALT = "bando-session"
# What a visitor who is not signed in may still load: the sign-in page, the public intake page
# (ui/intake.py, which shows no stored data), the app's own assets and health check (a
# Streamlit run checks the session again before it shows any data).
OPEN_PREFIXES = (
    SIGN_IN_PATH,
    SIGN_OUT_PATH,
    "/gui-thong-tin",
    "/tien-do",  # the public progress page and everything under it (ui/progress_page.py)
    "/_stcore/",
    "/static/",
    "/app/static/",
    "/component/",
    "/favicon",
)


@lru_cache(maxsize=1)
def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(cookie_secret(), salt=_SALT)


def _token(cookie: str | None) -> str | None:
    """The session token of a signed cookie (None when unsigned, forged or too old)."""
    if not cookie:
        return None
    try:
        return _signer().loads(cookie, max_age=SESSION_DAYS * 86400)
    except BadSignature:
        return None


def viewer_of_cookie(store: Store, cookie: str | None) -> Viewer | None:
    """The signed-in person of a session cookie, or None."""
    token = _token(cookie)
    user = session_user(store, token) if token else None
    return None if user is None else viewer_of(store, user)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another site).

    >>> _safe_next("/ban-do?place=Qu%E1%BA%A3ng+Tr%E1%BB%8B"), _safe_next("//evil.example/x"), _safe_next("https://x.y/")
    ('/ban-do?place=Qu%E1%BA%A3ng+Tr%E1%BB%8B', '/', '/')
    """
    if not target:
        return "/"
    parsed = urlparse(target)
    odd = "\\" in target or any(ord(ch) < 32 for ch in target)  # a backslash reads as a slash to some browsers
    if odd or parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "vi"


def _page(lang: str, next_path: str, csrf: str, message: str = "", demo: bool = False) -> str:
    """The sign-in page: plain HTML that works on an old phone, with no script and no internet."""
    e = html.escape
    other = "vi" if lang == "en" else "en"
    demo_box = ""
    if demo:
        names = "".join(f"<li><code>{e(u)}</code> — {e(name)}</li>" for u, name, _role, _c in DEMO_USERS)
        demo_box = (
            f'<section class="demo"><p>{e(text("signin_demo", lang, password=DEMO_PASSWORD))}</p>'
            f"<ul>{names}</ul></section>"
        )
    error = f'<p class="error" role="alert">{e(message)}</p>' if message else ""
    switch = text(f"language_{other}", lang)
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(text("signin_title", lang))} · {e(text("app_title", lang))}</title>
<style>
body {{ font-family: "DejaVu Sans", system-ui, sans-serif; background: #f5f5f2; margin: 0; color: #222; }}
main {{ max-width: 26rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: .5rem;
  box-shadow: 0 1px 4px rgba(0,0,0,.15); }}
h1 {{ font-size: 1.4rem; margin: 0 0 .3rem; }} p.sub {{ color: #555; margin: 0 0 1.2rem; font-size: .95rem; }}
label {{ display: block; font-weight: bold; margin: 1rem 0 .3rem; font-size: 1.1rem; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1.2rem; padding: .6rem; border: 1px solid #888;
  border-radius: .3rem; }}
button {{ margin-top: 1.4rem; width: 100%; font-size: 1.2rem; padding: .7rem; background: #b22222; color: #fff;
  border: 0; border-radius: .3rem; cursor: pointer; }}
.error {{ background: #fde8e8; color: #8a1111; padding: .6rem; border-radius: .3rem; }}
.demo {{ background: #fff7d6; padding: .6rem .9rem; border-radius: .3rem; margin-top: 1.2rem; font-size: .95rem; }}
.lang {{ float: right; font-size: .9rem; margin: 0 0 .4rem .8rem; }} h1 {{ clear: both; }}
</style></head>
<body><main>
<a class="lang" href="{SIGN_IN_PATH}?lang={other}&amp;next={e(quote(next_path))}">{e(switch)}</a>
<h1>{e(text("app_title", lang))}</h1>
<p class="sub">{e(text("signin_title", lang))}</p>
{error}
<form method="post" action="{SIGN_IN_PATH}?lang={lang}">
<input type="hidden" name="csrf" value="{e(csrf)}">
<input type="hidden" name="next" value="{e(next_path)}">
<label for="username">{e(text("signin_username", lang))}</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" required maxlength="40">
<label for="password">{e(text("signin_password", lang))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
<button type="submit">{e(text("signin_button", lang))}</button>
</form>
{demo_box}
</main></body></html>"""


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _form_response(
    request: Request, store: Store, message: str = "", status: int = 200, next_path: str | None = None
) -> Response:
    lang = _lang(request)
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    next_path = _safe_next(next_path or request.query_params.get("next"))
    page = _page(lang, next_path, csrf, message, demo=store.has_demo())
    response = HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request))
    return response


FORM_BYTES = 16 * 1024  # a sign-in form is a few hundred bytes; nothing larger is read


async def _small_form(request: Request) -> dict[str, str] | None:
    """The posted form's fields (the first value of each), read no further than FORM_BYTES;
    None for a larger body."""
    if int(request.headers.get("content-length") or 0) > FORM_BYTES:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=8)
    except ValueError:  # more fields than the form has
        return None
    return {name: values[0] for name, values in fields.items()}


def routes(store_of) -> list[Route]:
    """The sign-in and sign-out routes; `store_of()` gives the process's store."""

    async def sign_in(request: Request) -> Response:
        try:
            store = await run_in_threadpool(store_of)
        except LayersError as exc:  # the database cannot be opened: said in one line, no traceback
            return HTMLResponse(f"<p>{html.escape(str(exc))}</p>", status_code=503)
        if request.method == "GET":
            return await run_in_threadpool(_form_response, request, store)
        form = await _small_form(request)
        if form is None:
            return HTMLResponse(html.escape(text("signin_too_big", _lang(request))), status_code=413)
        lang = _lang(request)
        next_path = _safe_next(str(form.get("next", "")))
        csrf = request.cookies.get(CSRF_COOKIE)
        if not csrf or not secrets.compare_digest(str(form.get("csrf", "")), csrf):
            message = text("signin_expired", lang)
            return await run_in_threadpool(_form_response, request, store, message, 400, next_path)
        username, password = str(form.get("username", ""))[:40], str(form.get("password", ""))[:200]
        try:
            user = await run_in_threadpool(authenticate, store, username, password)
            token = await run_in_threadpool(start_session, store, user)
        except LayersError as exc:
            return await run_in_threadpool(_form_response, request, store, _said(exc, lang), 401, next_path)
        except Exception as exc:  # noqa: BLE001 - the visitor gets one line, never a traceback
            log_failure("sign-in", exc)
            message = text("unexpected_error", lang)
            return await run_in_threadpool(_form_response, request, store, message, 500, next_path)
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(
            COOKIE,
            _signer().dumps(token),
            max_age=SESSION_DAYS * 86400,
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
        response.delete_cookie(CSRF_COOKIE)
        return response

    async def sign_out(request: Request) -> Response:
        token = _token(request.cookies.get(COOKIE))
        if request.headers.get("sec-fetch-site") == "cross-site":  # a link on another site signs nobody out
            token = None
        if token:
            store = await run_in_threadpool(store_of)
            await run_in_threadpool(end_session, store, token)
        response = RedirectResponse(f"{SIGN_IN_PATH}?lang={_lang(request)}", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    return [Route(SIGN_IN_PATH, sign_in, methods=["GET", "POST"]), Route(SIGN_OUT_PATH, sign_out, methods=["GET"])]


def _said(exc: LayersError, lang: str) -> str:
    """A sign-in failure in the page's language (the messages of layers.users are Vietnamese)."""
    if lang != "en":
        return str(exc)
    message = str(exc)
    if "tạm khóa" in message:
        return text("signin_locked", "en")
    if "đã bị khóa" in message:
        return text("signin_disabled", "en")
    return text("signin_wrong", "en")


class SignInRequired:
    """ASGI middleware: a visitor with no open session who asks for a page is sent to the sign-in
    page. The Streamlit run checks the session itself as well, so this only spares them an empty
    page; it is not what keeps data from them."""

    def __init__(self, app, store_of) -> None:
        self.app = app
        self.store_of = store_of

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope["path"].startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            store = await run_in_threadpool(self.store_of)
            viewer = await run_in_threadpool(viewer_of_cookie, store, request.cookies.get(COOKIE))
        except LayersError:  # the page says what is wrong (streamlit_app.py shows the database's message)
            viewer = None
            if request.cookies.get(COOKIE):
                await self.app(scope, receive, send)
                return
        if viewer is None:
            target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
            response = RedirectResponse(f"{SIGN_IN_PATH}?next={quote(target)}", status_code=303)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
