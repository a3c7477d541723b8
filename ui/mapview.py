"""Building the folium map from layer frames: plain Python, testable without Streamlit.

Leaflet and every plugin come from static/vendor (served by Streamlit at /app/static),
never from a CDN. Online basemaps are offered, and a boundaries-only basemap drawn
from the shipped province polygons takes over by itself when tiles cannot load.
Every user-supplied text is HTML-escaped on the server before it reaches the page.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium import plugins
from folium.elements import JSCSSMixin
from jinja2 import Template

from layers.labels import number, period_text, short_code, term_label
from layers.schema import BATTLEFIELDS, CEMETERIES, REPORTS, STATUSES, TRIPS
from ui.i18n import text

STATIC = "/app/static/vendor"
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]
MAX_ZOOM = 18
CIRCLE_MIN_ZOOM = 11  # uncertainty circles only when zoomed in enough to read them
SEA_COLOR = "#dfeaf2"
ALL_LAYERS = frozenset({"reports", "circles", "battlefields", "cemeteries", "trips", "boundaries", "heat"})
DEFAULT_LAYERS = frozenset({"reports", "circles", "battlefields", "cemeteries", "trips", "boundaries"})
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


class _Heat(plugins.HeatMap):
    default_js = [("leaflet-heat.js", _asset("leaflet.heat", "leaflet-heat.js"))]


@dataclass(frozen=True)
class MapOptions:
    """What the map shows besides the data: layer switches, boundary level, view."""

    layers: frozenset[str] = DEFAULT_LAYERS
    boundary_level: str = "34"  # '34' or '63'
    show_contacts: bool = False  # witness contacts in popups (a setting until roles exist)
    lang: str = "vi"
    center: tuple[float, float] | None = None
    zoom: int | None = None
    fit_to_reports: bool = False  # zoom to the reports shown (after a place or area filter)
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


POPUP_FIELDS = (
    "field_martyr_names",
    "field_unit",
    "field_period",
    "field_place",
    "field_historical_place",
    "field_province",
    "field_province_63",
    "field_status",
    "field_uncertainty",
    "field_coords",
    "field_coords_raw",
    "field_chapter",
)
CONTACT_FIELDS = ("field_witness", "field_witness_phone", "field_witness_address")


def _clean(values) -> list:
    return [None if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in values]


class _Lookup:
    """Repeated strings sent once: rows carry an index into `values`."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: object) -> int:
        text = escape(value)
        if text not in self._index:
            self._index[text] = len(self.values)
            self.values.append(text)
        return self._index[text]


def report_rows(reports: gpd.GeoDataFrame, options: MapOptions) -> dict:
    """What the page needs to draw the located reports, compactly.

    rows: [lat, lon, status index, radius m, short id]; info: [martyrs, unit, period, place,
    historical place, province, province 2008–2025, coordinates as written, chapter, contacts…]
    where unit, province and chapter are indexes into their lookup lists. Every string is
    escaped here. Column-wise, because this runs on every rerun for every shown report.
    """
    located = reports[reports.geometry.notna()]
    lats, lons = located.geometry.y.round(6).tolist(), located.geometry.x.round(6).tolist()
    col = {name: _clean(located[name].tolist()) for name in located.columns if name != "geometry"}
    index = {t.code: i for i, t in enumerate(STATUSES)}
    units, provinces, chapters = _Lookup(), _Lookup(), _Lookup()
    rows, info = [], []
    for i, report_id in enumerate(col["id"]):
        row = {k: v[i] for k, v in col.items()}
        radius = row["uncertainty_m"]
        rows.append(
            [
                lats[i],
                lons[i],
                index.get(row["status"], len(STATUSES)),
                0 if radius is None else round(float(radius)),
                short_id(report_id),
            ]
        )
        values = [
            escape(row["martyr_names"]),
            units(row["unit"]),
            escape(period_text(row)),
            escape(row["place_description"]),
            escape(row.get("historical_place")),
            provinces(options.province_names.get(row["province_34"], row["province_34"])),
            escape(row.get("province_63")),
            escape(row.get("coord_text")),
            chapters(options.chapter_names.get(row.get("chapter_id"), row.get("chapter_id"))),
        ]
        if options.show_contacts:
            values += [escape(row.get(k)) for k in ("witness_name", "witness_phone", "witness_address")]
        info.append(values)
    return {
        "rows": rows,
        "info": info,
        "units": units.values,
        "provinces": provinces.values,
        "chapters": chapters.values,
        "statuses": [escape(status_label(t.code, options.lang)) for t in STATUSES] + ["?"],
    }


