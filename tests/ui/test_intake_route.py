"""The public intake page's routes (ui/intake.py) driven through ASGI as a browser would call them,
against a real SQLite store: the form shows its labelled fields, a post stores a report and
answers with a receipt, an oversized body is refused before it is read, the CSRF token is
checked, hostile text comes back escaped, no stored data is ever shown, and the QR code is a PNG.

(The requests are sent with a small ASGI driver rather than Starlette's TestClient, which would
need httpx, a package the app does not otherwise use.)"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.middleware import Middleware

from layers import intake
from layers.access import system
from layers.intake import ADDRESS_LIMIT, SESSION_LIMIT, Limit
from layers.seed import load_demo, seed_reference
from ui.auth import SignInRequired
from ui.auth import routes as sign_in_routes
from ui.intake import CSRF_COOKIE, INTAKE_PATH, MAX_BODY, QR_PATH, SESSION_COOKIE, client_address, qr_png, routes

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
PAYLOADS = json.loads((HOSTILE / "intake_corpus.json").read_text(encoding="utf-8"))["payloads"]
CODE = re.compile(r"TB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}")
TEXT_FIELDS = (
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


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


@dataclass
class Browser:
    """Calls an ASGI app and keeps its cookies, as one browser does."""

    app: object
    address: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, target: str, body: bytes = b"", headers: dict | None = None, chunk=65_536) -> Answer:
        parts = urlsplit(target)
        sent_headers = {"host": "testserver", **(headers or {})}
        if self.cookies:
            sent_headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body and "content-length" not in sent_headers:
            sent_headers["content-length"] = str(len(body))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in sent_headers.items()],
            "client": (self.address, 50_000),
            "server": ("testserver", 80),
        }
        pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
        self.chunks_read = 0

        async def run() -> list[dict]:
            out: list[dict] = []
            queue = list(pieces)

            async def receive() -> dict:
                if queue:
                    self.chunks_read += 1
                    piece = queue.pop(0)
                    return {"type": "http.request", "body": piece, "more_body": bool(queue)}
                return {"type": "http.disconnect"}

            async def send(message: dict) -> None:
                out.append(message)

            await self.app(scope, receive, send)
            return out

        # A loop of its own in a thread: the browser tests' Playwright keeps one running in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            messages = pool.submit(asyncio.run, run()).result()
        start = next(m for m in messages if m["type"] == "http.response.start")
        headers_out = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
        for name, value in headers_out:
            if name == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
        content = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        return Answer(start["status"], headers_out, content)

    def get(self, target: str) -> Answer:
        return self.call("GET", target)

    def post(self, target: str, fields: dict[str, str], files: list[tuple[str, bytes]] = ()) -> Answer:
        body, kind = multipart(fields, files)
        return self.call("POST", target, body, {"content-type": kind})


def multipart(fields: dict[str, str], files: list[tuple[str, bytes]] = ()) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser writes it (an empty file part when none is chosen)."""
    boundary = f"----bando{uuid.uuid4().hex}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(str(value).encode("utf-8") + b"\r\n")
    for filename, data in files or [("", b"")]:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (255, 255, 250)).save(out, "PNG")
    return out.getvalue()


ACCOUNT = {
    "martyr_names": "Lê Văn Hùng",
    "unit": "Đội 65",
    "period_text": "năm 1972",
    "place_description": "Sau trường học cũ, gần gốc me",
    "province": "VN-25",
    "knows": "saw",
    "witness_name": "Phạm Văn Bảy",
    "witness_phone": "0987 654 321",
    "consent": "chapter",
    "agreed": "1",
}


@pytest.fixture
def demo_store(store, tmp_path, monkeypatch):
    """Reference data and 200 demo reports (stored data the page must never show)."""
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    seed_reference(store)
    load_demo(store, reports=200, seed=3)
    yield store
    store.engine.dispose()


@pytest.fixture
def browser(demo_store) -> Browser:
    app = Starlette(
        routes=[*sign_in_routes(lambda: demo_store), *routes(lambda: demo_store)],
        middleware=[Middleware(SignInRequired, store_of=lambda: demo_store)],
    )
    return Browser(app)


