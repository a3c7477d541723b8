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
from folium.template import Template as FoliumTemplate
from folium.utilities import JsCode
from jinja2 import Template

from layers.aggregate import MAX_ZOOM
from layers.labels import blank, layer_label, number, radius_text, short_code, term_label
from layers.places import AREA_RADIUS_M
from layers.schema import STORED_LAYERS, Layer, get_layer
from ui.i18n import text
from ui.static_files import basemap_url

STATIC = "/app/static/vendor"
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]
CIRCLE_MIN_ZOOM = 11  # uncertainty circles only when zoomed in enough to read them
SEA_COLOR = "#dfeaf2"


def map_layers(kind: str | None = None) -> tuple[Layer, ...]:
    """The stored layers the map draws (their declaration has a symbol), of one symbol kind."""
    return tuple(layer for layer in STORED_LAYERS if layer.symbol and (kind is None or layer.symbol.kind == kind))


def shown_choices() -> tuple[Layer, ...]:
    """The layers the map's "Hiển thị" control chooses between: a grouped layer's group layer
    (sites) and the grouped layer itself (testimonies), which is the default."""
    for layer in STORED_LAYERS:
        if layer.grouped_in and layer.symbol:
            return get_layer(layer.grouped_in[0]), layer
    return tuple(map_layers("circle")[:1])


# The key under which ui/reports_view.py draws the view's dots: the testimonies' layer name. The
# shown layer (sites or testimonies) is drawn under it; its switch is the dots' switch.
POINTS = shown_choices()[-1].name
GROUPS = frozenset(layer.name for layer in shown_choices()[:-1])  # chosen by "Hiển thị", no switch
# Switches that are no layer: "areas", the approximate areas of records placed only by a place name
# (dashed, never pins); "circles", uncertainty circles; the boundaries; the heat map.
EXTRAS = frozenset({"areas", "circles", "boundaries", "heat"})
ALL_LAYERS = frozenset(layer.name for layer in map_layers()) - GROUPS | EXTRAS
DEFAULT_LAYERS = ALL_LAYERS - {"heat"}
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
    shown: str = POINTS  # the layer drawn as the view's dots: testimonies, or their sites
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


def style_terms(layer: Layer | None = None) -> tuple:
    """The terms whose colours style the layer's dots (its style field's vocabulary)."""
    layer = layer or get_layer(POINTS)
    return layer.field(layer.style).vocabulary if layer.style else ()


def status_label(code: str, lang: str, layer: Layer | None = None) -> str:
    layer = layer or get_layer(POINTS)
    return term_label(layer.field(layer.style), code, lang) if layer.style else str(code)


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
    """A marker layer (battlefields, cemeteries): one icon per record, its title and notes as a tooltip."""

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

    def __init__(self, frame: gpd.GeoDataFrame, symbol: str, color: str, title: str = "name") -> None:
        super().__init__()
        self._name = "SitesLayer"
        shown = frame[frame.geometry.notna()]
        none = pd.Series(None, index=shown.index)
        tips = [
            "<br>".join(v for v in (escape(n), escape(t)) if v)
            for n, t in zip(shown.get(title, none), shown.get("notes", none), strict=True)
        ]
        points = zip(shown.geometry.y.round(6), shown.geometry.x.round(6), tips, strict=True)
        self.payload = json_payload([[y, x, tip] for y, x, tip in points])
        self.icon_json = json.dumps(
            f'<div class="site-symbol" style="color:{color}">{symbol}</div>', ensure_ascii=False
        )


def _marker_layer(frame: gpd.GeoDataFrame, layer: Layer, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=layer_label(layer, lang))
    SitesLayer(frame, layer.symbol.icon, layer.color, layer.title or "name").add_to(group)
    return group


def _legend_title(layer: Layer, lang: str) -> str:
    if layer.name == POINTS:
        return text("legend_title", lang)
    return text("legend_title_of", lang, what=layer_label(layer, lang).lower())


