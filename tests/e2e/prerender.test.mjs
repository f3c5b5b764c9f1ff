// Pre-rendered pages (issue #11): with JavaScript off, a reader reads the
// seed article, a list page and home in full and follows their links; with
// JavaScript on, the app takes the page over without moving anything, and
// keeps the reader's scroll position, focus and typed words; before it has taken over,
// the page's 字号 and 长辈模式 already work and its links are plain links.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIST, ready, SEED_ID, SEED_TITLE, SHOTS, SITE_NAME, start } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

/** A page with JavaScript disabled: only the server's HTML. */
async function noScript() {
  return h.page({ javaScriptEnabled: false });
}

test("without JavaScript the seed article reads in full, with its breadcrumb, neighbours and footer", async () => {
  const page = await noScript();
  const response = await page.goto(h.url(`/article/${SEED_ID}`));
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), `${SEED_TITLE} - ${SITE_NAME}`);
  assert.equal((await page.locator("h1").innerText()).trim(), SEED_TITLE);
  assert.match(await page.locator(".article-meta").innerText(), /发布时间：2021-07-26 09:33/);
  assert.ok((await page.locator(".article-body p").count()) >= 10, "the whole body is there");
  assert.match(await page.locator(".article-body").innerText(), /经费保障加强/);
  // Controls that need scripts are not offered; search says it needs them.
  assert.equal(await page.locator(".reading-controls").isVisible(), false);
  assert.equal(await page.locator(".read-aloud").isVisible(), false);
  assert.ok(await page.locator(".site-footer a").count() > 0, "the footer's links are there");
  await page.screenshot({ path: join(SHOTS, "prerender-article-noscript.png"), fullPage: false });
  // 跳到正文, the first Tab stop, stays on the page.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.hash === "#main");
  assert.equal(new URL(page.url()).pathname, `/article/${SEED_ID}`);

  // 下一篇, then the breadcrumb, then page 2 of the list: all plain links.
  const next = page.locator(".prev-next .next a");
  const nextTitle = (await next.innerText()).trim();
  await next.click();
  await page.waitForURL(/\/article\//);
  assert.equal((await page.locator("h1").innerText()).trim(), nextTitle);
  await page.locator(".breadcrumb a", { hasText: "新洲区" }).click();
  await page.waitForURL(/\/channel\/xinzhou$/);
  assert.equal((await page.locator("h1").innerText()).trim(), "新洲区");
  const firstPage = await page.locator(".bulletin-list .item-title").allInnerTexts();
  assert.ok(firstPage.length > 0);
  await page.locator(".pager a", { hasText: "下一页" }).click();
  await page.waitForURL(/\/channel\/xinzhou\/2$/);
  const secondPage = await page.locator(".bulletin-list .item-title").allInnerTexts();
  assert.ok(secondPage.length > 0 && !secondPage.includes(firstPage[0]), "page 2 lists other bulletins");
  await page.context().close();
});