class JsonData(Element):
    """A JSON payload placed in the page as an inert <script type="application/json">.

    Large data lives here rather than inside a MacroElement's script, because folium
    compiles every rendered script as a Jinja template (seconds for megabytes).
    """

    _template = Template('<script type="application/json" id="{{ this.element_id }}">{{ this.payload }}</script>')

    def __init__(self, element_id: str, data: object) -> None:
        super().__init__()
        self.element_id = element_id
        # "<" never occurs unescaped in the data, but "</script" must not end the element early.
        self.payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


class ReportsLayer(JSCSSMixin, MacroElement):
    """Reports as status-coloured circle markers, clustered when zoomed out, with
    uncertainty circles in metres when zoomed in and a count of what is drawn."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function start() {
  // The page may add its HTML (where the data sits) after running this script: wait for it.
  var source = document.getElementById({{ this.data_id|tojson }});
  if (!source) { setTimeout(start, 20); return; }
  var map = {{ this._parent.get_name() }};
  var data = JSON.parse(source.textContent);
  var rows = data.rows, info = data.info;
  var labels = {{ this.labels_json }};
  var colors = {{ this.colors_json }};
  var markersGroup = {{ this.markers.get_name() }};
  var circlesGroup = {{ this.circles.get_name() if this.circles else "null" }};
  function dms(v, pos, neg) {
    var a = Math.abs(v), d = Math.floor(a), m = Math.floor((a - d) * 60);
    var s = ((a - d - m / 60) * 3600).toFixed(1);
    return d + '°' + (m < 10 ? '0' : '') + m + "'" + (s < 10 ? '0' : '') + s + '"' + (v >= 0 ? pos : neg);
  }
  function popup(i) {
    var r = rows[i], p = info[i];
    var values = [p[0], data.units[p[1]], p[2], p[3], p[4], data.provinces[p[5]], p[6], data.statuses[r[2]],
                  r[3] ? '± ' + r[3].toLocaleString('vi-VN') + ' m' : '',
                  dms(r[0], 'N', 'S') + ' ' + dms(r[1], 'E', 'W') +
                    ' (' + r[0].toFixed(6) + ', ' + r[1].toFixed(6) + ')',
                  p[7], data.chapters[p[8]]].concat(p.slice(9));
    var html = '<table class="report-popup">';
    for (var k = 0; k < labels.length; k++) {
      if (values[k]) { html += '<tr><th>' + labels[k] + '</th><td>' + values[k] + '</td></tr>'; }
    }
    return html + '</table>';
  }
  var cluster = L.markerClusterGroup({chunkedLoading: true, disableClusteringAtZoom: 12, maxClusterRadius: 45});
  var markers = [];
  for (var i = 0; i < rows.length; i++) {
    var r = rows[i];
    var m = L.circleMarker([r[0], r[1]], {radius: 6, color: '#222', weight: 1,
                                          fillColor: colors[r[2]], fillOpacity: 0.9});
    m.bindTooltip(info[i][0] + ' · ' + data.statuses[r[2]] + ' · ' + r[4]);
    m.bindPopup(popup.bind(null, i), {maxWidth: 380});
    markers.push(m);
  }
  cluster.addLayers(markers);
  markersGroup.addLayer(cluster);
  if (circlesGroup) {
    // Circles are made the first time the map is zoomed in far enough to show them.
    var inner = null;
    var sync = function () {
      if (map.getZoom() < {{ this.circle_zoom }}) { if (inner) { circlesGroup.removeLayer(inner); } return; }
      if (!inner) {
        var circles = [];
        for (var j = 0; j < rows.length; j++) {
          var c = rows[j];
          if (c[3] > 0) {
            circles.push(L.circle([c[0], c[1]], {radius: c[3], color: colors[c[2]], weight: 1,
                                                 fillOpacity: 0.08, interactive: false}));
          }
        }
        inner = L.layerGroup(circles);
      }
      circlesGroup.addLayer(inner);
    };
    map.on('zoomend', sync);
    sync();
  }
  var count = L.control({position: 'bottomleft'});
  count.onAdd = function () {
    var div = L.DomUtil.create('div', 'report-count');
    div.setAttribute('data-count', {{ this.total }});
    div.setAttribute('data-located', rows.length);
    div.innerHTML = {{ this.count_html_json }};
    return div;
  };
  count.addTo(map);
})();
{% endmacro %}
"""
    )
    default_js = [("markerclusterjs", _asset("leaflet.markercluster", "leaflet.markercluster.js"))]
    default_css = [
        ("markerclustercss", _asset("leaflet.markercluster", "MarkerCluster.css")),
        ("markerclusterdefaultcss", _asset("leaflet.markercluster", "MarkerCluster.Default.css")),
    ]

    def __init__(self, data: dict, labels, markers, circles, count_html: str, total: int) -> None:
        super().__init__()
        self.total = int(total)
        self._name = "ReportsLayer"
        # A fixed id: streamlit-folium renames folium's generated names inside scripts only.
        self.data_id = "bando-report-data"
        self.data = JsonData(self.data_id, data)
        self.labels_json = json.dumps(labels, ensure_ascii=False)
        self.colors_json = json.dumps([t.color for t in STATUSES] + ["#000000"])
        self.count_html_json = json.dumps(count_html, ensure_ascii=False)
        self.markers = markers
        self.circles = circles
        self.circle_zoom = CIRCLE_MIN_ZOOM


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


