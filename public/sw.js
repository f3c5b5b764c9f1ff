// Service worker of the 普法动态 portal (issues #4 and #9).
//
// - The app shell (shell.html and this build's hashed wasm/js/css, icons,
//   manifest) is cached at install. The list and the version below are
//   written by scripts/post-build.mjs after every build; the placeholders
//   are never served.
// - Navigations to the app's own routes get the site's pre-rendered page
//   when it is of this worker's version (its <meta name="pufa-version">):
//   it reads at once, and the app starts only if the reader asks for it.
//   Such pages are kept (the last MAX_PAGES read): offline, or after
//   NAV_WAIT ms without an answer, a page read before is served as it was,
//   and any other gets the cached shell (the app then finds the page's data
//   in the cache, or says it cannot). A site's page of another version (a
//   newer deployment, whose code this worker does not hold) gets the shell
//   too: the page, its code and this worker are always one version. The
//   search page is the shell itself. Any other path (a PDF under /uploads/,
//   say) goes to the network as if there were no worker.
// - A new version waits until the reader presses 有新版本's button
//   (message "skip-waiting"): never a silent skipWaiting.
// - data/version.json names the current data version. It is asked of the
//   network every time (the cached copy only answers offline), so a
//   publish shows on the reader's next navigation.
// - Everything under data/v/<version>/ and media/ is immutable: served from
//   the cache when there, otherwise fetched, checked (JSON must parse) and
//   kept in a bounded cache. The site and home files of the current version
//   are fetched as soon as that version is seen, for offline use; files of
//   older versions are dropped then.
// - The search index's pieces (data/v/<version>/search/) have a cache of
//   their own, not bounded by count: it holds at most one version's index
//   (the pieces a reader's searches used, or all of it after 离线搜索), and
//   older versions' pieces are dropped like other data.
// All URLs are relative to this file, so a sub-path deployment just works.

const VERSION = "__PUFA_VERSION__";
const PRECACHE = __PUFA_PRECACHE__;
const SHELL = `pufa-shell-${VERSION}`;
const PAGES = `pufa-pages-${VERSION}`;
const DATA = "pufa-data";
const SEARCH = "pufa-search";
const POINTER = "pufa-pointer";
/** How long a navigation waits for the site's page before the shell
 *  answers it (a connection that is there but hardly moves). */
const NAV_WAIT = 4000;
/** Pre-rendered pages kept at most (the last ones read). */
const MAX_PAGES = 200;
/** Data files and images kept at most (pages a reader opened). */
const MAX_ENTRIES = 400;
const scope = new URL(self.registration.scope);
const INDEX = new URL("shell.html", scope).href;
const POINTER_URL = new URL("data/version.json", scope).href;

/** The path below the scope, without a leading slash. */
function rel(url) {
  return new URL(url).pathname.slice(scope.pathname.length);
}

/** Routes the app renders (everything else is not ours to answer). */
function isAppRoute(path) {
  return (
    path === "" ||
    path === "index.html" ||
    path === "search" ||
    path === "sitemap" ||
    /^channel\/[^/]+(\/[^/]+)?\/?$/.test(path) ||
    /^article\/[^/]+\/?$/.test(path)
  );
}

const isImmutable = (path) => path.startsWith("data/v/") || path.startsWith("media/");
const isSearchPiece = (path) => /^data\/v\/[^/]+\/search\//.test(path);

