"""The map's "Vị trí của tôi" control and its distance box, without a browser: the plugin is served
from static/vendor with Vietnamese (or English) strings, the geodesic script run in Node agrees with
PROJ's geodesic (pyproj.Geod), and the selected point reaches the page as data, never as markup."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import Point

from layers.schema import REPORTS
from ui.mapview import GEODESIC_JS, STATIC, MapOptions, SelectedTarget, layers_map, shown_layer, target_of

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "leaflet.locatecontrol"
WGS84 = Geod(ellps="WGS84")


def _page(lang: str = "vi", target: dict | None = None) -> str:
    m = layers_map({}, MapOptions(lang=lang))
    payload = {"mode": "none", "rows": [], "info": [], "areas": [], "area_info": [], "count": {}}
    shown_layer(payload, REPORTS, MapOptions(lang=lang), target).add_to(m)
    return m.get_root().render()


def _node(script: str) -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the set-up step installs npm and node (scripts/setup-env.sh)")
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def _inverse_in_node(pairs: list[tuple[float, float, float, float]]) -> list[dict]:
    script = f"{GEODESIC_JS}\nconsole.log(JSON.stringify({json.dumps(pairs)}.map(p => bandoInverse(...p))));"
    return json.loads(_node(script))


def test_locate_control_is_loaded_from_static_vendor_never_a_cdn():
    page = _page()
    assert f'src="{STATIC}/leaflet.locatecontrol/L.Control.Locate.min.js"' in page
    assert f'href="{STATIC}/leaflet.locatecontrol/L.Control.Locate.min.css"' in page
    assert "cdnjs" not in page and "cdn.jsdelivr" not in page
    for name in ("L.Control.Locate.min.js", "L.Control.Locate.min.css"):
        assert (VENDOR / name).is_file(), f"run .venv/bin/python scripts/fetch_static.py ({name} is missing)"


def test_locate_control_is_titled_my_location_in_the_chosen_language():
    assert json.dumps("Vị trí của tôi") in _page("vi")
    english = _page("en")
    assert json.dumps("My location") in english and json.dumps("Vị trí của tôi") not in english


def test_location_errors_go_to_the_distance_box_not_to_an_alert():
    page = _page()
    start = page.index("L.control.locate(")
    options = page[start : page.index(").addTo(map)", start)]
    assert '"onLocationError": function' in options and "bandoWhere.fail" in options
    assert '"onLocationOutsideMapBounds": function' in options
    assert "Trình duyệt chưa cho xem vị trí" in page  # the denied message, in Vietnamese
    assert "địa chỉ https://" in page  # and why a page served over plain http gets no position


def test_geodesic_script_agrees_with_pyproj_geod_across_vietnam():
    rng = random.Random(18)
    pairs = [
        (rng.uniform(8.3, 23.3), rng.uniform(102.2, 109.4), rng.uniform(8.3, 23.3), rng.uniform(102.2, 109.4))
        for _ in range(300)
    ]
    near = 16.8, 107.0  # a few metres to a few kilometres from a grave in Gio Linh
    pairs += [(*near, near[0] + d, near[1] + d / 2) for d in (1e-5, 1e-3, 0.05)]
    for (lat1, lon1, lat2, lon2), got in zip(pairs, _inverse_in_node(pairs), strict=True):
        azimuth, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
        assert got["metres"] == pytest.approx(metres, abs=1e-3)
        # A thousandth of a degree: a metre apart, the inputs' last digits already differ that much.
        assert (got["bearing"] - azimuth % 360 + 180) % 360 - 180 == pytest.approx(0, abs=1e-3)


def test_geodesic_script_answers_near_antipodal_points_where_vincenty_does_not_converge():
    [got] = _inverse_in_node([(0.0, 0.0, 0.5, 179.7)])
    _, _, metres = WGS84.inv(0.0, 0.0, 179.7, 0.5)
    assert got["metres"] == pytest.approx(metres, rel=0.01)


def test_a_point_is_measured_to_as_it_is_and_an_estimated_area_to_its_centre_with_its_radius():
    point = target_of({"id": "a", "geometry": Point(107.12345678, 16.7654321)}, "vi")
    assert point == {"located": True, "lat": 16.7654321, "lon": 107.1234568, "approximate": False, "radius": ""}
    area = target_of({"id": "b", "geometry": None, "area_lat": 16.9, "area_lon": 107.05, "area_radius_m": 3000}, "en")
    assert area == {"located": True, "lat": 16.9, "lon": 107.05, "approximate": True, "radius": "3.0 km"}
    nowhere = target_of({"id": "c", "geometry": None, "area_lat": None, "area_lon": None}, "vi")
    assert nowhere["located"] is False and target_of(None, "vi") is None


def test_the_selected_point_reaches_the_page_as_json_data():
    target = target_of({"id": "a", "geometry": Point(107.0, 16.8)}, "vi")
    page = _page(target=target)
    found = re.search(r"where\.target = (\{.*?\});", page)
    assert found and json.loads(found.group(1)) == target
    hostile = SelectedTarget({"radius": "</script><script>alert(1)</script>"})
    assert "</script" not in hostile.target_json
