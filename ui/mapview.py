"""Building the folium map from layer frames: plain Python, testable without Streamlit.

Leaflet and its plugins come from static/vendor (served by Streamlit at /app/static),
never from a CDN, and the basemap is drawn from the shipped boundaries, so the map
renders with no internet. Every user-supplied text is HTML-escaped before it reaches
a tooltip or popup.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element

from layers.schema import BATTLEFIELDS, CEMETERIES, STATUSES, TRIPS
from ui.i18n import text

STATIC = "/app/static/vendor"
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]
MAX_ZOOM = 18
STATUS_COLORS = {t.code: t.color for t in STATUSES}
SEA_COLOR = "#dfeaf2"


class OfflineMap(folium.Map):
    """A folium Map that loads only Leaflet, from the app's own static files."""

    default_js = [("leaflet", f"{STATIC}/leaflet/leaflet.js")]
    default_css = [("leaflet_css", f"{STATIC}/leaflet/leaflet.css")]


def escape(value: object) -> str:
    """Text safe to put inside HTML: None and NaN become an empty string."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _period(row: pd.Series) -> str:
    if pd.notna(row.get("year_from")) and pd.notna(row.get("year_to")):
        y0, y1 = int(row["year_from"]), int(row["year_to"])
        years = str(y0) if y0 == y1 else f"{y0}–{y1}"
        told = row.get("period_text") or ""
        return years if told in ("", years) else f"{years} ({told})"
    return row.get("period_text") or ""


def _status_label(code: str, lang: str) -> str:
    for term in STATUSES:
        if term.code == code:
            return term.label_en if lang == "en" else term.label_vi
    return code or ""


def _basemap(m: folium.Map, provinces: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame, lang: str) -> None:
    group = folium.FeatureGroup(name=text("layer_basemap", lang), overlay=False, control=True)
    folium.GeoJson(
        neighbours.__geo_interface__,
        style_function=lambda _: {"color": "#b0b0b0", "weight": 1, "fillColor": "#f2efe9", "fillOpacity": 1},
        interactive=False,
    ).add_to(group)
    folium.GeoJson(
        provinces[["name", "geometry"]].__geo_interface__,
        style_function=lambda _: {"color": "#9a8c7a", "weight": 1, "fillColor": "#fbf8f1", "fillOpacity": 1},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(group)
    group.add_to(m)


def _point_layer(
    frame: gpd.GeoDataFrame, name: str, color: str, radius: int, tooltip_fields: list[str]
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name)
    located = frame[frame.geometry.notna()]
    for _, row in located.iterrows():
        tip = "<br>".join(escape(row[f]) for f in tooltip_fields if escape(row.get(f)))
        folium.CircleMarker(
            location=(row.geometry.y, row.geometry.x),
            radius=radius,
            color="#333333",
            weight=1,
            fill=True,
            fill_color=color,
            fill_opacity=0.9,
            tooltip=folium.Tooltip(tip),
        ).add_to(group)
    return group


def report_features(reports: gpd.GeoDataFrame, province_names: dict[str, str], lang: str = "vi") -> dict:
    """GeoJSON of the located reports with escaped display properties and a colour per status."""
    located = reports[reports.geometry.notna()]
    features = []
    for _, row in located.iterrows():
        radius = row.get("uncertainty_m")
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(row.geometry.x, 6), round(row.geometry.y, 6)],
                },
                "properties": {
                    "color": STATUS_COLORS.get(row["status"], "#666666"),
                    "martyrs": escape(row["martyr_names"]),
                    "unit": escape(row["unit"]),
                    "period": escape(_period(row)),
                    "place": escape(row["place_description"]),
                    "province": escape(province_names.get(row["province_34"], row["province_34"])),
                    "status": escape(_status_label(row["status"], lang)),
                    "uncertainty": "" if pd.isna(radius) else f"± {radius:,.0f} m",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _reports_layer(
    reports: gpd.GeoDataFrame, province_names: dict[str, str], lang: str
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=text("layer_reports", lang))
    fields = ["martyrs", "unit", "period", "place", "province", "status", "uncertainty"]
    aliases = [
        text(k, lang)
        for k in (
            "field_martyr_names",
            "field_unit",
            "field_period",
            "field_place",
            "field_province",
            "field_status",
            "field_uncertainty",
        )
    ]
    folium.GeoJson(
        report_features(reports, province_names, lang),
        marker=folium.CircleMarker(radius=6, weight=1, color="#222222", fill=True, fill_opacity=0.9),
        style_function=lambda f: {"fillColor": f["properties"]["color"]},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
        name=text("layer_reports", lang),
    ).add_to(group)
    return group


def _trips_layer(trips: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=text("layer_trips", lang))
    shown = trips[trips.geometry.notna()].copy()
    if shown.empty:
        return group
    shown["label"] = [f"{escape(n)} · {escape(t)}" for n, t in zip(shown["name"], shown["team"], strict=True)]
    shown["dates"] = [
        f"{escape(a)} → {escape(b)}" for a, b in zip(shown["date_from"], shown["date_to"], strict=True)
    ]
    folium.GeoJson(
        shown[["label", "dates", "geometry"]].__geo_interface__,
        style_function=lambda _: {"color": TRIPS.color, "weight": 3, "opacity": 0.9},
        tooltip=folium.GeoJsonTooltip(fields=["label", "dates"], labels=False),
    ).add_to(group)
    return group


def _legend(lang: str) -> Element:
    dot = "display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px"
    rows = "".join(
        f'<div><span style="{dot};background:{t.color}"></span>{escape(_status_label(t.code, lang))}</div>'
        for t in STATUSES
    )
    return Element(
        '<div class="ddtdd-legend" style="position:absolute;bottom:24px;right:10px;z-index:800;'
        'background:white;padding:6px 8px;border-radius:4px;font:12px sans-serif;box-shadow:0 1px 4px #0004">'
        f"<b>{escape(text('legend_title', lang))}</b>{rows}</div>"
    )


def build_map(
    reports: gpd.GeoDataFrame,
    battlefields: gpd.GeoDataFrame,
    cemeteries: gpd.GeoDataFrame,
    trips: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    lang: str = "vi",
) -> folium.Map:
    """The whole map: offline basemap, reports by status, battlefields, cemeteries, trips."""
    m = OfflineMap(location=[16.0, 106.0], zoom_start=6, tiles=None, control_scale=True, prefer_canvas=False)
    m.options["maxZoom"] = MAX_ZOOM  # marker clustering needs it when tiles=None
    m.get_root().header.add_child(Element(f"<style>.leaflet-container{{background:{SEA_COLOR}}}</style>"))
    _basemap(m, provinces, neighbours, lang)
    names = dict(zip(provinces["code"], provinces["name"], strict=True))
    _trips_layer(trips, lang).add_to(m)
    _point_layer(
        battlefields, text("layer_battlefields", lang), BATTLEFIELDS.color, 7, ["name", "notes"]
    ).add_to(m)
    _point_layer(cemeteries, text("layer_cemeteries", lang), CEMETERIES.color, 8, ["name"]).add_to(m)
    _reports_layer(reports, names, lang).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    m.get_root().html.add_child(_legend(lang))
    m.fit_bounds(VIETNAM_BOUNDS)
    return m