def _legend(lang: str, shown: str = POINTS) -> Element:
    dot = "display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px"
    layer = get_layer(shown)
    rows = "".join(
        f'<div><span style="{dot};background:{t.color}"></span>{escape(status_label(t.code, lang, layer))}</div>'
        for t in style_terms(layer)
    )
    ring = (
        "display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:4px;"
        "border:2px dashed #555;box-sizing:border-box;vertical-align:-1px"
    )
    area = f'<div class="legend-area"><span style="{ring}"></span>{escape(text("layer_areas", lang))}</div>'
    sites = "".join(
        f'<div><span style="color:{m.color}">{escape(m.symbol.icon)}</span> {escape(layer_label(m, lang))}</div>'
        for m in map_layers("marker")
    )
    if shown in GROUPS:  # a site's testimonies placed apart are drawn to it
        line = f"display:inline-block;width:14px;border-top:2px dashed {CONFLICT_COLOR};margin-right:6px"
        sites += f'<div><span style="{line}"></span>{escape(text("legend_conflict", lang))}</div>'
    # A <details>: open on a screen, folded to its title on a phone (PhoneLegend), where it would
    # cover a third of the map; a tap on the title opens it.
    return Element(
        '<details class="map-legend" open style="position:absolute;bottom:48px;right:10px;z-index:800;'
        'background:white;padding:6px 8px;border-radius:4px;font:12px sans-serif;box-shadow:0 1px 4px #0004">'
        f"<summary><b>{escape(_legend_title(layer, lang))}</b></summary>{rows}{area}{sites}</details>"
    )


