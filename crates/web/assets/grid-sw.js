// The grid pages' service worker: pages a worker opened are kept, so that with no signal the
// due list and the visit forms still open (the form then keeps the visit on the phone, see
// grid-offline.js). Pages come from the network first, the kept copy only without one; the
// assets they use are kept the same way. Nothing is fetched from outside the server.
var CACHE = "quanke-grid-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  var ours = url.origin === self.location.origin &&
    (url.pathname.indexOf("/grid/") === 0 || url.pathname.indexOf("/assets/") === 0);
  if (!ours) return;
  e.respondWith(fetch(req).then(function (resp) {
    if (resp.ok) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return resp;
  })["catch"](function () {
    return caches.match(req).then(function (kept) {
      return kept || new Response("<!doctype html><meta charset=utf-8><p>没有网络，这个页面之前没有打开过。",
        { status: 503, headers: { "content-type": "text/html; charset=utf-8" } });
    });
  }));
});
