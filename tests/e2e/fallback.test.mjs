// When the app cannot start: a browser without WebAssembly, the app's
// files lost to the network, a crash. The reader is told so in Chinese,
// with 刷新 where that can help, never left with 正在加载 for ever; a
// pre-rendered page stays readable, and its 打印本页 and 复制链接 work
// without the app (public/prefs.js).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { APP_WASM, controlledPage, ready, SEED_ID, SEED_TITLE, SHOTS, start } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

test("a browser too old for the app reads an article, prints it, copies its link, and is told why search cannot work", async () => {
  const page = await h.page({ serviceWorkers: "block", permissions: ["clipboard-read", "clipboard-write"] });
  await page.addInitScript(() => {
    // No WebAssembly, nor the DOM calls that came after it.
    delete window.WebAssembly;
    delete Element.prototype.replaceChildren;
    delete Element.prototype.closest;
    delete Element.prototype.toggleAttribute;
    delete NodeList.prototype.forEach;
    window.printed = 0;
    window.print = () => (window.printed += 1);
  });
  await page.goto(h.url(`/article/${SEED_ID}`));
  const note = page.getByRole("alert").filter({ hasText: "您的浏览器版本太旧，不能运行本站的程序。" });
  await note.waitFor();
  assert.match(await note.innerText(), /本页内容可以阅读；搜索、朗读等功能需要升级浏览器/);
  assert.equal(await note.getByRole("button", { name: "刷新" }).count(), 0, "reloading would not help");
  assert.equal((await page.locator("h1").innerText()).trim(), SEED_TITLE);
  assert.match(await page.locator(".article-body").innerText(), /经费保障加强/);
  assert.equal(await page.locator(".read-aloud").isVisible(), false, "朗读 needs the app: not offered");
  assert.match(await page.locator(".date-bar .today").innerText(), /^今天是：\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日]$/);
  assert.equal(await page.locator(".reading-controls").isVisible(), true);
  await page.screenshot({ path: join(SHOTS, "fallback-article-nowasm.png") });

  const tools = page.locator(".article-tools");
  // 字号 and 长辈模式 work there too.
  await page.locator("#boot .reading-controls").getByRole("button", { name: "大号字" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "large");
  const elder = page.locator("#boot .reading-controls").getByRole("switch", { name: /长辈模式/ });
  await elder.click();
  assert.equal(await elder.getAttribute("aria-checked"), "true");
  await tools.getByRole("button", { name: "打印本页" }).click();
  assert.equal(await page.evaluate(() => window.printed), 1);
  // Chromium on Linux has no share sheet: the button copies the link.
  await tools.getByRole("button", { name: "复制链接" }).click();
  await page.getByText("链接已复制，可以粘贴给亲友。").waitFor();
  // The address the app copies: this page's.
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), h.url(`/article/${SEED_ID}`));

  // The search box leads to the search page, which is all app: it says why
  // it is empty and offers the pages that need no app.
  await page.locator("#site-search-input").fill("普法");
  await page.locator("#site-search-input").press("Enter");
  await page.waitForURL(/\/search\?q=/);
  const shellNote = page.getByRole("alert").filter({ hasText: "版本太旧" });
  await shellNote.waitFor();
  assert.match(await shellNote.innerText(), /请升级浏览器，或用其他浏览器打开本站/);
  assert.equal(await page.getByText("正在加载").count(), 0, "no loading notice left waiting");
  await page.screenshot({ path: join(SHOTS, "fallback-search-nowasm.png") });
  await shellNote.getByRole("link", { name: "网站地图" }).click();
  await page.waitForURL(/\/sitemap$/);
  assert.equal((await page.locator("h1").innerText()).trim(), "网站地图");
  await page.context().close();
});

test("when the app's code does not arrive, the search page says so and 刷新 brings the app", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.route(APP_WASM, (route) => route.abort("connectionreset"));
  await page.goto(h.url("/search?q=普法"));
  const note = page.getByRole("alert").filter({ hasText: "没能启动" });
  await note.waitFor();
  assert.match(await note.innerText(), /可能是网络中断，也可能是浏览器版本太旧。请点“刷新”/);
  assert.equal(await page.getByText("正在加载").count(), 0);

  // The network is back: 刷新 starts the app, which searches.
  await page.unroute(APP_WASM);
  await note.getByRole("button", { name: "刷新" }).click();
  await ready(page);
  // The page is ready before the search worker answers (正在搜索… first).
  await page.locator(".result-count", { hasText: /^找到 \d+ 条结果$/ }).waitFor();
  assert.equal(await page.locator(".app-failed").count(), 0);
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute("data-app-failed")), false);
  await page.context().close();
});

