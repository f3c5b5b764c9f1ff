// Shared set-up of the end-to-end journeys: the release build in dist/ served
// on 127.0.0.1 by scripts/serve.mjs, and Debian's Chromium driven by
// playwright-core (no browser download).

import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, "..", "..");
export const SHOTS = join(here, "screenshots");

export const SEED_ID = "2021-xinzhou-qiwu-zongjie";
export const SEED_TITLE = "新洲区委办公室“七五”普法工作总结";
export const SITE_NAME = "新洲区普法网";

/** How every journey launches Debian's Chromium: no background traffic to
 *  hosts this machine cannot reach. */
export const LAUNCH = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

/** A free TCP port on 127.0.0.1, for a service a test starts. */
export async function freePort() {
  const s = createServer();
  await new Promise((done) => s.listen(0, "127.0.0.1", done));
  const { port } = s.address();
  await new Promise((done) => s.close(done));
  return port;
}

/** The site build the journeys run against: dist/ of `trunk build
 *  --release`, or another build's folder in $PUFA_DIST (so several
 *  checkouts' builds can be tested side by side). */
export const DIST = process.env.PUFA_DIST || join(ROOT, "dist");

/** The app's own wasm (not the search worker's), for journeys that fail it. */
export const APP_WASM = /\/pufa-portal-[^/]*_bg\.wasm$/;

/** The content tool of the build under test, for variant deployments:
 *  $PUFA_BIN, else the tool build of $CARGO_TARGET_DIR, else of target/
 *  (where Trunk's pre-build hook builds it). */
export const PUFA = process.env.PUFA_BIN || join(process.env.CARGO_TARGET_DIR || join(ROOT, "target"), "tool", "pufa");

/** Start the server and the browser; returns what tests need and a stop(). */
export async function start({ dist = DIST, base = "/", counter } = {}) {
  const server = await serve(dist, 0, base, { counter });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch(LAUNCH);
  mkdirSync(SHOTS, { recursive: true });
  return {
    origin,
    server,
    url: (path = "") => `${origin}${base}${path.replace(/^\//, "")}`,
    browser,
    /** A new page that records console errors and uncaught exceptions. */
    async page(options = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
      const page = await context.newPage();
      page.problems = [];
      page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") page.problems.push(`console: ${m.text()}`);
      });
      return page;
    },
    async stop() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Wait until the app runs the page and has its data: the pre-rendered page
 *  (or the shell's loading notice) in #boot is gone, <main> is not busy
 *  (the app sets aria-busy while a page loads), and the frame or an error
 *  is shown. */
export async function ready(page) {
  // A pre-rendered page starts the app only when the reader asks for
  // something that needs it (public/prefs.js): ask, as such a press would,
  // until it has taken over. Asked once, the request could land on the page
  // a click (刷新, a link) was just leaving, and the next page would wait.
  await page.waitForFunction(
    () => {
      window.pufaStartApp?.();
      return !document.getElementById("boot");
    },
    null,
    { timeout: 20000, polling: 100 },
  );
  await page.waitForSelector('main[aria-busy="false"]', { timeout: 20000 });
  await page.waitForSelector(".site-header, .error-view", { state: "attached", timeout: 20000 });
}

/** Record what <main> holds each time it stops being busy: what a screen
 *  reader is told is ready, and what `ready()` lets a test read. Recorded
 *  after each change of `aria-busy`, before any later script can run.
 *  Call before the first `goto`; `readyStates` takes what was recorded. */
export async function watchReady(page) {
  await page.addInitScript(() => {
    window.readyOver = [];
    new MutationObserver(() => {
      const main = document.querySelector("main");
      if (main?.getAttribute("aria-busy") !== "false") return;
      window.readyOver.push({
        url: location.pathname + location.search,
        words: document.getElementById("site-search-input")?.value ?? "",
        crumbs: main.querySelector(".breadcrumb")?.innerText ?? "",
        results: main.querySelector(".search-output")?.innerText ?? "",
        text: main.innerText,
      });
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["aria-busy"] });
  });
}

/** What `watchReady` recorded since the last call. */
export async function readyStates(page) {
  return page.evaluate(() => window.readyOver.splice(0));
}

/** The text of the first match, once the page has finished loading. */
export async function text(page, selector) {
  await ready(page);
  return page.locator(selector).first().innerText();
}

/** The number of results the search page says it found (找到 N 条结果,
 *  共 N 篇文章), once the page has finished loading. */
export async function resultCount(page) {
  return Number((await text(page, ".result-count")).match(/\d+/)[0]);
}

/** Wait until a service worker controls the page. */
export async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** A page at `path`, once the service worker controls it. */
export async function controlledPage(h, path) {
  const page = await h.page();
  await page.goto(h.url(path));
  await ready(page);
  await controlled(page);
  return page;
}

/** The app version a build's service worker carries. */
export const shellVersion = (dir) => readFileSync(join(dir, "sw.js"), "utf8").match(/const VERSION = "([0-9a-f]+)"/)[1];

/** Turn `dir`, a copy of a build, into the next version of the app: a
 *  precached file changes and the build's own post-build step runs again. */
export function nextShell(dir) {
  appendFileSync(join(dir, "icons", "favicon-32.png"), "\nnext version\n");
  execFileSync("node", [join(ROOT, "scripts", "post-build.mjs"), dir]);
}

/** A deployment at `dir`: a copy of the release build in dist/ whose data
 *  is rebuilt by `pufa build` from a copy of the fixture content, after
 *  `change(contentDir)` has edited it, and its pages by `pufa render`.
 *  `finish` reruns the whole post-build step instead, as a full `trunk
 *  build` would (the CSP follows the settings). */
export function deploy(dir, change = () => {}, { finish = false } = {}) {
  cpSync(DIST, dir, { recursive: true });
  const content = `${dir}-content`;
  cpSync(join(ROOT, "tests", "fixtures", "content"), content, { recursive: true });
  change(content);
  execFileSync(PUFA, ["build", "--content", content, "--out", join(dir, "data")]);
  // The pages are rendered again from the new data either way, as every
  // build does: the service worker serves them to returning readers too.
  if (finish) execFileSync("node", [join(ROOT, "scripts", "post-build.mjs"), dir]);
  else execFileSync(PUFA, ["render", "--dist", dir], { stdio: "ignore" });
  return dir;
}
