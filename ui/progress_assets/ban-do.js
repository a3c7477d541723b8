// The map of the public progress page (/tien-do): provinces shaded by their figure and the
// density hexagons, read from the page's <script type="application/json" id="tien-do-du-lieu">
// block (no request: the same page works from file:// in the static export). Every tooltip
// text was escaped by the server.
(function () {
  var holder = document.getElementById("tien-do-du-lieu");
  var box = document.getElementById("ban-do");
  if (!holder || !box || typeof L === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var map = L.map(box, {zoomSnap: 0.25, attributionControl: false, scrollWheelZoom: false, minZoom: 4, maxZoom: 10})
    .setView([data.view[0], data.view[1]], data.view[2]);
  var focus = null;
  var provinces = L.geoJSON(data.provinces, {
    style: function (feature) {
      var p = feature.properties;
      return {color: p.focus ? "#111" : "#777", weight: p.focus ? 2 : 0.7, fillColor: p.fill,
              fillOpacity: p.dim ? 0.35 : 0.85};
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindTooltip(p.tip, {sticky: true});
      if (p.focus) { focus = layer; }
      if (p.href) { layer.on("click", function () { window.location.href = p.href; }); }
    }
  }).addTo(map);
  provinces.getLayers().forEach(function (layer) { layer.getElement().setAttribute("data-tinh", layer.feature.properties.code); });
  var cells = L.geoJSON(data.cells, {
    style: {color: "#0b3d6e", weight: 1.2, fillColor: "#2f7fc1", fillOpacity: 0.6},
    onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.tip); }
  }).addTo(map);
  cells.getLayers().forEach(function (layer) { layer.getElement().setAttribute("data-o", "1"); });
  map.fitBounds((focus || provinces).getBounds(), {padding: [8, 8], maxZoom: 8, animate: false});
  box.setAttribute("data-ready", "1");
})();
