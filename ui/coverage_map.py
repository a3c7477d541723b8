"""The coverage map: a choropleth of one measure by province, searched areas, reports by
coverage state (the unvisited ones stand out), and an H3 density whose cell size follows the zoom."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.spatial import h3_cells, h3_polygon
from layers.labels import number, short_code
from ui.i18n import text
from ui.mapview import base_map, escape

H3_BY_ZOOM = ((4, 0, 6), (5, 7, 7), (6, 8, 9), (7, 10, 11), (8, 12, 30))  # resolution, from zoom, to zoom
DOTS_MAX = 3000  # report dots on the coverage map; unreached reports come first
HEXAGONS_MAX = 3000  # a resolution with more cells than this is left out (its zooms show none)
STATE_STYLE = {
    "not_visited": {"color": "#b2182b", "fillColor": "#ef3b2c", "radius": 6, "weight": 2},
    "in_searched_area": {"color": "#555555", "fillColor": "#9e9e9e", "radius": 4, "weight": 1},
    "linked": {"color": "#1b7837", "fillColor": "#5aae61", "radius": 4, "weight": 1},
    "searched_by_status": {"color": "#1b7837", "fillColor": "#a6dba0", "radius": 4, "weight": 1},
    "duplicate": {"color": "#aaaaaa", "fillColor": "#dddddd", "radius": 3, "weight": 1},
}
RAMP = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
HEAT = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


def ramp_color(value: float, low: float, high: float, colors: tuple[str, ...] = RAMP) -> str:
    """The colour of a value on a stepped ramp between low and high.

    >>> ramp_color(0, 0, 100), ramp_color(100, 0, 100), ramp_color(50, 0, 0)
    ('#f7fbff', '#08306b', '#f7fbff')
    """
    if high <= low or np.isnan(value):
        return colors[0]
    step = int((value - low) / (high - low) * (len(colors) - 1) + 0.5)
    return colors[min(max(step, 0), len(colors) - 1)]


class ZoomLayers(MacroElement):
    """Shows each layer only between its zoom levels (the H3 cell size follows the zoom)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var layers = [{% for layer, low, high in this.layers %}[{{ layer.get_name() }}, {{ low }}, {{ high }}],{% endfor %}];
  function sync() {
    var z = map.getZoom();
    layers.forEach(function (l) {
      var on = z >= l[1] && z <= l[2];
      if (on && !map.hasLayer(l[0])) { map.addLayer(l[0]); }
      if (!on && map.hasLayer(l[0])) { map.removeLayer(l[0]); }
    });
  }
  map.on('zoomend', sync);
  sync();
})();
{% endmacro %}
"""
    )

    def __init__(self, layers: list[tuple[folium.FeatureGroup, int, int]]) -> None:
        super().__init__()
        self._name = "ZoomLayers"
        self.layers = layers


def _figure(value: float, lang: str) -> str:
    return number(value, lang, 1 if value % 1 else 0)


def _choropleth(boundary: gpd.GeoDataFrame, values: pd.Series, label: str, lang: str, m: folium.Map) -> None:
    """Provinces coloured by the measure, with a legend over the same range as the colours."""
    frame = boundary[["code", "name", "geometry"]].copy()
    frame["value"] = frame["code"].map(values).fillna(0.0).astype(float)
    low, high = float(frame["value"].min()), float(frame["value"].max())
    frame["shown"] = [f"{escape(n)}: {_figure(v, lang)}" for n, v in zip(frame["name"], frame["value"], strict=True)]
    colors = {code: ramp_color(v, low, high) for code, v in zip(frame["code"], frame["value"], strict=True)}
    folium.GeoJson(
        frame[["code", "shown", "geometry"]].__geo_interface__,
        name=label,
        style_function=lambda f: {
            "fillColor": colors[f["properties"]["code"]],
            "color": "#555555",
            "weight": 1,
            "fillOpacity": 0.65,
        },
        tooltip=folium.GeoJsonTooltip(["shown"], labels=False),
    ).add_to(m)
    m.get_root().html.add_child(_legend(label, low, high, lang))


def _legend(label: str, low: float, high: float, lang: str) -> Element:
    steps = "".join(f'<span style="background:{c};display:inline-block;width:22px;height:10px"></span>' for c in RAMP)
    return Element(
        f'<div id="coverage-legend" style="position:absolute;bottom:28px;right:10px;z-index:1000;background:white;'
        f'padding:4px 8px;border-radius:4px;font:12px sans-serif">{escape(label)}<br>{steps}<br>'
        f"{_figure(low, lang)} – {_figure(high, lang)}</div>"
    )


def _areas(areas: gpd.GeoSeries, lang: str) -> folium.GeoJson:
    return folium.GeoJson(
        gpd.GeoDataFrame(geometry=areas, crs=4326).__geo_interface__,
        name=text("cov_layer_areas", lang),
        style_function=lambda _: {"color": "#1b7837", "weight": 1, "fillColor": "#5aae61", "fillOpacity": 0.45},
    )


def _tip(report_id: str, state: str, lang: str) -> str:
    return f"#{escape(short_code(report_id))} · {escape(text('cov_state_' + state, lang))}"


def dots_shown(reports: gpd.GeoDataFrame, states: pd.DataFrame) -> pd.Series:
    """Which located reports get a dot: all of them up to DOTS_MAX, else the unreached first."""
    located = reports.geometry.notna()
    if located.sum() <= DOTS_MAX:
        return located
    rank = (states["state"] != "not_visited").astype(int)  # unreached first, then the others
    order = rank[located].sort_values(kind="stable").index[:DOTS_MAX]
    return reports.index.isin(order) & located


def _reports(reports: gpd.GeoDataFrame, states: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=text("cov_layer_reports", lang))
    located = dots_shown(reports, states)
    features = []
    for (report_id, geometry), state in zip(
        reports.loc[located, ["id", "geometry"]].itertuples(index=False), states.loc[located, "state"], strict=True
    ):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(geometry.x, 6), round(geometry.y, 6)]},
                "properties": {"state": state, "tip": _tip(report_id, state, lang)},
            }
        )
    if not features:  # folium refuses a tooltip on an empty collection
        return group
    # Unvisited reports last, so that they are drawn on top.
    features.sort(key=lambda f: f["properties"]["state"] == "not_visited")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(fill=True, fill_opacity=0.9),
        style_function=lambda f: STATE_STYLE[f["properties"]["state"]],
        tooltip=folium.GeoJsonTooltip(["tip"], labels=False),
    ).add_to(group)
    return group


def _hex_style(feature: dict) -> dict:
    return {"fillColor": feature["properties"]["color"], "color": "#7f2704", "weight": 0.5, "fillOpacity": 0.55}


def _hexagons(reports: gpd.GeoDataFrame, m: folium.Map, lang: str) -> None:
    located = reports[reports.geometry.notna()]
    if located.empty:
        return
    lat, lon = located.geometry.y.to_numpy(), located.geometry.x.to_numpy()
    layers = []
    for resolution, low, high in H3_BY_ZOOM:
        counts = pd.Series(h3_cells(lat, lon, resolution)).value_counts()
        if len(counts) > HEXAGONS_MAX:
            continue
        top = float(counts.max())
        features = [
            {
                "type": "Feature",
                "geometry": h3_polygon(cell).__geo_interface__,
                "properties": {"n": int(n), "color": ramp_color(float(n), 1.0, top, HEAT)},
            }
            for cell, n in counts.items()
        ]
        group = folium.FeatureGroup(name=f"H3 {resolution}", control=False, show=False)
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=_hex_style,
            tooltip=folium.GeoJsonTooltip(["n"], aliases=[text("cov_hex_count", lang)]),
        ).add_to(group)
        group.add_to(m)
        layers.append((group, low, high))
    m.add_child(ZoomLayers(layers))


def coverage_map(
    reports: gpd.GeoDataFrame,
    states: pd.DataFrame,
    areas: gpd.GeoSeries,
    boundary: gpd.GeoDataFrame,
    values: pd.Series,
    measure_label: str,
    lang: str,
    hexagons: bool,
) -> folium.Map:
    """`values` is the measure per province code of `boundary` (34 or 63)."""
    shown = boundary.rename(columns={"iso": "code"}) if "iso" in boundary else boundary
    m = base_map(lang)
    _choropleth(shown, values, measure_label, lang, m)
    if hexagons:
        _hexagons(reports, m, lang)
    if len(areas):
        _areas(areas, lang).add_to(m)
    _reports(reports, states, lang).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    located = reports[reports.geometry.notna()]
    if len(located):
        x0, y0, x1, y1 = located.total_bounds
        m.fit_bounds([[y0, x0], [y1, x1]], padding=(20, 20))
    return m