class PhoneLegend(MacroElement):
    """Folds the legend on a narrow screen when the map is drawn (CSS cannot close a <details>)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
if (window.innerWidth <= 560) {
  document.querySelectorAll('details.map-legend').forEach(function (d) { d.removeAttribute('open'); });
}
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PhoneLegend"


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
.bando-distance {{ background: white; padding: 6px 10px; border-radius: 4px; font: 15px/1.35 sans-serif;
  box-shadow: 0 1px 4px #0004; max-width: min(360px, calc(100vw - 90px)); }}
.bando-distance:empty {{ display: none; }}
.bando-distance .bando-distance-main {{ font-weight: 600; }}
.bando-distance .bando-distance-note {{ color: #444; font-size: 14px; }}
@media (max-width: 560px) {{  /* a phone: the legend goes up under the layer switch, the count takes the width */
  .report-count {{ max-width: calc(100vw - 40px); font-size: 14px; }}
  .map-legend {{ bottom: auto !important; top: 64px; }}
  /* Buttons a finger can hit (Leaflet's own are 30 px): zoom, full screen, my location. */
  .leaflet-touch .leaflet-control-zoom a, .leaflet-touch .leaflet-control-locate a,
  .leaflet-touch .leaflet-control-zoom-fullscreen {{ width: 40px !important; height: 40px !important;
    line-height: 40px !important; }}
  .leaflet-touch .leaflet-control-layers-toggle {{ width: 44px; height: 44px; }}
  .bando-distance {{ font-size: 16px; max-width: calc(100vw - 40px); }}
  .leaflet-draw-toolbar {{ zoom: 1.34; }}  /* the drawing buttons are sprites: scaled whole */
  .map-legend {{ font-size: 14px !important; }}
  .map-legend summary {{ min-height: 32px; line-height: 32px; cursor: pointer; }}
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


class _Shown(MacroElement):
    """Names the shown layer in the map's script. streamlit-folium makes a new map (with its legend,
    which is HTML) only when the script changes: switching sites and testimonies must."""

    # A block comment: streamlit-folium appends its own code to the script's last line.
    _template = Template("{% macro script(this, kwargs) %}/* dots: {{ this.shown }} */\n{% endmacro %}")

    def __init__(self, shown: str) -> None:
        super().__init__()
        self._name = "Shown"
        self.shown = shown.replace("_", "-")


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


# -- "Vị trí của tôi": the device's position, and the distance and bearing to the selected point ---
# Everything is computed in the browser: the position never reaches the server (it is a person's
# whereabouts, and the map works with no signal). The selected point comes with the view's layer.

# The inverse geodesic problem on WGS84 (Vincenty's iteration; the haversine formula on the mean
# sphere where it does not converge, near antipodal points that no trip ever has): metres and the
# initial bearing in degrees from north. Kept as its own text so tests run it in Node.
GEODESIC_JS = """function bandoInverse(lat1, lon1, lat2, lon2) {
  var a = 6378137, f = 1 / 298.257223563, b = a * (1 - f), rad = Math.PI / 180;
  var L = (lon2 - lon1) * rad;
  var U1 = Math.atan((1 - f) * Math.tan(lat1 * rad)), U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
  var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
  var lambda = L, previous, sinL, cosL, sinS, cosS, sigma, sinA, cos2A, cos2M, C, i = 0;
  do {
    sinL = Math.sin(lambda); cosL = Math.cos(lambda);
    sinS = Math.sqrt(Math.pow(cosU2 * sinL, 2) + Math.pow(cosU1 * sinU2 - sinU1 * cosU2 * cosL, 2));
    if (sinS === 0) { return {metres: 0, bearing: 0}; }
    cosS = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    sigma = Math.atan2(sinS, cosS);
    sinA = cosU1 * cosU2 * sinL / sinS;
    cos2A = 1 - sinA * sinA;
    cos2M = cos2A !== 0 ? cosS - 2 * sinU1 * sinU2 / cos2A : 0;
    C = f / 16 * cos2A * (4 + f * (4 - 3 * cos2A));
    previous = lambda;
    lambda = L + (1 - C) * f * sinA * (sigma + C * sinS * (cos2M + C * cosS * (-1 + 2 * cos2M * cos2M)));
  } while (Math.abs(lambda - previous) > 1e-12 && ++i < 200);
  if (i >= 200) {
    var p1 = lat1 * rad, p2 = lat2 * rad, dl = (lon2 - lon1) * rad;
    var h = Math.pow(Math.sin((p2 - p1) / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
    var y = Math.sin(dl) * Math.cos(p2), x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
    return {metres: 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h))),
            bearing: (Math.atan2(y, x) / rad + 360) % 360};
  }
  var u2 = cos2A * (a * a - b * b) / (b * b);
  var A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  var B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  var dS = B * sinS * (cos2M + B / 4 * (cosS * (-1 + 2 * cos2M * cos2M) -
           B / 6 * cos2M * (-3 + 4 * sinS * sinS) * (-3 + 4 * cos2M * cos2M)));
  var bearing = Math.atan2(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL) / rad;
  return {metres: b * A * (sigma - dS), bearing: (bearing + 360) % 360};
}"""


class _Locate(plugins.LocateControl):
    """folium's LocateControl from static/vendor; its options go out as JavaScript so the error
    handlers are functions (the plugin's own alert() is blocked in streamlit-folium's iframe and
    would speak English): they write into the distance box instead. A map rebuilt while the person
    was following their position starts following again."""

    default_js = [("Control_locate_min_js", _asset("leaflet.locatecontrol", "L.Control.Locate.min.js"))]
    default_css = [("Control_locate_min_css", _asset("leaflet.locatecontrol", "L.Control.Locate.min.css"))]
    _template = FoliumTemplate(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var control = L.control.locate({{ this.options | tojavascript }}).addTo(map);
  // A fix lost for a moment (under trees, in a valley) must not stop the following: the plugin
  // stops on any error but a timeout; the browser's watch goes on, and so do we.
  var stopOnError = control._onLocationError;
  control._onLocationError = function (err) {
    if (err.code === 2 && this._active && window.bandoWhere && window.bandoWhere.here) {
      window.bandoWhere.fail('lost', err);
      return;
    }
    return stopOnError.call(this, err);
  };
  map.on('locateactivate', function () { window.bandoLocating = true; });
  map.on('locatedeactivate', function () { window.bandoLocating = false; });
  if (window.bandoLocating) { control.start(); }
})();
{% endmacro %}
"""
    )


def _fail(kind: str) -> JsCode:
    return JsCode(f"function (e) {{ if (window.bandoWhere) {{ window.bandoWhere.fail({json.dumps(kind)}, e); }} }}")


