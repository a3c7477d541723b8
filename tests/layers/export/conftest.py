"""One demo database for the export tests, plus a hostile report, and the XML schemas."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from layers.access import system
from layers.exporters.selection import EXPORTABLE, Selection, select
from layers.query import FilterSpec
from layers.seed import load_demo, seed_reference
from layers.store import Store
from tests.layers.export.schemas import xml_schema

HOSTILE = {
    "martyr_names": '=HYPERLINK("http://x") <script>alert(1)</script> & Đỗ Văn Ấn',
    "unit": "+Tiểu đoàn 8 {{7*7}}",
    "place_description": "-Cạnh gốc đa ]]> <b>bờ suối</b>",
    "province_34": "VN-30",
    "province_63": "VN-30",
    "status": "verified",
    "uncertainty_m": 300.0,
    "witness_name": "Nhân Chứng Bí Mật",
    "witness_phone": "0999 111222",
    "witness_address": "Số 7 ngõ Kín",
    "witness_relation": "người giữ bí mật",
    "private_notes": "ghi chú riêng không ra ngoài",
    "year_from": 1968,
    "year_to": 1968,
}


SECRET = "PNLONGSECRET"
LONG = {  # private text longer than a dBASE field, and control characters no XML may hold
    "martyr_names": "Lê Văn\x0b Dài",
    "place_description": "Gần\x01 suối",
    "province_34": "VN-25",
    "province_63": "VN-25",
    "status": "new",
    "witness_address": "Ngõ\x0b Bí Mật số 9",
    "private_notes": (SECRET + " gia đình không muốn công khai; ") * 12,
}


@pytest.fixture(scope="package")
def demo_store(tmp_path_factory) -> Store:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('export') / 'e.sqlite'}")
    seed_reference(store)
    load_demo(store, reports=400, seed=9)
    store.insert(
        "reports",
        [{**HOSTILE, "geometry": Point(107.1, 16.8)}, {**LONG, "geometry": Point(107.2, 16.7)}],
        author="test",
    )
    return store


@pytest.fixture(scope="package")
def everything(demo_store) -> Selection:
    return select(demo_store, EXPORTABLE, FilterSpec(), system())


@pytest.fixture(scope="package")
def quang_tri(demo_store) -> Selection:
    return select(demo_store, EXPORTABLE, FilterSpec(place="Quảng Trị", year_from=1965, year_to=1972), system())


@pytest.fixture(scope="package")
def gpx_schema():
    return xml_schema("gpx")


@pytest.fixture(scope="package")
def kml_schema():
    return xml_schema("kml")


@pytest.fixture(scope="package", autouse=True)
def contacts_shown():
    """These tests write team files too, which an installation allows only with contacts shown."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BANDO_SHOW_CONTACTS", "1")
        yield