def opened(browser: Browser) -> str:
    """Open the form (which sets the cookies) and return its CSRF token."""
    page = browser.get(INTAKE_PATH)
    assert page.status == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def stored_reports(store) -> list[dict]:
    frame = store.frame("reports", system())
    return frame.to_dict("records")


def test_the_form_opens_without_signing_in_and_shows_its_labelled_fields(browser):
    page = browser.get(INTAKE_PATH)
    assert page.status == 200, page.text[:300]
    for label in ("Họ tên liệt sĩ", "Mô tả nơi chôn cất", "Tỉnh, thành", "Điện thoại của bạn", "Gửi thông tin"):
        assert label in page.text
    assert re.search(r'<label for="province">Tỉnh, thành</label>', page.text)
    assert page.text.count('<option value="VN-') == 34 and "Quảng Trị" in page.text
    assert 'type="checkbox" id="agreed"' in page.text and page.text.count('type="radio" name="consent"') == 3
    assert 'enctype="multipart/form-data"' in page.text
    assert {SESSION_COOKIE, CSRF_COOKIE} <= set(browser.cookies)
    assert "script-src 'self'" in page.header("content-security-policy")
    assert "/gui-thong-tin/qr.png" in page.text and "http://testserver/gui-thong-tin" in page.text
    english = browser.get(f"{INTAKE_PATH}?lang=en")
    assert "Martyr&#x27;s name(s)" in english.text and "Send" in english.text


def test_an_account_with_a_sketch_is_stored_and_answered_with_a_receipt(browser, demo_store):
    csrf = opened(browser)
    before = len(stored_reports(demo_store))
    answer = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}, [("so-do.png", png())])
    assert answer.status == 200, answer.text[:2000]
    code = CODE.search(answer.text).group(0)
    assert "Hội Cựu TNXP tỉnh Quảng Trị" in answer.text
    reports = stored_reports(demo_store)
    assert len(reports) == before + 1
    (record,) = [r for r in reports if r["receipt_code"] == code]
    assert record["status"] == "new" and record["source_channel"] == "form"
    assert record["chapter_id"] == "chapter-vn-25" and record["witness_consent"] == "chapter"
    from layers.attachments import attachments_of

    assert len(attachments_of(demo_store, "reports", record["id"], system())) == 1


def test_the_answer_never_shows_stored_data(browser, demo_store):
    stored = stored_reports(demo_store)
    secrets = {str(r[k]) for r in stored for k in ("witness_name", "witness_phone", "martyr_names") if r.get(k)}
    csrf = opened(browser)
    pages = [browser.get(INTAKE_PATH).text, browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}).text]
    pages.append(browser.post(INTAKE_PATH, {"csrf": csrf}).text)  # refused: the form again
    for page in pages:
        shown = [s for s in secrets if len(s) > 5 and s in page]
        assert shown == []


def test_a_post_without_the_pages_token_is_refused_and_keeps_what_was_typed(browser, demo_store):
    opened(browser)
    before = len(stored_reports(demo_store))
    answer = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": "forged"})
    assert answer.status == 400 and "bấm «Gửi thông tin» lần nữa" in answer.text
    assert "Sau trường học cũ, gần gốc me" in answer.text  # nothing typed is lost
    assert len(stored_reports(demo_store)) == before
    stranger = Browser(browser.app)  # another site posting for a visitor with no cookie
    assert stranger.post(INTAKE_PATH, {**ACCOUNT, "csrf": "x"}).status == 400


def test_an_oversized_body_is_refused_with_413_before_it_is_read(browser):
    csrf = opened(browser)
    said = browser.call(
        "POST",
        INTAKE_PATH,
        b"x",
        {"content-type": "multipart/form-data; boundary=x", "content-length": str(MAX_BODY + 1)},
    )
    assert said.status == 413 and "quá lớn" in said.text and browser.chunks_read == 0
    # A body that lies about its length is cut off as soon as it passes the cap.
    body, kind = multipart({**ACCOUNT, "csrf": csrf}, [("big.png", b"\x89PNG" + b"0" * (MAX_BODY + 10))])
    lying = browser.call(
        "POST", INTAKE_PATH, body, {"content-type": kind, "content-length": "100"}, chunk=MAX_BODY // 8
    )
    assert lying.status == 413 and browser.chunks_read <= 10


