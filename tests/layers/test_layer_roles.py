"""A layer's roles (map symbol, title, style, exportable, form, Shapefile short names) are read
from its declaration: adding a layer is one `Layer(...)` in layers/schema.py plus its tests."""

from __future__ import annotations

import ast
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers import aggregate as agg
from layers.exporters.ogr import shapefile_name
from layers.exporters.selection import EXPORTABLE, case_layers
from layers.schema import (
    LAYERS,
    SHAPEFILE_NAME_MAX,
    SITES,
    STATUSES,
    STORED_LAYERS,
    SYMBOL_KINDS,
    Field,
    Layer,
    Symbol,
)
from ui.mapview import MapOptions, SitesLayer, layers_map, popup_frame, shown_layer, shown_payload
from ui.reports_view import Positions, view_payload

ROOT = Path(__file__).resolve().parents[2]
# The modules that decide by a layer's roles, never by its name.
READERS = (
    "ui/mapview.py",
    "ui/pages/map.py",
    "ui/filters.py",
    "ui/export_form.py",
    "ui/pages/export_page.py",
    "ui/record_form.py",
    "ui/pages/report_form.py",
    "ui/pages/records_page.py",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "layers" / "exporters").glob("*.py")),
)
# What may still name a layer, and why: documents about one layer's data, not roles.
ALLOWED = {
    "layers/exporters/pdf.py": {"REPORTS", "TRIPS"},  # the field sheet prints testimonies and the trips
    "layers/exporters/pdfdoc.py": {"REPORTS", "TRIPS"},  # its overview map of them
    "layers/exporters/campaign_report.py": {"reports", "trips"},  # the 6- and 12-month report's figures
    # A site's dossier prints the site, its testimonies, its searches and its chapter; a hand-over
    # record, the sites handed over and the chapter handing them.
    "layers/exporters/dossier.py": {"REPORTS", "SITES", "TRIPS", "reports", "sites", "trips", "chapters"},
    "layers/exporters/handover_record.py": {"SITES", "chapters"},
    # A trip's route files print its sites, their testimonies and the trip (its colour); the
    # offline maps and their drawing draw those layers, the results a team brought back and the
    # neighbouring countries' boundary, each with its own public columns and pen; the QField
    # package holds the sites and the layer a team fills, named as QField shows them.
    "layers/exporters/itinerary.py": {"reports", "sites", "TRIPS"},
    "layers/exporters/route.py": {"reports", "sites", "REPORTS", "TRIPS"},
    "layers/exporters/offline_maps.py": {"reports", "sites", "observations", "trips", "neighbours"},
    "layers/exporters/map_drawing.py": {"reports", "sites", "observations", "trips", "neighbours"},
    "layers/exporters/qfield.py": {"sites", "observations"},
    # A witness's statement prints the witness and the case they confirm.
    "layers/exporters/statement.py": {"RECOGNITION_CASES", "RECOGNITION_WITNESSES"},
    "ui/mapview.py": {"neighbours"},  # the offline basemap's file of Laos and Cambodia (static/basemap)
    "ui/pages/map.py": {"chapters"},  # the chapters' names, to show a chapter code by its name
    "ui/record_form.py": {"chapters"},  # the chapters a new testimony may be for
    "ui/pages/records_page.py": {"chapters"},  # the chapters' names, to show a chapter code by its name
}
LAYER_CONSTANTS = {
    "REPORTS",
    "SITES",
    "BATTLEFIELDS",
    "CEMETERIES",
    "TRIPS",
    "CHAPTERS",
    "RECOGNITION_CASES",
    "RECOGNITION_WITNESSES",
    "OBSERVATIONS",
}