test("on a pre-rendered page whose app does not arrive, the page stays readable and says what waits for 刷新", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.route(APP_WASM, (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto(h.url(`/article/${SEED_ID}`));
  // Reading needs no app; 朗读 does, and asks for it.
  assert.equal(await page.getByRole("alert").count(), 0, "nothing to tell a reader who reads");
  await page.locator("#boot .read-main").click();
  const note = page.getByRole("alert").filter({ hasText: "没能启动" });
  await note.waitFor();
  assert.match(await note.innerText(), /本页内容仍可阅读；要用搜索、朗读等功能，请点“刷新”/);
  assert.equal((await page.locator("#boot h1").innerText()).trim(), SEED_TITLE);
  assert.equal(await page.locator(".read-aloud").isVisible(), false);
  // Its links are still links, and its 字号 still answers.
  await page.locator("#boot .reading-controls").getByRole("button", { name: "大号字" }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.font), "large");
  await page.locator("#boot .breadcrumb a", { hasText: "新洲区" }).click();
  await page.waitForURL(/\/channel\/xinzhou$/);
  assert.equal((await page.locator("#boot h1").innerText()).trim(), "新洲区");
  await page.context().close();
});

test("a page whose app runs shows no such notice, and a crash of the app afterwards is told", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  assert.equal(await page.locator(".app-failed").count(), 0);
  assert.equal(await page.locator(".read-aloud").isVisible(), true);
  // A trap of the wasm, as a panic in a click handler reports it (the app
  // has no way to panic on purpose, so the report is made by hand).
  await page.evaluate(() => window.dispatchEvent(new ErrorEvent("error", { error: new WebAssembly.RuntimeError("unreachable") })));
  const note = page.getByRole("alert").filter({ hasText: "出错了" });
  await note.waitFor();
  assert.match(await note.innerText(), /本站的程序出错了，页面可能不再响应/);
  await Promise.all([page.waitForEvent("load"), note.getByRole("button", { name: "刷新" }).click()]);
  await ready(page);
  assert.equal(await page.locator(".app-failed").count(), 0, "the reloaded page runs");
  await page.context().close();
});

test("a trap of the wasm while the app starts is told as a start that failed", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  // The glue calls the wasm's start function; here it traps (as a panic in
  // main would), on the real loading path. The shell's preload of the glue
  // carries its integrity, which the changed glue no longer has.
  await page.route(/\/search\?/, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/(rel="modulepreload"[^>]*?) integrity="[^"]*"/, "$1");
    await route.fulfill({ response, body });
  });
  await page.route(/\/pufa-portal-[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    const glue = await response.text();
    assert.ok(glue.includes("wasm.__wbindgen_start();"), "the glue starts the wasm as expected");
    await route.fulfill({ response, body: glue.replace("wasm.__wbindgen_start();", 'throw new WebAssembly.RuntimeError("unreachable");') });
  });
  await page.goto(h.url("/search?q=普法"));
  const note = page.getByRole("alert").filter({ hasText: "本站的程序没能启动" });
  await note.waitFor();
  assert.equal(await note.getByRole("button", { name: "刷新" }).count(), 1);
  assert.equal(await page.getByText("正在加载").count(), 0);
  await page.context().close();
});

test("a host policy that blocks the app's loader is told, not left on 正在加载", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  // As a portal's own Content-Security-Policy header would, without the
  // hash of Trunk's inline loader.
  await page.route(/\/search\?/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": "script-src 'self' 'wasm-unsafe-eval'" } });
  });
  await page.goto(h.url("/search?q=普法"));
  const note = page.getByRole("alert").filter({ hasText: "没能启动" });
  await note.waitFor();
  assert.equal(await page.getByText("正在加载").count(), 0);
  await page.context().close();
});

test("with a service worker, an app that cannot start lets the pages come from the site again", async () => {
  const page = await controlledPage(h, "/");
  // The app's wasm leaves the worker's cache and the network fails it.
  await page.context().route(APP_WASM, (route) => route.abort("connectionreset"));
  await page.evaluate(async (wasm) => {
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) if (new RegExp(wasm).test(request.url)) await cache.delete(request);
    }
  }, APP_WASM.source);
  // The worker answers the search page with its shell, whose app cannot
  // start. (Other pages it takes from the site, pre-rendered.)
  await page.goto(h.url("/search?q=普法"));
  const note = page.getByRole("alert").filter({ hasText: "没能启动" });
  await note.waitFor();
  assert.equal(await page.locator("#boot[data-prerendered]").count(), 0, "the worker's shell");
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistrations()).length === 0);
  // 返回首页 now brings the site's pre-rendered home, readable.
  await note.getByRole("link", { name: "返回首页" }).click();
  await page.waitForSelector("#boot[data-prerendered] .newest .item-title");
  assert.ok((await page.locator("#boot .newest .item-title").count()) > 0);
  // The app is still out of reach when the reader asks for it.
  await page.evaluate(() => window.pufaStartApp());
  await page.getByRole("alert").filter({ hasText: "本页内容仍可阅读" }).waitFor();
  await page.context().close();
});
