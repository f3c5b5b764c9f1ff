// The nginx examples of docs/deploy.md, run for real: deploy/nginx/pufa.conf
// serving dist/ at the site root, and deploy/nginx/pufa-subpath.conf
// included in a host's server block serving target/dist-pufa/ under /pufa/.
// Both sites go through the same checks: app routes get the shell, other
// paths the shell with 404, hashed files, data/v/ and media/ are immutable,
// the shell, worker, manifest and data/version.json are revalidated, a
// missing file is a real 404 without HTML, and the app runs with no console
// error or CSP violation. Skipped where nginx is not installed
// (scripts/setup.sh installs nginx-light).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { chromium } from "playwright-core";
import { freePort, LAUNCH, ROOT, SEED_ID, SEED_TITLE } from "./harness.mjs";

const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => spawnSync(p, ["-v"]).status === 0);
const skip = !nginx && "nginx not installed";

const IMMUTABLE = "public, max-age=31536000, immutable";
const DAY = "public, max-age=86400";

/** The two deployments of the guide; `origin` is set when nginx runs. */
const SITES = [
  { name: "site root", dist: join(ROOT, "dist"), base: "/" },
  { name: "sub-path /pufa/", dist: join(ROOT, "target/dist-pufa"), base: "/pufa/" },
];

let work, proc;
before(async () => {
  if (!nginx) return;
  work = mkdtempSync(join(tmpdir(), "pufa-nginx-"));
  chmodSync(work, 0o755); // nginx workers run as nobody when started by root
  for (const d of ["logs", "tmp", "www", "host"]) mkdirSync(join(work, d));
  const headers = join(work, "pufa-headers.conf");
  writeFileSync(headers, readFileSync(join(ROOT, "deploy/nginx/pufa-headers.conf")));
  const conf = (name) => readFileSync(join(ROOT, "deploy/nginx", name), "utf8").replaceAll("/etc/nginx/snippets/pufa-headers.conf", headers);
  const [root, sub] = SITES;
  const [rootPort, subPort] = [await freePort(), await freePort()];
  root.origin = `http://127.0.0.1:${rootPort}`;
  sub.origin = `http://127.0.0.1:${subPort}`;

  // The documented site file, with only the paths and the port changed.
  const rootSite = conf("pufa.conf")
    .replace("listen 80;", `listen 127.0.0.1:${rootPort};`)
    .replace("root /srv/pufa;", `root ${root.dist};`);
  // The documented snippet, included in an existing host's server block
  // whose own rules would otherwise catch /pufa/ files (a regex for static
  // files adding a second Cache-Control, a catch-all without the shell).
  symlinkSync(sub.dist, join(work, "www", "pufa"));
  const snippet = join(work, "pufa-subpath.conf");
  writeFileSync(snippet, conf("pufa-subpath.conf").replace("root /srv/www;", `root ${join(work, "www")};`));
  const hostSite = `server {
    listen 127.0.0.1:${subPort};
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
  for (const { origin } of SITES) await waitFor(origin);
});
after(() => {
  proc?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function waitFor(origin) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(origin);
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  throw new Error("nginx did not start");
}

/** Every file under `dir`, as paths relative to it with `/`. */
function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(dir, f).split(sep).join("/"));
}

/** GET `path` (relative to the site's base) the way a browser would. */
const get = (site, path, accept = "*/*") =>
  fetch(site.origin + site.base + path, { headers: { accept, "accept-encoding": "gzip" }, redirect: "manual" });

async function expectFile(site, path, cache, type) {
  const r = await get(site, path);
  assert.equal(r.status, 200, path);
  assert.equal(r.headers.get("cache-control"), cache, path);
  assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
  if (type) assert.equal(r.headers.get("content-type"), type, path);
  return r;
}

/** The HTTP side of the deploy guide, for one site. */
async function checkHttp(site) {
  const shell = readFileSync(join(site.dist, "index.html"), "utf8");

  // App routes get the shell; any other path without an extension gets it
  // with status 404 (the app shows 页面未找到).
  const routes = ["", "index.html", `article/${SEED_ID}`, "channel/xinzhou/2", "search", "search?q=普法"];
  for (const [paths, status] of [[routes, 200], [["no/such/page", "channel", "search/"], 404]]) {
    for (const path of paths) {
      const r = await get(site, path, "text/html");
      assert.equal(r.status, status, path);
      assert.equal(await r.text(), shell, path);
      assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8", path);
      assert.equal(r.headers.get("cache-control"), "no-cache", path);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(r.headers.get("referrer-policy"), "strict-origin-when-cross-origin", path);
      assert.equal(r.headers.get("content-security-policy"), "frame-ancestors 'self'", path);
    }
  }
  if (site.base !== "/") {
    const r = await fetch(site.origin + site.base.replace(/\/$/, ""), { redirect: "manual" });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get("location"), site.base);
  }

  // Hashed build files are immutable (Trunk's hashes vary in length:
  // leading zeros are dropped) and compressed.
  const hashed = readdirSync(site.dist).filter((f) => /\.(js|wasm|css)$/.test(f) && f !== "sw.js" && f !== "prefs.js");
  assert.equal(hashed.length, 3, `${hashed}`);
  for (const f of hashed) await expectFile(site, f, IMMUTABLE);
  const wasm = hashed.find((f) => f.endsWith("_bg.wasm"));
  const r = await expectFile(site, wasm, IMMUTABLE, "application/wasm");
  assert.equal(r.headers.get("content-encoding"), "gzip");

  // Revalidated every time: the worker, the manifest and the data pointer.
  await expectFile(site, "sw.js", "no-cache");
  await expectFile(site, "manifest.webmanifest", "no-cache", "application/manifest+json");
  await expectFile(site, "data/version.json", "no-cache", "application/json");

  // What data/version.json points to, and the media, never change.
  const { version } = JSON.parse(readFileSync(join(site.dist, "data/version.json"), "utf8"));
  const data = files(join(site.dist, "data/v", version));
  assert.ok(data.includes("site.json"), `data/v/${version}/ has site.json`);
  for (const f of data) await expectFile(site, `data/v/${version}/${f}`, IMMUTABLE);
  for (const f of files(join(site.dist, "media"))) await expectFile(site, `media/${f}`, IMMUTABLE);

  // Other files: a day.
  for (const f of ["prefs.js", "favicon.svg", "icons/icon-192.png"]) await expectFile(site, f, DAY);

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
    const r = await get(site, path, "text/html,*/*");
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.headers.get("content-type"), /html/, path);
    assert.doesNotMatch(await r.text(), /<html/i, path);
    assert.equal(r.headers.get("cache-control"), "no-cache", path);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
  }
}

/** The app in Chromium, for one site: the seed article and a search, with
 *  every response OK and no console error or CSP violation. */
async function checkApp(site) {
  const browser = await chromium.launch(LAUNCH);
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
    await page.goto(`${site.origin}${site.base}article/${SEED_ID}`);
    await page.waitForSelector(".article-title");
    assert.equal(await page.locator("h1").innerText(), SEED_TITLE);
    assert.ok(data.includes("data/version.json"), `${data}`);
    assert.ok(data.some((p) => p.startsWith("data/v/")), `${data}`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.goto(`${site.origin}${site.base}search?q=普法`);
    await page.waitForSelector(".search-results");
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
}

for (const site of SITES) {
  test(`nginx, ${site.name}: deep links get the shell and caching follows the deploy guide`, { skip }, () => checkHttp(site));
  test(`nginx, ${site.name}: the app runs with its Content-Security-Policy and no violations`, { skip }, () => checkApp(site));
}