def _locate(m: folium.Map, lang: str) -> None:
    _Locate(
        position="topleft",
        set_view="untilPanOrZoom",
        show_compass=True,
        cache_location=True,
        strings={
            "title": text("ph_locate_title", lang),
            "metersUnit": text("ph_metres", lang),
            "popup": text("ph_locate_popup", lang),
            "outsideMapBoundsMsg": text("ph_outside", lang),
        },
        locate_options={"enableHighAccuracy": True, "maxZoom": 16, "watch": True, "setView": False},
        on_location_error=_fail("error"),
        on_location_outside_map_bounds=JsCode(
            "function (control) { control.stop(); if (window.bandoWhere) { window.bandoWhere.fail('outside'); } }"
        ),
    ).add_to(m)
    m.add_child(DistanceBox(lang))


class DistanceBox(RawScript):
    """The small box in the map's corner: how far the selected point is from the located position,
    in which direction, and that this is a straight line; updated on every new position. It says
    what to press when a point is selected but no position is known yet, and why no position came.
    `window.bandoWhere` holds the position and the target (set by SelectedTarget with each view)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var said = {{ this.strings_json }};
  var inverse = ({{ this.geodesic }});
  var old = window.bandoWhere || {};
  var state = window.bandoWhere = {here: window.bandoLocating ? old.here : null, target: old.target || null,
                                    problem: null};
  var box = L.control({position: 'bottomleft'});
  var div;
  box.onAdd = function () {
    div = L.DomUtil.create('div', 'bando-distance');
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  box.addTo(map);
  function decimal(v, digits) { return v.toFixed(digits).replace('.', said.decimal); }
  function grouped(n) { return String(Math.round(n)).replace(/\\B(?=(\\d{3})+(?!\\d))/g, said.thousands); }
  function distance(m) {
    if (m < 1000) { return grouped(Math.round(m / 10) * 10) + ' m'; }
    return (m < 100000 ? decimal(m / 1000, 1) : grouped(m / 1000)) + ' km';
  }
  function line(text, kind) {
    var p = document.createElement('div');
    p.className = 'bando-distance-' + kind;
    p.textContent = text;
    div.appendChild(p);
  }
  function fill(template, values) {
    return template.replace(/\\{(\\w+)\\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  state.show = function () {
    if (!div) { return; }
    div.textContent = '';
    ['data-distance-m', 'data-bearing', 'data-approximate'].forEach(function (a) { div.removeAttribute(a); });
    var here = state.here, target = state.target;
    if (state.problem) { line(state.problem, 'note'); }
    if (target && !target.located) { line(said.no_position, 'note'); return; }
    if (here && target) {
      var r = inverse(here.lat, here.lon, target.lat, target.lon);
      var deg = Math.round(r.bearing) % 360;
      div.setAttribute('data-distance-m', r.metres.toFixed(1));
      div.setAttribute('data-bearing', r.bearing.toFixed(1));
      div.setAttribute('data-approximate', target.approximate ? '1' : '0');
      line(fill(said.distance, {d: distance(r.metres), deg: deg, dir: said.directions[Math.round(r.bearing / 45) % 8]}),
           'main');
      if (target.approximate) { line(fill(said.area, {r: target.radius}), 'note'); }
      line(said.straight, 'note');
    } else if (target && !state.problem) {
      line(said.press, 'note');
    } else if (here) {
      line(fill(said.here, {lat: decimal(here.lat, 5), lon: decimal(here.lon, 5), acc: grouped(here.accuracy)}),
           'note');
      line(said.pick, 'note');
    }
  };
  state.fail = function (kind, e) {
    var code = e && e.code;
    state.problem = kind === 'outside' ? said.outside : kind === 'lost' ? said.lost
                  : code === 1 && !window.isSecureContext ? said.insecure : code === 1 ? said.denied
                  : code === 3 ? said.timeout : said.unavailable;
    state.show();
  };
  map.on('locationfound', function (e) {
    state.here = {lat: e.latlng.lat, lon: e.latlng.lng, accuracy: e.accuracy || 0};
    state.problem = null;
    state.show();
  });
  state.show();
})();
{% endmacro %}
"""
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DistanceBox"
        self.geodesic = GEODESIC_JS
        keys = ("press", "pick", "here", "distance", "area", "straight", "no_position", "outside")
        strings = {key: text(f"ph_{key}", lang) for key in keys}
        strings |= {key: text(f"ph_{key}", lang) for key in ("denied", "insecure", "unavailable", "timeout", "lost")}
        strings["directions"] = text("ph_directions", lang).split("|")
        strings["decimal"], strings["thousands"] = (".", ",") if lang == "en" else (",", ".")
        self.strings_json = json_payload(strings)


