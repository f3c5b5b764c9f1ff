// The nginx examples of docs/deploy.md, run for real: deploy/nginx/pufa.conf
// serving dist/ at the site root, and deploy/nginx/pufa-subpath.conf
// included in a host's HTTPS server block serving target/dist-pufa/ under
// /pufa/. Both run over HTTPS with a throwaway certificate made here, on
// 127.0.0.1 and on [::1] (IPv6), and go through the same checks: app routes
// get their pre-rendered page (search the shell), other paths 页面未找到
// with 404, hashed files, data/v/ and
// media/ are immutable, the shell, worker, manifest and data/version.json
// are revalidated, a missing file is a real 404 without HTML, every answer
// carries HSTS, and the app runs (over HTTP/2) with no console error or CSP
// violation. Plain HTTP only redirects to HTTPS, and only TLS 1.2 and 1.3
// are spoken. Skipped where nginx or openssl is not installed
// (scripts/setup.sh installs nginx-light); the [::1] half is skipped, saying
// so, on a machine without an IPv6 loopback.
// $PUFA_DIST and $PUFA_DIST_SUB name other builds to test (default dist/
// and target/dist-pufa/, as scripts/test.sh builds them).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import tls from "node:tls";
import { gunzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { DIST, freePort, LAUNCH, ROOT, SEED_ID, SEED_TITLE } from "./harness.mjs";

const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => spawnSync(p, ["-v"]).status === 0);
const openssl = spawnSync("openssl", ["version"]).status === 0;
const skip = (!nginx && "nginx not installed") || (!openssl && "openssl not installed");

/** Whether this machine has the IPv6 loopback ::1 (on `lo`). */
const ipv6 =
  existsSync("/proc/net/if_inet6") &&
  readFileSync("/proc/net/if_inet6", "utf8")
    .split("\n")
    .some((l) => l.startsWith("00000000000000000000000000000001"));
const skip6 = skip || (!ipv6 && "no IPv6 loopback (::1) on this machine: the IPv6 listener is not tested");

/** The addresses every check runs on: IPv4 and IPv6 loopback. */
const HOSTS = [
  { name: "IPv4", host: "127.0.0.1", skip },
  { name: "IPv6", host: "[::1]", skip: skip6 },
];

const IMMUTABLE = "public, max-age=31536000, immutable";
const DAY = "public, max-age=86400";
const HSTS = "max-age=31536000";

/** The two deployments of the guide; `port` is set when nginx runs. */
const SITES = [
  { name: "site root", dist: DIST, base: "/" },
  { name: "sub-path /pufa/", dist: process.env.PUFA_DIST_SUB || join(ROOT, "target/dist-pufa"), base: "/pufa/" },
];
const origin = (site, { host }) => `https://${host}:${site.port}`;