const offline = () => new Response("offline", { status: 504, statusText: "offline" });

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      const urls = PRECACHE.map((p) => new URL(p, scope).href);
      // `reload` skips the HTTP cache: the files must be this build's.
      await shell.addAll(urls.map((u) => new Request(u, { cache: "reload" })));
      // The current data's site and home, so the first visit works offline.
      await refreshPointer().catch(() => undefined);
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("pufa-shell-") && key !== SHELL) await caches.delete(key);
        if (key.startsWith("pufa-pages-") && key !== PAGES) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = rel(url.href);
  // The view counter is live by nature: never cached, never faked offline.
  if (path.startsWith("api/")) return;

  if (request.mode === "navigate") {
    if (path === "search") event.respondWith(shell(request));
    else if (isAppRoute(path)) event.respondWith(page(event, request));
    return;
  }
  if (path === "data/version.json") {
    event.respondWith(pointer(event, request));
  } else if (isImmutable(path)) {
    event.respondWith(immutable(request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function shell(request) {
  const cached = await caches.match(INDEX, { cacheName: SHELL });
  if (cached) return cached;
  return fetch(request);
}

/** An app route's page: the site's own when it is of this version. */
async function page(event, request) {
  const key = request.url.split("?")[0];
  let response = null;
  try {
    response = await Promise.race([
      fetch(request),
      new Promise((done) => setTimeout(done, NAV_WAIT, null)),
    ]);
  } catch {
    // Offline.
  }
  if (response && response.type === "opaqueredirect") return response;
  let ours = false;
  try {
    ours = response !== null && (await ofThisVersion(response));
  } catch {
    response = null; // The connection broke off in the page's head.
  }
  if (!response) {
    // No answer: the page as it was read before, else the shell.
    const kept = await caches.match(key, { cacheName: PAGES });
    return kept || shell(request);
  }
  if (!ours) return shell(request);
  if (response.status === 200) event.waitUntil(keep(key, response.clone()));
  return response;
}

/** Keep a page read, for offline reading; the oldest go first. */
async function keep(key, response) {
  const pages = await caches.open(PAGES);
  await pages.put(key, response);
  const keys = await pages.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await pages.delete(old);
}

/** Whether an HTML page names this worker's version in its head. Only the
 *  head is read (from a copy): the page itself still streams to the reader. */
async function ofThisVersion(response) {
  if (!response.body || !/^text\/html/.test(response.headers.get("content-type") || "")) return false;
  const reader = response.clone().body.getReader();
  const decoder = new TextDecoder();
  let head = "";
  try {
    while (!head.includes("</head>") && head.length < 65536) {
      const { done, value } = await reader.read();
      if (done) break;
      head += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  // (A host's HTML minifier may drop the quotes.)
  const named = /<meta\s+name=["']?pufa-version["']?\s+content=["']?([0-9a-f]+)/.exec(head);
  return named !== null && named[1] === VERSION;
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL, ignoreSearch: true });
  return cached || fetch(request);
}

/** Whether a response is worth keeping: a complete, parseable file. */
async function sound(response, path) {
  if (!response.ok) return false;
  if (!path.endsWith(".json")) return true;
  try {
    await response.clone().json();
    return true;
  } catch {
    return false;
  }
}

/** Fetch data/version.json; remember it and warm its version if new. */
async function refreshPointer(request) {
  const response = await fetch(request || new Request(POINTER_URL, { cache: "no-cache" }));
  if (!(await sound(response, "version.json"))) return response;
  const next = await response.clone().json();
  const store = await caches.open(POINTER);
  const previous = await store.match(POINTER_URL);
  const before = previous ? (await previous.json()).version : null;
  await store.put(POINTER_URL, response.clone());
  if (before !== next.version && typeof next.version === "string" && /^[0-9a-f]{1,64}$/.test(next.version)) {
    await warm(next.version);
  }
  return response;
}

/** Cache the site and home files of a version; drop older versions. */
async function warm(version) {
  const data = await caches.open(DATA);
  const prefix = `data/v/${version}/`;
  for (const name of ["site.json", "home.json"]) {
    const url = new URL(prefix + name, scope).href;
    if (await data.match(url)) continue;
    const response = await fetch(url).catch(() => null);
    if (response && (await sound(response, name))) await data.put(url, response);
  }
  // The search cache only once a search has made it.
  const caches_ = [data];
  if (await caches.has(SEARCH)) caches_.push(await caches.open(SEARCH));
  for (const cache of caches_) {
    for (const key of await cache.keys()) {
      const path = rel(key.url);
      if (path.startsWith("data/v/") && !path.startsWith(prefix)) await cache.delete(key);
    }
  }
}

async function pointer(event, request) {
  try {
    const response = await refreshPointer(request);
    if (response.ok) return response;
  } catch {
    // Offline: the last version seen.
  }
  const cached = await caches.match(POINTER_URL, { cacheName: POINTER });
  return cached || offline();
}

async function immutable(request) {
  const key = request.url.split("?")[0];
  const piece = isSearchPiece(rel(key));
  const data = await caches.open(piece ? SEARCH : DATA);
  const cached = await data.match(key);
  if (cached) return cached;
  let response;
  try {
    response = await fetch(request);
  } catch {
    return offline();
  }
  if (await sound(response, rel(key))) {
    await data.put(key, response.clone());
    if (!piece) await trim(data);
  }
  return response;
}

/** Keep the data cache bounded: the oldest entries go first, but never
 *  the site and home files that offline start-up needs. */
async function trim(data) {
  const keys = await data.keys();
  let excess = keys.length - MAX_ENTRIES;
  for (const key of keys) {
    if (excess <= 0) break;
    if (/\/(site|home)\.json$/.test(key.url)) continue;
    await data.delete(key);
    excess -= 1;
  }
}