def test_six_photos_are_refused_with_a_message(browser):
    csrf = opened(browser)
    answer = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}, [(f"{i}.png", png()) for i in range(6)])
    assert answer.status == 400 and "Tối đa 5 ảnh" in answer.text


def test_a_script_named_jpg_is_refused_naming_the_file(browser):
    csrf = opened(browser)
    data = (HOSTILE / "intake_script_named.jpg").read_bytes()
    answer = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}, [("anh.jpg", data)])
    assert answer.status == 400 and "«anh.jpg» không phải ảnh JPEG, PNG hay WebP" in answer.text
    assert "<script>alert(1)</script>" not in answer.text


def test_script_payloads_in_every_field_come_back_escaped(browser, demo_store):
    for payload in PAYLOADS[:4]:
        csrf = opened(browser)
        fields = {**ACCOUNT, **dict.fromkeys(TEXT_FIELDS, payload), "csrf": csrf}
        fields["witness_phone"] = "0912 000 111"
        browser.cookies.pop("bando_intake", None)  # a new session: the session limit is tested elsewhere
        answer = browser.post(INTAKE_PATH, fields)
        assert answer.status == 200, answer.text[:1500]
        assert payload not in answer.text
        assert not any(tag in answer.text for tag in ("<script>alert", "<img src=x", "<svg onload", "</textarea><"))
        assert html.escape(payload) in answer.text
        # Refused (the phone is in every field): the form shows the values escaped too.
        fields["witness_phone"] = payload
        again = browser.post(INTAKE_PATH, {**fields, "csrf": browser.cookies[CSRF_COOKIE]})
        assert again.status == 400 and payload not in again.text and html.escape(payload) in again.text


def test_a_flood_from_one_session_is_refused_after_the_limit(browser):
    csrf = opened(browser)
    statuses = [browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}).status for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    refused = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf})
    assert "Bạn đã gửi nhiều lần trong thời gian ngắn" in refused.text


def test_a_database_failure_gives_one_line_and_no_traceback(demo_store, caplog):
    from layers.errors import StoreError

    def broken():
        raise StoreError("Không mở được cơ sở dữ liệu (OperationalError).")

    browser = Browser(Starlette(routes=routes(broken)))
    csrf = opened(browser)
    answer = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf})
    assert answer.status == 503 and "Traceback" not in answer.text and "Đã có lỗi không mong đợi" in answer.text
    assert "Phạm Văn Bảy" not in caplog.text and "0987" not in caplog.text


def test_the_qr_code_is_a_png_of_the_pages_address(browser):
    answer = browser.get(QR_PATH)
    assert answer.status == 200 and answer.header("content-type") == "image/png"
    image = Image.open(io.BytesIO(answer.body))
    assert image.format == "PNG" and image.size[0] >= 250


def test_a_visitor_dropping_the_session_cookie_is_still_held_by_the_address_limit(browser):
    statuses = []
    for _ in range(ADDRESS_LIMIT.count + 1):
        browser.cookies.clear()  # a new session and a new token each time
        csrf = opened(browser)
        statuses.append(browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}).status)
    assert statuses == [200] * ADDRESS_LIMIT.count + [429]


