"""The reports and trips of one map view, as a layer sent on its own (issue 7).

The map's script (ui/mapview.py) does not change while the user pans and zooms; each new view
sends only this layer, through streamlit-folium's `feature_group_to_add`. Zoomed out, reports
are summed in screen cells on the server (layers/aggregate.py); when few enough are in view,
each report is drawn with its popup. Trips in view are simplified to the view's pixel. What
the browser receives is bounded by the view, not by the size of the database.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Template

from geo.spatial import METRES_PER_DEGREE
from layers import aggregate as agg
from layers.labels import number, period_text, radius_text
from layers.places import AREA_RADIUS_M, position_sources
from layers.schema import POSITION_SOURCES, STATUSES, TRIPS
from ui.i18n import text
from ui.mapview import CIRCLE_MIN_ZOOM, MapOptions, RawScript, escape, json_payload, short_id, status_label

# Reports are drawn one by one when no more than INDIVIDUAL_MAX are in view from zoom DETAIL_ZOOM
# on (about a province), and when no more than SPARSE_MAX are in view when zoomed out further
# (hundreds of dots on a whole-country map hide each other; numbered cells read better).
DETAIL_ZOOM = 9
SPARSE_MAX = 300
TRIPS_MAX = 600  # trips drawn in one view; beyond this the count asks to zoom in
TRIP_DETAIL_DEG = 1e-4  # about 11 m, a pixel at zoom 14: the finest a track is ever drawn
HEAT_CELL_PX = 16
VIEW_PAD = 0.25  # share of the view added on each side, so a small pan shows something at once
AREAS_MAX = 400  # approximate areas drawn in one view; beyond this the count asks to zoom in
STATUS_INDEX = {t.code: i for i, t in enumerate(STATUSES)}
UNKNOWN_STATUS = len(STATUSES)
# Where a position comes from, as in layers.places.position_counts: a point, a place name, nothing.
SOURCE_CODES = tuple(t.code for t in POSITION_SOURCES)
MEASURED, PLACE_NAME, UNKNOWN_SOURCE = range(3)

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
AREA_POPUP_FIELDS = {"field_uncertainty": "area_radius", "field_coords": "detail_position"}


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").astype("float64").to_numpy(copy=True)


@dataclass(frozen=True)
class Positions:
    """Reports' positions and status as arrays (NaN where not located), with `rows`, their
    positions in the frame the arrays were made from.

    `source` says where each position comes from (MEASURED, PLACE_NAME, UNKNOWN_SOURCE, counted
    as layers.places.position_counts does); `area_*` hold the approximate area read from the place
    name of a report without a point (NaN for the others): it is drawn, never placed as a point.
    """

    lon: np.ndarray
    lat: np.ndarray
    status: np.ndarray  # index into STATUSES, UNKNOWN_STATUS for a code not in the schema
    rows: np.ndarray
    source: np.ndarray
    area_lon: np.ndarray
    area_lat: np.ndarray
    area_radius: np.ndarray  # metres

    @classmethod
    def of(cls, reports: gpd.GeoDataFrame) -> Positions:
        geometry = reports.geometry.to_numpy()
        located = ~shapely.is_missing(geometry) & ~shapely.is_empty(geometry)
        lon = np.full(len(reports), np.nan)
        lat = np.full(len(reports), np.nan)
        lon[located] = shapely.get_x(geometry[located])
        lat[located] = shapely.get_y(geometry[located])
        codes = reports["status"].astype("category")
        index = [STATUS_INDEX.get(c, UNKNOWN_STATUS) for c in codes.cat.categories] + [UNKNOWN_STATUS]
        status = np.array(index, dtype=np.int64)[codes.cat.codes.to_numpy()]  # code -1 (no status): the last
        source = pd.Categorical(position_sources(reports), categories=SOURCE_CODES).codes.astype(np.int8)
        area_lon, area_lat = _floats(reports, "area_lon"), _floats(reports, "area_lat")
        radius = _floats(reports, "area_radius_m")
        drawn = ~located & ~np.isnan(area_lon) & ~np.isnan(area_lat)
        area_lon[~drawn], area_lat[~drawn] = np.nan, np.nan
        radius = np.where(drawn, np.where(np.isnan(radius) | (radius <= 0), AREA_RADIUS_M, radius), np.nan)
        return cls(lon, lat, status, np.arange(len(reports)), source, area_lon, area_lat, radius)

    def take(self, rows: np.ndarray) -> Positions:
        """The positions of some of these reports (`rows` index into this object)."""
        return Positions(
            self.lon[rows],
            self.lat[rows],
            self.status[rows],
            self.rows[rows],
            self.source[rows],
            self.area_lon[rows],
            self.area_lat[rows],
            self.area_radius[rows],
        )

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def located(self) -> int:
        """Reports with a measured point (a coordinate given)."""
        return int((~np.isnan(self.lon)).sum())

    def counts(self) -> dict[str, int]:
        """How many have each position source, keyed as layers.places.position_counts."""
        found = np.bincount(self.source, minlength=len(SOURCE_CODES))
        return {code: int(found[i]) for i, code in enumerate(SOURCE_CODES)}

    def bounds(self) -> list[list[float]] | None:
        """[[south, west], [north, east]] of the located reports and the approximate areas,
        padded about 2 km; None if there are neither."""
        points = ~np.isnan(self.lon)
        areas = ~np.isnan(self.area_lon)
        if not points.any() and not areas.any():
            return None
        dlat = self.area_radius[areas] / METRES_PER_DEGREE
        dlon = dlat / np.maximum(np.cos(np.radians(self.area_lat[areas])), 0.1)
        lat = np.concatenate([self.lat[points], self.area_lat[areas] - dlat, self.area_lat[areas] + dlat])
        lon = np.concatenate([self.lon[points], self.area_lon[areas] - dlon, self.area_lon[areas] + dlon])
        pad = 0.02
        return [
            [float(lat.min()) - pad, float(lon.min()) - pad],
            [float(lat.max()) + pad, float(lon.max()) + pad],
        ]


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


class _Popups:
    """What a report's popup shows, compactly: the strings repeated across reports (units,
    provinces, chapters) are sent once, shared by the points and the areas of one view."""

    def __init__(self, options: MapOptions) -> None:
        self.options = options
        self.units, self.provinces, self.chapters = _Lookup(), _Lookup(), _Lookup()

    def info(self, row: dict) -> list:
        """[martyrs, unit, period, place, historical place, province, province 2008–2025,
        coordinates as written, chapter, contacts…], unit, province and chapter as indexes."""
        options = self.options
        values = [
            escape(row["martyr_names"]),
            self.units(row["unit"]),
            escape(period_text(row)),
            escape(row["place_description"]),
            escape(row.get("historical_place")),
            self.provinces(options.province_names.get(row["province_34"], row["province_34"])),
            escape(row.get("province_63")),
            escape(row.get("coord_text")),
            self.chapters(options.chapter_names.get(row.get("chapter_id"), row.get("chapter_id"))),
        ]
        if options.show_contacts:
            values += [escape(row.get(k)) for k in ("witness_name", "witness_phone", "witness_address")]
        return values

    def lists(self) -> dict:
        return {"units": self.units.values, "provinces": self.provinces.values, "chapters": self.chapters.values}


def _records(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts without the geometry, NaN as None (column lists: fast)."""
    col = {name: _clean(frame[name].tolist()) for name in frame.columns if name != "geometry"}
    return [{k: v[i] for k, v in col.items()} for i in range(len(frame))]