test("without JavaScript home lists the newest bulletins and every channel, and search says what it needs", async () => {
  const page = await noScript();
  await page.goto(h.url("/"));
  assert.equal(await page.title(), SITE_NAME);
  assert.ok((await page.locator(".newest .item-title").count()) > 0);
  const nav = await page.locator(".channel-nav a").allInnerTexts();
  assert.equal(nav[0], "首页");
  await page.locator(".channel-nav a").nth(1).click();
  await page.waitForURL(/\/channel\//);
  assert.equal((await page.locator("h1").innerText()).trim(), nav[1]);
  await page.goto(h.url("/sitemap"));
  assert.equal((await page.locator("h1").innerText()).trim(), "网站地图");

  await page.goto(h.url("/"));
  await page.locator("#site-search-input").fill("普法");
  await page.locator(".site-search button[type=submit]").click();
  await page.waitForURL(/\/search\?q=/);
  assert.match(await page.locator("noscript, .noscript").first().innerText(), /站内搜索需要启用 JavaScript/);
  await page.context().close();
});

test("the app takes over a pre-rendered page without a shift, keeping scroll and focus", async () => {
  // A phone as wide as a Pixel's: there the date bar's controls fit beside
  // an empty 今天是 but not beside a dated one.
  const page = await h.page({ viewport: { width: 412, height: 700 } });
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  // Hold the app's code back until the reader has scrolled and focused a link
  // on the pre-rendered page.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(h.url(`/article/${SEED_ID}`));
  await page.waitForSelector("#boot[data-prerendered]");
  const link = page.locator("#boot .prev-next .next a");
  const linkText = (await link.innerText()).trim();
  await link.focus();
  await page.evaluate(() => window.scrollTo(0, 900));
  const before = await page.evaluate(() => window.scrollY);
  assert.ok(before > 800, `scrolled (${before})`);
  // Where the link is on screen: the swap itself is no layout shift for
  // the browser, so what moves is measured by hand (on a phone the date
  // bar wraps once 今天是 has its date).
  const linkTop = await link.evaluate((el) => el.getBoundingClientRect().top);
  release();
  await ready(page);

  assert.equal(await page.evaluate(() => window.scrollY), before, "scroll position kept");
  const topNow = await page.evaluate(() => document.activeElement.getBoundingClientRect().top);
  assert.ok(Math.abs(topNow - linkTop) < 1, `the link stays where it was on screen (${linkTop} → ${topNow})`);
  const focused = await page.evaluate(() => ({
    text: document.activeElement.textContent.trim(),
    inApp: !!document.activeElement.closest("#app"),
  }));
  assert.deepEqual(focused, { text: linkText, inApp: true }, "focus kept on the same link");
  const shift = await page.evaluate(() => window.__shift);
  assert.ok(shift <= 0.02, `cumulative layout shift ${shift}`);
  // One set of head tags: the pre-rendered ones went with the page.
  assert.equal(await page.locator("link[rel=canonical]").count(), 1);
  assert.equal(await page.locator("meta[name=ArticleTitle]").count(), 1);
  assert.equal(await page.locator("script[type='application/ld+json']").count(), 1);
  // And it is the app now: the reading controls work.
  await page.locator(".reading-controls button", { hasText: "大" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "large");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a pre-rendered page is on screen before the app's code is asked for", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  const { paint, wasm } = await page.evaluate(() => ({
    paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
    wasm: performance.getEntriesByType("resource").find((e) => /_bg\.wasm$/.test(e.name))?.startTime,
  }));
  assert.ok(paint > 0, "the page was painted");
  assert.ok(wasm > 0, "the app's wasm was fetched");
  assert.ok(wasm >= paint, `the wasm was asked for at ${wasm} ms, before the first paint at ${paint} ms`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a reader who only reads is never kept waiting by the app; the search box starts it", async () => {
  const page = await h.page();
  await page.goto(h.url(`/article/${SEED_ID}`));
  // The page registers the service worker itself, and the worker's install
  // (which stores the app for offline use) is over: the app did not start.
  await page.evaluate(() => navigator.serviceWorker.ready);
  const wasm = () => page.evaluate(() => performance.getEntriesByType("resource").filter((e) => /_bg\.wasm$/.test(e.name)).length);
  assert.equal(await wasm(), 0, "the page asked for no wasm");
  assert.equal(await page.locator("#boot[data-prerendered]").count(), 1);
  assert.equal(await page.locator("#app").count(), 0);
  // What the page serves itself still works.
  await page.locator("#boot .reading-controls button", { hasText: "大" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "large");
  // The search box is the reader asking for the app: it starts, takes the
  // page over and keeps the box focused with what was typed.
  await page.locator("#boot input[type=search]").focus();
  await page.keyboard.type("民法典");
  await page.waitForSelector("#boot", { state: "detached" });
  assert.ok((await wasm()) >= 1, "the app's wasm came when asked for");
  assert.deepEqual(
    await page.evaluate(() => ({ value: document.activeElement.value, inApp: !!document.activeElement.closest("#app") })),
    { value: "民法典", inApp: true },
  );
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** A page whose app starts but gets no data until `release()`: it stays
 *  drawn out of sight behind the pre-rendered page (src/boot.rs). */
async function heldBack() {
  const page = await h.page({ serviceWorkers: "block" });
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/\/data\//, async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  await page.goto(h.url(`/article/${SEED_ID}`));
  await page.waitForSelector("#boot[data-prerendered]");
  await page.evaluate(() => window.pufaStartApp());
  // The app has started: its frame is drawn in the hidden holder.
  await page.waitForSelector("#app[hidden] .reading-controls", { state: "attached" });
  return { page, release };
}

const pressed = async (root) =>
  root.locator(".font-size").evaluateAll((bs) => bs.filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.textContent.trim()));

test("before the app has taken over, the page's 字号 and 长辈模式 work, and typed words are kept", async () => {
  const { page, release } = await heldBack();
  const controls = page.locator("#boot .reading-controls");
  assert.deepEqual(await pressed(controls), ["中"]);

  await controls.getByRole("button", { name: "大号字" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "large", "the text grew at once");
  assert.deepEqual(await pressed(controls), ["大"]);
  const elder = controls.getByRole("switch", { name: /长辈模式/ });
  await elder.click();
  assert.equal(await elder.getAttribute("aria-checked"), "true");
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute("data-elder")), true);

  const box = page.locator("#boot #site-search-input");
  await box.fill("宪法 宣传");
  release();
  await ready(page);

  // The app agrees with what the reader chose (it had started before the
  // taps), and has the words and the focus, and has not searched by itself.
  const app = page.locator("#app .reading-controls");
  assert.deepEqual(await pressed(app), ["大"]);
  assert.equal(await app.getByRole("switch", { name: /长辈模式/ }).getAttribute("aria-checked"), "true");
  assert.equal(await app.getByRole("switch", { name: /大鼠标/ }).isVisible(), true, "the app shows 长辈模式's own switch");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "large");
  const focused = await page.evaluate(() => ({
    id: document.activeElement.id,
    inApp: !!document.activeElement.closest("#app"),
    value: document.activeElement.value,
  }));
  assert.deepEqual(focused, { id: "site-search-input", inApp: true, value: "宪法 宣传" });
  assert.equal(new URL(page.url()).pathname, `/article/${SEED_ID}`, "still on the article");
  // Enter searches for the words in the box.
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname.endsWith("/search") && url.searchParams.get("q") === "宪法 宣传");

  // The choice lasts: the next page starts large, its controls say so.
  const next = await h.page({ storageState: await page.context().storageState() });
  await next.route(/_bg\.wasm$/, () => {});
  await next.goto(h.url(`/article/${SEED_ID}`));
  await next.waitForSelector("#boot[data-prerendered]");
  assert.equal(await next.evaluate(() => document.documentElement.dataset.font), "large");
  assert.deepEqual(await pressed(next.locator("#boot .reading-controls")), ["大"]);
  assert.deepEqual(page.problems, []);
  await page.context().close();
  await next.context().close();
});

