"""The public intake page (/gui-thong-tin): anyone may send an account of a grave, without signing in.

Plain server-rendered HTML, like the sign-in page (ui/auth.py), served as Starlette routes of
the app's server (server.py): it works on an old phone at 360 px, with no script and no
internet, in large text and one column. It is its own entry, with no access to stored data at
all: it reads the form, hands it to layers.intake, and answers with the receipt code, the
receiving chapter's contact and what the person has just sent, every text escaped. The only
script is an optional map pin (the app's local Leaflet), which the form does not need.

The body is read with a hard byte cap before it is parsed (MAX_BODY), so no upload can make
the server buffer more than that; the page's session cookie (its rate limit) and CSRF cookie
are HttpOnly and SameSite=Strict. Every post is counted against the limits before any image in
it is opened (layers.intake.receive), a stale page's post too.

The client address the limits count is the peer's, unless the installation names the reverse
proxy it runs behind (layers.config.trusted_proxies, e.g. BANDO_TRUSTED_PROXY=127.0.0.1): then
the address that proxy puts in X-Forwarded-For is the client's (`client_address`). Without that
setting X-Forwarded-For is ignored, so behind a proxy every visitor shares the proxy's address
and its limit: name the proxy.

The QR code and the share line say the installation's public address (layers.config.public_url,
BANDO_PUBLIC_URL); without it they say the address of the request, whose Host header the
visitor chose, and the QR code is then never cached.
"""

from __future__ import annotations

import html
import io
import secrets
from collections.abc import AsyncIterator
from functools import lru_cache

import segno
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from layers import attachments
from layers.config import public_url, trusted_proxies
from layers.errors import LayersError
from layers.failures import log_failure
from layers.intake import (
    FIELDS,
    HONEYPOT,
    KNOWS,
    MAX_PHOTOS,
    UNKNOWN_PROVINCE,
    Client,
    IntakeProblem,
    Photo,
    PhotoBudgetFull,
    RateLimited,
    Receipt,
    Submission,
    count_attempt,
    provinces,
    receive,
)
from layers.schema import CONSENTS
from ui.i18n import text
from ui.static_files import STATIC_DIR, STATIC_URL, basemap_url

INTAKE_PATH = "/gui-thong-tin"
QR_PATH = f"{INTAKE_PATH}/qr.png"
SCRIPT_PATH = f"{INTAKE_PATH}/ban-do.js"
SESSION_COOKIE = "bando_intake"
CSRF_COOKIE = "bando_intake_csrf"
COOKIE_DAYS = 1
MIB = 2**20
# Five photos at their limit and the text around them; nothing beyond is read.
MAX_BODY = MAX_PHOTOS * attachments.MAX_BYTES + MIB
MAX_TEXT_PART = 64 * 1024  # the longest text field (5,000 characters) in UTF-8, with room
MAX_FIELDS = 40
ACCEPT = ",".join(media for media, _kind in attachments.IMAGE_FORMATS.values())
LEAFLET = STATIC_DIR / "vendor" / "leaflet" / "leaflet.js"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # No inline script can run even if some text escaped the escaping; only this site's files.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
}


class TooLarge(Exception):
    """The body is over MAX_BODY: reading stopped there."""


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "vi"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def page_url(request: Request) -> str:
    """The page's address, as the QR code and the share line say it: the installation's public
    address when it is set (layers.config.public_url), else the address the request names."""
    base = public_url() or str(request.base_url).rstrip("/")
    return base if base.endswith(INTAKE_PATH) else f"{base}{INTAKE_PATH}"