def target_of(row: pd.Series | dict | None, lang: str) -> dict | None:
    """What the distance box needs of the selected record: its point, or the centre of the area
    estimated from its place name (with the area's radius as text), or that it has no position.

    >>> from shapely.geometry import Point
    >>> target_of({"id": "3f2a9c1d-0000", "geometry": Point(107.1, 16.8)}, "vi")
    {'located': True, 'lat': 16.8, 'lon': 107.1, 'approximate': False, 'radius': ''}
    >>> target_of({"id": "x", "geometry": None, "area_lat": 16.7, "area_lon": 107.0, "area_radius_m": 2500}, "vi")
    {'located': True, 'lat': 16.7, 'lon': 107.0, 'approximate': True, 'radius': '2,5 km'}
    """
    if row is None:
        return None
    geometry = row.get("geometry")
    if geometry is not None and not geometry.is_empty:
        return {
            "located": True,
            "lat": round(geometry.y, 7),
            "lon": round(geometry.x, 7),
            "approximate": False,
            "radius": "",
        }
    lat, lon, radius = row.get("area_lat"), row.get("area_lon"), row.get("area_radius_m")
    if blank(lat) or blank(lon):
        return {"located": False, "lat": None, "lon": None, "approximate": False, "radius": ""}
    radius_m = AREA_RADIUS_M if blank(radius) or float(radius) <= 0 else float(radius)
    said = radius_text(radius_m, lang).removeprefix("± ")
    return {
        "located": True,
        "lat": round(float(lat), 7),
        "lon": round(float(lon), 7),
        "approximate": True,
        "radius": said,
    }


class SelectedTarget(RawScript):
    """Tells the distance box which point is selected, with each view's layer (the map's own script
    stays the same while the selection changes)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var where = window.bandoWhere;
  if (where) { where.target = {{ this.target_json }}; where.show(); }
})();
{% endmacro %}
"""
    )

    def __init__(self, target: dict | None) -> None:
        super().__init__()
        self._name = "SelectedTarget"
        self.target_json = json_payload(target)


# The marker layers come with the map's script, the rest with the view.
SCRIPT_LAYERS = frozenset({"boundaries", "heat", *(layer.name for layer in map_layers("marker"))})


def script_key(options: MapOptions, fit: list[list[float]] | None) -> tuple:
    """What build_map's script depends on (besides the sites' data): while it stays the same, the
    browser keeps its map and only the view's layer changes."""
    layers = options.layers & SCRIPT_LAYERS
    level = options.boundary_level if "boundaries" in layers else None
    return options.lang, tuple(sorted(layers)), level, tuple(map(tuple, fit or VIETNAM_BOUNDS)), options.shown


def build_map(
    *args: gpd.GeoDataFrame | MapOptions | list[list[float]] | None,
    options: MapOptions | None = None,
    fit: list[list[float]] | None = None,
) -> folium.Map:
    """layers_map with the marker layers' frames given in their declarations' order (battlefields,
    cemeteries), then options and fit, as the map was first called."""
    frames = tuple(a for a in args if isinstance(a, pd.DataFrame))
    rest = args[len(frames) :]
    options = options or (rest[0] if rest else None)
    fit = fit or (rest[1] if len(rest) > 1 else None)
    markers = {layer.name: frame for layer, frame in zip(map_layers("marker"), frames, strict=False)}
    return layers_map(markers, options, fit)


