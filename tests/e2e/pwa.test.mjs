// Offline, update and sub-path journeys (issue #4), against release builds:
// dist/ at the root and target/dist-pufa/ built with --public-url /pufa/.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { controlled, controlledPage, LAUNCH, nextShell, ready, ROOT, SEED_ID, SEED_TITLE, shellVersion, start, text } from "./harness.mjs";

const OPENED = "2023-huangpi-bawu-pufa-zhongqi-pinggu";
const OPENED_TITLE = "黄陂区开展“八五”普法中期评估工作";
/** Never opened, nor a result of the search below (whose snippets fetch
 *  their articles' files). */
const NEVER = "2016-yianshifa-renshen-anquan-baohuling";
const NEVER_TITLE = "遭受家庭暴力怎么办？法院发出人身安全保护令";
const OFFLINE_NOTICE = "当前处于离线状态，显示的是缓存内容";
const SUB = join(ROOT, "target", "dist-pufa");

const OFFLINE_PAGES = [
  ["/", ".newest .bulletin-list li"],
  ["/channel/huangpi", ".bulletin-list li"],
  [`/article/${OPENED}`, ".article-title"],
  ["/search?q=普法&channel=xinzhou", ".search-results .result"],
];

/** Read some pages online, then read them again with the network off; a
 *  page never opened says so in Chinese, inside the frame. */
async function offlineJourney(h) {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);
  await controlled(page);
  for (const [path, selector] of OFFLINE_PAGES) {
    await page.goto(h.url(path));
    await ready(page);
    await page.waitForSelector(selector);
  }
  assert.equal(await page.locator(".notice.offline").count(), 0);

  await page.context().setOffline(true);
  await page.goto(h.url("/"));
  await ready(page);
  assert.equal(await text(page, ".notice.offline"), OFFLINE_NOTICE);
  assert.equal(await page.locator(".newest .bulletin-list li").count(), 10);
  await page.goto(h.url("/channel/huangpi"));
  assert.equal(await text(page, "h1"), "黄陂区");
  await page.goto(h.url(`/article/${OPENED}`));
  assert.equal(await text(page, "h1"), OPENED_TITLE);
  await page.goto(h.url("/search?q=普法&channel=xinzhou"));
  await ready(page);
  assert.ok((await page.locator(".search-results .result").count()) > 0);
  assert.equal(await text(page, ".notice.offline"), OFFLINE_NOTICE);

  // Never opened: a plain message and the way back, not a blank page.
  await page.goto(h.url(`/article/${NEVER}`));
  assert.equal(await text(page, "[role=alert] h1"), "离线时无法打开此页");
  assert.equal(await page.locator(".site-header .channel-nav a").count(), 4);

  await page.context().setOffline(false);
  await page.waitForSelector(".notice.offline", { state: "detached" });
  await page.locator("button", { hasText: "重试" }).click();
  assert.equal(await text(page, "h1"), NEVER_TITLE);
  // The offline page's data request is the only failure the console saw.
  assert.deepEqual(page.problems.filter((p) => !/status of 504/.test(p)), []);
  return page;
}

/** Chromium's own verdict on installability (what its install prompt uses). */
async function installability(page) {
  const cdp = await page.context().newCDPSession(page);
  const { errors } = await cdp.send("Page.getAppManifest");
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  return { manifestErrors: errors, installabilityErrors };
}

/** A page in a real (non-incognito) profile: Chromium never offers to
 *  install from an incognito window, which Playwright's contexts are. */
async function profilePage() {
  const profile = mkdtempSync(join(tmpdir(), "pufa-profile-"));
  const context = await chromium.launchPersistentContext(profile, LAUNCH);
  const page = context.pages()[0] || (await context.newPage());
  page.close_all = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return page;
}

test("Chromium finds the app installable, at the root and under /pufa/", async () => {
  for (const [dist, base] of [[join(ROOT, "dist"), "/"], [SUB, "/pufa/"]]) {
    if (!existsSync(dist)) continue;
    const h = await start({ dist, base });
    const page = await profilePage();
    try {
      await page.goto(h.url("/"));
      await ready(page);
      await controlled(page);
      assert.deepEqual(await installability(page), { manifestErrors: [], installabilityErrors: [] }, base);
    } finally {
      await page.close_all();
      await h.stop();
    }
  }
});

test("pages read online, and search, work offline; a page never opened says so", async () => {
  const h = await start();
  try {
    await offlineJourney(h);
  } finally {
    await h.stop();
  }
});

/** A reader on a tab the worker controls: the seed article, then 下一篇 and
 *  the breadcrumb's 新洲区, plain links, each a navigation the worker
 *  answers; every page pre-rendered. The next article's title and URL. */
