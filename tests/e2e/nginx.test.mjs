// The nginx example of docs/deploy.md, run for real (issue #4): deep links
// get the shell, hashed files are immutable, the shell, worker and data are
// revalidated, missing assets are 404, and the app runs with no CSP
// violation. Skipped where nginx is not installed (scripts/setup.sh installs
// nginx-light).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { freePort, LAUNCH, ROOT, SEED_ID, SEED_TITLE } from "./harness.mjs";

const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => spawnSync(p, ["-v"]).status === 0);

let work, proc, origin;
before(async () => {
  if (!nginx) return;
  work = mkdtempSync(join(tmpdir(), "pufa-nginx-"));
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const headers = join(work, "pufa-headers.conf");
  writeFileSync(headers, readFileSync(join(ROOT, "deploy/nginx/pufa-headers.conf")));
  // The documented site file, with only the paths and the port changed.
  const site = readFileSync(join(ROOT, "deploy/nginx/pufa.conf"), "utf8")
    .replace("listen 80;", `listen 127.0.0.1:${port};`)
    .replace("root /srv/pufa;", `root ${join(ROOT, "dist")};`)
    .replaceAll("/etc/nginx/snippets/pufa-headers.conf", headers);
  for (const d of ["logs", "tmp"]) mkdirSync(join(work, d));
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
  ${site}
}
`,
  );
  proc = spawn(nginx, ["-p", work, "-c", join(work, "nginx.conf"), "-g", "daemon off;"], { stdio: "inherit" });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(origin);
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  throw new Error("nginx did not start");
});
after(() => {
  proc?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

const get = (path, accept = "text/html") => fetch(origin + path, { headers: { accept } });

test("nginx: deep links get the shell and caching follows the deploy guide", { skip: !nginx && "nginx not installed" }, async () => {
  const shell = readFileSync(join(ROOT, "dist/index.html"), "utf8");
  for (const path of ["/", `/article/${SEED_ID}`, "/channel/xinzhou/2", "/search?q=普法"]) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.equal(await r.text(), shell, path);
    assert.equal(r.headers.get("cache-control"), "no-cache", path);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
  }
  // Every hashed file of this build is immutable (Trunk's hashes vary in
  // length: leading zeros are dropped).
  const hashed = readdirSync(join(ROOT, "dist")).filter((f) => /\.(js|wasm|css)$/.test(f) && f !== "sw.js" && f !== "prefs.js");
  assert.equal(hashed.length, 3, `${hashed}`);
  for (const f of hashed) {
    const r = await get(`/${f}`, "*/*");
    assert.equal(r.status, 200, f);
    assert.equal(r.headers.get("cache-control"), "public, max-age=31536000, immutable", f);
  }
  const wasm = hashed.find((f) => f.endsWith("_bg.wasm"));
  assert.equal((await get(`/${wasm}`, "*/*")).headers.get("content-type"), "application/wasm");
  for (const f of ["prefs.js", "favicon.svg"]) {
    assert.equal((await get(`/${f}`, "*/*")).headers.get("cache-control"), "public, max-age=86400", f);
  }
  for (const path of ["/sw.js", "/data/bulletins.json", "/manifest.webmanifest"]) {
    const r = await get(path, "*/*");
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get("cache-control"), "no-cache", path);
  }
  assert.equal((await get("/manifest.webmanifest", "*/*")).headers.get("content-type"), "application/manifest+json");
  assert.equal((await get("/data/missing.json", "*/*")).status, 404);
  assert.equal((await get("/missing-0123456789abcdef.js", "*/*")).status, 404);
});

test("nginx: the app runs with its Content-Security-Policy and no violations", { skip: !nginx && "nginx not installed" }, async () => {
  const browser = await chromium.launch(LAUNCH);
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await page.goto(`${origin}/article/${SEED_ID}`);
    await page.waitForSelector(".article-title");
    assert.equal(await page.locator("h1").innerText(), SEED_TITLE);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.goto(`${origin}/search?q=普法`);
    await page.waitForSelector(".search-results");
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
