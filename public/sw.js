// Service worker of the 普法动态 portal (issue #4).
//
// - The app shell (index.html and this build's hashed wasm/js/css, icons,
//   manifest) and the data files are cached at install. The list and the
//   version below are written by scripts/post-build.mjs after every build;
//   the placeholders are never served.
// - Navigations get the cached shell, so the page, its code and this worker
//   are always the same version. A new version waits until the reader
//   presses 有新版本's button (message "skip-waiting"): never a silent
//   skipWaiting that would mix old and new files.
// - Data files are stale-while-revalidate: instant from cache, refreshed in
//   the background for the next visit.
// All URLs are relative to this file, so a sub-path deployment just works.

const VERSION = "__PUFA_VERSION__";
const PRECACHE = __PUFA_PRECACHE__;
const SHELL = `pufa-shell-${VERSION}`;
const DATA = "pufa-data";
const scope = new URL(self.registration.scope);
const INDEX = new URL("index.html", scope).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      const urls = PRECACHE.map((p) => new URL(p, scope).href);
      // `reload` skips the HTTP cache: the files must be this build's.
      await shell.addAll(urls.filter((u) => !isData(u)).map((u) => new Request(u, { cache: "reload" })));
      const data = await caches.open(DATA);
      await data.addAll(urls.filter(isData).map((u) => new Request(u, { cache: "reload" })));
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("pufa-shell-") && key !== SHELL) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

function isData(url) {
  const path = new URL(url).pathname;
  return path.startsWith(scope.pathname + "data/") && path.endsWith(".json");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  // The view counter is live by nature: never cached, never faked offline.
  if (url.pathname.startsWith(scope.pathname + "api/")) return;

  if (request.mode === "navigate") {
    event.respondWith(shell(request));
  } else if (isData(url.href)) {
    event.respondWith(staleWhileRevalidate(event, request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function shell(request) {
  const cached = await caches.match(INDEX, { cacheName: SHELL });
  if (cached) return cached;
  return fetch(request);
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL, ignoreSearch: true });
  return cached || fetch(request);
}

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(DATA);
  const key = request.url.split("?")[0];
  const cached = await cache.match(key);
  const refresh = fetch(request)
    .then(async (response) => {
      if (response.ok) await cache.put(key, response.clone());
      return response;
    })
    .catch(() => undefined);
  if (cached) {
    event.waitUntil(refresh);
    return cached;
  }
  const fresh = await refresh;
  return fresh || new Response("offline", { status: 503, statusText: "offline" });
}
