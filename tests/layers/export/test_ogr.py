"""GeoPackage and Shapefile, read back by GDAL: the same layers, features, names and coordinates."""

from __future__ import annotations

import io
import zipfile

import pyogrio

from layers.exporters.formats import ExportOptions, export
from layers.exporters.ogr import shapefile_name
from layers.exporters.schema_doc import render_markdown
from layers.exporters.selection import EXPORTABLE, Selection
from layers.labels import clean_text
from layers.schema import REPORTS, get_layer
from tests.layers.export.readers import zip_members


def _same_points(original, back) -> None:
    by_id = back.set_index("id")
    for _, row in original[original.geometry.notna()].iterrows():
        read = by_id.loc[row["id"], "geometry"]
        assert abs(read.x - row.geometry.x) <= 1e-6 and abs(read.y - row.geometry.y) <= 1e-6


def test_geopackage_holds_every_chosen_layer_with_the_same_features(quang_tri, tmp_path):
    path = tmp_path / "qt.gpkg"
    path.write_bytes(export(quang_tri, "gpkg", ExportOptions()).data)
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == set(quang_tri.frames)
    for name, frame in quang_tri.frames.items():
        back = pyogrio.read_dataframe(path, layer=name)
        assert sorted(back["id"]) == sorted(frame["id"]), name
        assert back.crs.to_epsg() == 4326
    reports = pyogrio.read_dataframe(path, layer="reports")
    _same_points(quang_tri.frames["reports"], reports)
    assert reports["martyr_names"].str.contains("ễ|ệ|ư|ơ|đ", regex=True).any()  # Vietnamese text intact
    info = pyogrio.read_info(path, layer="reports")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["year_from"].startswith("int")
    assert not set(REPORTS.private_fields) & set(reports.columns)


def test_shapefile_zip_has_utf8_cpg_short_names_and_every_feature(quang_tri, tmp_path):
    data = export(quang_tri, "shp", ExportOptions()).data
    files = zip_members(data)
    assert files["reports.cpg"].decode().strip().upper() in ("UTF-8", "UTF8")
    assert {"reports.shp", "reports.shx", "reports.dbf", "reports.prj"} <= set(files)
    path = tmp_path / "shp.zip"
    path.write_bytes(data)
    back = pyogrio.read_dataframe(f"/vsizip/{path}/reports.shp")
    assert all(len(c) <= 10 for c in back.columns)
    assert {"martyrs", "place_desc", "prov_34"} <= set(back.columns)
    assert sorted(back["id"]) == sorted(quang_tri.frames["reports"]["id"])
    _same_points(quang_tri.frames["reports"], back)
    expected = quang_tri.frames["reports"].set_index("id")["martyr_names"].map(clean_text)
    assert (back.set_index("id")["martyrs"] == expected.loc[back["id"]]).all()


def test_a_layer_of_mixed_geometry_becomes_one_shapefile_per_type(everything, tmp_path):
    battlefields = everything.frames["battlefields"].copy()
    first = battlefields.index[battlefields.geometry.notna()][0]
    battlefields.loc[first, "geometry"] = battlefields.loc[first, "geometry"].buffer(0.05)  # an area, not a point
    mixed = Selection(everything.spec, {"battlefields": battlefields})
    data = export(mixed, "shp", ExportOptions()).data
    files = zip_members(data)
    assert {"battlefields_point.shp", "battlefields_polygon.shp"} <= set(files)
    assert "battlefields.shp" not in files
    path = tmp_path / "mixed.zip"
    path.write_bytes(data)
    points = pyogrio.read_info(f"/vsizip/{path}/battlefields_point.shp")
    areas = pyogrio.read_info(f"/vsizip/{path}/battlefields_polygon.shp")
    assert (points["geometry_type"], areas["geometry_type"]) == ("Point", "Polygon")
    assert points["features"] + areas["features"] == len(battlefields)  # unlocated rows stay with the points


def test_shapefile_names_are_unique_short_and_documented():
    doc = render_markdown()
    for layer in map(get_layer, EXPORTABLE):
        names = [shapefile_name(layer, field.name) for field in layer.fields]
        assert len(names) == len(set(names)) and all(len(n) <= 10 for n in names), layer.name
        for field in layer.fields:
            if not field.private:
                assert f"`{shapefile_name(layer, field.name)}`" in doc


def test_zipped_geojson_per_layer_reads_back(everything):
    result = export(everything, "geojson", ExportOptions())
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        names = archive.namelist()
        assert len(names) == 4 and all(n.endswith(".geojson") for n in names)
        back = pyogrio.read_dataframe(archive.read(next(n for n in names if n.startswith("tin-bao"))))
    assert len(back) == len(everything.frames["reports"])
