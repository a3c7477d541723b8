"""Signing in, in a real browser with the network blocked: nothing shows before it, the session
is an HttpOnly cookie that survives a reload and ends server-side at sign-out, wrong passwords
lock an account, and each role sees only the witness contacts it may."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus, urlparse

import pytest

from layers.access import system
from layers.query import FilterSpec, mask, prepare
from layers.store import Store
from layers.users import DEMO_USERS
from tests.browser.conftest import LOCK_PASSWORD, LOCK_USER, XSS_MARKER, offline_context, save_screenshot
from tests.browser.helpers import (
    ADMIN,
    CHAPTER_LEADER,
    PARTNER,
    RECORDER,
    SIGN_OUT,
    all_text,
    choose_option,
    download_file,
    map_frame,
    on_sign_in_page,
    open_popup,
    select_first_row,
    sign_in,
    sign_out_link,
    squeeze,
    submit_sign_in,
    wait_for_counts,
    wait_until_idle,
)

COOKIE = "bando_session"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = "tạm khóa"
CONTACTS_TOGGLE = "Hiện liên hệ nhân chứng"
TEAM_AUDIENCE = "Đội tìm kiếm – có liên hệ nhân chứng"
CSV = "CSV – bảng tính · cho đối tác, văn phòng"
GEOJSON = "GeoJSON – QGIS, đối tác · cho đối tác, văn phòng"
DISPLAY_NAME = {username: name for username, name, _role, _chapter in DEMO_USERS}
PUBLIC_TEXT = ("martyr_names", "unit", "hometown", "historical_place", "place_description", "period_text", "notes")
PHONE = re.compile(r"(?<!\d)0\d{3}\s*\d{7}(?!\d)")


# -- what the test database holds -------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(app_db_url):
    """Every report of the test database, private fields included."""
    store = Store.open(app_db_url)
    frame = store.frame("reports", system())
    store.engine.dispose()
    return frame


def _pick(reports, chapter: str) -> dict:
    """A located report of `chapter` with a witness name and phone, that a search for its martyrs'
    names finds alone, and whose witness name is in no public text of any report (so finding the
    name on a page means the contact leaked, not that a martyr has the same name)."""
    prepared = prepare(reports)
    public = "\n".join(reports[c].fillna("").astype(str).str.cat(sep="\n") for c in PUBLIC_TEXT)
    rows = reports[
        (reports["chapter_id"] == chapter)
        & reports["witness_phone"].notna()
        & reports["witness_name"].notna()
        & reports.geometry.notna()
    ]
    for row in rows.to_dict("records"):
        if row["martyr_names"] == "Chưa rõ tên" or row["witness_name"] in public:
            continue
        if int(mask(prepared, FilterSpec(text=row["martyr_names"])).sum()) == 1:
            return row
    raise AssertionError(f"no report of {chapter} fits the test")


@pytest.fixture(scope="module")
def quang_tri(reports) -> dict:
    """A report received by Quảng Trị's chapter, with the witness's phone."""
    return _pick(reports, "chapter-vn-25")


@pytest.fixture(scope="module")
def nghe_an(reports) -> dict:
    """A report received by Nghệ An's chapter about a site in Nghệ An, with the witness's phone."""
    row = _pick(reports, "chapter-vn-22")
    assert row["province_34"] == "VN-22"
    return row


def _phones_in(text: str) -> set[str]:
    return {squeeze(p) for p in PHONE.findall(text)}


# -- moving around the app ---------------------------------------------------------------------


def _map_of(page, url: str, username: str, report: dict) -> None:
    """The map of one report (searched by its martyrs' names) as `username`."""
    sign_in(page, url, username, path=f"/ban-do?text={quote_plus(report['martyr_names'])}")
    assert wait_for_counts(page) == (1, 1)
    wait_until_idle(page)


def _open_popup(page):
    _, popup = open_popup(
        page, lambda p: map_frame(p, lambda f: f.locator("path.report-marker").count() == 1, what="the report's marker")
    )
    return popup.inner_text()


def _open_detail(page) -> str:
    """Select the table's first row; the detail panel beside the map shows that report."""
    select_first_row(page)
    page.get_by_text("Mã: #").first.wait_for(timeout=30_000)
    wait_until_idle(page)
    return page.locator('[data-testid="stMain"]').inner_text()


def _contacts_on(page) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(CONTACTS_TOGGLE).click()
    wait_until_idle(page)


def _navigation(page) -> str:
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for(timeout=30_000)
    return nav.inner_text()


# -- a visitor who has not signed in -----------------------------------------------------------


def _assert_sign_in_page(page) -> None:
    assert on_sign_in_page(page), page.url
    page.get_by_label("Tên đăng nhập", exact=True).wait_for(timeout=10_000)
    page.get_by_label("Mật khẩu", exact=True).wait_for(timeout=10_000)
    page.get_by_role("button", name="Đăng nhập", exact=True).wait_for(timeout=10_000)


def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_page(app_url, reports, browser, offline_page):
    page = offline_page
    for path in ("/", "/ban-do", "/xuat-du-lieu", "/ban-do?text=XSSPROBE"):
        answer = page.request.get(f"{app_url}{path}", max_redirects=0)
        assert answer.status == 303, path
        assert answer.headers["location"].startswith("/dang-nhap?next="), answer.headers["location"]
    witnesses = reports["witness_name"].dropna().head(50).tolist()
    for path in ("/", "/ban-do", "/xuat-du-lieu"):
        page.goto(f"{app_url}{path}")
        _assert_sign_in_page(page)
        page.wait_for_timeout(1500)  # anything the page might still load
        shown = all_text(page)
        assert "Tin báo" not in shown and "tin báo trong bảng" not in shown
        assert XSS_MARKER not in shown
        assert not [w for w in witnesses if w in shown]
        assert not _phones_in(shown)
        assert page.locator('[data-testid="stDataFrame"], iframe').count() == 0
        assert COOKIE not in {c["name"] for c in page.context.cookies()}
    save_screenshot(page, "sign_in_desktop")
    phone = offline_context(browser, width=390, height=844)
    try:
        small = phone.new_page()
        small.goto(f"{app_url}/ban-do")
        _assert_sign_in_page(small)
        button = small.get_by_role("button", name="Đăng nhập", exact=True).bounding_box()
        assert button["x"] >= 0 and button["x"] + button["width"] <= 390  # no sideways scrolling to sign in
        save_screenshot(small, "sign_in_phone")
    finally:
        phone.close()
    assert page.blocked == []


# -- the session ------------------------------------------------------------------------------


def test_the_session_survives_a_reload_in_an_http_only_cookie(app_url, offline_page):
    page = offline_page
    sign_in(page, app_url, ADMIN, path="/ban-do")
    assert urlparse(page.url).path == "/ban-do"  # back to the page asked for
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(DISPLAY_NAME[ADMIN]).wait_for(timeout=30_000)
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] is True
    assert page.evaluate("() => document.cookie").find(COOKIE) == -1  # no script can read it
    page.reload()
    assert urlparse(page.url).path == "/ban-do"
    sign_out_link(page).wait_for(timeout=60_000)
    sidebar.get_by_text(DISPLAY_NAME[ADMIN]).wait_for(timeout=30_000)
    assert wait_for_counts(page) == (2001, 2001)  # the data is there after the reload