test("before the app has taken over, the page's links are plain links and focus comes back to the same one", async () => {
  const { page, release } = await heldBack();
  // No request leaves 127.0.0.1: another site's page opens blank.
  await page.context().route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  // A link to another site is held for the app's leave-site notice, which
  // the hidden app does not open out of sight (locking the page); the
  // site is not opened either.
  await page.locator("#boot .friend-links a").first().click();
  assert.equal(await page.locator("dialog[open]").count(), 0, "no notice opened out of sight");
  assert.equal(page.context().pages().length, 1, "the other site was not opened");
  await page.locator("#boot .reading-controls").getByRole("button", { name: "小号字" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "small", "the page still answers");

  // With 长辈模式 saved the app shows 大鼠标, which the page has not: focus
  // still comes back to the same menu link, not to the one before it.
  await page.locator("#boot .reading-controls").getByRole("switch", { name: /长辈模式/ }).click();
  const menu = page.locator("#boot .channel-nav a").nth(2);
  const menuText = (await menu.innerText()).trim();
  await menu.focus();
  release();
  await ready(page);
  assert.deepEqual(
    await page.evaluate(() => ({ text: document.activeElement.textContent.trim(), inApp: !!document.activeElement.closest("#app") })),
    { text: menuText, inApp: true },
  );
  // The reader pressed other things since the link: the app does not press
  // it for them.
  assert.equal(await page.locator("dialog[open]").count(), 0, "the held link was not pressed again");
  await page.context().close();

  // A link within the site, followed before the app takes over, loads that
  // page as a link does, not the hidden app's half-loaded copy of it.
  const second = await heldBack();
  const nextLink = second.page.locator("#boot .prev-next .next a");
  const nextTitle = (await nextLink.innerText()).trim();
  await nextLink.click();
  await second.page.waitForURL(/\/article\//);
  await second.page.waitForSelector("#boot[data-prerendered] h1");
  assert.equal((await second.page.locator("#boot h1").innerText()).trim(), nextTitle);
  second.release();
  await ready(second.page);
  assert.equal((await second.page.locator("h1").innerText()).trim(), nextTitle);
  await second.page.context().close();
});

test("words sent from the pre-rendered box before the takeover make one history entry: Back comes back to the page", async () => {
  const { page, release } = await heldBack();
  const box = page.locator("#boot #site-search-input");
  await box.fill("宪法");
  await box.press("Enter");
  await page.waitForURL((url) => url.pathname.endsWith("/search") && url.searchParams.get("q") === "宪法");
  release();
  await ready(page);
  // The page is ready before the search worker answers (正在搜索… first).
  await page.locator(".result-count", { hasText: /^找到 \d+ 条结果$/ }).waitFor();
  // One entry for the search: Back is the article, not the search again.
  await page.goBack();
  await page.waitForURL((url) => url.pathname === `/article/${SEED_ID}`);
  await page.waitForSelector("h1");
  assert.equal((await page.locator("h1").first().innerText()).trim(), SEED_TITLE);
  await page.context().close();
});

test("on a host that answers deep links with 404.html, the app starts by itself and shows the article", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  const notFound = readFileSync(join(DIST, "404.html"), "utf8");
  await page.route(`**/article/${SEED_ID}`, (route) => route.fulfill({ status: 404, contentType: "text/html; charset=utf-8", body: notFound }));
  await page.goto(h.url(`/article/${SEED_ID}`));
  // Nobody asks for the app: the page's 页面未找到 does.
  await page.waitForSelector("#boot", { state: "detached" });
  await page.waitForSelector(`h1.article-title:text-is("${SEED_TITLE}")`);
  assert.deepEqual(page.problems.filter((p) => !/status of 404/.test(p)), []);
  await page.context().close();
});

test("a not-found URL gets the pre-rendered 页面未找到, and the app agrees", async () => {
  const page = await h.page();
  await page.goto(h.url("/article/no-such-article"));
  await ready(page);
  assert.equal((await page.locator("h1").innerText()).trim(), "页面未找到");
  await page.context().close();
});
