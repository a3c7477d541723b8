"""Building the folium map from layer frames: plain Python, testable without Streamlit.

Leaflet and every plugin come from static/vendor (served by Streamlit at /app/static),
never from a CDN. Online basemaps are offered, and a boundaries-only basemap drawn
from the shipped province polygons (fetched once from static/basemap, see
ui/static_files.py) takes over by itself when tiles cannot load.
Every user-supplied text is HTML-escaped on the server before it reaches the page.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium import plugins
from folium.elements import JSCSSMixin
from jinja2 import Template

from layers.aggregate import MAX_ZOOM
from layers.labels import short_code, term_label
from layers.schema import BATTLEFIELDS, CEMETERIES, REPORTS, STATUSES
from ui.i18n import text
from ui.static_files import basemap_url

STATIC = "/app/static/vendor"
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]
CIRCLE_MIN_ZOOM = 11  # uncertainty circles only when zoomed in enough to read them
SEA_COLOR = "#dfeaf2"
# "areas": the approximate areas of reports placed only by a place name (dashed, never pins).
ALL_LAYERS = frozenset({"reports", "areas", "circles", "battlefields", "cemeteries", "trips", "boundaries", "heat"})
DEFAULT_LAYERS = frozenset({"reports", "areas", "circles", "battlefields", "cemeteries", "trips", "boundaries"})
TILES = (
    ("osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    (
        "satellite",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Esri, Maxar, Earthstar Geographics",
    ),
    ("topo", "https://tile.opentopomap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors, SRTM · © OpenTopoMap"),
)


def _asset(package: str, file: str) -> str:
    return f"{STATIC}/{package}/{file}"


class OfflineMap(folium.Map):
    """A folium Map that loads only Leaflet, from the app's own static files."""

    default_js = [("leaflet", _asset("leaflet", "leaflet.js"))]
    default_css = [("leaflet_css", _asset("leaflet", "leaflet.css"))]


class _Fullscreen(plugins.Fullscreen):
    default_js = [("Control.Fullscreen.js", _asset("leaflet.fullscreen", "Control.FullScreen.js"))]
    default_css = [("Control.FullScreen.css", _asset("leaflet.fullscreen", "Control.FullScreen.css"))]


class _MousePosition(plugins.MousePosition):
    default_js = [("Control_MousePosition_js", _asset("leaflet-mouse-position", "L.Control.MousePosition.js"))]
    default_css = [("Control_MousePosition_css", _asset("leaflet-mouse-position", "L.Control.MousePosition.css"))]


class _Measure(plugins.MeasureControl):
    default_js = [("leaflet_measure_js", _asset("leaflet-measure", "leaflet-measure.js"))]
    default_css = [("leaflet_measure_css", _asset("leaflet-measure", "leaflet-measure.css"))]


class _Draw(plugins.Draw):
    default_js = [("leaflet_draw_js", _asset("leaflet-draw", "leaflet.draw.js"))]
    default_css = [("leaflet_draw_css", _asset("leaflet-draw", "leaflet.draw.css"))]


@dataclass(frozen=True)
class MapOptions:
    """What the map shows besides the data: layer switches, boundary level, language."""

    layers: frozenset[str] = DEFAULT_LAYERS
    boundary_level: str = "34"  # '34' or '63'
    show_contacts: bool = False  # witness contacts in popups (a setting until roles exist)
    lang: str = "vi"
    province_names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    chapter_names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