def layers_map(
    markers: dict[str, gpd.GeoDataFrame],
    options: MapOptions | None = None,
    fit: list[list[float]] | None = None,
) -> folium.Map:
    """The map without the view's layer: basemaps, boundaries, marker layers, controls and legend.

    `markers` holds the frames of the layers whose symbol is a marker, by name. The testimonies
    (or sites) and trips of the current view are a separate layer (ui/reports_view.py), sent on
    their own when the map is panned or zoomed. `fit` is [[south, west], [north, east]] (the whole
    country when None). Nothing here depends on the view, so the map's script stays the same while
    the user pans.
    """
    options = options or MapOptions()
    lang, layers = options.lang, options.layers
    m = base_map(lang)
    if "boundaries" in layers:
        _boundaries(options.boundary_level, lang).add_to(m)
    for layer in map_layers("marker"):
        if layer.name in layers and layer.name in markers:
            _marker_layer(markers[layer.name], layer, lang).add_to(m)
    if "heat" in layers:
        m.add_child(_HeatAssets())
    _controls(m)
    _locate(m, lang)
    m.add_child(_Shown(options.shown))
    m.get_root().html.add_child(_legend(lang, options.shown))
    m.add_child(PhoneLegend())
    m.fit_bounds(fit or VIETNAM_BOUNDS)
    return m


# -- the view's dots of a layer other than the testimonies (sites) ------------------------------
# ui/reports_view.py draws the view's dots with a testimony's popup: [title, unit, period, place,
# historical place, province, province 2008–2025, status, uncertainty, coordinates, coordinates as
# written, chapter]. Another layer fills the same slots from its declaration (popup_frame), and
# its own labels replace the testimony's where a slot holds something else (view_labels).
CONFLICT_COLOR = "#b2182b"
CONFLICTS_MAX = 200  # conflicting sites whose testimonies are drawn in one view
_SLOT_COLUMNS = ("unit", "year_from", "year_to", "period_text", "province_34", "province_63", "chapter_id")
_TESTIMONIES, _WITNESSES = "testimony_count", "witness_count"  # a group layer's summary (layers.sites)