let work, proc, ca, spki, httpPort;
before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), "pufa-nginx-"));
  chmodSync(work, 0o755); // nginx workers run as nobody when started by root
  for (const d of ["logs", "tmp", "www", "host"]) mkdirSync(join(work, d));

  // A throwaway self-signed certificate for both loopback addresses, valid
  // for a day. Node trusts it by `ca` on each request, Chromium by its key.
  const [crt, key] = [join(work, "pufa.crt"), join(work, "pufa.key")];
  const made = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
      .concat(["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost", "-keyout", key, "-out", crt]),
    { encoding: "utf8" },
  );
  assert.equal(made.status, 0, made.stderr);
  chmodSync(key, 0o644); // readable by the workers too; it is thrown away
  ca = readFileSync(crt, "utf8");
  const der = new X509Certificate(ca).publicKey.export({ type: "spki", format: "der" });
  spki = createHash("sha256").update(der).digest("base64");

  const headers = join(work, "pufa-headers.conf");
  writeFileSync(headers, readFileSync(join(ROOT, "deploy/nginx/pufa-headers.conf")));
  const conf = (name) => readFileSync(join(ROOT, "deploy/nginx", name), "utf8").replaceAll("/etc/nginx/snippets/pufa-headers.conf", headers);
  const [root, sub] = SITES;
  [httpPort, root.port, sub.port] = [await freePort(), await freePort(), await freePort()];
  // The documented listen lines, on loopback: the IPv6 one only where ::1 exists.
  const listen = (port) => `listen 127.0.0.1:${port};` + (ipv6 ? ` listen [::1]:${port};` : "");

  // The documented site file, with only the ports, paths and certificate
  // changed (the redirect keeps the test's HTTPS port).
  const edits = [
    ["listen 80;\n    listen [::]:80;", listen(httpPort)],
    ["return 301 https://$host$request_uri;", `return 301 https://$host:${root.port}$request_uri;`],
    ["listen 443 ssl http2;\n    listen [::]:443 ssl http2;", listen(`${root.port} ssl http2`)],
    ["/etc/nginx/ssl/pufa.crt", crt],
    ["/etc/nginx/ssl/pufa.key", key],
    ["root /srv/pufa;", `root ${root.dist};`],
  ];
  let rootSite = conf("pufa.conf");
  for (const [from, to] of edits) {
    assert.ok(rootSite.includes(from), `pufa.conf has ${from}`);
    rootSite = rootSite.replace(from, to);
  }
  // The documented snippet, included in an existing host's HTTPS server
  // block (its own certificate and HSTS) whose own rules would otherwise
  // catch /pufa/ files (a regex for static files adding a second
  // Cache-Control, a catch-all without the shell).
  symlinkSync(sub.dist, join(work, "www", "pufa"));
  const snippet = join(work, "pufa-subpath.conf");
  writeFileSync(snippet, conf("pufa-subpath.conf").replace("root /srv/www;", `root ${join(work, "www")};`));
  const hostSite = `server {
    ${listen(`${sub.port} ssl http2`)}
    ssl_certificate ${crt};
    ssl_certificate_key ${key};
    add_header Strict-Transport-Security "${HSTS}" always;
    root ${join(work, "host")};
    location / { try_files $uri $uri/ =404; }
    location ~* \\.(js|css|wasm|json|webmanifest|png|svg)$ { expires 7d; }
    include ${snippet};
  }`;

  writeFileSync(
    join(work, "nginx.conf"),
    `worker_processes 1;
error_log ${work}/logs/error.log;
pid ${work}/nginx.pid;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${work}/tmp;
  proxy_temp_path ${work}/tmp;
  fastcgi_temp_path ${work}/tmp;
  uwsgi_temp_path ${work}/tmp;
  scgi_temp_path ${work}/tmp;
  ${rootSite}
  ${hostSite}
}
`,
  );
  proc = spawn(nginx, ["-p", work, "-c", join(work, "nginx.conf"), "-g", "daemon off;"], { stdio: "inherit" });
  for (const site of SITES) for (const h of HOSTS) if (!h.skip) await waitFor(origin(site, h));
});
after(() => {
  proc?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      await request(url);
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  throw new Error(`nginx did not start on ${url}`);
}

/** A request that trusts the throwaway certificate only (and checks it
 *  names the address), never follows a redirect and returns what fetch
 *  would: status, headers, text() (un-gzipped), plus the TLS version. */
function request(url, headers = {}) {
  const { get } = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    get(url, { headers, ca, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve({
          status: res.statusCode,
          headers: h,
          tls: res.socket.getProtocol?.(),
          text: async () => (h.get("content-encoding") === "gzip" ? gunzipSync(body) : body).toString("utf8"),
        });
      });
    }).on("error", reject);
  });
}

/** Every file under `dir`, as paths relative to it with `/`. */
function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(dir, f).split(sep).join("/"));
}

/** GET `path` (relative to the site's base) over HTTPS the way a browser
 *  would, on one address; every answer must carry HSTS. */
async function get(site, host, path, accept = "*/*") {
  const r = await request(origin(site, host) + site.base + path, { accept, "accept-encoding": "gzip" });
  assert.equal(r.headers.get("strict-transport-security"), HSTS, `HSTS on ${r.status} ${path}`);
  return r;
}

async function expectFile(site, host, path, cache, type) {
  const r = await get(site, host, path);
  assert.equal(r.status, 200, path);
  assert.equal(r.headers.get("cache-control"), cache, path);
  assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
  if (type) assert.equal(r.headers.get("content-type"), type, path);
  return r;
}