def _follow_sign_out(page):
    """Click "Đăng xuất"; the page, or a tab it opened, that answered."""
    before = list(page.context.pages)
    sign_out_link(page).click()
    for _ in range(60):
        for candidate in page.context.pages:
            if on_sign_in_page(candidate):
                return candidate
        page.wait_for_timeout(250)
    raise AssertionError(f"no sign-in page after clicking {SIGN_OUT}: {[p.url for p in page.context.pages]} {before}")


def test_signing_out_ends_the_session_on_the_server(app_url, browser, offline_page):
    page = offline_page
    sign_in(page, app_url, ADMIN, path="/ban-do")
    old = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    _follow_sign_out(page)
    page.goto(f"{app_url}/ban-do")
    _assert_sign_in_page(page)
    # The old cookie, kept by someone, opens nothing: the session ended on the server.
    other = offline_context(browser)
    try:
        other.add_cookies([{"name": COOKIE, "value": old["value"], "url": app_url}])
        stolen = other.new_page()
        stolen.goto(f"{app_url}/ban-do")
        _assert_sign_in_page(stolen)
        assert XSS_MARKER not in all_text(stolen)
    finally:
        other.close()


def test_the_sign_out_link_takes_the_same_tab_to_the_sign_in_page(app_url, offline_page):
    """A person who signs out on a shared computer must not leave the data open in the tab."""
    page = offline_page
    sign_in(page, app_url, ADMIN, path="/ban-do")
    wait_for_counts(page)
    answered = _follow_sign_out(page)
    opened = [p.url for p in page.context.pages if p is not page]
    assert answered is page, f"{SIGN_OUT} opened a new tab {opened}; this tab still shows {page.url}"
    _assert_sign_in_page(page)


