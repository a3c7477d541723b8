"""The attachment routes (ui/files.py) driven through ASGI as a browser calls them, on both
backends: a person signed in through the real sign-in route gets a file they may see, with
headers that keep it from running on the app's origin; everyone else (a partner for a private
file, a team not sent to the record, another province's chapter, no cookie, a forged cookie, an
unknown or removed id) gets the same bare 404 and not a byte; a recording seeks with Range;
a thumbnail, and a picture for those who do not see the witness's contacts, carry no EXIF.

(Requests go through a small ASGI driver, as in test_intake_route.py, whose `receive` waits for
the answer to end before it says the browser left, as a server does.)"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import io
import json
import re
import wave
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.middleware import Middleware

from layers import attachments
from layers.access import system
from layers.users import add_user
from tests.layers.people import PASSWORD, build
from ui.attachments_view import item_html
from ui.auth import COOKIE, SIGN_IN_PATH, SignInRequired
from ui.auth import routes as sign_in_routes
from ui.files import SAFE_HEADERS, disposition, file_url, routes, thumbnail_url

HOSTILE = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "hostile" / "attachments_serving.json").read_text(encoding="utf-8")
)
OTHER_PROVINCE = "chapter-vn-01"  # Lai Châu: none of the records below are its


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Browser:
    """Calls an ASGI app and keeps its cookies, as one browser does."""

    app: object
    cookies: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> Answer:
        parts = urlsplit(target)
        sent = {"host": "testserver", **(headers or {})}
        if self.cookies:
            sent["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["content-length"] = str(len(body))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(parts.path),
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in sent.items()],
            "client": ("127.0.0.1", 50_000),
            "server": ("testserver", 80),
        }

        async def run() -> list[dict]:
            out: list[dict] = []
            answered = asyncio.Event()
            pending = [{"type": "http.request", "body": body, "more_body": False}]

            async def receive() -> dict:
                if pending:
                    return pending.pop()
                await answered.wait()  # the browser stays until the whole answer has come
                return {"type": "http.disconnect"}

            async def send(message: dict) -> None:
                out.append(message)
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    answered.set()

            await self.app(scope, receive, send)
            return out

        # A loop of its own in a thread: the browser tests' Playwright keeps one running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            messages = pool.submit(asyncio.run, run()).result()
        start = next(m for m in messages if m["type"] == "http.response.start")
        headers_out: dict[str, str] = {}
        for k, v in start["headers"]:
            name, value = k.decode("latin-1"), v.decode("latin-1")
            if name == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
            headers_out[name] = value
        content = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        return Answer(start["status"], headers_out, content)

    def get(self, target: str, headers: dict | None = None) -> Answer:
        return self.call("GET", target, headers=headers)

    def sign_in(self, username: str) -> Browser:
        page = self.get(SIGN_IN_PATH)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.body.decode()).group(1)
        form = urlencode({"csrf": html.unescape(csrf), "next": "/", "username": username, "password": PASSWORD})
        answer = self.call("POST", SIGN_IN_PATH, form.encode(), {"content-type": "application/x-www-form-urlencoded"})
        assert answer.status == 303 and COOKIE in self.cookies, answer.body[:300]
        return self


def png(color=(250, 250, 245), size=(120, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: EXIF with when and where (Quảng Trị), and the GPS accuracy."""
    image = Image.new("RGB", (640, 480), (90, 120, 60))
    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 09:15:00"
    exif[0x8825] = {1: "N", 2: (16.0, 48.0, 30.0), 3: "E", 4: (106.0, 54.0, 15.0), 31: 8.0}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(int(seconds * 8000) * 2))
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Files:
    """The campaign of tests/layers/people.py with files attached by its chapter leader."""

    campaign: object
    app: object
    guarded: object
    ids: dict[str, str]
    data: dict[str, bytes]


