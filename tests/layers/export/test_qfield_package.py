"""The QField / Mergin Maps package: its GeoPackage opens with pyogrio holding the sites and route
(only the columns given) and the empty observations and tracks layers with their geometry types
and fields; its project is well-formed XML naming each layer by its relative path, the forms'
widgets and value maps, the read-only flags and the QFieldSync actions; user text is escaped."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pyogrio
import shapely
from lxml import etree

from layers.exporters.qfield import OBSERVATION_FIELDS, TRACK_FIELDS, write_qfield_package

NAME = 'Đồi <cây gạo> & "suối"'


def _package(tmp_path, route=True):
    sites = gpd.GeoDataFrame(
        {
            "id": ["s-1", "s-2"],
            "name": [NAME, "Bờ suối"],
            "status": ["planned", "planned"],
            "order": [1, 2],
            "uncertainty_m": [30.0, None],
            "witness_phone": ["0912 345 678", None],  # a column the package must not carry
        },
        geometry=[shapely.Point(106.9, 16.8), shapely.Point(106.91, 16.81)],
        crs=4326,
    )
    line = shapely.LineString([(106.9, 16.8), (106.91, 16.81)]) if route else None
    path = write_qfield_package(tmp_path / "out", sites, "t-1", line, name="gio-linh")
    work = tmp_path / "unzipped"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(work)
    return path, names, work


def test_the_package_zip_holds_the_geopackage_the_project_and_dcim(tmp_path):
    path, names, _ = _package(tmp_path)
    assert path.name == "gio-linh.zip"
    assert sorted(names) == ["DCIM/", "gio-linh.gpkg", "gio-linh.qgs"]


def test_the_geopackage_has_the_layers_and_fields_named_even_when_empty(tmp_path):
    _, _, work = _package(tmp_path, route=False)
    gpkg = work / "gio-linh.gpkg"
    layers = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    assert layers == {"sites": "Point", "route": "LineString", "observations": "Point", "tracks": "LineString"}
    sites = pyogrio.read_dataframe(gpkg, layer="sites")
    assert list(sites.columns) == ["id", "name", "order", "status", "uncertainty_m", "geometry"]
    assert sites["name"].tolist() == [NAME, "Bờ suối"] and "0912" not in sites.to_json()
    for layer, fields in (("observations", OBSERVATION_FIELDS), ("tracks", TRACK_FIELDS)):
        info = pyogrio.read_info(gpkg, layer=layer)
        assert info["features"] == 0 and info["crs"] == "EPSG:4326"
        assert list(info["fields"]) == [f.name for f in fields]
    types = dict(
        zip(
            pyogrio.read_info(gpkg, layer="observations")["fields"],
            pyogrio.read_info(gpkg, layer="observations")["ogr_types"],
            strict=True,
        )
    )
    assert types["remains_count"] == "OFTInteger" and types["observed_at"] == "OFTDateTime"


def test_the_project_is_well_formed_xml_naming_layers_fields_widgets_and_sync_actions(tmp_path):
    _, _, work = _package(tmp_path)
    root = etree.parse(str(work / "gio-linh.qgs")).getroot()
    layers = {e.findtext("id"): e for e in root.iter("maplayer")}
    assert set(layers) == {"sites", "route", "observations", "tracks"}
    for layer_id, element in layers.items():
        assert element.findtext("datasource") == f"./gio-linh.gpkg|layername={layer_id}"
    assert layers["sites"].get("readOnly") == "1" and layers["route"].get("readOnly") == "1"
    assert layers["observations"].get("readOnly") == "0" and layers["tracks"].get("readOnly") == "0"

    def sync(layer_id: str) -> dict:
        options = layers[layer_id].find("customproperties").iter("Option")
        return {o.get("name"): o.get("value") for o in options if (o.get("name") or "").startswith("QFieldSync/")}

    assert sync("observations")["QFieldSync/action"] == "offline"
    assert sync("observations")["QFieldSync/cloud_action"] == "offline"
    assert sync("tracks")["QFieldSync/cloud_action"] == "offline"
    assert sync("sites")["QFieldSync/action"] == "copy" and sync("sites")["QFieldSync/cloud_action"] == "no_action"
    fields = {
        f.get("name"): f.find("editWidget").get("type")
        for f in layers["observations"].iter("field")
        if f.find("editWidget") is not None
    }
    assert fields == {f.name: f.widget for f in OBSERVATION_FIELDS}
    maps = {}
    for field in layers["observations"].find("fieldConfiguration"):
        if field.find("editWidget").get("type") == "ValueMap":
            items = field.find("editWidget/config/Option/Option[@name='map']")
            maps[field.get("name")] = {o.get("value"): o.get("name") for o in items.iter("Option") if o.get("value")}
    assert maps["site_id"] == {"s-1": f"1. {NAME}", "s-2": "2. Bờ suối"}
    assert maps["finding"] == {
        "found": "Tìm thấy hài cốt",
        "not_found": "Không tìm thấy",
        "not_reached": "Chưa đến được",
    }
    defaults = {d.get("field"): d.get("expression") for d in layers["observations"].iter("default")}
    assert defaults["observed_at"] == "now()" and defaults["trip_id"] == "'t-1'"
    photo = layers["observations"].find("fieldConfiguration/field[@name='photo']/editWidget/config/Option")
    options = {o.get("name"): o.get("value") for o in photo}
    assert options["RelativeStorage"] == "1" and options["DefaultRoot"] == "DCIM"
    remains = layers["observations"].find("fieldConfiguration/field[@name='remains_count']/editWidget/config/Option")
    assert {o.get("name"): o.get("value") for o in remains}["Max"] == "50"
    text = (work / "gio-linh.qgs").read_text()
    assert "<cây gạo>" not in text and "&lt;cây gạo&gt;" in text