def _basemaps(m: folium.Map, provinces: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame, lang: str) -> None:
    tiles = []
    for i, (key, url, attribution) in enumerate(TILES):
        layer = folium.TileLayer(
            url, attr=attribution, name=text(f"basemap_{key}", lang), overlay=False, show=i == 0, max_zoom=MAX_ZOOM
        )
        layer.add_to(m)
        tiles.append(layer)
    offline = folium.FeatureGroup(name=text("layer_basemap", lang), overlay=False, show=False)
    folium.GeoJson(
        neighbours.__geo_interface__,
        style_function=lambda _: {"color": "#b0b0b0", "weight": 1, "fillColor": "#f2efe9", "fillOpacity": 1},
        interactive=False,
    ).add_to(offline)
    folium.GeoJson(
        provinces[["name", "geometry"]].__geo_interface__,
        style_function=lambda _: {"color": "#9a8c7a", "weight": 1, "fillColor": "#fbf8f1", "fillOpacity": 1},
        interactive=False,
    ).add_to(offline)
    offline.add_to(m)
    m.add_child(OfflineFallback(offline, tiles))


def _boundaries(boundary: gpd.GeoDataFrame, level: str, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=text(f"layer_provinces_{level}", lang))
    folium.GeoJson(
        boundary[["name", "geometry"]].__geo_interface__,
        style_function=lambda _: {"color": "#6b5b45", "weight": 1.2, "fill": False},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(group)
    return group


def _site_layer(frame: gpd.GeoDataFrame, name: str, symbol: str, color: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name)
    for _, row in frame[frame.geometry.notna()].iterrows():
        icon = folium.DivIcon(
            html=f'<div class="site-symbol" style="color:{color}">{symbol}</div>',
            icon_size=(18, 18),
            icon_anchor=(9, 9),
        )
        tip = "<br>".join(v for v in (escape(row.get("name")), escape(row.get("notes"))) if v)
        folium.Marker((row.geometry.y, row.geometry.x), icon=icon, tooltip=folium.Tooltip(tip)).add_to(group)
    return group


def _trips_layer(trips: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=text("layer_trips", lang))
    shown = trips[trips.geometry.notna()].copy()
    if shown.empty:
        return group
    # A track drawn at 5 m is indistinguishable from the GPS original and a fraction of its size.
    shown["geometry"] = shapely.set_precision(shown.geometry.simplify(0.00005).values, 1e-5)
    shown["label"] = [f"{escape(n)} · {escape(t)}" for n, t in zip(shown["name"], shown["team"], strict=True)]
    shown["dates"] = [f"{escape(a)} → {escape(b)}" for a, b in zip(shown["date_from"], shown["date_to"], strict=True)]
    folium.GeoJson(
        shown[["label", "dates", "geometry"]].__geo_interface__,
        style_function=lambda _: {"color": TRIPS.color, "weight": 3, "opacity": 0.9},
        tooltip=folium.GeoJsonTooltip(fields=["label", "dates"], labels=False),
    ).add_to(group)
    return group


def _legend(lang: str) -> Element:
    dot = "display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px"
    rows = "".join(
        f'<div><span style="{dot};background:{t.color}"></span>{escape(status_label(t.code, lang))}</div>'
        for t in STATUSES
    )
    sites = (
        f'<div><span style="color:{BATTLEFIELDS.color}">★</span> {escape(text("layer_battlefields", lang))}</div>'
        f'<div><span style="color:{CEMETERIES.color}">✚</span> {escape(text("layer_cemeteries", lang))}</div>'
    )
    return Element(
        '<div class="map-legend" style="position:absolute;bottom:48px;right:10px;z-index:800;'
        'background:white;padding:6px 8px;border-radius:4px;font:12px sans-serif;box-shadow:0 1px 4px #0004">'
        f"<b>{escape(text('legend_title', lang))}</b>{rows}{sites}</div>"
    )


_CSS = f"""<style>
.leaflet-container {{ background: {SEA_COLOR}; }}
.report-count {{ background: white; padding: 3px 8px; border-radius: 4px; font: 13px sans-serif;
  box-shadow: 0 1px 4px #0004; }}
.report-popup th {{ text-align: left; padding-right: 8px; color: #555; vertical-align: top; font-weight: 600; }}
.report-popup td {{ max-width: 240px; }}
.site-symbol {{ font: bold 16px sans-serif; text-shadow: 0 0 3px white, 0 0 3px white; line-height: 18px; }}
</style>"""


def _bounds(points: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = points.total_bounds
    pad = 0.02  # degrees, about 2 km, so edge markers are not cut
    return [[miny - pad, minx - pad], [maxy + pad, maxx + pad]]


def base_map(
    boundary: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    lang: str,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> OfflineMap:
    """An offline-capable map: online tiles when they load, else the shipped boundaries basemap."""
    m = OfflineMap(location=list(center or (16.0, 106.0)), zoom_start=zoom or 6, tiles=None, control_scale=True)
    m.options["maxZoom"] = MAX_ZOOM  # marker clustering needs it when tiles=None
    m.get_root().header.add_child(Element(_CSS))
    _basemaps(m, boundary, neighbours, lang)
    return m


def build_map(
    reports: gpd.GeoDataFrame,
    battlefields: gpd.GeoDataFrame,
    cemeteries: gpd.GeoDataFrame,
    trips: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    neighbours: gpd.GeoDataFrame,
    options: MapOptions | None = None,
    report_data: dict | None = None,
) -> folium.Map:
    """The whole map for the filtered reports and the chosen layers.

    `report_data` is `report_rows(reports, options)` when the caller has it cached.
    """
    options = options or MapOptions()
    lang, layers = options.lang, options.layers
    m = base_map(boundary, neighbours, lang, options.center, options.zoom)
    if "boundaries" in layers:
        _boundaries(boundary, options.boundary_level, lang).add_to(m)
    if "trips" in layers:
        _trips_layer(trips, lang).add_to(m)
    if "battlefields" in layers:
        _site_layer(battlefields, text("layer_battlefields", lang), "★", BATTLEFIELDS.color).add_to(m)
    if "cemeteries" in layers:
        _site_layer(cemeteries, text("layer_cemeteries", lang), "✚", CEMETERIES.color).add_to(m)
    located = reports[reports.geometry.notna()]
    if "heat" in layers and not located.empty:
        heat = folium.FeatureGroup(name=text("layer_heat", lang))
        _Heat([[p.y, p.x] for p in located.geometry], radius=14, blur=18, min_opacity=0.3).add_to(heat)
        heat.add_to(m)
    if "reports" in layers:
        markers = folium.FeatureGroup(name=text("layer_reports", lang)).add_to(m)
        circles = folium.FeatureGroup(name=text("layer_circles", lang)).add_to(m) if "circles" in layers else None
        data = report_rows(reports, options) if report_data is None else report_data
        rows = data["rows"]
        labels = [escape(text(k, lang)) for k in POPUP_FIELDS + (CONTACT_FIELDS if options.show_contacts else ())]
        count_html = escape(
            text(
                "map_count",
                lang,
                n=number(len(reports), lang),
                located=number(len(rows), lang),
                u=number(len(reports) - len(rows), lang),
            )
        )
        layer = ReportsLayer(data, labels, markers, circles, count_html, len(reports))
        m.get_root().header.add_child(layer.data)
        m.add_child(layer)
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
    m.get_root().html.add_child(_legend(lang))
    if options.center is None:
        m.fit_bounds(_bounds(located) if options.fit_to_reports and not located.empty else VIETNAM_BOUNDS)
    return m
