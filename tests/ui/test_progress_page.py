"""The public progress page's every answer (ui/progress_page.py), fetched through ASGI as a
browser would on a demo store, scanned for what must never reach a visitor: no coordinate finer
than the H3 resolution-5 cell of a published cell (every lon/lat pair is a simplified province
vertex, a vertex of a shown hexagon, or the map's fixed view), no site's position, no witness's
name or phone, no trip text, no metadata in the PNG cards; and the caching and framing headers.

(Requests go through the intake tests' small ASGI driver: Starlette's TestClient needs httpx,
which the app does not install.)"""

from __future__ import annotations

import io
import json
import re
import zipfile

import h3
import pytest
from PIL import Image
from starlette.applications import Starlette

from layers.access import system
from layers.seed import load_demo, seed_reference
from layers.store import Store
from tests.ui.test_intake_route import Browser
from ui.i18n import text
from ui.progress_page import MAP_VIEW, RENDERINGS, province_shapes, routes

PAGES = (
    "/tien-do",
    "/tien-do?lang=en",
    "/tien-do/VN-25",
    "/tien-do/VN-25?lang=en",
    "/tien-do/nhung",
    "/tien-do/VN-25/nhung",
    "/tien-do/ban-do.js",
)
PNGS = ("/tien-do/anh.png", "/tien-do/VN-25/anh.png")
PAIR = re.compile(r"(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)")
DATA = re.compile(r'<script type="application/json" id="tien-do-du-lieu">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('progress') / 'p.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=600, seed=5)
    RENDERINGS.pages.clear()
    RENDERINGS.data.clear()
    return store, Browser(Starlette(routes=routes(lambda: store)))


def _allowed_pairs(shown_cells: set[str]) -> set[tuple[float, float]]:
    pairs = {(round(x, 2), round(y, 2)) for _c, _n, g in province_shapes() for x, y in _vertices(g)}
    for cell in shown_cells:
        pairs |= {(round(lon, 4), round(lat, 4)) for lat, lon in h3.cell_to_boundary(cell)}
    return pairs | {(MAP_VIEW[1], MAP_VIEW[0]), (MAP_VIEW[0], MAP_VIEW[1])}


def _vertices(geometry):
    import shapely

    return [tuple(xy) for xy in shapely.get_coordinates(geometry).tolist()]


def _pairs_in_json(value) -> list[tuple[float, float]]:
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return [(float(value[0]), float(value[1]))]
        return [pair for v in value for pair in _pairs_in_json(v)]
    if isinstance(value, dict):
        return [pair for v in value.values() for pair in _pairs_in_json(v)]
    return []


def _answers(browser: Browser) -> tuple[dict[str, str], dict[str, bytes]]:
    """Every public answer: the texts (pages, script, the export's pages) and the PNG images."""
    texts, images = {}, {}
    for path in PAGES:
        answer = browser.get(path)
        assert answer.status == 200, path
        texts[path] = answer.text
    for path in PNGS:
        answer = browser.get(path)
        assert answer.status == 200 and answer.header("content-type") == "image/png"
        images[path] = answer.body
    archive = zipfile.ZipFile(io.BytesIO(browser.get("/tien-do/xuat.zip").body))
    for name in archive.namelist():
        if name.endswith((".png", ".jpg")):
            images[name] = archive.read(name)
        elif not name.endswith(("leaflet.js", "leaflet.css")):  # the vendor's files, as shipped
            texts[name] = archive.read(name).decode()
    assert {"tien-do/index.html", "tien-do/VN-25.html", "tien-do/assets/leaflet.js", "tien-do/toan-quoc.png"} <= set(
        archive.namelist()
    )
    assert len([n for n in archive.namelist() if re.fullmatch(r"tien-do/VN-\w+\.html", n)]) == 34
    pictures = [n for n in archive.namelist() if re.fullmatch(r"tien-do/tep/[\w-]+\.jpg", n)]
    exported = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".html"))
    assert pictures and all(f'src="{n.removeprefix("tien-do/")}"' in exported for n in pictures)
    assert "/tien-do/tep" not in exported  # the export's pictures are its own files, not the live site's
    return texts, images


