// The order page's small map (workorders/detail.html): where the grid worker stood when reporting, beside the
// compound's gate. Leaflet from our own static files; a plain background unless the page names a tile server
// (settings.CAPILLARY_MAP_TILE_URL), so it works with no internet.
(function () {
  function draw() {
    const box = document.getElementById("order-map");
    if (!box || !window.L) return;
    const reported = [Number(box.dataset.lat), Number(box.dataset.lng)];
    const map = L.map(box, { attributionControl: Boolean(box.dataset.tileUrl), scrollWheelZoom: false });
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: box.dataset.tileAttribution || "" }).addTo(map);
    }
    const points = [
      L.circleMarker(reported, { radius: 9, weight: 2, color: "#ffffff", fillColor: "#c8102e", fillOpacity: 0.95 })
        .bindTooltip("上报位置", { permanent: true, direction: "top" })
        .addTo(map),
    ];
    if (box.dataset.compoundLat && box.dataset.compoundLng) {
      const gate = [Number(box.dataset.compoundLat), Number(box.dataset.compoundLng)];
      points.push(
        L.circleMarker(gate, { radius: 7, weight: 1, color: "#ffffff", fillColor: "#12355b", fillOpacity: 0.9 })
          .bindTooltip("小区", { direction: "bottom" })
          .addTo(map)
      );
    }
    if (points.length > 1) {
      map.fitBounds(L.featureGroup(points).getBounds().pad(0.4), { maxZoom: 17 });
    } else {
      map.setView(reported, 16);
    }
    box.dataset.ready = String(points.length);
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
