// The service worker: keeps the app's own files so the page opens without a network, and sends
// the queued reports when the browser says the network is back (Background Sync), if the page
// is not open to do it itself. API requests are never answered from a cache.
"use strict";
importScripts("queue.js");
const CACHE = "gridline-app-v2";
const SHELL = ["./", "index.html", "app.css", "app.js", "pick.js", "i18n.js", "queue.js",
  "manifest.json", "icon.svg", "i18n/zh_CN.json", "i18n/en.json", "leaflet/leaflet.js",
  "leaflet/leaflet.css"];
const SCOPE = new URL(self.registration.scope).pathname;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin
      || !url.pathname.startsWith(SCOPE)) return;  // the API and photos go to the network
  event.respondWith((async () => {
    try {
      const fresh = await fetch(event.request);
      if (fresh.ok) (await caches.open(CACHE)).put(event.request, fresh.clone());
      return fresh;
    } catch (e) {
      const kept = await caches.match(event.request, { ignoreSearch: true });
      if (kept) return kept;
      throw e;
    }
  })());
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "gridline-reports") return;
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ type: "window" });
    if (pages.length) {
      pages.forEach((p) => p.postMessage({ type: "flush" }));
      return;
    }
    const token = await GridlineQueue.kvGet("token");
    await GridlineQueue.flush(location.origin, token);
  })());
});