def report_rows(reports: gpd.GeoDataFrame, options: MapOptions, popups: _Popups | None = None) -> dict:
    """What the page needs to draw the located reports one by one, compactly.

    rows: [lat, lon, status index, radius m, short id]; info: [martyrs, unit, period, place,
    historical place, province, province 2008–2025, coordinates as written, chapter, contacts…]
    where unit, province and chapter are indexes into their lookup lists. Every string is
    escaped here.
    """
    popups = popups or _Popups(options)
    located = reports[reports.geometry.notna()]
    lats, lons = located.geometry.y.round(6).tolist(), located.geometry.x.round(6).tolist()
    rows, info = [], []
    for i, row in enumerate(_records(located)):
        radius = row["uncertainty_m"]
        rows.append(
            [
                lats[i],
                lons[i],
                STATUS_INDEX.get(row["status"], UNKNOWN_STATUS),
                0 if radius is None else round(float(radius)),
                short_id(row["id"]),
            ]
        )
        info.append(popups.info(row))
    return {"rows": rows, "info": info, **popups.lists()}


def area_rows(reports: pd.DataFrame, positions: Positions, options: MapOptions, popups: _Popups | None = None) -> dict:
    """What the page needs to draw the approximate areas of reports with no point.

    `positions` are those reports' positions, in the same order. areas: [lat, lon, radius m,
    status index, tooltip, short id, place, radius as text, filled]; area_info: as report_rows'
    info. The tooltip ends with the short id, as a point's does, so a click on the area selects
    the report. Reports naming the same commune share one area: only the first is filled (the
    fills would darken the map), and each one's tooltip says how many share it. Every string is
    escaped here.
    """
    popups = popups or _Popups(options)
    lang = options.lang
    lead = escape(text("area_tip", lang))
    areas, info = [], []
    lats = np.round(positions.area_lat, 6).tolist()
    lons = np.round(positions.area_lon, 6).tolist()
    radii = np.round(positions.area_radius).astype(int).tolist() if len(positions) else []
    same = Counter(zip(lats, lons, radii, strict=True))
    filled: set[tuple] = set()
    for i, row in enumerate(_records(reports)):
        key = (lats[i], lons[i], radii[i])
        code = short_id(row["id"])
        place = escape(row.get("area_place")) or escape(text("area_no_place", lang))
        spread = escape(radius_text(radii[i], lang))
        status = int(positions.status[i])
        said = [f"{lead}: {place}", spread, escape(row.get("martyr_names"))]
        said.append(escape(status_label(row.get("status"), lang)) if status < UNKNOWN_STATUS else "?")
        if same[key] > 1:
            said.append(escape(text("area_shared", lang, n=number(same[key], lang))))
        tooltip = " · ".join(part for part in said if part) + f" · {code}"
        fill = key not in filled
        filled.add(key)
        areas.append([lats[i], lons[i], radii[i], status, tooltip, code, f"{lead}: {place}", spread, int(fill)])
        info.append(popups.info(row))
    return {"areas": areas, "area_info": info, **popups.lists()}


