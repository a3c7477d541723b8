"""Rows written for people: labelled attributes and a point's coordinates in every system
a field team uses (WGS84 decimal and DMS, MGRS, VN-2000 TM-3 on the province's meridian).

District and communes are written as their names ("Huyện Gio Linh", "Xã Gio An"), never as the
codes the store keeps; a report whose position was read from its place name says so, with the
commune or district and the radius of its approximate area, wherever people read it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.admin import province_table_63
from geo.coords import format_position, meridian_text, vn2000_xy
from layers.exporters.audience import exported_fields
from layers.labels import blank, display_value, field_label, radius_text, short_code
from layers.places import position_sources
from layers.schema import POSITION_SOURCES, Layer

PLACE_NAME = POSITION_SOURCES[1].code

COORDINATE_HEADERS = {
    "vi": (
        "Vĩ độ (WGS84)",
        "Kinh độ (WGS84)",
        "Độ-phút-giây (WGS84)",
        "MGRS",
        "VN-2000 X (m)",
        "VN-2000 Y (m)",
        "Kinh tuyến trục VN-2000",
    ),
    "en": (
        "Latitude (WGS84)",
        "Longitude (WGS84)",
        "DMS (WGS84)",
        "MGRS",
        "VN-2000 X (m)",
        "VN-2000 Y (m)",
        "VN-2000 central meridian",
    ),
}
CODE_HEADER = {"vi": "Mã", "en": "Code"}
GEOMETRY_HEADER = {"vi": "Hình học (WKT)", "en": "Geometry (WKT)"}


def estimated(frame: pd.DataFrame) -> pd.Series:
    """The reports whose only position is an approximate area read from the place name: no point,
    and an area's centre to draw (area_lat, area_lon)."""
    if "area_lat" not in frame or "area_lon" not in frame:
        return pd.Series(False, index=frame.index)
    return position_sources(frame).eq(PLACE_NAME) & frame["area_lat"].notna() & frame["area_lon"].notna()


AREA_TEXT = {
    "vi": ("Vị trí ước lượng theo địa danh", "bán kính"),
    "en": ("Position estimated from the place name", "radius"),
}


def area_text(row: pd.Series, lang: str) -> str:
    """What a place-only report's position is: "Vị trí ước lượng theo địa danh: Xã Gio An, Huyện
    Gio Linh (Quảng Trị), bán kính ± 4,2 km"."""
    words, radius_word = AREA_TEXT["en" if lang == "en" else "vi"]
    place = "" if blank(row.get("area_place")) else str(row["area_place"])
    radius = radius_text(row.get("area_radius_m"), lang)
    parts = [p for p in (place, f"{radius_word} {radius}" if radius else "") if p]
    return f"{words}: {', '.join(parts)}" if parts else words


def anchor_points(geometry: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of each geometry's point on surface (NaN where there is none)."""
    points = shapely.point_on_surface(np.asarray(geometry.values, dtype=object))
    return shapely.get_y(points), shapely.get_x(points)


def _written_as(lat: np.ndarray, lon: np.ndarray, located: np.ndarray, system: str) -> list[str]:
    """Each point written in `system`; empty for a point with no such writing (no point, or one
    stored before imports checked coordinates, at latitude 999), so one bad record cannot stop
    an export of every layer."""
    plausible = located & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    return [format_position(a, o, system) if ok else "" for a, o, ok in zip(lat, lon, plausible, strict=True)]


def _meridians(province_63: pd.Series) -> pd.Series:
    table = province_table_63().set_index("iso")["tm3_meridian"]
    return province_63.map(table).astype(float)


def coordinate_frame(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per record: the anchor point in decimal degrees, DMS, MGRS and VN-2000 X/Y
    (columns lat, lon, dms, mgrs, vn2000_x, vn2000_y, meridian; COORDINATE_HEADERS names them)."""
    lat, lon = anchor_points(frame.geometry)
    located = ~np.isnan(lat)
    meridian = _meridians(frame["province_63"]) if "province_63" in frame else pd.Series(np.nan, index=frame.index)
    x = np.full(len(frame), np.nan)
    y = np.full(len(frame), np.nan)
    for value in meridian[located].dropna().unique():
        rows = located & (meridian.to_numpy() == value)
        x[rows], y[rows] = vn2000_xy(lat[rows], lon[rows], float(value))
    return pd.DataFrame(
        {
            "lat": np.round(lat, 7),
            "lon": np.round(lon, 7),
            "dms": _written_as(lat, lon, located, "dms"),
            "mgrs": _written_as(lat, lon, located, "mgrs"),
            "vn2000_x": np.round(x, 2),
            "vn2000_y": np.round(y, 2),
            "meridian": [meridian_text(m) if not np.isnan(m) else "" for m in meridian],
        },
        index=frame.index,
    )


def labelled_values(layer: Layer, row: pd.Series, audience: str, lang: str) -> list[tuple[str, str]]:
    """(label, value) of every non-empty field the audience may see, for one record."""
    pairs = []
    for name in exported_fields(layer, audience):
        field = layer.field(name)
        value = display_value(field, row.get(name), lang)
        if value:
            pairs.append((field_label(field, lang), value))
    return pairs


def labelled_frame(frame: gpd.GeoDataFrame, layer: Layer, audience: str, lang: str) -> pd.DataFrame:
    """The fields the audience may see, headed by their labels: numbers stay numbers, codes become labels."""
    columns = {CODE_HEADER[lang]: frame["id"].map(short_code)}
    for name in exported_fields(layer, audience):
        field = layer.field(name)
        if field.type == "int":
            columns[field_label(field, lang)] = pd.to_numeric(frame[name]).round().astype("Int64")
        elif field.type == "float":
            columns[field_label(field, lang)] = pd.to_numeric(frame[name])
        else:
            columns[field_label(field, lang)] = frame[name].map(lambda v, f=field: display_value(f, v, lang))
    return pd.DataFrame(columns, index=frame.index)


def table(frame: gpd.GeoDataFrame, layer: Layer, audience: str, lang: str) -> pd.DataFrame:
    """What CSV and XLSX hold: labelled fields, coordinates, and WKT for lines and polygons."""
    coordinates = coordinate_frame(frame)
    coordinates.columns = list(COORDINATE_HEADERS[lang])
    parts = [labelled_frame(frame, layer, audience, lang), coordinates]
    if layer.geometry != "point":
        parts.append(pd.DataFrame({GEOMETRY_HEADER[lang]: frame.geometry.to_wkt(rounding_precision=7)}))
    out = pd.concat(parts, axis=1)
    out.insert(len(out.columns), "id", frame["id"].astype(str))
    return out.reset_index(drop=True)
