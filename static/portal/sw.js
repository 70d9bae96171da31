// The grid worker's app (PWA) service worker, served at /sw.js (scope /). It keeps the pages a grid worker
// needs on a weak network — home, the report form, their grid — and the static files, so the app opens with
// no network; reports written offline are queued by pwa.js (IndexedDB) and sent when the network returns.
// The server (portal.views.service_worker) writes the static files' URLs as the pages ask for them (hashed in
// production) and adds a digest of them to the cache's name: the new worker drops the old copies.
const CACHE = "capillary-grid-v2";
const SHELL = ["/", "/intake/grid/", "/staffing/my-grid/", "/static/css/capillary.css", "/static/portal/portal.css",
  "/static/js/capillary.js", "/static/portal/pwa.js", "/static/workorders/intake.css", "/static/workorders/intake.js",
  "/static/favicon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => null))))
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
  );
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.url.includes("/static/")) {
    // Cache first; a static file fetched once (a script or an icon a page asked for) is kept for offline use.
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          })
      )
    );
    return;
  }
  if (request.mode === "navigate") {
    // Network first (fresh data when online), the last copy when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && SHELL.includes(new URL(request.url).pathname)) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request).then((hit) => hit || caches.match("/intake/grid/")))
    );
  }
});