def _cells(summed: agg.Cells) -> list:
    """[lat, lon, count, [count per status]] per cell."""
    lat, lon = np.round(summed.lat, 5).tolist(), np.round(summed.lon, 5).tolist()
    return [
        [y, x, int(n), s] for y, x, n, s in zip(lat, lon, summed.count.tolist(), summed.by_status.tolist(), strict=True)
    ]


def _heat(positions: Positions, view: agg.View) -> list:
    chosen = agg.in_view(positions.lon, positions.lat, view)
    summed = agg.cells(
        positions.lon[chosen],
        positions.lat[chosen],
        positions.status[chosen],
        UNKNOWN_STATUS + 1,
        view.zoom,
        HEAT_CELL_PX,
    )
    top = float(summed.count.max()) if len(summed) else 1.0
    return [[y, x, round(n / top, 3)] for y, x, n, _ in _cells(summed)]


def display_trips(trips: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The located trips with what the map shows of them, tracks simplified to about 11 m once
    (GPS tracks carry a point every few metres; each view simplifies further to its pixel)."""
    shown = trips.loc[trips.geometry.notna(), ["name", "team", "date_from", "date_to", "geometry"]]
    return shown.set_geometry(shapely.simplify(shown.geometry.to_numpy(), TRIP_DETAIL_DEG))


def _trips(trips: gpd.GeoDataFrame, view: agg.View) -> tuple[list, int]:
    """The trips crossing the view, simplified to its pixel: ([label, dates, lines], hidden count).

    `trips` come from display_trips."""
    if trips.empty:
        return [], 0
    x0, y0, x1, y1 = trips.geometry.bounds.to_numpy().T
    crossing = trips[(x1 >= view.west) & (x0 <= view.east) & (y1 >= view.south) & (y0 <= view.north)]
    if len(crossing) > TRIPS_MAX:
        return [], len(crossing)
    pixel = view.degrees_per_pixel
    digits = min(6, max(2, math.ceil(-math.log10(pixel / 4))))
    simple = shapely.simplify(crossing.geometry.to_numpy(), pixel)
    out = []
    for name, team, start, end, geometry in zip(
        crossing["name"], crossing["team"], crossing["date_from"], crossing["date_to"], simple, strict=True
    ):
        parts = getattr(geometry, "geoms", [geometry])
        lines = [[[round(y, digits), round(x, digits)] for x, y in part.coords] for part in parts]
        label = " · ".join(v for v in (escape(name), escape(team)) if v)
        out.append([label, f"{escape(start)} → {escape(end)}", lines])
    return out, 0


def _areas(source: gpd.GeoDataFrame, positions: Positions, view: agg.View, options: MapOptions, popups: _Popups):
    """The approximate areas whose centre is in the view: (area_rows' dict, hidden count); none,
    and their count, when more than AREAS_MAX are (dashed circles by the hundred hide the map)."""
    chosen = agg.in_view(positions.area_lon, positions.area_lat, view)
    if len(chosen) > AREAS_MAX:
        return {"areas": [], "area_info": []}, len(chosen)
    some = positions.take(chosen)
    return area_rows(source.iloc[some.rows], some, options, popups), 0


def view_payload(
    source: gpd.GeoDataFrame,
    positions: Positions,
    trips: gpd.GeoDataFrame,
    view: agg.View,
    options: MapOptions,
    focus: tuple | None = None,
) -> dict:
    """Everything the view layer draws for this view, every string escaped. `focus` is
    (lat, lon, zoom, tag): the map moves there once, when this layer arrives (a new tag each time).

    `positions` are the filtered reports; their `rows` index `source`, the frame they were
    made from (all reports or the filtered ones), from which the reports drawn one by one come.
    Reports with a point are drawn as points (or summed in cells); reports whose position was
    only estimated from a place name as dashed areas ("areas"), never as points.
    """
    lang, layers = options.lang, options.layers
    padded = view.padded(VIEW_PAD)
    payload: dict = {"mode": "none", "circles": False, "trips": [], "heat": None, "areas": [], "area_info": []}
    popups = _Popups(options)
    in_view = 0
    if "reports" in layers:
        limit = agg.INDIVIDUAL_MAX if view.zoom >= DETAIL_ZOOM else SPARSE_MAX
        result = agg.aggregate(positions.lon, positions.lat, positions.status, UNKNOWN_STATUS + 1, padded, limit)
        with np.errstate(invalid="ignore"):
            in_view = int(view.contains(positions.lon, positions.lat).sum())
        if result.individual:
            payload |= {"mode": "points", **report_rows(source.iloc[positions.rows[result.points]], options, popups)}
            payload["circles"] = "circles" in layers and view.zoom >= CIRCLE_MIN_ZOOM
        else:
            payload |= {"mode": "cells", "cells": _cells(result.cells)}
    areas_hidden = 0
    if "areas" in layers:
        drawn, areas_hidden = _areas(source, positions, padded, options, popups)
        payload |= drawn
    payload |= popups.lists()
    if "heat" in layers:
        payload["heat"] = _heat(positions, padded)
    hidden = 0
    if "trips" in layers:
        payload["trips"], hidden = _trips(trips, padded)
    counts = positions.counts()
    located, approximate, unlocated = (counts[code] for code in SOURCE_CODES)
    notes = [
        text(
            "map_count",
            lang,
            n=number(len(positions), lang),
            located=number(located, lang),
            approx=number(approximate, lang),
            u=number(unlocated, lang),
        )
    ]
    if payload["mode"] == "cells":
        notes.append(text("map_grouped", lang, v=number(in_view, lang)))
    if areas_hidden:
        notes.append(text("map_areas_hidden", lang, n=number(areas_hidden, lang)))
    if hidden:
        notes.append(text("map_trips_hidden", lang, n=number(hidden, lang)))
    payload["count"] = {
        "total": len(positions),
        "located": located,
        "approximate": approximate,
        "unlocated": unlocated,
        "in_view": in_view,
        "areas": len(payload["areas"]),
        "html": "<br>".join(escape(n) for n in notes),
    }
    payload["focus"] = list(focus) if focus else None
    payload["statuses"] = [escape(status_label(t.code, lang)) for t in STATUSES] + ["?"]
    payload["cell_tip"] = escape(text("map_cell_tip", lang, n="{n}")).replace("&#123;n&#125;", "{n}")
    return payload


class ViewLayer(RawScript):
    """Draws a view payload into its parent FeatureGroup: cells, reports, circles, approximate
    areas, trips, heat, and the count of reports in the map's corner."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var map = {{ this._parent._parent.get_name() }};
  var data = {{ this.payload }};
  var labels = {{ this.labels_json }};
  var areaLabels = {{ this.area_labels_json }};
  var colors = {{ this.colors_json }};
  var tripColor = {{ this.trip_color_json }};
  if (!map.getPane('bando-reports')) { map.createPane('bando-reports').style.zIndex = 620; }
  var pane = 'bando-reports';
  function dms(v, pos, neg) {
    var a = Math.abs(v), d = Math.floor(a), m = Math.floor((a - d) * 60);
    var s = ((a - d - m / 60) * 3600).toFixed(1);
    return d + '°' + (m < 10 ? '0' : '') + m + "'" + (s < 10 ? '0' : '') + s + '"' + (v >= 0 ? pos : neg);
  }
  function table(p, status, spread, where, names) {
    var values = [p[0], data.units[p[1]], p[2], p[3], p[4], data.provinces[p[5]], p[6], data.statuses[status],
                  spread, where, p[7], data.chapters[p[8]]].concat(p.slice(9));
    var html = '<table class="report-popup">';
    for (var k = 0; k < names.length; k++) {
      if (values[k]) { html += '<tr><th>' + names[k] + '</th><td>' + values[k] + '</td></tr>'; }
    }
    return html + '</table>';
  }
  function popup(i) {
    var r = data.rows[i];
    return table(data.info[i], r[2], r[3] ? '± ' + r[3].toLocaleString('vi-VN') + ' m' : '',
                 dms(r[0], 'N', 'S') + ' ' + dms(r[1], 'E', 'W') +
                   ' (' + r[0].toFixed(6) + ', ' + r[1].toFixed(6) + ')', labels);
  }
  function areaPopup(i) {
    var a = data.areas[i];
    return table(data.area_info[i], a[3], a[7], a[6], areaLabels);
  }
  // Positions estimated from a place name: a dashed area under the points, never a pin.
  if (!map.getPane('bando-areas')) { map.createPane('bando-areas').style.zIndex = 610; }
  (data.areas || []).forEach(function (a, i) {
    L.circle([a[0], a[1]], {radius: a[2], color: colors[a[3]], weight: 2, dashArray: '6 6',
                            fillOpacity: a[8] ? 0.06 : 0, pane: 'bando-areas', className: 'report-area'})
      .bindTooltip(a[4], {sticky: true})
      .bindPopup(areaPopup.bind(null, i), {maxWidth: 380})
      .addTo(group);
  });
  (data.trips || []).forEach(function (t) {
    L.polyline(t[2], {color: tripColor, weight: 3, opacity: 0.9}).bindTooltip(t[0] + '<br>' + t[1]).addTo(group);
  });
  if (data.heat && data.heat.length && L.heatLayer) {
    L.heatLayer(data.heat, {radius: 14, blur: 18, minOpacity: 0.3}).addTo(group);
  }
  if (data.mode === 'points') {
    data.rows.forEach(function (r, i) {
      if (data.circles && r[3] > 0) {
        L.circle([r[0], r[1]], {radius: r[3], color: colors[r[2]], weight: 1, fillOpacity: 0.08,
                                interactive: false, pane: pane}).addTo(group);
      }
      L.circleMarker([r[0], r[1]], {radius: 6, color: '#222', weight: 1, fillColor: colors[r[2]],
                                    fillOpacity: 0.9, pane: pane, className: 'report-marker'})
        .bindTooltip(data.info[i][0] + ' · ' + data.statuses[r[2]] + ' · ' + r[4])
        .bindPopup(popup.bind(null, i), {maxWidth: 380})
        .addTo(group);
    });
  } else if (data.mode === 'cells') {
    data.cells.forEach(function (c) {
      var size = Math.round(28 + 7 * Math.log10(c[2]));
      var tip = data.cell_tip.replace('{n}', c[2].toLocaleString('vi-VN'));
      c[3].forEach(function (n, s) {
        if (n) { tip += '<br><span style="color:' + colors[s] + '">●</span> ' + data.statuses[s] + ': ' +
                        n.toLocaleString('vi-VN'); }
      });
      L.marker([c[0], c[1]], {pane: pane, icon: L.divIcon({
        className: 'report-cell', iconSize: [size, size],
        html: '<div data-count="' + c[2] + '">' + c[2].toLocaleString('vi-VN') + '</div>'})})
        .bindTooltip(tip)
        .on('click', function (e) { map.setView(e.latlng, Math.min(map.getZoom() + 2, map.getMaxZoom())); })
        .addTo(group);
    });
  }
  if (data.focus) { map.setView([data.focus[0], data.focus[1]], data.focus[2]); }
  if (window.bandoCount) { map.removeControl(window.bandoCount); }
  var count = window.bandoCount = L.control({position: 'bottomleft'});
  count.onAdd = function () {
    var div = L.DomUtil.create('div', 'report-count');
    div.setAttribute('data-count', data.count.total);
    div.setAttribute('data-located', data.count.located);
    div.setAttribute('data-approximate', data.count.approximate);
    div.setAttribute('data-unlocated', data.count.unlocated);
    div.setAttribute('data-areas', data.count.areas);
    div.setAttribute('data-in-view', data.count.in_view);
    div.setAttribute('data-mode', data.mode);
    div.innerHTML = data.count.html;
    return div;
  };
  count.addTo(map);
})();
{% endmacro %}
"""
    )

    def __init__(self, payload: dict, lang: str, show_contacts: bool) -> None:
        super().__init__()
        self._name = "ViewLayer"
        self.payload = json_payload(payload)
        fields = POPUP_FIELDS + (CONTACT_FIELDS if show_contacts else ())
        self.labels_json = json.dumps([escape(text(k, lang)) for k in fields], ensure_ascii=False)
        # An area's popup says where its estimate comes from and how wide it is, not coordinates.
        area_fields = [AREA_POPUP_FIELDS.get(k, k) for k in fields]
        self.area_labels_json = json.dumps([escape(text(k, lang)) for k in area_fields], ensure_ascii=False)
        self.colors_json = json.dumps([t.color for t in STATUSES] + ["#000000"])
        self.trip_color_json = json.dumps(TRIPS.color)


def view_layer(payload: dict, options: MapOptions) -> folium.FeatureGroup:
    """The layer drawing a view_payload, to be passed to st_folium as `feature_group_to_add`."""
    group = folium.FeatureGroup(name=text("layer_reports", options.lang), control=False)
    group.add_child(ViewLayer(payload, options.lang, options.show_contacts))
    return group