def _names_of_layers(path: str) -> set[str]:
    """The layer names (string constants) and layer declarations (names) a module's code uses;
    docstrings are prose and left out."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in LAYERS and id(node) not in docstrings:
            found.add(node.value)
        elif isinstance(node, ast.Name) and node.id in LAYER_CONSTANTS:
            found.add(node.id)
        elif isinstance(node, ast.alias) and node.name in LAYER_CONSTANTS:
            found.add(node.name)
    return found


@pytest.mark.parametrize("path", READERS)
def test_map_export_forms_and_filters_read_roles_instead_of_naming_layers(path):
    assert _names_of_layers(path) <= ALLOWED.get(path, set()), path


@pytest.mark.parametrize("layer", STORED_LAYERS, ids=lambda layer: layer.name)
def test_every_stored_layer_declares_its_roles(layer):
    names = {f.name for f in layer.fields}
    assert layer.title in names  # popups, tables and PDFs name a record by it
    if layer.geometry is not None and layer.part_of is None:  # a part is shown with its parent
        assert layer.symbol is not None and layer.symbol.kind in SYMBOL_KINDS
    if layer.symbol is not None and layer.symbol.kind == "marker":
        assert layer.symbol.icon
    if layer.style is not None:
        assert layer.field(layer.style).vocabulary
    if layer.exportable:
        assert layer.file_stem and layer.geometry is not None
    short = [layer.shapefile_name(f.name) for f in layer.fields]
    assert len(short) == len(set(short)) and max(map(len, short)) <= SHAPEFILE_NAME_MAX


def test_sites_are_drawn_styled_by_status_and_named_by_their_name():
    assert (SITES.symbol.kind, SITES.title, SITES.style) == ("circle", "name", "status")
    assert SITES.name not in EXPORTABLE  # not offered to partners (yet)
    assert case_layers(EXPORTABLE) == ["reports"]


def test_a_shapefile_name_longer_than_ten_characters_is_refused():
    with pytest.raises(ValueError, match="short_name"):
        Layer("wells", "Giếng", "Wells", "point", (Field("depth_in_metres", "float", "Sâu", "Depth"),))


def test_two_fields_sharing_a_shapefile_name_are_refused():
    fields = (
        Field("depth_m", "float", "Sâu", "Depth", short_name="depth"),
        Field("depth_ft", "float", "Sâu (ft)", "Depth (ft)", short_name="depth"),
    )
    with pytest.raises(ValueError, match="share Shapefile name"):
        Layer("wells", "Giếng", "Wells", "point", fields)


def test_a_role_naming_an_unknown_field_is_refused():
    with pytest.raises(ValueError, match="title"):
        Layer("wells", "Giếng", "Wells", "point", (Field("name", "text", "Tên", "Name"),), title="label")
    with pytest.raises(ValueError, match="vocabulary"):
        Layer("wells", "Giếng", "Wells", "point", (Field("name", "text", "Tên", "Name"),), style="name")


WELLS = Layer(
    "wells",
    "Giếng cổ",
    "Old wells",
    "point",
    (
        Field("name", "text", "Tên giếng", "Well"),
        Field("province_34", "text", "Tỉnh", "Province", short_name="prov_34"),
        Field("status", "text", "Trạng thái", "Status", vocabulary=STATUSES),
        Field("depth_in_metres", "float", "Độ sâu (m)", "Depth (m)", short_name="depth_m"),
        Field("commune_34", "text", "Xã", "Commune", short_name="comm_34"),
    ),
    symbol=Symbol("circle"),
    title="name",
    style="status",
    exportable=True,
    file_stem="gieng",
)


def test_adding_a_layer_is_one_declaration_the_map_and_the_shapefile_read():
    """A throwaway layer, declared here only: its dots go through the map's view path with its
    title and style, and its Shapefile names come from its fields."""
    frame = gpd.GeoDataFrame(
        {
            "id": ["1f0c2d3e-0000-4000-8000-000000000001", "1f0c2d3e-0000-4000-8000-000000000002"],
            "name": ["Giếng <b>Làng Vây</b>", "Giếng Khe Sanh"],
            "province_34": ["VN-25", "VN-25"],
            "status": ["verified", "new"],
            "depth_in_metres": [4.0, 7.5],
            "uncertainty_m": [None, None],
        },
        geometry=[Point(106.73, 16.62), Point(106.74, 16.63)],
        crs=4326,
    )
    options = MapOptions(shown=WELLS.name)
    view = agg.View(13, 106.70, 16.60, 106.76, 16.65)
    payload = view_payload(popup_frame(WELLS, frame, "vi"), Positions.of(frame), frame.iloc[0:0], view, options)
    payload = shown_payload(payload, WELLS, "vi")
    assert payload["mode"] == "points" and len(payload["rows"]) == 2
    assert [info[0] for info in payload["info"]] == ["Giếng &lt;b&gt;Làng Vây&lt;/b&gt;", "Giếng Khe Sanh"]
    assert payload["count"]["html"].startswith("2 giếng cổ")
    m = layers_map({})
    shown_layer(payload, WELLS, options).add_to(m)
    assert "Giếng cổ" in m.get_root().render()  # the popup's first label is the layer's name
    names = {c: shapefile_name(WELLS, c) for c in ("depth_in_metres", "province_34", "commune_34_name", "name")}
    assert names == {
        "depth_in_metres": "depth_m",
        "province_34": "prov_34",
        "commune_34_name": "comm_34_nm",
        "name": "name",
    }


def test_a_marker_layer_is_drawn_with_its_declared_icon_and_title():
    frame = gpd.GeoDataFrame({"label": ["Đồi <i>A1</i>"]}, geometry=[Point(106.7, 16.6)], crs=4326)
    drawn = SitesLayer(frame, "⛰", "#123456", title="label")
    assert "⛰" in drawn.icon_json and "Đồi &lt;i&gt;A1&lt;/i&gt;" in drawn.payload
