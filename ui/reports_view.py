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
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Template

from layers import aggregate as agg
from layers.labels import number, period_text
from layers.schema import STATUSES, TRIPS
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
STATUS_INDEX = {t.code: i for i, t in enumerate(STATUSES)}
UNKNOWN_STATUS = len(STATUSES)

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


@dataclass(frozen=True)
class Positions:
    """Reports' positions and status as arrays (NaN where not located), with `rows`, their
    positions in the frame the arrays were made from."""

    lon: np.ndarray
    lat: np.ndarray
    status: np.ndarray  # index into STATUSES, UNKNOWN_STATUS for a code not in the schema
    rows: np.ndarray

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
        return cls(lon, lat, status, np.arange(len(reports)))

    def take(self, rows: np.ndarray) -> Positions:
        """The positions of some of these reports (`rows` index into this object)."""
        return Positions(self.lon[rows], self.lat[rows], self.status[rows], self.rows[rows])

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def located(self) -> int:
        return int((~np.isnan(self.lon)).sum())

    def bounds(self) -> list[list[float]] | None:
        """[[south, west], [north, east]] of the located reports, padded about 2 km; None if none."""
        if not self.located:
            return None
        pad = 0.02
        return [
            [float(np.nanmin(self.lat)) - pad, float(np.nanmin(self.lon)) - pad],
            [float(np.nanmax(self.lat)) + pad, float(np.nanmax(self.lon)) + pad],
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


def report_rows(reports: gpd.GeoDataFrame, options: MapOptions) -> dict:
    """What the page needs to draw the located reports one by one, compactly.

    rows: [lat, lon, status index, radius m, short id]; info: [martyrs, unit, period, place,
    historical place, province, province 2008–2025, coordinates as written, chapter, contacts…]
    where unit, province and chapter are indexes into their lookup lists. Every string is
    escaped here.
    """
    located = reports[reports.geometry.notna()]
    lats, lons = located.geometry.y.round(6).tolist(), located.geometry.x.round(6).tolist()
    col = {name: _clean(located[name].tolist()) for name in located.columns if name != "geometry"}
    units, provinces, chapters = _Lookup(), _Lookup(), _Lookup()
    rows, info = [], []
    for i, report_id in enumerate(col["id"]):
        row = {k: v[i] for k, v in col.items()}
        radius = row["uncertainty_m"]
        rows.append(
            [
                lats[i],
                lons[i],
                STATUS_INDEX.get(row["status"], UNKNOWN_STATUS),
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
    }


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
    """
    lang, layers = options.lang, options.layers
    padded = view.padded(VIEW_PAD)
    payload: dict = {"mode": "none", "circles": False, "trips": [], "heat": None}
    in_view = 0
    if "reports" in layers:
        limit = agg.INDIVIDUAL_MAX if view.zoom >= DETAIL_ZOOM else SPARSE_MAX
        result = agg.aggregate(positions.lon, positions.lat, positions.status, UNKNOWN_STATUS + 1, padded, limit)
        with np.errstate(invalid="ignore"):
            in_view = int(view.contains(positions.lon, positions.lat).sum())
        if result.individual:
            payload |= {"mode": "points", **report_rows(source.iloc[positions.rows[result.points]], options)}
            payload["circles"] = "circles" in layers and view.zoom >= CIRCLE_MIN_ZOOM
        else:
            payload |= {"mode": "cells", "cells": _cells(result.cells)}
    if "heat" in layers:
        payload["heat"] = _heat(positions, padded)
    hidden = 0
    if "trips" in layers:
        payload["trips"], hidden = _trips(trips, padded)
    located = positions.located
    notes = [
        text(
            "map_count",
            lang,
            n=number(len(positions), lang),
            located=number(located, lang),
            u=number(len(positions) - located, lang),
        )
    ]
    if payload["mode"] == "cells":
        notes.append(text("map_grouped", lang, v=number(in_view, lang)))
    if hidden:
        notes.append(text("map_trips_hidden", lang, n=number(hidden, lang)))
    payload["count"] = {
        "total": len(positions),
        "located": located,
        "in_view": in_view,
        "html": "<br>".join(escape(n) for n in notes),
    }
    payload["focus"] = list(focus) if focus else None
    payload["statuses"] = [escape(status_label(t.code, lang)) for t in STATUSES] + ["?"]
    payload["cell_tip"] = escape(text("map_cell_tip", lang, n="{n}")).replace("&#123;n&#125;", "{n}")
    return payload


class ViewLayer(RawScript):
    """Draws a view payload into its parent FeatureGroup: cells, reports, circles, trips, heat,
    and the count of reports in the map's corner."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var map = {{ this._parent._parent.get_name() }};
  var data = {{ this.payload }};
  var labels = {{ this.labels_json }};
  var colors = {{ this.colors_json }};
  var tripColor = {{ this.trip_color_json }};
  if (!map.getPane('bando-reports')) { map.createPane('bando-reports').style.zIndex = 620; }
  var pane = 'bando-reports';
  function dms(v, pos, neg) {
    var a = Math.abs(v), d = Math.floor(a), m = Math.floor((a - d) * 60);
    var s = ((a - d - m / 60) * 3600).toFixed(1);
    return d + '°' + (m < 10 ? '0' : '') + m + "'" + (s < 10 ? '0' : '') + s + '"' + (v >= 0 ? pos : neg);
  }
  function popup(i) {
    var r = data.rows[i], p = data.info[i];
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
        self.colors_json = json.dumps([t.color for t in STATUSES] + ["#000000"])
        self.trip_color_json = json.dumps(TRIPS.color)


def view_layer(payload: dict, options: MapOptions) -> folium.FeatureGroup:
    """The layer drawing a view_payload, to be passed to st_folium as `feature_group_to_add`."""
    group = folium.FeatureGroup(name=text("layer_reports", options.lang), control=False)
    group.add_child(ViewLayer(payload, options.lang, options.show_contacts))
    return group
