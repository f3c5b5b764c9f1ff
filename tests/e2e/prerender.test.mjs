// Pre-rendered pages (issue #11): with JavaScript off, a reader reads the
// seed article, a list page and home in full and follows their links; with
// JavaScript on, the app takes the page over without moving anything, and
// keeps the reader's scroll position, focus and typed words; before it has started,
// the pre-rendered 字号 and 长辈模式 buttons already work.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ready, SEED_ID, SEED_TITLE, SHOTS, SITE_NAME, start } from "./harness.mjs";

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
  const page = await h.page({ viewport: { width: 390, height: 700 } });
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
  release();
  await ready(page);

  assert.equal(await page.evaluate(() => window.scrollY), before, "scroll position kept");
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

test("before the app has started, the pre-rendered 字号 and 长辈模式 work and typed words are kept", async () => {
  const page = await h.page();
  // Hold the app's code back: the reader acts on the pre-rendered page.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(h.url(`/article/${SEED_ID}`));
  await page.waitForSelector("#boot[data-prerendered]");
  const controls = page.locator("#boot .reading-controls");
  const pressed = async (root) =>
    root.locator(".font-size").evaluateAll((bs) => bs.filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.textContent.trim()));
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
  assert.equal(await page.locator("#app").count(), 0, "the app has not started yet");
  release();
  await ready(page);

  // The app agrees with what the reader chose, and has the words, the
  // focus, and the caret after the words to type on.
  const app = page.locator("#app .reading-controls");
  assert.deepEqual(await pressed(app), ["大"]);
  assert.equal(await app.getByRole("switch", { name: /长辈模式/ }).getAttribute("aria-checked"), "true");
  assert.equal(await app.getByRole("switch", { name: /大鼠标/ }).isVisible(), true, "the app shows 长辈模式's own switch");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "large");
  const focused = await page.evaluate(() => ({
    id: document.activeElement.id,
    inApp: !!document.activeElement.closest("#app"),
    value: document.activeElement.value,
    caret: document.activeElement.selectionStart,
  }));
  assert.deepEqual(focused, { id: "site-search-input", inApp: true, value: "宪法 宣传", caret: 5 });
  // The app knows the words: Enter searches for them.
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname.endsWith("/search") && url.searchParams.get("q") === "宪法 宣传");

  // The choice lasts: the next page starts large, its controls say so.
  const next = await h.page({ javaScriptEnabled: true, storageState: await page.context().storageState() });
  await next.route(/_bg\.wasm$/, () => {});
  await next.goto(h.url(`/article/${SEED_ID}`));
  await next.waitForSelector("#boot[data-prerendered]");
  assert.equal(await next.evaluate(() => document.documentElement.dataset.font), "large");
  assert.deepEqual(await pressed(next.locator("#boot .reading-controls")), ["大"]);
  assert.deepEqual(page.problems, []);
  await page.context().close();
  await next.context().close();
});

test("a not-found URL gets the pre-rendered 页面未找到, and the app agrees", async () => {
  const page = await h.page();
  await page.goto(h.url("/article/no-such-article"));
  await ready(page);
  assert.equal((await page.locator("h1").innerText()).trim(), "页面未找到");
  await page.context().close();
});