def test_posts_with_a_stale_token_count_toward_the_limits(browser):
    opened(browser)
    statuses = [browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": "cu"}).status for _ in range(SESSION_LIMIT.count + 1)]
    assert statuses == [400] * SESSION_LIMIT.count + [429]
    answer = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": browser.cookies[CSRF_COOKIE]})
    assert answer.status == 429 and "Sau trường học cũ, gần gốc me" in answer.text  # what was typed is kept


def forwarded(browser: Browser, hop: str) -> int:
    browser.cookies.clear()
    csrf = opened(browser)
    body, kind = multipart({**ACCOUNT, "csrf": csrf})
    return browser.call("POST", INTAKE_PATH, body, {"content-type": kind, "x-forwarded-for": hop}).status


def test_x_forwarded_for_is_ignored_unless_the_installation_names_its_proxy(browser, monkeypatch):
    monkeypatch.delenv("BANDO_TRUSTED_PROXY", raising=False)
    statuses = [forwarded(browser, f"203.0.113.{i}") for i in range(ADDRESS_LIMIT.count + 1)]
    assert statuses[-1] == 429  # a header any client can send does not make new addresses


def test_behind_a_named_proxy_each_forwarded_client_has_its_own_address_limit(browser, monkeypatch):
    monkeypatch.setenv("BANDO_TRUSTED_PROXY", "10.0.0.9, 127.0.0.1")
    statuses = [forwarded(browser, f"198.51.100.7, 203.0.113.{i}") for i in range(ADDRESS_LIMIT.count + 1)]
    assert statuses == [200] * (ADDRESS_LIMIT.count + 1)  # each its own client, whatever it claims before
    statuses = [forwarded(browser, "203.0.113.200, 10.0.0.9") for _ in range(ADDRESS_LIMIT.count + 1)]
    assert statuses[-1] == 429  # one client through two trusted proxies: one address


def test_client_address_reads_only_a_trusted_proxys_header(monkeypatch):
    from starlette.requests import Request

    def request(peer: str, header: str | None) -> Request:
        headers = [(b"x-forwarded-for", header.encode())] if header else []
        return Request({"type": "http", "headers": headers, "client": (peer, 1)})

    monkeypatch.delenv("BANDO_TRUSTED_PROXY", raising=False)
    assert client_address(request("127.0.0.1", "203.0.113.5")) == "127.0.0.1"
    monkeypatch.setenv("BANDO_TRUSTED_PROXY", "127.0.0.1")
    assert client_address(request("127.0.0.1", "203.0.113.5")) == "203.0.113.5"
    assert client_address(request("127.0.0.1", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    assert client_address(request("127.0.0.1", None)) == "127.0.0.1"
    assert client_address(request("192.0.2.1", "203.0.113.5")) == "192.0.2.1"  # not the proxy


def test_without_a_public_address_the_qr_code_of_the_requests_host_is_never_cached(browser, monkeypatch):
    monkeypatch.delenv("BANDO_PUBLIC_URL", raising=False)
    monkeypatch.setattr("layers.config.SECRETS", Path("/nonexistent/secrets.toml"))
    answer = browser.call("GET", QR_PATH, headers={"host": "ke-gia-mao.example"})
    assert answer.status == 200 and answer.header("cache-control") == "no-store"
    assert answer.body == qr_png("http://ke-gia-mao.example/gui-thong-tin")


def test_with_a_public_address_the_qr_code_and_share_line_ignore_the_host_header(browser, monkeypatch):
    monkeypatch.setenv("BANDO_PUBLIC_URL", "https://bando.hoicuutnxp.vn/")
    answer = browser.call("GET", QR_PATH, headers={"host": "ke-gia-mao.example"})
    assert answer.header("cache-control") == "max-age=86400"
    assert answer.body == qr_png("https://bando.hoicuutnxp.vn/gui-thong-tin")
    page = browser.call("GET", INTAKE_PATH, headers={"host": "ke-gia-mao.example"}).text
    assert "https://bando.hoicuutnxp.vn/gui-thong-tin" in page and "ke-gia-mao" not in page


def test_when_the_hours_photo_budget_is_spent_the_form_says_so_and_keeps_the_text(browser, monkeypatch):
    monkeypatch.setattr(intake, "PHOTO_BUDGET", Limit(100, intake.PHOTO_BUDGET.window))
    csrf = opened(browser)
    answer = browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}, [("so-do.png", png())])
    assert answer.status == 503 and "quá nhiều ảnh" in answer.text and "không kèm ảnh" in answer.text
    assert "Sau trường học cũ, gần gốc me" in answer.text
    assert browser.post(INTAKE_PATH, {**ACCOUNT, "csrf": csrf}).status == 200  # without photos it goes