async function readOn(h, page) {
  await page.goto(h.url(`/article/${SEED_ID}`));
  await controlled(page);
  const next = page.locator("#boot .prev-next .next a");
  const nextTitle = (await next.innerText()).trim();
  await next.click();
  await page.waitForSelector(`#boot[data-prerendered] h1:text-is("${nextTitle}")`);
  const nextUrl = page.url();
  await page.locator("#boot .breadcrumb a", { hasText: "新洲区" }).click();
  await page.waitForURL(/\/channel\/xinzhou$/);
  await page.waitForSelector("#boot[data-prerendered] h1:text-is('新洲区')");
  await page.waitForSelector("#boot[data-prerendered] .bulletin-list li");
  return { nextTitle, nextUrl };
}

test("a returning reader's next pages come pre-rendered from the site, and the app still waits to be asked", async () => {
  const h = await start();
  try {
    const page = await h.page();
    // 下一篇 and the breadcrumb are plain links: each is a navigation the
    // worker answers, with the site's page of its own version.
    await readOn(h, page);
    const version = await page.locator('meta[name="pufa-version"]').getAttribute("content");
    assert.equal(version, shellVersion(join(ROOT, "dist")), "the page names the version of its worker");
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true, "the worker answered");
    assert.equal(await page.locator("#app").count(), 0, "no app started");
    const wasm = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => /_bg\.wasm$/.test(e.name)).length);
    assert.equal(wasm, 0, "no wasm asked for");
    // Asked for, the app takes the page over from the worker's cache.
    await ready(page);
    assert.equal(await text(page, "h1"), "新洲区");
    assert.deepEqual(page.problems, []);
  } finally {
    await h.stop();
  }
});

/** The text of `selector` as the page shows it, without asking for the
 *  app (`text` waits for the app to run the page). */
const shown = async (page, selector) => (await page.locator(selector).innerText()).trim();

test("a reader who only read pages keeps them offline, and losing the connection never takes a page away", async () => {
  const h = await start();
  try {
    const page = await h.page();
    // Read on through plain links; the app is never asked for.
    const { nextTitle, nextUrl } = await readOn(h, page);
    assert.equal(await page.locator("#app").count(), 0, "no app so far");

    // The connection goes: the app starts (to say so) but has none of this
    // page's data; the reader keeps the list.
    await page.context().setOffline(true);
    await page.waitForSelector("#boot[data-prerendered][data-kept]");
    assert.equal(await shown(page, "#boot h1"), "新洲区");
    assert.equal(await shown(page, "#boot .notice.offline"), OFFLINE_NOTICE);
    assert.ok((await page.locator("#boot .bulletin-list li").count()) > 0);

    // Offline, the article read before, as it was read.
    await page.goto(nextUrl);
    await page.waitForSelector(`#boot[data-prerendered] h1:text-is("${nextTitle}")`);
    assert.ok((await page.locator("#boot .article-body p").count()) > 0);
    assert.equal(await shown(page, "#boot .notice.offline"), OFFLINE_NOTICE);
    // A page never read: the worker's shell, whose app says why.
    await page.goto(h.url(`/article/${NEVER}`));
    assert.equal(await text(page, "[role=alert] h1"), "离线时无法打开此页");
    await page.context().setOffline(false);
    assert.deepEqual(page.problems.filter((p) => !/status of 504|ERR_INTERNET_DISCONNECTED/.test(p)), []);
  } finally {
    await h.stop();
  }
});

