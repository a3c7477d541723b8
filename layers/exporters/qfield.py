"""The QField / Mergin Maps package of a trip: one zip a team copies onto a phone (USB cable,
QFieldCloud, Mergin Maps) and brings back filled after the trip (layers.importers.field_results).

The zip holds `<name>.gpkg` (the trip's sites and route, read-only; an empty `observations`
point layer and an empty `tracks` line layer with the fields a team fills), `<name>.qgs`, a
QGIS project written from a template (no QGIS needed here) whose layers point at the GeoPackage
by a relative path, with styles, forms and the QFieldSync properties that make the two empty
layers offline-editable, and an empty `DCIM/` folder where QField keeps the photos it takes.

The fields are declared once here (OBSERVATION_FIELDS, TRACK_FIELDS): the GeoPackage, the
project's forms and the importer read the same declaration, so what a phone writes is what
the importer expects.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from layers.errors import LayersError
from layers.schema import FINDINGS

TEMPLATES = Path(__file__).resolve().parent / "templates"
SITE_COLUMNS = ("id", "name", "order", "status", "uncertainty_m")
DCIM = "DCIM"
REMAINS_MAX = 50  # remains a team may record at one site: more is a typing slip
SAFE_NAME = re.compile(r"[^0-9A-Za-z_-]+")
MARGIN_DEG = 0.01  # around the sites and route, for the project's first view


@dataclass(frozen=True)
class PackageField:
    """One field a team fills on the phone: its name, GeoPackage type, labels and form widget."""

    name: str
    kind: str  # "text", "int" or "datetime"
    label_vi: str
    label_en: str
    widget: str  # QGIS widget type: ValueMap, Range, TextEdit, ExternalResource, DateTime
    multiline: bool = False

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


OBSERVATION_FIELDS = (
    PackageField("site_id", "text", "Điểm mộ", "Site", "ValueMap"),
    PackageField("finding", "text", "Kết quả", "Finding", "ValueMap"),
    PackageField("remains_count", "int", "Số hài cốt", "Remains", "Range"),
    PackageField("note", "text", "Ghi chú", "Note", "TextEdit", multiline=True),
    PackageField("photo", "text", "Ảnh", "Photo", "ExternalResource"),
    PackageField("observed_at", "datetime", "Thời điểm ghi", "Recorded at", "DateTime"),
    PackageField("trip_id", "text", "Chuyến tìm kiếm", "Trip", "TextEdit"),
)
TRACK_FIELDS = (
    PackageField("trip_id", "text", "Chuyến tìm kiếm", "Trip", "TextEdit"),
    PackageField("note", "text", "Ghi chú", "Note", "TextEdit", multiline=True),
    PackageField("started_at", "datetime", "Bắt đầu lúc", "Started at", "DateTime"),
)
_DTYPES = {"text": "object", "int": "int32", "datetime": "datetime64[ms, UTC]"}
_SITE_DTYPES = {"id": "object", "name": "object", "order": "int32", "status": "object", "uncertainty_m": "float64"}


def safe_name(name: str) -> str:
    """A file name stem a phone and a zip both take: letters, digits, '-' and '_'.

    >>> safe_name("chuyến Gio Linh/../x")
    'chuy_n_Gio_Linh_x'
    """
    stem = SAFE_NAME.sub("_", name).strip("_")[:80]
    return stem or "qfield"


def _empty(fields: tuple[PackageField, ...]) -> gpd.GeoDataFrame:
    columns = {f.name: pd.Series([], dtype=_DTYPES[f.kind]) for f in fields}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=4326))


def _sites_frame(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Only the columns a package carries, typed, in EPSG:4326 (the caller cut them already)."""
    missing = [c for c in SITE_COLUMNS if c not in sites.columns]
    if missing:
        raise LayersError(f"Gói QField: thiếu cột {', '.join(missing)} của các điểm mộ.")
    frame = sites.to_crs(4326) if sites.crs is not None else sites.set_crs(4326)
    out = pd.DataFrame({c: frame[c] for c in SITE_COLUMNS})
    out["id"], out["name"] = out["id"].astype(str), out["name"].fillna("").astype(str)
    out["status"] = out["status"].fillna("").astype(str)
    out["order"] = pd.to_numeric(out["order"], errors="coerce").fillna(0).astype("int32")
    out["uncertainty_m"] = pd.to_numeric(out["uncertainty_m"], errors="coerce").astype("float64")
    return gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=4326).sort_values("order", kind="stable")