@pytest.fixture
def files(any_store, tmp_path, monkeypatch) -> Files:
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    campaign = build(any_store)
    add_user(any_store, "lc.tinh", "chapter", PASSWORD, system(), chapter=OTHER_PROVINCE)
    leader = campaign.viewer("qt.tinh")
    data = {"sketch": png(), "photo": jpeg_with_gps(), "sound": wav(), "pdf": PDF, "sent": png((9, 9, 9))}
    plan = {  # name: (record, original name, private, shared with partners)
        "sketch": ("r-qt", 'sơ đồ "mộ"; ông Bảy.png', True, False),
        "photo": ("r-qt", "IMG_0001.jpg", False, True),
        "sound": ("r-qt", "phong-van.wav", False, False),
        "pdf": ("r-qt", "giay-bao-tu.pdf", False, False),
        "sent": ("r-qt-assigned", "anh-nha.png", True, False),
    }
    ids = {
        name: attachments.attach(
            any_store, "reports", record, data[name], original, leader, private=private, shareable=shared
        )
        for name, (record, original, private, shared) in plan.items()
    }
    store_of = lambda: any_store  # noqa: E731
    app = Starlette(routes=[*sign_in_routes(store_of), *routes(store_of)])
    guarded = Starlette(
        routes=[*sign_in_routes(store_of), *routes(store_of)],
        middleware=[Middleware(SignInRequired, store_of=store_of)],
    )
    return Files(campaign, app, guarded, ids, data)


def refused(answer: Answer) -> bool:
    """The one bare answer: 404, no body, nothing about the file."""
    return (
        answer.status == 404
        and answer.body == b""
        and "content-disposition" not in answer.headers
        and answer.headers.get("cache-control") == "private, no-store"
    )


def test_the_chapter_leader_gets_the_file_inline_with_headers_that_keep_it_off_the_apps_origin(files):
    leader = Browser(files.app).sign_in("qt.tinh")
    answer = leader.get(file_url(files.ids["sketch"]))
    assert answer.status == 200
    assert answer.body == files.data["sketch"]
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["content-security-policy"] == "default-src 'none'; sandbox"
    said = answer.headers["content-disposition"]
    assert (
        said == "inline; filename*=UTF-8''s%C6%A1%20%C4%91%E1%BB%93%20%22m%E1%BB%99%22%3B%20%C3%B4ng%20B%E1%BA%A3y.png"
    )
    assert unquote(said.split("''", 1)[1]) == 'sơ đồ "mộ"; ông Bảy.png'
    photo = leader.get(file_url(files.ids["photo"]))
    assert photo.body == files.data["photo"]  # those who see the contacts get the photo as taken, EXIF and all


def test_a_pdf_is_handed_over_as_a_download_in_the_same_sandbox(files):
    answer = Browser(files.app).sign_in("qt.tinh").get(file_url(files.ids["pdf"]))
    assert answer.status == 200 and answer.body == PDF
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == "attachment; filename*=UTF-8''giay-bao-tu.pdf"
    assert answer.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_a_partner_gets_no_private_file_and_no_byte_of_it(files):
    partner = Browser(files.app).sign_in("doitac")
    assert refused(partner.get(file_url(files.ids["sketch"])))
    assert refused(partner.get(thumbnail_url(files.ids["sketch"])))


def test_a_partner_gets_no_file_the_chapter_did_not_share(files):
    partner = Browser(files.app).sign_in("doitac")
    assert refused(partner.get(file_url(files.ids["sound"])))
    assert refused(partner.get(file_url(files.ids["pdf"])))


def test_a_partner_gets_a_shared_photo_without_its_exif(files):
    partner = Browser(files.app).sign_in("doitac")
    answer = partner.get(file_url(files.ids["photo"]))
    assert answer.status == 200 and answer.headers["content-type"] == "image/jpeg"
    assert answer.body != files.data["photo"]
    with Image.open(io.BytesIO(answer.body)) as image:
        assert image.size == (640, 480)
        assert dict(image.getexif()) == {} and "exif" not in image.info
    assert answer.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_a_team_gets_a_private_file_only_of_the_record_it_was_sent_to(files):
    team = Browser(files.app).sign_in("qt.doi")
    assert refused(team.get(file_url(files.ids["sketch"])))  # its chapter's record, not its errand
    sent = team.get(file_url(files.ids["sent"]))
    assert sent.status == 200 and sent.body == files.data["sent"]


def test_a_team_not_sent_gets_no_recording_or_pdf_whose_metadata_cannot_be_taken_out(files):
    team = Browser(files.app).sign_in("qt.doi")  # r-qt is its chapter's, but the team is not sent there
    assert refused(team.get(file_url(files.ids["sound"])))  # the witness's voice
    assert refused(team.get(file_url(files.ids["pdf"])))  # a letter, its author in its metadata
    photo = team.get(file_url(files.ids["photo"]))  # a picture it may see comes without its EXIF
    assert photo.status == 200 and photo.body != files.data["photo"]


def test_a_chapter_of_another_province_gets_nothing(files):
    other = Browser(files.app).sign_in("lc.tinh")
    for name in files.ids:
        assert refused(other.get(file_url(files.ids[name]))), name
        assert refused(other.get(thumbnail_url(files.ids[name]))), name