test("a new deployment shows 有新版本 and activating it loads the new version", async () => {
  // Two versions of one build: v2 changes a precached asset and is
  // finished again by the same post-build step a real build runs.
  const work = mkdtempSync(join(tmpdir(), "pufa-update-"));
  const v1 = join(work, "v1");
  const v2 = join(work, "v2");
  cpSync(join(ROOT, "dist"), v1, { recursive: true });
  cpSync(join(ROOT, "dist"), v2, { recursive: true });
  nextShell(v2);
  const version = shellVersion;
  assert.notEqual(version(v1), version(v2));

  const h = await start({ dist: v1 });
  try {
    const page = await controlledPage(h, `/article/${SEED_ID}`);
    assert.deepEqual((await page.evaluate(() => caches.keys())).sort(), ["pufa-data", "pufa-pointer", `pufa-shell-${version(v1)}`]);
    assert.equal(await page.locator(".notice.update").count(), 0);

    h.server.setRoot(v2);
    await page.reload();
    // The site's page is of v2, whose code the v1 worker does not hold: the
    // worker's own shell answers.
    assert.equal(await page.locator('meta[name="pufa-version"]').getAttribute("content"), version(v1));
    await ready(page);
    await page.waitForSelector(".notice.update");
    assert.match(await text(page, ".notice.update"), /有新版本/);
    // Still the old version until the reader says so.
    assert.ok((await page.evaluate(() => caches.keys())).includes(`pufa-shell-${version(v1)}`));

    await Promise.all([page.waitForEvent("load"), page.locator(".notice.update button").click()]);
    await ready(page);
    assert.equal(await text(page, "h1"), SEED_TITLE);
    await page.waitForFunction(
      (v) => caches.keys().then((keys) => keys.includes(`pufa-shell-${v}`)),
      version(v2),
    );
    const keys = await page.evaluate(() => caches.keys());
    assert.ok(!keys.includes(`pufa-shell-${version(v1)}`), `old shell cache left: ${keys}`);
    const favicon = await page.evaluate(() => fetch("icons/favicon-32.png").then((r) => r.text()));
    assert.match(favicon, /next version/);
    assert.equal(await page.locator(".notice.update").count(), 0);
    assert.deepEqual(page.problems, []);
  } finally {
    await h.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

test("a build for /pufa/ works from that sub-path, deep links and offline included", { skip: !existsSync(SUB) && "no target/dist-pufa (scripts/test.sh builds it)" }, async () => {
  const h = await start({ dist: SUB, base: "/pufa/" });
  try {
    const page = await h.page();
    await page.goto(h.url("/"));
    await ready(page);
    await page.locator(".channel-nav a", { hasText: "普法动态" }).click();
    await page.waitForURL(`${h.origin}/pufa/channel/pufa`);
    await ready(page);
    await page.locator(".sub-channels a", { hasText: "新洲区" }).click();
    await page.waitForURL(`${h.origin}/pufa/channel/xinzhou`);
    await ready(page);
    await page.locator(".bulletin-list a", { hasText: SEED_TITLE }).click();
    await page.waitForURL(`${h.origin}/pufa/article/${SEED_ID}`);
    await ready(page);
    const crumbs = await page.locator(".breadcrumb a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.deepEqual(crumbs, ["/pufa/", "/pufa/channel/pufa", "/pufa/channel/xinzhou"]);
    // A site path in the data (a friendly link to /channel/fagui) follows
    // the deployment path too.
    await page.locator(".friend-links a", { hasText: "本站法律法规栏目" }).click();
    await page.waitForURL(`${h.origin}/pufa/channel/fagui`);
    assert.equal(await text(page, "h1"), "法律法规");
    await page.goBack();
    await page.waitForURL(`${h.origin}/pufa/article/${SEED_ID}`);
    await ready(page);
    await page.reload();
    await ready(page);
    assert.equal(await text(page, "h1"), SEED_TITLE);
    // The manifest and worker follow the sub-path.
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector("link[rel=manifest]").href;
      const m = await (await fetch(href)).json();
      return { href, start: new URL(m.start_url, href).href, scope: new URL(m.scope, href).href };
    });
    assert.deepEqual(manifest, {
      href: `${h.origin}/pufa/manifest.webmanifest`,
      start: `${h.origin}/pufa/`,
      scope: `${h.origin}/pufa/`,
    });
    await controlled(page);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), `${h.origin}/pufa/sw.js`);
    assert.deepEqual(page.problems, []);
    await offlineJourney(h);
  } finally {
    await h.stop();
  }
});

test("the shell and the pre-rendered pages carry the same head, CSP included", async () => {
  const shell = readFileSync(join(ROOT, "dist", "shell.html"), "utf8");
  const csp = /<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'sha256-[^"]+/;
  assert.match(shell, csp);
  // The search page is the shell; 404.html (hosts without rewrites) is 页面未找到.
  assert.equal(readFileSync(join(ROOT, "dist", "search.html"), "utf8"), shell);
  const missing = readFileSync(join(ROOT, "dist", "404.html"), "utf8");
  assert.match(missing, /<div id="boot" data-prerendered>/);
  assert.match(missing, /页面未找到/);
  assert.equal(missing.match(csp)[0], shell.match(csp)[0]);
  // The worker keeps the shell, never a pre-rendered page.
  const sw = readFileSync(join(ROOT, "dist", "sw.js"), "utf8");
  const precache = JSON.parse(sw.match(/const PRECACHE = (\[[^\]]*\]);/)[1]);
  assert.equal(precache[0], "shell.html");
  assert.deepEqual(precache.filter((f) => f.endsWith(".html")), ["shell.html"]);
});