def test_five_wrong_passwords_lock_the_account(app_url, offline_page):
    page = offline_page
    page.goto(f"{app_url}/ban-do")
    _assert_sign_in_page(page)
    said = []
    for _ in range(5):
        submit_sign_in(page, LOCK_USER, "mat-khau-sai")
        assert on_sign_in_page(page)
        said.append(page.get_by_role("alert").inner_text())
    assert said[:4] == [WRONG] * 4
    assert LOCKED in said[4]
    submit_sign_in(page, LOCK_USER, LOCK_PASSWORD)  # the right password, while locked
    assert on_sign_in_page(page)
    assert LOCKED in page.get_by_role("alert").inner_text()
    assert COOKIE not in {c["name"] for c in page.context.cookies()}
    page.goto(f"{app_url}/ban-do")
    _assert_sign_in_page(page)


# -- what each role sees ----------------------------------------------------------------------


def test_a_partner_sees_no_witness_phone_anywhere(app_url, reports, quang_tri, offline_page):
    page = offline_page
    phone, witness = squeeze(quang_tri["witness_phone"]), quang_tri["witness_name"]
    every_phone = {squeeze(p) for p in reports["witness_phone"].dropna()}
    _map_of(page, app_url, PARTNER, quang_tri)
    navigation = _navigation(page)
    for title in ("Tổng quan", "Bản đồ", "Độ phủ tìm kiếm", "Xuất dữ liệu"):
        assert title in navigation
    assert "Nhập dữ liệu" not in navigation and "Báo cáo" not in navigation
    # A partner sees the contacts of witnesses who agreed that partner units contact them (none of
    # these): with the contacts switched on, still no witness's phone or name.
    page.get_by_text(CONTACTS_TOGGLE).click()
    wait_until_idle(page)
    popup = _open_popup(page)
    assert quang_tri["martyr_names"] in popup  # the popup of the report with the phone
    detail = _open_detail(page)
    assert quang_tri["martyr_names"] in detail
    page.wait_for_timeout(1000)
    shown = all_text(page)
    assert phone not in squeeze(shown) and witness not in shown
    assert not _phones_in(shown) & every_phone
    save_screenshot(page, "partner_map")

    page.goto(f"{app_url}/xuat-du-lieu")  # every report the partner reaches
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Định dạng tệp").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert main.get_by_text(TEAM_AUDIENCE).count() == 0  # a partner's file only
    files = {}
    for label in (GEOJSON, CSV):
        choose_option(page, main, "Định dạng tệp", label)
        name, data = download_file(page, main, "tin-bao")
        files[name] = data.decode("utf-8-sig")
    geojson = next(text for name, text in files.items() if name.endswith(".geojson"))
    features = json.loads(geojson)["features"]
    assert len(features) == 2001
    assert quang_tri["id"] in {f["properties"].get("id") for f in features} or quang_tri["martyr_names"] in geojson
    for name, text in files.items():
        assert phone not in squeeze(text), name
        assert witness not in text, name
        assert not _phones_in(text) & every_phone, name
        assert "witness_phone" not in text, name
    shown = all_text(page)
    assert phone not in squeeze(shown) and witness not in shown


