#!/usr/bin/env node
// Browser half of scripts/bench-archive.sh (issue 9, "A real archive"): cold
// loads of one archive served by scripts/serve.mjs, in Debian's Chromium
// driven by playwright-core (no browser download). Prints figures; not a test.
//
// Usage: node scripts/bench-archive.mjs ORIGIN CONTENT_DIR [RUNS]
//   ORIGIN       e.g. http://127.0.0.1:8123 (the served dist, base "/")
//   CONTENT_DIR  the generated content the archive was built from; it names
//                the article (the middle bulletin) and its title
//
// Every load is cold: a fresh browser context (empty cache), the service
// worker blocked so every byte comes from the network. Per page, the median
// of RUNS (default 3) loads of:
//   total    bytes transferred (encoded: gzip as served, with headers),
//            from CDP Network.loadingFinished encodedDataLength
//   data     the same for requests under /data/, and their number
//   ready    ms from navigation start until the page's <h1> shows its text
//            (article: its title; channel: the channel's name; home: the
//            site name in its visually hidden <h1> plus a visible link to
//            an article; search: the first result link)
//   heap     JS heap used after load and a forced GC (CDP Runtime.getHeapUsage)
//   wasm     the size of the app's WebAssembly memory after load
// Env: BENCH_PAGES=article,channel,home,search (name prefixes) to run fewer;
// BENCH_VERBOSE=1 to list the /data/ requests of each page.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [origin, content, runsArg = "3"] = process.argv.slice(2);
if (!origin || !content) {
  console.error("usage: node scripts/bench-archive.mjs ORIGIN CONTENT_DIR [RUNS]");
  process.exit(2);
}
const RUNS = Number(runsArg);

const LAUNCH = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

/** The middle bulletin of the generated tree: its id and title. */
function middleArticle() {
  const root = join(content, "bulletins");
  const files = [];
  for (const year of readdirSync(root)) for (const f of readdirSync(join(root, year))) files.push(join(root, year, f));
  files.sort((a, b) => a.slice(-9).localeCompare(b.slice(-9))); // by sequence number
  const file = files[Math.floor(files.length / 2)];
  const text = readFileSync(file, "utf8");
  const title = JSON.parse(text.match(/^title = (".*")$/m)[1]); // a TOML basic string is a JSON string here
  return { id: file.split("/").pop().replace(/\.md$/, ""), title };
}

const site = readFileSync(join(content, "site.toml"), "utf8");
const SITE_NAME = JSON.parse(site.match(/^name = (".*")$/m)[1]);
const article = middleArticle();

const PAGES = [
  { name: "article", path: `/article/${article.id}`, ready: { h1: article.title, visible: true } },
  { name: "channel pufa p1", path: "/channel/pufa", ready: { h1: "普法动态", visible: true } },
  { name: "home", path: "/", ready: { h1: SITE_NAME, visible: false, link: true } },
  { name: "search 法律", path: `/search?q=${encodeURIComponent("法律")}`, ready: { result: true } },
];

/** Injected before any page script: records when the page is ready, and
 *  keeps the WebAssembly memory so its size can be read. */
function probe(ready) {
  const seen = () => {
    if (ready.result || ready.link) {
      const a = [...document.querySelectorAll("main a[href*='article/'], a[href*='article/']")].find((x) => x.checkVisibility());
      if (!a) return false;
      if (ready.result) return true;
    }
    return [...document.querySelectorAll("h1")].some((h) => h.textContent.trim() === ready.h1 && (!ready.visible || h.checkVisibility()));
  };
  const check = () => {
    if (window.__readyAt != null) return;
    if (document.querySelector(".error-view, [role=alert] h1")) window.__error = document.querySelector(".error-view, [role=alert]").textContent.slice(0, 200);
    if (seen()) window.__readyAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
  const keep = (result) => {
    const instance = result.instance || result;
    for (const v of Object.values(instance.exports || {})) if (v instanceof WebAssembly.Memory) window.__wasmMemory = v;
    return result;
  };
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const orig = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      return orig.apply(this, args).then(keep);
    };
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function load(browser, spec) {
  const context = await browser.newContext({ serviceWorkers: "block", viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const urls = new Map();
  const done = [];
  const failed = [];
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => done.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength }));
  cdp.on("Network.loadingFailed", (e) => failed.push(`${urls.get(e.requestId)} ${e.errorText}`));
  await page.addInitScript(probe, spec.ready);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));

  await page.goto(`${origin}${spec.path}`, { waitUntil: "load", timeout: 600000 });
  try {
    await page.waitForFunction(() => window.__readyAt != null || window.__error, null, { timeout: 600000, polling: 50 });
  } catch {
    problems.push("never ready");
  }
  await page.waitForLoadState("networkidle", { timeout: 600000 }).catch(() => problems.push("network never idle"));
  const { readyAt, error, wasm } = await page.evaluate(() => ({
    readyAt: window.__readyAt,
    error: window.__error,
    wasm: window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null,
  }));
  if (error) problems.push(`error view: ${error}`);
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  await context.close();
  const data = done.filter((r) => r.url && new URL(r.url).pathname.startsWith("/data/"));
  const sum = (rs) => rs.reduce((s, r) => s + r.bytes, 0);
  return {
    total: sum(done),
    requests: done.length,
    data: sum(data),
    dataRequests: data.length,
    dataUrls: data.map((r) => `${new URL(r.url).pathname} ${r.bytes}`),
    ready: readyAt ?? NaN,
    heap: heap.usedSize,
    wasm: wasm ?? NaN,
    problems: [...problems, ...failed.map((f) => `failed: ${f}`)],
  };
}

const kb = (n) => (Number.isFinite(n) ? (n / 1024).toFixed(1) : "-");
const mb = (n) => (Number.isFinite(n) ? (n / 1048576).toFixed(1) : "-");

const browser = await chromium.launch(LAUNCH);
const rows = [];
const notes = [];
// BENCH_PAGES=article,home runs only the pages whose names start so.
const only = process.env.BENCH_PAGES ? process.env.BENCH_PAGES.split(",") : null;
for (const spec of PAGES.filter((p) => !only || only.some((o) => p.name.startsWith(o)))) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await load(browser, spec));
  const m = (k) => median(runs.map((x) => x[k]));
  rows.push([spec.name, kb(m("total")), String(m("requests")), kb(m("data")), String(m("dataRequests")), Number.isFinite(m("ready")) ? String(Math.round(m("ready"))) : "-", mb(m("heap")), mb(m("wasm"))]);
  const problems = [...new Set(runs.flatMap((x) => x.problems))];
  if (problems.length) notes.push(`${spec.name}: ${problems.slice(0, 5).join(" | ")}`);
  if (process.env.BENCH_VERBOSE) notes.push(`${spec.name} ${spec.path} data requests: ${runs[0].dataUrls.join(", ")}`);
}
await browser.close();

const head = ["page", "total KB", "reqs", "/data/ KB", "/data/ reqs", "ready ms", "JS heap MB", "wasm MB"];
// Column widths in terminal cells: a Chinese character takes two.
const cells = (s) => [...s].reduce((n, c) => n + (/[\u2e80-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);
const widths = head.map((h, i) => Math.max(cells(h), ...rows.map((r) => cells(r[i]))));
const fill = (c, i) => " ".repeat(widths[i] - cells(c));
const line = (row) => row.map((c, i) => (i === 0 ? c + fill(c, i) : fill(c, i) + c)).join("  ");
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(`(median of ${RUNS} cold loads each; article = /article/${article.id}; KB = encoded bytes incl. headers)`);
for (const n of notes) console.log(`  note: ${n}`);