def client_address(request: Request) -> str:
    """The address the rate limits count: the peer's; when the peer is a trusted reverse proxy
    (layers.config.trusted_proxies), the last address of X-Forwarded-For that is not one of the
    trusted proxies (the one the outermost trusted proxy saw). Nobody else's header is read."""
    peer = request.client.host if request.client else "unknown"
    trusted = trusted_proxies()
    if peer not in trusted:
        return peer
    hops = [hop.strip() for value in request.headers.getlist("x-forwarded-for") for hop in value.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if hop not in trusted:
            return hop
    return peer


# -- the HTML -----------------------------------------------------------------------------------

STYLE = """
html { font-size: 20px; }
body { font-family: "DejaVu Sans", system-ui, sans-serif; background: #f5f5f2; margin: 0; color: #1a1a1a;
  line-height: 1.5; }
main { max-width: 40rem; margin: 0 auto; background: #fff; padding: 1rem 1rem 2rem; }
h1 { font-size: 1.5rem; line-height: 1.3; margin: .4rem 0 .6rem; color: #8a1111; }
h2 { font-size: 1.25rem; margin: 2rem 0 .4rem; padding-top: .8rem; border-top: 2px solid #ddd; }
label, legend { display: block; font-weight: bold; margin: 1.1rem 0 .25rem; font-size: 1rem; }
fieldset { border: 0; padding: 0; margin: 1.2rem 0 0; }
.help { color: #444; font-size: .9rem; margin: 0 0 .35rem; }
input[type=text], input[type=tel], textarea, select { width: 100%; box-sizing: border-box; font-size: 1.05rem;
  padding: .6rem; border: 2px solid #777; border-radius: .35rem; background: #fff; color: #111; font-family: inherit; }
textarea { min-height: 6rem; }
input:focus, textarea:focus, select:focus { outline: 3px solid #f0a500; border-color: #333; }
.choice { display: flex; gap: .7rem; align-items: flex-start; font-weight: normal; margin: .5rem 0;
  padding: .55rem .6rem; border: 2px solid #ccc; border-radius: .35rem; cursor: pointer; }
.choice input { width: 1.6rem; height: 1.6rem; flex: none; margin: .1rem 0 0; }
input[type=file] { font-size: 1rem; width: 100%; padding: .5rem 0; }
input[type=file]::file-selector-button { font-size: 1.05rem; padding: .6rem 1rem; margin-right: .6rem;
  border: 2px solid #555; border-radius: .35rem; background: #eee; cursor: pointer; }
button { margin-top: 1.6rem; width: 100%; font-size: 1.3rem; padding: .9rem; background: #b22222; color: #fff;
  border: 0; border-radius: .4rem; cursor: pointer; font-weight: bold; }
.problems { background: #fde8e8; color: #7a0e0e; padding: .7rem 1rem; border-radius: .35rem; border: 2px solid #c33; }
.problems ul { margin: .3rem 0 0; padding-left: 1.2rem; }
.bad { border-color: #c33 !important; }
.field-problem { color: #8a1111; font-weight: bold; margin: .2rem 0; font-size: .95rem; }
.lang { float: right; font-size: .9rem; margin: .3rem 0 .2rem .8rem; }
.app { color: #555; font-size: .9rem; margin: .3rem 0 0; }
.trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
#ban-do { height: 18rem; margin: .4rem 0; border: 2px solid #777; border-radius: .35rem; }
.map-tools button { margin-top: .3rem; font-size: 1rem; padding: .5rem; background: #555; width: auto; }
#ban-do .leaflet-bar a { width: 44px; height: 44px; line-height: 44px; font-size: 26px; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 2.2rem; font-weight: bold; letter-spacing: .12rem;
  background: #fff7d6; border: 3px dashed #b8860b; padding: .6rem; text-align: center; margin: .5rem 0; }
dl dt { font-weight: bold; margin-top: .6rem; } dl dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.share { margin-top: 2.5rem; border-top: 2px solid #ddd; padding-top: .6rem; font-size: .95rem; }
.share h2 { border-top: 0; padding-top: 0; margin-top: .4rem; }
.share code { overflow-wrap: anywhere; font-size: 1rem; background: #eee; padding: .1rem .3rem; }
.share img { display: block; margin: .6rem 0; width: 10rem; height: 10rem; }
a { color: #0b4fa3; }
"""


def _head(lang: str, title: str, with_map: bool) -> str:
    e = html.escape
    leaflet = ""
    if with_map:
        leaflet = (
            f'<link rel="stylesheet" href="{STATIC_URL}/vendor/leaflet/leaflet.css">'
            f'<script src="{STATIC_URL}/vendor/leaflet/leaflet.js" defer></script>'
            f'<script src="{SCRIPT_PATH}" defer></script>'
        )
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · {e(text("app_title", lang))}</title>
<style>{STYLE}</style>{leaflet}</head>"""


def _top(lang: str) -> str:
    e = html.escape
    other = "vi" if lang == "en" else "en"
    return (
        f'<a class="lang" href="{INTAKE_PATH}?lang={other}">{e(text(f"language_{other}", lang))}</a>'
        f'<p class="app">{e(text("app_title", lang))} · Hội Cựu TNXP Việt Nam</p>'
    )


def _share(lang: str, url: str) -> str:
    e = html.escape
    return (
        f'<section class="share"><h2>{e(text("intake_share", lang))}</h2>'
        f"<p>{e(text('intake_share_help', lang))}<br><code>{e(url)}</code></p>"
        f'<img src="{QR_PATH}" alt="{e(text("intake_qr_alt", lang))}">'
        f'<a href="{QR_PATH}" download="gui-thong-tin-qr.png">{e(text("intake_qr_link", lang))}</a></section>'
    )


class _Form:
    """Writes the form's fields, each with its label above it, its value as sent and its problem."""

    def __init__(self, lang: str, values: dict[str, str], problems: IntakeProblem | None) -> None:
        self.lang, self.values = lang, values
        self.said: dict[str, list[str]] = {}
        for name, vi, en in problems.problems if problems else []:
            self.said.setdefault(name, []).append(en if lang == "en" else vi)

    def _problem(self, name: str) -> str:
        return "".join(f'<p class="field-problem">{html.escape(m)}</p>' for m in self.said.get(name, []))

    def _label(self, name: str, help_key: str | None) -> str:
        e = html.escape
        help_text = f'<p class="help" id="{name}-help">{e(text(help_key, self.lang))}</p>' if help_key else ""
        return f'<label for="{name}">{e(FIELDS[name].label(self.lang))}</label>{help_text}{self._problem(name)}'

    def _attributes(self, name: str, help_key: str | None) -> str:
        bad = ' class="bad" aria-invalid="true"' if name in self.said else ""
        described = f' aria-describedby="{name}-help"' if help_key else ""
        return f'id="{name}" name="{name}" maxlength="{FIELDS[name].max_length}"{bad}{described}'

    def text(self, name: str, help_key: str | None = None, kind: str = "text", extra: str = "") -> str:
        value = html.escape(self.values.get(name, ""))
        attributes = self._attributes(name, help_key)
        if FIELDS[name].multiline:
            return f'{self._label(name, help_key)}<textarea {attributes} rows="4"{extra}>{value}</textarea>'
        field = f'<input type="{kind}" {attributes} value="{value}"{extra}>'
        return f"{self._label(name, help_key)}{field}"

    def province(self) -> str:
        e = html.escape
        chosen = self.values.get("province", "")
        options = [f'<option value="">{e(text("intake_province_choose", self.lang))}</option>']
        for code, name in provinces():
            selected = " selected" if code == chosen else ""
            options.append(f'<option value="{e(code)}"{selected}>{e(name)}</option>')
        unknown = " selected" if chosen == UNKNOWN_PROVINCE else ""
        options.append(
            f'<option value="{UNKNOWN_PROVINCE}"{unknown}>{e(text("intake_province_unknown", self.lang))}</option>'
        )
        attributes = self._attributes("province", "intake_province_help").replace(' maxlength="20"', "")
        return f"{self._label('province', 'intake_province_help')}<select {attributes}>{''.join(options)}</select>"

    def radios(self, name: str, terms, legend: str) -> str:
        e = html.escape
        chosen = self.values.get(name, "")
        items = []
        for term in terms:
            checked = " checked" if term.code == chosen else ""
            label = term.label_en if self.lang == "en" else term.label_vi
            items.append(
                f'<label class="choice"><input type="radio" name="{name}" value="{e(term.code)}"{checked}>'
                f"<span>{e(label)}</span></label>"
            )
        return f"<fieldset><legend>{e(legend)}</legend>{self._problem(name)}{''.join(items)}</fieldset>"

    def agreed(self) -> str:
        e = html.escape
        checked = " checked" if self.values.get("agreed") in ("1", "on", "yes") else ""
        return (
            f"{self._problem('agreed')}"
            f'<label class="choice" for="agreed"><input type="checkbox" id="agreed" name="agreed" value="1"{checked}>'
            f"<span>{e(text('intake_agree', self.lang))}</span></label>"
        )


def form_page(
    lang: str,
    csrf: str,
    url: str,
    values: dict[str, str] | None = None,
    problems: IntakeProblem | None = None,
    message: str = "",
) -> str:
    """The form, empty or with what the person sent and what keeps it from being stored."""
    e = html.escape
    values = values or {}
    f = _Form(lang, values, problems)
    said = [message] if message else []
    if problems:
        said += problems.messages(lang)
    alert = ""
    if said:
        heading = e(text("intake_problems", lang)) if problems else ""
        items = "".join(f"<li>{e(m)}</li>" for m in said)
        again = f"<p>{e(text('intake_photos_again', lang))}</p>" if problems or message else ""
        alert = f'<section class="problems" role="alert"><p>{heading}</p><ul>{items}</ul>{again}</section>'
    with_map = LEAFLET.exists()
    pin = (
        f'<div id="ban-do-khung" hidden data-basemap="{e(basemap_url("34"))}">'
        f'<p class="help">{e(text("intake_map_help", lang))}</p><div id="ban-do"></div>'
        f'<p class="map-tools"><button type="button" id="bo-ghim">{e(text("intake_map_clear", lang))}</button></p>'
        "</div>"
        if with_map
        else ""
    )
    knows = [*KNOWS]
    photos_help = text("intake_photos_help", lang, count=MAX_PHOTOS, mb=attachments.MAX_BYTES // MIB)
    return f"""{_head(lang, text("intake_title", lang), with_map)}
<body><main>
{_top(lang)}
<h1>{e(text("intake_title", lang))}</h1>
<p>{e(text("intake_intro", lang))}</p>
{alert}
<form method="post" action="{INTAKE_PATH}?lang={lang}" enctype="multipart/form-data" accept-charset="utf-8">
<input type="hidden" name="csrf" value="{e(csrf)}">
<h2>{e(text("intake_part_martyr", lang))}</h2>
{f.text("martyr_names", "intake_names_help", extra=' autocomplete="off"')}
{f.text("hometown")}
{f.text("unit")}
{f.text("period_text", "intake_period_help")}
<h2>{e(text("intake_part_place", lang))}</h2>
{f.text("place_description", "intake_place_help")}
{f.text("historical_place", "intake_historical_help")}
{f.province()}
{pin}
<input type="hidden" id="pin_lat" name="pin_lat" value="{e(values.get("pin_lat", ""))}">
<input type="hidden" id="pin_lon" name="pin_lon" value="{e(values.get("pin_lon", ""))}">
<input type="hidden" id="pin_zoom" name="pin_zoom" value="{e(values.get("pin_zoom", ""))}">
{f._problem("pin_lat")}
{f.text("coord_text", "intake_coord_help")}
<h2>{e(text("intake_part_knows", lang))}</h2>
{f.radios("knows", knows, text("intake_knows_question", lang))}
{f.text("knows_detail", "intake_knows_detail_help")}
<h2>{e(text("intake_part_photos", lang))}</h2>
<label for="photos">{e(text("intake_photos_label", lang))}</label>
<p class="help" id="photos-help">{e(photos_help)}</p>
{f._problem("photos")}
<input type="file" id="photos" name="photos" multiple accept="{ACCEPT}" aria-describedby="photos-help">
<h2>{e(text("intake_part_you", lang))}</h2>
<p class="help">{e(text("intake_you_help", lang))}</p>
{f.text("witness_name", extra=' autocomplete="name"')}
{f.text("witness_phone", "intake_phone_help", kind="tel", extra=' inputmode="tel" autocomplete="tel"')}
{f.text("witness_address", extra=' autocomplete="street-address"')}
{f.text("witness_relation")}
{f.radios("consent", CONSENTS, text("intake_consent_question", lang))}
<h2>{e(text("intake_part_send", lang))}</h2>
{f.agreed()}
<div class="trap" aria-hidden="true"><label for="{HONEYPOT}">{e(text("intake_honeypot_help", lang))}</label>
<input type="text" id="{HONEYPOT}" name="{HONEYPOT}" tabindex="-1" autocomplete="off" value=""></div>
{f._problem(HONEYPOT)}
<button type="submit">{e(text("intake_button", lang))}</button>
</form>
{_share(lang, url)}
</main></body></html>"""


SUMMARY_FIELDS = (
    "martyr_names",
    "hometown",
    "unit",
    "period_text",
    "place_description",
    "historical_place",
    "coord_text",
    "knows_detail",
    "witness_name",
    "witness_phone",
    "witness_address",
    "witness_relation",
)


def _summary(lang: str, submission: Submission) -> str:
    """What the person has just sent (from their request, never from the database), escaped."""
    e = html.escape
    rows = []
    for name in SUMMARY_FIELDS:
        if name == "knows_detail":
            term = next((t for t in KNOWS if t.code == submission.get("knows")), None)
            if term is not None:
                rows.append((FIELDS["knows"].label(lang), term.label_en if lang == "en" else term.label_vi))
        if submission.get(name):
            rows.append((FIELDS[name].label(lang), submission.get(name)))
        if name == "historical_place":
            code = submission.get("province")
            province = dict(provinces()).get(code) or text("intake_province_unknown", lang)
            rows.append((FIELDS["province"].label(lang), province))
    if submission.photos:
        rows.append((text("intake_photos_sent", lang), str(len(submission.photos))))
    items = "".join(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>" for label, value in rows)
    return f"<h2>{e(text('intake_sent_summary', lang))}</h2><dl>{items}</dl>"


def receipt_page(lang: str, receipt: Receipt, submission: Submission, url: str) -> str:
    """After sending: the receipt code, the chapter it went to and how to reach it, what was sent."""
    e = html.escape
    consent = next((t for t in CONSENTS if t.code == submission.get("consent")), None)
    consent_line = ""
    if consent is not None:
        label = consent.label_en if lang == "en" else consent.label_vi
        consent_line = f"<p>{e(text('intake_consent_said', lang))} <strong>{e(label)}</strong></p>"
    if receipt.chapter_contact:
        contact = f"<p>{e(text('intake_chapter_contact', lang))} <strong>{e(receipt.chapter_contact)}</strong></p>"
    else:
        contact = f"<p>{e(text('intake_chapter_no_contact', lang))}</p>"
    kept = f"<p>{e(text('intake_coordinate_kept', lang))}</p>" if receipt.coordinate_kept_as_text else ""
    return f"""{_head(lang, text("intake_thanks", lang), False)}
<body><main>
{_top(lang)}
<h1>{e(text("intake_thanks", lang))}</h1>
<p>{e(text("intake_code_intro", lang))}</p>
<p class="code" id="ma-tiep-nhan">{e(receipt.code)}</p>
<p>{e(text("intake_code_help", lang))}</p>
<p>{e(text("intake_chapter", lang))} <strong>{e(receipt.chapter_name)}</strong></p>
{contact}
{consent_line}
{kept}
{_summary(lang, submission)}
<p><a href="{INTAKE_PATH}?lang={lang}">{e(text("intake_another", lang))}</a></p>
{_share(lang, url)}
</main></body></html>"""


def message_page(lang: str, message: str) -> str:
    """A page of one message and a way back (a body too large to read, a form that cannot be read)."""
    e = html.escape
    return f"""{_head(lang, text("intake_title", lang), False)}
<body><main>{_top(lang)}<h1>{e(text("intake_title", lang))}</h1>
<section class="problems" role="alert"><p>{e(message)}</p></section>
<p><a href="{INTAKE_PATH}?lang={lang}">{e(text("intake_back", lang))}</a></p></main></body></html>"""


PIN_SCRIPT = """// The optional map pin of /gui-thong-tin: fills the hidden pin_lat, pin_lon, pin_zoom inputs.
(function () {
  var box = document.getElementById("ban-do-khung");
  if (!box || typeof L === "undefined") { return; }
  box.hidden = false;
  var lat = document.getElementById("pin_lat"), lon = document.getElementById("pin_lon"),
      zoom = document.getElementById("pin_zoom");
  var map = L.map("ban-do", {maxZoom: 18, minZoom: 4}).setView([16.2, 106.5], 5);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
              {maxZoom: 18, attribution: "© OpenStreetMap"}).addTo(map);
  var url = box.getAttribute("data-basemap");
  if (url) {
    fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data) { L.geoJSON(data, {style: {color: "#555", weight: 1, fill: false}, interactive: false}).addTo(map); }
    }).catch(function () {});
  }
  var marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lat.value = latlng.lat.toFixed(6); lon.value = latlng.lng.toFixed(6); zoom.value = String(map.getZoom());
  }
  if (lat.value && lon.value) {
    var at = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
    place(at); map.setView(at, parseInt(zoom.value || "12", 10));
  }
  map.on("click", function (e) { place(e.latlng); });
  document.getElementById("bo-ghim").addEventListener("click", function () {
    if (marker) { map.removeLayer(marker); marker = null; }
    lat.value = ""; lon.value = ""; zoom.value = "";
  });
})();
"""


# -- the requests -------------------------------------------------------------------------------


def _respond(request: Request, page: str, status: int, csrf: str, session: str) -> Response:
    response = HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
    for name, value in ((CSRF_COOKIE, csrf), (SESSION_COOKIE, session)):
        response.set_cookie(
            name,
            value,
            max_age=COOKIE_DAYS * 86400,
            path=INTAKE_PATH,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )
    return response


def _cookies(request: Request) -> tuple[str, str]:
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    session = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(24)
    return csrf, session


async def _capped(request: Request) -> AsyncIterator[bytes]:
    """The body, chunk by chunk, stopping with TooLarge past MAX_BODY."""
    read = 0
    async for chunk in request.stream():
        read += len(chunk)
        if read > MAX_BODY:
            raise TooLarge
        yield chunk


async def read_form(request: Request) -> tuple[dict[str, str], list[Photo]]:
    """The posted fields (the first value of each) and photos. Raises TooLarge for a body over
    MAX_BODY (said by Content-Length, or found while reading), MultiPartException for a body that
    cannot be parsed or has too many files or fields."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise TooLarge
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        parser = MultiPartParser(
            request.headers, _capped(request), max_files=MAX_PHOTOS, max_fields=MAX_FIELDS, max_part_size=MAX_TEXT_PART
        )
    elif kind.startswith("application/x-www-form-urlencoded"):
        parser = FormParser(request.headers, _capped(request), max_fields=MAX_FIELDS, max_part_size=MAX_TEXT_PART)
    else:
        raise MultiPartException("not a form")
    form = await parser.parse()
    fields: dict[str, str] = {}
    photos: list[Photo] = []
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read(attachments.MAX_BYTES + 1)
                if data or value.filename:
                    photos.append(Photo(value.filename or "", data))
            else:
                fields.setdefault(name, value)
    finally:
        await form.close()
    return fields, photos


def _store_and_receipt(store_of, submission: Submission, client: Client) -> Receipt:
    return receive(store_of(), submission, client)


def _count_stale(store_of, client: Client) -> int | None:
    """Count a post refused for its token; the minutes to wait when it is over a limit."""
    return count_attempt(store_of(), client)[1]


def routes(store_of) -> list[Route]:
    """The public page's routes; `store_of()` gives the process's store."""

    async def intake(request: Request) -> Response:
        lang = _lang(request)
        csrf, session = _cookies(request)
        url = page_url(request)
        if request.method == "GET":
            return _respond(request, form_page(lang, csrf, url), 200, csrf, session)
        try:
            fields, photos = await read_form(request)
        except TooLarge:
            page = message_page(lang, text("intake_too_big", lang, mb=MAX_BODY // MIB))
            return _respond(request, page, 413, csrf, session)
        except MultiPartException as exc:
            key = "intake_too_many_files" if "Too many files" in str(exc) else "intake_unreadable_form"
            page = message_page(lang, text(key, lang, count=MAX_PHOTOS))
            return _respond(request, page, 400, csrf, session)
        submission = Submission.of_form(fields, photos)
        values = submission.values
        client = Client(client_address(request), session)
        given = request.cookies.get(CSRF_COOKIE)
        if not given or not secrets.compare_digest(str(fields.get("csrf", "")), given):
            try:
                wait = await run_in_threadpool(_count_stale, store_of, client)
            except Exception as exc:  # noqa: BLE001 - the form is still answered; the failure is logged
                log_failure("public intake", exc)
                wait = None
            if wait is not None:
                message = text("intake_too_many", lang, minutes=wait)
                return _respond(request, form_page(lang, csrf, url, values, message=message), 429, csrf, session)
            page = form_page(lang, csrf, url, values, message=text("intake_expired", lang))
            return _respond(request, page, 400, csrf, session)
        try:
            receipt = await run_in_threadpool(_store_and_receipt, store_of, submission, client)
        except IntakeProblem as problems:
            return _respond(request, form_page(lang, csrf, url, values, problems), 400, csrf, session)
        except RateLimited as limited:
            message = text("intake_too_many", lang, minutes=limited.minutes)
            return _respond(request, form_page(lang, csrf, url, values, message=message), 429, csrf, session)
        except PhotoBudgetFull as full:
            message = text("intake_photos_budget", lang, minutes=full.minutes)
            return _respond(request, form_page(lang, csrf, url, values, message=message), 503, csrf, session)
        except LayersError as exc:  # the database is busy or cannot be opened: one line, no traceback
            log_failure("public intake", exc)
            page = form_page(lang, csrf, url, values, message=text("unexpected_error", lang))
            return _respond(request, page, 503, csrf, session)
        except Exception as exc:  # noqa: BLE001 - the visitor gets one line, never a traceback
            log_failure("public intake", exc)
            page = form_page(lang, csrf, url, values, message=text("unexpected_error", lang))
            return _respond(request, page, 500, csrf, session)
        return _respond(request, receipt_page(lang, receipt, submission, url), 200, csrf, session)

    async def qr(request: Request) -> Response:
        # Cached a day only when it says the configured address: one made from the request's
        # Host header must not stay in a cache (and then in print) for other visitors.
        cache = "max-age=86400" if public_url() else "no-store"
        return Response(qr_png(page_url(request)), media_type="image/png", headers={"Cache-Control": cache})

    async def script(request: Request) -> Response:
        return Response(PIN_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "max-age=3600"})

    return [
        Route(INTAKE_PATH, intake, methods=["GET", "POST"]),
        Route(QR_PATH, qr, methods=["GET"]),
        Route(SCRIPT_PATH, script, methods=["GET"]),
    ]


@lru_cache(maxsize=8)
def qr_png(url: str) -> bytes:
    """A QR code of the page's address as PNG, large enough to print in a bulletin."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()