def test_a_quang_tri_recorder_sees_quang_tri_contacts_and_not_nghe_an(app_url, quang_tri, nghe_an, offline_page):
    page = offline_page
    own, other = squeeze(quang_tri["witness_phone"]), squeeze(nghe_an["witness_phone"])
    _map_of(page, app_url, RECORDER, quang_tri)
    assert "Nhập dữ liệu" in _navigation(page)
    shown = all_text(page)
    assert own not in squeeze(shown)  # contacts are off until asked for
    _contacts_on(page)
    detail = _open_detail(page)
    assert f"Điện thoại: {quang_tri['witness_phone']}" in detail
    assert f"Nhân chứng: {quang_tri['witness_name']}" in detail
    popup = _open_popup(page)
    assert quang_tri["witness_phone"] in popup
    page.wait_for_timeout(1000)
    save_screenshot(page, "recorder_map_contacts")
    assert other not in squeeze(all_text(page))

    # Nghệ An's report, of another chapter in another province: not there at all.
    page.goto(f"{app_url}/ban-do?text={quote_plus(nghe_an['martyr_names'])}")
    sign_out_link(page).wait_for(timeout=60_000)
    assert wait_for_counts(page) == (0, 0)
    wait_until_idle(page)
    _contacts_on(page)
    page.wait_for_timeout(1000)
    shown = all_text(page)
    assert other not in squeeze(shown) and nghe_an["witness_name"] not in shown

    # The recorder's files are for partners only: no contact at all.
    page.goto(f"{app_url}/xuat-du-lieu?text={quote_plus(quang_tri['martyr_names'])}")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Định dạng tệp").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert main.get_by_text(TEAM_AUDIENCE).count() == 0
    choose_option(page, main, "Định dạng tệp", CSV)
    _name, data = download_file(page, main, "tin-bao")
    text = data.decode("utf-8-sig")
    assert quang_tri["martyr_names"] in text and own not in squeeze(text)


def test_a_quang_tri_chapter_leader_exports_quang_tri_contacts_and_not_nghe_an(
    app_url, quang_tri, nghe_an, offline_page
):
    page = offline_page
    sign_in(page, app_url, CHAPTER_LEADER, path="/xuat-du-lieu")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Định dạng tệp").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    choose_option(page, main, "Định dạng tệp", CSV)
    main.get_by_text(TEAM_AUDIENCE).click()
    wait_until_idle(page)
    _name, data = download_file(page, main, "tin-bao")
    text = squeeze(data.decode("utf-8-sig"))
    assert squeeze(quang_tri["witness_phone"]) in text
    assert squeeze(nghe_an["witness_phone"]) not in text
    assert squeeze(nghe_an["martyr_names"]) not in text


SIGN_IN_PROBE, SIGN_IN_PROBE_PASSWORD = "demo.doi", "demo2027"  # an account that signs in for real
HOSTILE = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "hostile" / "sign_in_fields.json").read_text("utf-8")
)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post_sign_in(url: str, fields: dict, raw: bytes | None = None):
    """A sign-in as a script would send it: the form page first (its CSRF cookie and field), then
    the POST; returns (status, headers, body) without following a redirect."""
    with urllib.request.urlopen(f"{url}/dang-nhap") as page:
        cookie = page.headers.get("set-cookie", "").split(";", 1)[0]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.read().decode()).group(1)
    body = raw if raw is not None else urllib.parse.urlencode({"csrf": csrf, **fields}).encode()
    request = urllib.request.Request(
        f"{url}/dang-nhap", data=body, headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_hostile_sign_in_values_sign_nobody_in_and_are_never_echoed_as_markup(app_url):
    for fields in HOSTILE["fields"]:
        status, headers, body = _post_sign_in(app_url, fields)
        assert status in (400, 401), fields
        assert "bando_session=" not in (headers.get("set-cookie") or ""), fields
        assert "<script>alert" not in body and "onerror=alert" not in body and "Traceback" not in body, fields
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in body or "tạm khóa" in body, fields


def test_after_signing_in_the_browser_goes_only_to_a_page_of_this_site(app_url):
    for target in HOSTILE["next"]:
        status, headers, _ = _post_sign_in(
            app_url, {"username": SIGN_IN_PROBE, "password": SIGN_IN_PROBE_PASSWORD, "next": target}
        )
        assert status == 303 and headers["location"] == "/", target


def test_a_huge_sign_in_form_is_refused_without_a_traceback(app_url):
    raw = b"username=" + b"a" * HOSTILE["huge_field_bytes"] + b"&password=x"
    try:
        status, _, body = _post_sign_in(app_url, {}, raw=raw)
    except urllib.error.URLError as error:
        # The server answered and closed before taking the whole body: the refusal came first.
        assert isinstance(error.reason, (BrokenPipeError, ConnectionResetError)), error
        status, body = 413, ""
    assert 400 <= status < 500 and "Traceback" not in body
    assert _post_sign_in(app_url, {"username": "x", "password": "y"})[0] in (400, 401)  # the server still answers