def test_no_cookie_a_forged_cookie_and_an_unknown_id_get_the_same_bare_404(files):
    stranger = Browser(files.app)
    assert refused(stranger.get(file_url(files.ids["photo"])))
    forged = Browser(files.app, {COOKIE: "eyJmYWtlIjoidG9rZW4ifQ.forged.signature"})
    assert refused(forged.get(file_url(files.ids["photo"])))
    leader = Browser(files.app).sign_in("qt.tinh")
    assert refused(leader.get(file_url("00000000-0000-0000-0000-000000000000")))
    for address in HOSTILE["addresses"]:  # a path the route does not take falls to the app's own 404
        answer = leader.get(address["value"].replace(" ", "%20").replace("'", "%27"))
        assert answer.status == 404 and not any(data[:64] in answer.body for data in files.data.values())


def test_behind_the_sign_in_check_a_visitor_without_a_session_is_sent_to_sign_in_with_no_bytes(files):
    answer = Browser(files.guarded).get(file_url(files.ids["photo"]))
    assert answer.status == 303 and answer.headers["location"].startswith(SIGN_IN_PATH)
    assert files.data["photo"][:64] not in answer.body
    leader = Browser(files.guarded).sign_in("qt.tinh")
    assert leader.get(file_url(files.ids["photo"])).body == files.data["photo"]


def test_a_removed_attachment_is_no_longer_served(files):
    leader = Browser(files.app).sign_in("qt.tinh")
    assert leader.get(file_url(files.ids["pdf"])).status == 200
    attachments.remove_attachment(files.campaign.store, files.ids["pdf"], files.campaign.viewer("qt.tinh"), "gửi nhầm")
    assert refused(leader.get(file_url(files.ids["pdf"])))


def test_a_recording_seeks_with_a_range_request(files):
    leader = Browser(files.app).sign_in("qt.tinh")
    sound = files.data["sound"]
    answer = leader.get(file_url(files.ids["sound"]), {"range": "bytes=1000-1999"})
    assert answer.status == 206
    assert answer.body == sound[1000:2000]
    assert answer.headers["content-range"] == f"bytes 1000-1999/{len(sound)}"
    assert answer.headers["content-type"] == "audio/wav" and answer.headers["accept-ranges"] == "bytes"
    assert answer.headers["content-security-policy"] == SAFE_HEADERS["Content-Security-Policy"]
    whole = leader.get(file_url(files.ids["sound"]))
    assert whole.status == 200 and whole.body == sound


def test_the_thumbnail_is_a_small_jpeg_without_exif(files):
    leader = Browser(files.app).sign_in("qt.tinh")
    answer = leader.get(thumbnail_url(files.ids["photo"]))
    assert answer.status == 200 and answer.headers["content-type"] == "image/jpeg"
    assert answer.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(answer.body)) as image:
        assert image.format == "JPEG" and max(image.size) == 320
        assert dict(image.getexif()) == {} and "exif" not in image.info
    assert refused(leader.get(thumbnail_url(files.ids["sound"])))  # a recording has no thumbnail


def test_a_file_missing_from_the_folder_is_a_bare_404_not_a_traceback(files):
    leader = Browser(files.app).sign_in("qt.tinh")
    row = attachments.attachment_for(files.campaign.store, files.ids["sound"], files.campaign.viewer("qt.tinh"))
    attachments.file_path(row["sha256"]).unlink()
    assert refused(leader.get(file_url(files.ids["sound"])))


@pytest.mark.parametrize("name", HOSTILE["names"], ids=lambda n: n["trap"])
def test_a_hostile_file_name_cannot_add_a_header_or_a_parameter(name):
    said = disposition(name["value"], "tep")
    assert said.startswith("inline; filename*=UTF-8''")
    encoded = said.split("''", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_.~%-]+", encoded), said
    assert len(said) < 1000


@pytest.mark.parametrize("caption", HOSTILE["captions"], ids=lambda c: c["trap"])
def test_a_hostile_caption_is_shown_as_text_in_the_panel(caption):
    for kind in ("image", "audio", "video", "document"):
        row = {"id": "a-1", "kind": kind, "caption": caption["value"], "original_name": caption["value"], "size": 10}
        shown = item_html(row, "vi")
        assert html.escape(caption["value"]) in shown
        for raw in ("<script", 'onerror="', 'onmouseover="', "<img src=x"):
            if raw in caption["value"]:
                assert raw not in shown.replace('<img src="/tep/', ""), (kind, raw)