def _column(frame: pd.DataFrame, name: str | None) -> pd.Series:
    if name and name in frame:
        return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def _counted(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def headline(row: dict, layer: Layer, lang: str) -> str:
    """What names a record on the map, as plain text (escaped where it is drawn): its title, and
    for a site the number of its testimonies and, from two independent witnesses on, who
    confirmed it ("được xác nhận bởi 2 nhân chứng").

    >>> from layers.schema import SITES
    >>> headline({"name": "Liệt sĩ Trần Văn Bảy", "testimony_count": 3, "witness_count": 2}, SITES, "vi")
    'Liệt sĩ Trần Văn Bảy · 3 lời kể · được xác nhận bởi 2 nhân chứng'
    """
    title = row.get(layer.title) if layer.title else None
    parts = [] if title is None or (isinstance(title, float) and pd.isna(title)) else [str(title)]
    if _TESTIMONIES in row and _counted(row.get(_TESTIMONIES)):
        parts.append(text("site_testimonies", lang, n=number(_counted(row[_TESTIMONIES]), lang)))
    if _counted(row.get(_WITNESSES)) >= 2:
        parts.append(text("site_confirmed", lang, n=number(_counted(row[_WITNESSES]), lang)))
    return " · ".join(parts)


def conflict_text(row: dict, lang: str) -> str | None:
    """What a site says when its testimonies place it further apart than they allow."""
    if not bool(row.get("positions_conflict")) or pd.isna(row.get("positions_conflict")):
        return None
    spread = row.get("spread_m")
    far = "?" if spread is None or pd.isna(spread) else radius_text(float(spread), lang)
    return text("site_conflict", lang, d=far)


def popup_frame(layer: Layer, frame: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """The frame as ui/reports_view.py draws it: a record's headline in the testimony's title
    slot, its martyrs in the place slot, a conflict of positions in the historical place slot.
    The testimonies' own layer is drawn as it is."""
    if layer.name == POINTS:
        return frame
    said = [c for c in dict.fromkeys((layer.title, _TESTIMONIES, _WITNESSES, "positions_conflict", "spread_m")) if c]
    records = pd.DataFrame({c: _column(frame, c) for c in said}, index=frame.index).to_dict("records")
    martyrs = _column(frame, "martyr_names") if layer.title != "martyr_names" else _column(frame, None)
    out = {
        "martyr_names": [headline(r, layer, lang) for r in records],
        "place_description": martyrs.to_numpy(dtype=object),
        "historical_place": [conflict_text(r, lang) for r in records],
        "coord_text": None,
        **{name: _column(frame, name).to_numpy(dtype=object) for name in _SLOT_COLUMNS},
    }
    kept = [c for c in frame.columns if c not in out]
    return gpd.GeoDataFrame(frame[kept].assign(**out), geometry=frame.geometry.name, crs=frame.crs)


def view_labels(layer: Layer, fields: tuple[str, ...], lang: str) -> list[str]:
    """The popup's labels (text keys of ui/reports_view.POPUP_FIELDS) for the layer's records."""
    own = {
        "field_martyr_names": layer_label(layer, lang),
        "field_place": _field_label(layer, "martyr_names", lang) or text("field_martyr_names", lang),
        "field_historical_place": text("site_conflict_label", lang),
    }
    labels = own if layer.name != POINTS else {}
    return [escape(labels.get(key) or text(key, lang)) for key in fields]


def _field_label(layer: Layer, name: str, lang: str) -> str | None:
    found = [f for f in layer.fields if f.name == name]
    return (found[0].label_en if lang == "en" else found[0].label_vi) if found else None


def _drawn_at(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Where the map draws each record: its point, else the centre of its approximate area."""
    has_point = frame.geometry.notna() & ~frame.geometry.is_empty
    lat = pd.Series(float("nan"), index=frame.index)
    lon = pd.Series(float("nan"), index=frame.index)
    lat[has_point], lon[has_point] = frame.geometry[has_point].y, frame.geometry[has_point].x
    lat = lat.fillna(pd.to_numeric(_column(frame, "area_lat"), errors="coerce"))
    lon = lon.fillna(pd.to_numeric(_column(frame, "area_lon"), errors="coerce"))
    return lat, lon


def member_layer(layer: Layer) -> tuple[Layer, str] | None:
    """The layer grouped in this one (testimonies in sites) and the field naming their group."""
    for other in STORED_LAYERS:
        if other.grouped_in and other.grouped_in[0] == layer.name:
            return other, other.grouped_in[1]
    return None


def conflict_rows(sites: gpd.GeoDataFrame, members: gpd.GeoDataFrame, link: str, view, lang: str) -> list:
    """For each site in the view whose testimonies conflict: [lat, lon, [[lat, lon, tooltip], …]],
    the site's position and each testimony's (its point, or its approximate area's centre), at most
    CONFLICTS_MAX sites. Every string is escaped here."""
    conflicting = sites[_column(sites, "positions_conflict").eq(True).to_numpy()]
    if conflicting.empty or members.empty:
        return []
    lat, lon = _drawn_at(conflicting)
    inside = (lat >= view.south) & (lat <= view.north) & (lon >= view.west) & (lon <= view.east)
    conflicting = conflicting[inside][:CONFLICTS_MAX]
    told = members[members[link].isin(set(conflicting["id"]))]
    told_lat, told_lon = _drawn_at(told)
    title = get_layer(POINTS).title
    by_site: dict[str, list] = {}
    for i, row in enumerate(told[["id", link, *([title] if title in told else [])]].to_dict("records")):
        if pd.isna(told_lat.iloc[i]):
            continue
        names = row.get(title) if title else None
        tip = text("site_testimony_tip", lang, code=short_code(row["id"]), names=names or "—")
        by_site.setdefault(row[link], []).append(
            [round(float(told_lat.iloc[i]), 6), round(float(told_lon.iloc[i]), 6), escape(tip)]
        )
    return [
        [round(float(lat[i]), 6), round(float(lon[i]), 6), by_site[site]]
        for i, site in zip(conflicting.index, conflicting["id"], strict=True)
        if site in by_site
    ]


class ConflictLines(RawScript):
    """A site's testimonies placed apart: each testimony's point and a thin dashed line from it to
    the site's position, under the sites' dots."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var map = {{ this._parent._parent.get_name() }};
  if (!map.getPane('bando-conflicts')) { map.createPane('bando-conflicts').style.zIndex = 615; }
  var color = {{ this.color_json }};
  {{ this.payload }}.forEach(function (c) {
    c[2].forEach(function (t) {
      L.polyline([[c[0], c[1]], [t[0], t[1]]], {color: color, weight: 1.5, dashArray: '4 4', opacity: 0.9,
                 interactive: false, pane: 'bando-conflicts', className: 'site-conflict'}).addTo(group);
      L.circleMarker([t[0], t[1]], {radius: 4, color: color, weight: 2, fillColor: '#ffffff', fillOpacity: 1,
                     pane: 'bando-conflicts', className: 'site-testimony'}).bindTooltip(t[2]).addTo(group);
    });
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, rows: list) -> None:
        super().__init__()
        self._name = "ConflictLines"
        self.payload = json_payload(rows)
        self.color_json = json.dumps(CONFLICT_COLOR)


def _view_notes(payload: dict, layer: Layer, lang: str) -> str:
    """The count in the map's corner, in the words of the shown layer."""
    count = payload["count"]
    what = layer_label(layer, lang).lower()
    notes = [
        text(
            "view_count",
            lang,
            n=number(count["total"], lang),
            what=what,
            located=number(count["located"], lang),
            approx=number(count["approximate"], lang),
            u=number(count["unlocated"], lang),
        )
    ]
    if payload["mode"] == "cells":
        notes.append(text("view_grouped", lang, v=number(count["in_view"], lang), what=what, one=what))
    return "<br>".join(escape(n) for n in notes)


def shown_payload(payload: dict, layer: Layer, lang: str, conflicts: list | None = None) -> dict:
    """A view payload (ui/reports_view.view_payload) of the layer's records, in its own words,
    with the conflicting positions of its sites (conflict_rows) when its dots are drawn one by one."""
    if layer.name == POINTS:
        return payload
    what = layer_label(layer, lang).lower()
    tip = escape(text("view_cell_tip", lang, n="{n}", what=what)).replace("&#123;n&#125;", "{n}")
    count = {**payload["count"], "html": _view_notes(payload, layer, lang)}
    drawn = conflicts if payload["mode"] == "points" and conflicts else []
    return {**payload, "count": count, "cell_tip": tip, "conflicts": drawn}


def shown_layer(payload: dict, layer: Layer, options: MapOptions, target: dict | None = None) -> folium.FeatureGroup:
    """The view's layer (to pass to st_folium as `feature_group_to_add`) drawing the shown layer's
    records with their labels, its sites' conflicting positions, and the selected point for the
    distance box (`target`, from target_of)."""
    from ui.reports_view import AREA_POPUP_FIELDS, CONTACT_FIELDS, POPUP_FIELDS, ViewLayer

    contacts = options.show_contacts and layer.name == POINTS  # a site holds no witness's contacts
    group = folium.FeatureGroup(name=layer_label(layer, options.lang), control=False)
    drawn = ViewLayer(payload, options.lang, contacts)
    fields = POPUP_FIELDS + (CONTACT_FIELDS if contacts else ())
    drawn.labels_json = json.dumps(view_labels(layer, fields, options.lang), ensure_ascii=False)
    areas = tuple(AREA_POPUP_FIELDS.get(k, k) for k in fields)
    drawn.area_labels_json = json.dumps(view_labels(layer, areas, options.lang), ensure_ascii=False)
    if payload.get("conflicts"):
        group.add_child(ConflictLines(payload["conflicts"]))
    group.add_child(drawn)
    group.add_child(SelectedTarget(target))
    return group