/** The HTTP side of the deploy guide, for one site on one address. */
async function checkHttp(site, host) {
  const file = (name) => readFileSync(join(site.dist, name), "utf8");

  // App routes get their pre-rendered page, the search page the shell; a
  // route with no page and any other path without an extension get the
  // pre-rendered 页面未找到 with status 404.
  const routes = [
    ["", "index.html"],
    ["index.html", "index.html"],
    [`article/${SEED_ID}`, `article/${SEED_ID}.html`],
    ["channel/xinzhou", "channel/xinzhou.html"],
    ["channel/xinzhou/2", "channel/xinzhou/2.html"],
    ["sitemap", "sitemap.html"],
    ["search", "shell.html"],
    ["search?q=普法", "shell.html"],
  ];
  const notFound = ["no/such/page", "channel", "search/", "article/no-such-id", "channel/xinzhou/99"].map((p) => [p, "404.html"]);
  for (const [pairs, status] of [[routes, 200], [notFound, 404]]) {
    for (const [path, name] of pairs) {
      const r = await get(site, host, path, "text/html");
      assert.equal(r.status, status, path);
      assert.equal(await r.text(), file(name), path);
      assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8", path);
      assert.equal(r.headers.get("cache-control"), "no-cache", path);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(r.headers.get("referrer-policy"), "strict-origin-when-cross-origin", path);
      assert.equal(r.headers.get("content-security-policy"), "frame-ancestors 'self'", path);
    }
  }
  if (site.base !== "/") {
    // (the host's own HSTS: this location adds no headers of its own)
    const r = await request(origin(site, host) + site.base.replace(/\/$/, ""));
    assert.equal(r.status, 301);
    assert.equal(r.headers.get("strict-transport-security"), HSTS, "HSTS on the redirect to /pufa/");
    assert.equal(r.headers.get("location"), site.base);
  }

  // Hashed build files are immutable (Trunk's hashes vary in length:
  // leading zeros are dropped) and compressed.
  const hashed = readdirSync(site.dist).filter((f) => /\.(js|wasm|css)$/.test(f) && f !== "sw.js" && f !== "prefs.js");
  // The app's wasm, JS and CSS, and the search worker's wasm and JS.
  assert.equal(hashed.length, 5, `${hashed}`);
  for (const f of hashed) await expectFile(site, host, f, IMMUTABLE);
  for (const wasm of hashed.filter((f) => f.endsWith("_bg.wasm"))) {
    const r = await expectFile(site, host, wasm, IMMUTABLE, "application/wasm");
    assert.equal(r.headers.get("content-encoding"), "gzip");
  }

  // Revalidated every time: the worker, the manifest and the data pointer.
  await expectFile(site, host, "sw.js", "no-cache");
  await expectFile(site, host, "manifest.webmanifest", "no-cache", "application/manifest+json");
  await expectFile(site, host, "data/version.json", "no-cache", "application/json");
  // Feeds, sitemap and robots.txt change with every publish.
  for (const f of ["feed.xml", "sitemap.xml", "robots.txt", ...files(join(site.dist, "feeds")).map((f) => `feeds/${f}`)]) {
    await expectFile(site, host, f, "no-cache");
  }

  // What data/version.json points to, and the media, never change.
  const { version } = JSON.parse(readFileSync(join(site.dist, "data/version.json"), "utf8"));
  const data = files(join(site.dist, "data/v", version));
  assert.ok(data.includes("site.json"), `data/v/${version}/ has site.json`);
  for (const f of data) await expectFile(site, host, `data/v/${version}/${f}`, IMMUTABLE);
  for (const f of files(join(site.dist, "media"))) await expectFile(site, host, `media/${f}`, IMMUTABLE);

  // Other files: a day.
  for (const f of ["prefs.js", "icons/favicon-32.png", "icons/icon-192.png"]) await expectFile(site, host, f, DAY);

  // A missing file is a real 404: no shell, no HTML, not cached for long.
  const missing = [
    `data/v/${version}/missing.json`,
    "data/v/0000000000000000/site.json",
    "data/missing.json",
    "media/nope.png",
    "uploads/x.pdf",
    "icons/nope.png",
    "missing-0123456789abcdef.js",
    `article/${SEED_ID}.png`,
  ];
  for (const path of missing) {
    const r = await get(site, host, path, "text/html,*/*");
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.headers.get("content-type"), /html/, path);
    assert.doesNotMatch(await r.text(), /<html/i, path);
    assert.equal(r.headers.get("cache-control"), "no-cache", path);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
  }
}