def _route_frame(route: shapely.LineString | None, trip_id: str | None) -> gpd.GeoDataFrame:
    if route is None or route.is_empty:
        return gpd.GeoDataFrame({"trip_id": pd.Series([], dtype="object")}, geometry=gpd.GeoSeries([], crs=4326))
    return gpd.GeoDataFrame({"trip_id": [trip_id or ""]}, geometry=[shapely.force_2d(route)], crs=4326)


def _write_gpkg(path: Path, layers: dict[str, tuple[gpd.GeoDataFrame, str]]) -> None:
    """Every layer into one GeoPackage, quietly (GDAL's warnings quote values)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for layer, (frame, geometry_type) in layers.items():
            pyogrio.write_dataframe(
                frame, path, layer=layer, driver="GPKG", geometry_type=geometry_type, append=path.exists()
            )


def _extent(sites: gpd.GeoDataFrame, route: shapely.LineString | None) -> tuple[float, float, float, float]:
    shapes = [g for g in sites.geometry if g is not None and not g.is_empty]
    if route is not None and not route.is_empty:
        shapes.append(route)
    if not shapes:  # Vietnam, Laos and Cambodia
        return 100.0, 8.0, 110.0, 23.5
    minx, miny, maxx, maxy = shapely.GeometryCollection(shapes).bounds
    return minx - MARGIN_DEG, miny - MARGIN_DEG, maxx + MARGIN_DEG, maxy + MARGIN_DEG


def _choices(sites: gpd.GeoDataFrame, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The value maps of the observation form: (label, stored value)."""
    site_choices = [(f"{int(row.order)}. {row.name}".strip(), str(row.id)) for row in sites.itertuples()]
    findings = [(t.label_en if lang == "en" else t.label_vi, t.code) for t in FINDINGS]
    return {"site_id": site_choices, "finding": findings}


def project_text(
    name: str, sites: gpd.GeoDataFrame, trip_id: str | None, route: shapely.LineString | None, lang: str = "vi"
) -> str:
    """The QGIS project (.qgs) of a package, as XML text: layers at "./<name>.gpkg|layername=…"."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )
    template = environment.get_template("qfield.qgs.j2")
    return template.render(
        name=name,
        lang=lang,
        trip_id=trip_id or "",
        extent=_extent(sites, route),
        choices=_choices(sites, lang),
        observation_fields=OBSERVATION_FIELDS,
        track_fields=TRACK_FIELDS,
        findings=FINDINGS,
        remains_max=REMAINS_MAX,
        dcim=DCIM,
        title="Chuyến tìm kiếm" if lang != "en" else "Search trip",
    )


def write_qfield_package(
    out_dir: Path,
    sites: gpd.GeoDataFrame,
    trip_id: str | None,
    route: shapely.LineString | None,
    lang: str = "vi",
    name: str = "qfield",
) -> Path:
    """Write `<name>.zip` into `out_dir`: the GeoPackage, the QGIS project and DCIM/ (see the
    module's docstring). `sites` has the columns id, name, status, order (1-based walking
    order), uncertainty_m and point geometries, already cut for the audience: only those
    columns are written. Returns the zip's path."""
    stem = safe_name(name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = _sites_frame(sites)
    target = out_dir / f"{stem}.zip"
    work = Path(tempfile.mkdtemp(prefix="qfield-"))
    try:
        gpkg = work / f"{stem}.gpkg"
        _write_gpkg(
            gpkg,
            {
                "sites": (frame, "Point"),
                "route": (_route_frame(route, trip_id), "LineString"),
                "observations": (_empty(OBSERVATION_FIELDS), "Point"),
                "tracks": (_empty(TRACK_FIELDS), "LineString"),
            },
        )
        qgs = project_text(stem, frame, trip_id, route, lang)
        partial = target.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(gpkg, f"{stem}.gpkg")
            archive.writestr(f"{stem}.qgs", qgs)
            archive.writestr(f"{DCIM}/", b"")
        partial.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