def test_no_answer_holds_a_position_finer_than_a_shown_cell_or_a_private_value(site):
    store, browser = site
    texts, images = _answers(browser)
    shown_cells: set[str] = set()
    blocks = 0
    for body in texts.values():
        for block in DATA.findall(body):
            data = json.loads(block)
            blocks += 1
            for feature in data["cells"]["features"]:
                ring = feature["geometry"]["coordinates"][0]
                lat, lon = sum(p[1] for p in ring[:-1]) / 6, sum(p[0] for p in ring[:-1]) / 6
                cell = h3.latlng_to_cell(lat, lon, 5)
                assert feature["properties"]["n"] >= 3
                shown_cells.add(cell)
    assert blocks >= 4 + 35 and shown_cells
    allowed = _allowed_pairs(shown_cells)
    for name, body in texts.items():
        for block in DATA.findall(body):
            for pair in _pairs_in_json(json.loads(block)):
                assert (round(pair[0], 4), round(pair[1], 4)) in allowed or (
                    round(pair[0], 2),
                    round(pair[1], 2),
                ) in allowed, (name, pair)
        outside = DATA.sub("", body)
        for a, b in PAIR.findall(outside):
            assert (float(a), float(b)) in allowed or (float(b), float(a)) in allowed, (name, a, b)

    everything = "\n".join(texts.values())
    sites = store.frame("sites", system())
    located = [g for g in sites.geometry if g is not None]
    assert len(located) > 100
    for point in located:
        lon, lat = f"{point.x:.3f}", f"{point.y:.3f}"
        assert not re.search(rf"{re.escape(lon)}\d*,{re.escape(lat)}", everything), (lon, lat)
        assert not re.search(rf"{re.escape(lat)}\d*,{re.escape(lon)}", everything), (lat, lon)
    reports = store.frame("reports", system())
    trips = store.frame("trips", system())
    private = [
        *reports["witness_name"].dropna(),
        *reports["witness_phone"].dropna(),
        *reports["witness_address"].dropna(),
        *reports["private_notes"].dropna(),
        *reports["notes"].dropna(),
        *trips.loc[trips["story_public"] != True, "name"].dropna(),  # noqa: E712 - a published story shows its trip's name
        *(trips["notes"].dropna() if "notes" in trips else []),
        *trips.loc[trips["story_public"] != True, "story"].dropna(),  # noqa: E712 - nor an unpublished sentence
    ]
    shown = trips.loc[trips["story_public"] == True, "story"].dropna()  # noqa: E712
    assert len(shown) and all(sentence in everything for sentence in shown)  # the published stories are there
    # (the demo's notes say «Dữ liệu mẫu», as the page's own demo banner does)
    private = {str(v) for v in private if len(str(v)) >= 6 and str(v) not in text("pg_demo", "vi")}
    assert len(private) > 50
    leaked = [v for v in private if v in everything]
    assert not leaked, leaked[:5]

    for name, data in images.items():
        image = Image.open(io.BytesIO(data))
        assert image.format == ("JPEG" if name.endswith(".jpg") else "PNG"), name
        assert not image.getexif() and not set(image.info) & {"exif", "xmp", "comment", "icc_profile"}, name
        assert not getattr(image, "text", {}), name


def test_answers_are_cached_framable_and_an_unknown_province_is_a_vietnamese_404(site):
    _store, browser = site
    first = browser.get("/tien-do")
    assert first.header("cache-control") == "public, max-age=300" and first.header("etag")
    assert "frame-ancestors *" in first.header("content-security-policy")
    assert "script-src 'self'" in first.header("content-security-policy")
    again = browser.call("GET", "/tien-do", headers={"if-none-match": first.header("etag")})
    assert again.status == 304 and not again.body
    page = first.text
    assert "Dữ liệu mẫu" in page and "Còn " in page and "ngày đến 27/7/2027" in page
    assert 'href="/tien-do/VN-25"' in page and "&lt;iframe src=" in page and "/tien-do/nhung" in page
    assert "Lời kể đã tiếp nhận" in page and "Nguồn" in page
    assert "Testimonies received" in browser.get("/tien-do?lang=en").text
    embed = browser.get("/tien-do/VN-25/nhung")
    assert "frame-ancestors *" in embed.header("content-security-policy") and "Quảng Trị" in embed.text
    missing = browser.get("/tien-do/VN-99")
    assert missing.status == 404 and "Không có tỉnh, thành nào có mã «VN-99»" in missing.text
    assert browser.get("/tien-do/%3Cscript%3E").text.count("<script>") == 0