/** The app in Chromium, for one site on one address: the seed article and
 *  a search over HTTP/2, with every response OK and no console error or CSP
 *  violation. Chromium trusts the throwaway certificate by its key (the
 *  service worker is refused on a certificate error); nothing else is. */
async function checkApp(site, host) {
  const browser = await chromium.launch({ ...LAUNCH, args: [...LAUNCH.args, `--ignore-certificate-errors-spki-list=${spki}`] });
  try {
    const page = await browser.newPage();
    const problems = [];
    const data = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      const path = new URL(r.url()).pathname;
      if (path.startsWith(`${site.base}data/`)) data.push(path.slice(site.base.length));
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await page.goto(`${origin(site, host)}${site.base}article/${SEED_ID}`);
    // The pre-rendered page is there at once; asked for (as the search box
    // or 朗读 would), the app takes it over once its data has come.
    await page.evaluate(() => window.pufaStartApp());
    await page.waitForSelector("#boot", { state: "detached" });
    await page.waitForSelector(".article-title");
    assert.equal(await page.locator("h1").innerText(), SEED_TITLE);
    assert.equal(await page.evaluate(() => performance.getEntriesByType("navigation")[0].nextHopProtocol), "h2");
    assert.ok(data.includes("data/version.json"), `${data}`);
    assert.ok(data.some((p) => p.startsWith("data/v/")), `${data}`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.goto(`${origin(site, host)}${site.base}search?q=普法`);
    await page.waitForSelector(".search-results");
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
}

/** A TLS handshake with the site root, trusting the throwaway certificate. */
const handshake = (host, options = {}) =>
  new Promise((resolve, reject) => {
    const socket = tls.connect({ host: host.replace(/^\[|\]$/g, ""), port: SITES[0].port, ca, ...options }, () => {
      resolve({ protocol: socket.getProtocol(), alpn: socket.alpnProtocol });
      socket.end();
    });
    socket.on("error", reject);
  });

for (const h of HOSTS) {
  test(`nginx, ${h.name}: plain HTTP on ${h.host} redirects to HTTPS and carries no HSTS`, { skip: h.skip }, async () => {
    for (const path of ["/", `/article/${SEED_ID}`, "/search?q=%E6%99%AE%E6%B3%95", "/data/version.json"]) {
      const r = await request(`http://${h.host}:${httpPort}${path}`);
      assert.equal(r.status, 301, path);
      assert.equal(r.headers.get("location"), `https://${h.host}:${SITES[0].port}${path}`, path);
      // RFC 6797: never over plain HTTP (browsers ignore it there anyway).
      assert.equal(r.headers.get("strict-transport-security"), null, path);
    }
  });

  test(`nginx, ${h.name}: TLS 1.3 and 1.2 with HTTP/2 on ${h.host}, nothing older`, { skip: h.skip }, async () => {
    assert.deepEqual(await handshake(h.host, { ALPNProtocols: ["h2", "http/1.1"] }), { protocol: "TLSv1.3", alpn: "h2" });
    assert.equal((await handshake(h.host, { maxVersion: "TLSv1.2" })).protocol, "TLSv1.2");
    // A client offering only TLS 1.0 and 1.1 (weak ciphers allowed) is
    // refused by the server with a protocol_version alert.
    await assert.rejects(handshake(h.host, { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" }), {
      code: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
    });
  });

  for (const site of SITES) {
    test(`nginx, ${site.name}, HTTPS on ${h.host}: deep links get their pre-rendered page, caching follows the deploy guide, HSTS on every answer`, { skip: h.skip }, () =>
      checkHttp(site, h),
    );
    test(`nginx, ${site.name}, HTTPS on ${h.host}: the app runs with its Content-Security-Policy and no violations`, { skip: h.skip }, () =>
      checkApp(site, h),
    );
  }
}