# Beyond HTML's own characters: folium renders layer scripts a second time as Jinja
# templates ("{{", "{%") and puts tooltips in JavaScript template strings ("`", "${").
_TEMPLATE_CHARS = str.maketrans({"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape(value: object) -> str:
    """Text safe inside HTML, a JavaScript template string and a Jinja template.

    None and NaN become an empty string.

    >>> escape("<b>{{ 6*7 }}</b> `${x}`")
    '&lt;b&gt;&#123;&#123; 6*7 &#125;&#125;&lt;/b&gt; &#96;&#36;&#123;x&#125;&#96;'
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value)).translate(_TEMPLATE_CHARS)


def status_label(code: str, lang: str) -> str:
    return term_label(REPORTS.field("status"), code, lang)


def short_id(report_id: str) -> str:
    """The tag shown at the end of tooltips and used to find a clicked report again."""
    return f"#{escape(short_code(report_id))}"


class OfflineFallback(MacroElement):
    """Switches to the boundaries-only basemap when the online tiles fail to load."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var offline = {{ this.offline.get_name() }};
  var tiles = [{% for t in this.tiles %}{{ t.get_name() }}{% if not loop.last %}, {% endif %}{% endfor %}];
  var loaded = false, errors = 0;
  tiles.forEach(function (t) {
    t.on('tileload', function () { loaded = true; });
    t.on('tileerror', function () {
      errors += 1;
      if (!loaded && errors >= 3 && map.hasLayer(t)) {
        map.removeLayer(t);
        map.addLayer(offline);
        offline.bringToBack();
      }
    });
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, offline: folium.FeatureGroup, tiles: list[folium.TileLayer]) -> None:
        super().__init__()
        self._name = "OfflineFallback"
        self.offline = offline
        self.tiles = tiles


_DMS_FORMATTER = """function (num) {
  var a = Math.abs(num), d = Math.floor(a), m = Math.floor((a - d) * 60),
      s = ((a - d - m / 60) * 3600).toFixed(1);
  return num.toFixed(6) + ' (' + d + '°' + m + "'" + s + '")';
}"""


class StaticGeoJson(MacroElement):
    """GeoJSON files the browser fetches from the app's static files, drawn in order into the
    parent group. A file is fetched once per page even when several layers draw it."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var cache = window.bandoGeoFiles = window.bandoGeoFiles || {};
  var parts = {{ this.parts_json }};
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
  }
  Promise.all(parts.map(function (p) {
    cache[p.url] = cache[p.url] || fetch(p.url).then(function (r) { return r.json(); });
    return cache[p.url];
  })).then(function (files) {
    files.forEach(function (data, i) {
      var p = parts[i];
      L.geoJSON(data, {
        style: p.style, interactive: p.tooltip, pane: p.pane || 'overlayPane',
        onEachFeature: p.tooltip ? function (f, layer) { layer.bindTooltip(esc(f.properties.name)); } : null
      }).addTo(group);
    });
  }).catch(function (e) { console.warn('boundaries not loaded', e); });
})();
{% endmacro %}
"""
    )

    def __init__(self, parts: list[dict]) -> None:
        super().__init__()
        self._name = "StaticGeoJson"
        self.parts_json = json.dumps(parts)


BASEMAP_PANE = "bando-basemap"


class _Panes(MacroElement):
    """The offline basemap's own pane, under every overlay."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.createPane({{ this.pane|tojson }}).style.zIndex = 250;
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Panes"
        self.pane = BASEMAP_PANE


def _basemaps(m: folium.Map, lang: str) -> None:
    tiles = []
    for i, (key, url, attribution) in enumerate(TILES):
        layer = folium.TileLayer(
            url, attr=attribution, name=text(f"basemap_{key}", lang), overlay=False, show=i == 0, max_zoom=MAX_ZOOM
        )
        layer.add_to(m)
        tiles.append(layer)
    m.add_child(_Panes())
    offline = folium.FeatureGroup(name=text("layer_basemap", lang), overlay=False, show=False)
    fill = {"weight": 1, "fillOpacity": 1}
    StaticGeoJson(
        [
            {
                "url": basemap_url("neighbours"),
                "style": {**fill, "color": "#b0b0b0", "fillColor": "#f2efe9"},
                "tooltip": False,
                "pane": BASEMAP_PANE,
            },
            {
                "url": basemap_url("34"),
                "style": {**fill, "color": "#9a8c7a", "fillColor": "#fbf8f1"},
                "tooltip": False,
                "pane": BASEMAP_PANE,
            },
        ]
    ).add_to(offline)
    offline.add_to(m)
    m.add_child(OfflineFallback(offline, tiles))


def _boundaries(level: str, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=text(f"layer_provinces_{level}", lang))
    style = {"color": "#6b5b45", "weight": 1.2, "fill": False}
    StaticGeoJson([{"url": basemap_url(level), "style": style, "tooltip": True}]).add_to(group)
    return group


class _Raw(Element):
    """Text placed in the page as it is."""

    def __init__(self, content: str) -> None:
        super().__init__()
        self.content = content

    def render(self, **kwargs) -> str:
        return self.content


class RawScript(MacroElement):
    """A MacroElement whose rendered script goes into the page as it is. folium would otherwise
    compile every rendered script as a new Jinja template: milliseconds each, and seconds for a
    script carrying data. Data inside must still be escaped (see `escape`)."""

    def render(self, **kwargs) -> None:
        script = self._template.module.__dict__["script"]
        self.get_root().script.add_child(_Raw(script(self, kwargs)), name=self.get_name())


def json_payload(data: object) -> str:
    """Data as a JavaScript literal: "</script" cannot end the script early, and the line
    separators that older JavaScript engines refuse inside strings are escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class SitesLayer(RawScript):
    """Battlefields or cemeteries: one symbol per site, its name and notes as a tooltip."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var icon = L.divIcon({className: '', iconSize: [18, 18], iconAnchor: [9, 9],
                        html: {{ this.icon_json }}});
  {{ this.payload }}.forEach(function (s) {
    L.marker([s[0], s[1]], {icon: icon}).bindTooltip(s[2]).addTo(group);
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, frame: gpd.GeoDataFrame, symbol: str, color: str) -> None:
        super().__init__()
        self._name = "SitesLayer"
        shown = frame[frame.geometry.notna()]
        tips = [
            "<br>".join(v for v in (escape(n), escape(t)) if v)
            for n, t in zip(shown["name"], shown.get("notes", pd.Series(None, index=shown.index)), strict=True)
        ]
        points = zip(shown.geometry.y.round(6), shown.geometry.x.round(6), tips, strict=True)
        self.payload = json_payload([[y, x, tip] for y, x, tip in points])
        self.icon_json = json.dumps(
            f'<div class="site-symbol" style="color:{color}">{symbol}</div>', ensure_ascii=False
        )


def _site_layer(frame: gpd.GeoDataFrame, name: str, symbol: str, color: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name)
    SitesLayer(frame, symbol, color).add_to(group)
    return group


def _legend(lang: str) -> Element:
    dot = "display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px"
    rows = "".join(
        f'<div><span style="{dot};background:{t.color}"></span>{escape(status_label(t.code, lang))}</div>'
        for t in STATUSES
    )
    ring = (
        "display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:4px;"
        "border:2px dashed #555;box-sizing:border-box;vertical-align:-1px"
    )
    area = f'<div class="legend-area"><span style="{ring}"></span>{escape(text("layer_areas", lang))}</div>'
    sites = (
        f'<div><span style="color:{BATTLEFIELDS.color}">★</span> {escape(text("layer_battlefields", lang))}</div>'
        f'<div><span style="color:{CEMETERIES.color}">✚</span> {escape(text("layer_cemeteries", lang))}</div>'
    )
    return Element(
        '<div class="map-legend" style="position:absolute;bottom:48px;right:10px;z-index:800;'
        'background:white;padding:6px 8px;border-radius:4px;font:12px sans-serif;box-shadow:0 1px 4px #0004">'
        f"<b>{escape(text('legend_title', lang))}</b>{rows}{area}{sites}</div>"
    )


_CSS = f"""<style>
.leaflet-container {{ background: {SEA_COLOR}; }}
.report-count {{ background: white; padding: 3px 8px; border-radius: 4px; font: 13px sans-serif;
  box-shadow: 0 1px 4px #0004; max-width: calc(100vw - 250px); }}
.report-popup th {{ text-align: left; padding-right: 8px; color: #555; vertical-align: top; font-weight: 600; }}
.report-popup td {{ max-width: 240px; }}
.report-cell div {{ width: 100%; height: 100%; border-radius: 50%; display: flex; align-items: center;
  justify-content: center; background: rgba(31, 92, 153, 0.82); color: white; font: bold 12px sans-serif;
  border: 2px solid white; box-shadow: 0 1px 4px #0006; box-sizing: border-box; }}
.site-symbol {{ font: bold 16px sans-serif; text-shadow: 0 0 3px white, 0 0 3px white; line-height: 18px; }}
@media (max-width: 560px) {{  /* a phone: the legend goes up under the layer switch, the count takes the width */
  .report-count {{ max-width: calc(100vw - 40px); }}
  .map-legend {{ bottom: auto !important; top: 64px; }}
}}
</style>"""


def base_map(
    lang: str,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> OfflineMap:
    """An offline-capable map: online tiles when they load, else the shipped boundaries basemap."""
    m = OfflineMap(location=list(center or (16.0, 106.0)), zoom_start=zoom or 6, tiles=None, control_scale=True)
    m.options["maxZoom"] = MAX_ZOOM
    m.options["worldCopyJump"] = True  # the view stays on the one world the reports are placed in
    m.get_root().header.add_child(Element(_CSS))
    _basemaps(m, lang)
    return m


class _HeatAssets(JSCSSMixin, MacroElement):
    """Loads the heat map plugin with the map (the heat layer itself comes with the view)."""

    _template = Template("{% macro script(this, kwargs) %}// heat map plugin{% endmacro %}")
    default_js = [("leaflet-heat.js", _asset("leaflet.heat", "leaflet-heat.js"))]


def _controls(m: folium.Map) -> None:
    folium.LayerControl(collapsed=True).add_to(m)
    _Fullscreen(position="topleft").add_to(m)
    _Measure(
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="sqmeters",
        secondary_area_unit="hectares",
    ).add_to(m)
    _Draw(
        export=False,
        position="topleft",
        draw_options={
            "polyline": False,
            "circle": False,
            "marker": False,
            "circlemarker": False,
            "polygon": True,
            "rectangle": True,
        },
        edit_options={"edit": False},
    ).add_to(m)
    _MousePosition(
        position="bottomright",
        separator=" | ",
        prefix="",
        lat_formatter=_DMS_FORMATTER,
        lng_formatter=_DMS_FORMATTER,
        empty_string="",
    ).add_to(m)


SCRIPT_LAYERS = frozenset({"boundaries", "battlefields", "cemeteries", "heat"})  # the rest come with the view


def script_key(options: MapOptions, fit: list[list[float]] | None) -> tuple:
    """What build_map's script depends on (besides the sites' data): while it stays the same, the
    browser keeps its map and only the view's layer changes."""
    layers = options.layers & SCRIPT_LAYERS
    level = options.boundary_level if "boundaries" in layers else None
    return options.lang, tuple(sorted(layers)), level, tuple(map(tuple, fit or VIETNAM_BOUNDS))


def build_map(
    battlefields: gpd.GeoDataFrame,
    cemeteries: gpd.GeoDataFrame,
    options: MapOptions | None = None,
    fit: list[list[float]] | None = None,
) -> folium.Map:
    """The map without the reports: basemaps, boundaries, sites, controls and legend.

    The reports and trips of the current view are a separate layer (ui/reports_view.py), sent
    on their own when the map is panned or zoomed. `fit` is [[south, west], [north, east]]
    (the whole country when None). Nothing here depends on the view, so the map's script stays
    the same while the user pans.
    """
    options = options or MapOptions()
    lang, layers = options.lang, options.layers
    m = base_map(lang)
    if "boundaries" in layers:
        _boundaries(options.boundary_level, lang).add_to(m)
    if "battlefields" in layers:
        _site_layer(battlefields, text("layer_battlefields", lang), "★", BATTLEFIELDS.color).add_to(m)
    if "cemeteries" in layers:
        _site_layer(cemeteries, text("layer_cemeteries", lang), "✚", CEMETERIES.color).add_to(m)
    if "heat" in layers:
        m.add_child(_HeatAssets())
    _controls(m)
    m.get_root().html.add_child(_legend(lang))
    m.fit_bounds(fit or VIETNAM_BOUNDS)
    return m
