// The compounds' map (portal/map.html): Leaflet from our own static files; a plain background unless the
// page names a tile server (settings.CAPILLARY_MAP_TILE_URL), so the map works with no internet.
(function () {
  function colourOf(point, mode) {
    if (mode === "list") {
      return { red: "#b3261e", grey: "#5f6368", black: "#111111" }[point.list] || "#9db4cc";
    }
    const n = mode === "overdue" ? point.overdue : point.open;
    return n === 0 ? "#1f7a4d" : n < 3 ? "#e69f00" : "#c8102e";
  }

  function draw() {
    const box = document.getElementById("compound-map");
    const data = document.getElementById("map-points");
    if (!box || !data || !window.L) return;
    const points = JSON.parse(data.textContent);
    const mode = box.dataset.colour;
    const map = L.map(box, { preferCanvas: true, attributionControl: Boolean(box.dataset.tileUrl) });
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: box.dataset.tileAttribution || "" }).addTo(map);
    }
    const markers = points.map((p) =>
      L.circleMarker([p.lat, p.lng], {
        radius: 7,
        weight: 1,
        color: "#ffffff",
        fillColor: colourOf(p, mode),
        fillOpacity: 0.9,
      })
        .bindPopup(
          `<b>${p.name.replace(/</g, "&lt;")}</b><br>${p.community.replace(/</g, "&lt;")}<br>` +
            `在办 ${p.open} · 超时 ${p.overdue}<br><a href="/compounds/${p.id}/">小区详情</a>`
        )
        .addTo(map)
    );
    if (markers.length) {
      map.fitBounds(L.featureGroup(markers).getBounds().pad(0.1));
    } else {
      map.setView([34.16, 108.91], 11);
    }
    box.dataset.ready = String(markers.length);
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
