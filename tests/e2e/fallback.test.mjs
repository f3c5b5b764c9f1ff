// When the app cannot start: a browser without WebAssembly, the app's
// files lost to the network, a crash. The reader is told so in Chinese,
// with 重新加载 where that can help, never left with 正在加载 for ever; a
// pre-rendered page stays readable, and its 打印本页 and 复制链接 work
// without the app (public/prefs.js).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ready, SEED_ID, SEED_TITLE, SHOTS, start } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

const APP_WASM = /\/pufa-portal-[^/]*_bg\.wasm$/;

test("a browser without WebAssembly reads an article, prints it, copies its link, and is told why search cannot work", async () => {
  const page = await h.page({ serviceWorkers: "block", permissions: ["clipboard-read", "clipboard-write"] });
  await page.addInitScript(() => {
    delete window.WebAssembly;
    window.printed = 0;
    window.print = () => (window.printed += 1);
  });
  await page.goto(h.url(`/article/${SEED_ID}`));
  const note = page.getByRole("alert").filter({ hasText: "不支持 WebAssembly" });
  await note.waitFor();
  assert.match(await note.innerText(), /本页内容可以阅读；搜索、朗读等功能需要升级浏览器/);
  assert.equal(await note.getByRole("button", { name: "重新加载" }).count(), 0, "reloading would not help");
  assert.equal((await page.locator("h1").innerText()).trim(), SEED_TITLE);
  assert.match(await page.locator(".article-body").innerText(), /经费保障加强/);
  assert.equal(await page.locator(".read-aloud").isVisible(), false, "朗读 needs the app: not offered");
  assert.match(await page.locator(".date-bar .today").innerText(), /^今天是：\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日]$/);
  assert.equal(await page.locator(".reading-controls").isVisible(), true);
  await page.screenshot({ path: join(SHOTS, "fallback-article-nowasm.png") });

  const tools = page.locator(".article-tools");
  await tools.getByRole("button", { name: "打印本页" }).click();
  assert.equal(await page.evaluate(() => window.printed), 1);
  // Chromium on Linux has no share sheet: the button copies the link.
  await tools.getByRole("button", { name: "复制链接" }).click();
  await page.getByText("链接已复制，可以粘贴给亲友。").waitFor();
  const canonical = await page.locator("link[rel=canonical]").getAttribute("href");
  assert.match(canonical, new RegExp(`/article/${SEED_ID}$`));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), new URL(canonical, page.url()).href);

  // The search box leads to the search page, which is all app: it says why
  // it is empty and offers the pages that need no app.
  await page.locator("#site-search-input").fill("普法");
  await page.locator("#site-search-input").press("Enter");
  await page.waitForURL(/\/search\?q=/);
  const shellNote = page.getByRole("alert").filter({ hasText: "不支持 WebAssembly" });
  await shellNote.waitFor();
  assert.match(await shellNote.innerText(), /请升级浏览器，或换用其他浏览器打开本站/);
  assert.equal(await page.getByText("正在加载").count(), 0, "no loading notice left waiting");
  await page.screenshot({ path: join(SHOTS, "fallback-search-nowasm.png") });
  await shellNote.getByRole("link", { name: "网站地图" }).click();
  await page.waitForURL(/\/sitemap$/);
  assert.equal((await page.locator("h1").innerText()).trim(), "网站地图");
  await page.context().close();
});

test("when the app's code does not arrive, the search page says so and 重新加载 brings the app", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.route(APP_WASM, (route) => route.abort("connectionreset"));
  await page.goto(h.url("/search?q=普法"));
  const note = page.getByRole("alert").filter({ hasText: "没能启动" });
  await note.waitFor();
  assert.match(await note.innerText(), /可能是网络中断，也可能是浏览器版本太旧。请点“重新加载”/);
  assert.equal(await page.getByText("正在加载").count(), 0);

  // The network is back: 重新加载 starts the app, which searches.
  await page.unroute(APP_WASM);
  await note.getByRole("button", { name: "重新加载" }).click();
  await ready(page);
  assert.match(await page.locator(".result-count").innerText(), /^找到 \d+ 条结果$/);
  assert.equal(await page.locator(".app-failed").count(), 0);
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute("data-app-failed")), false);
  await page.context().close();
});

test("on a pre-rendered page whose app does not arrive, the page stays readable and says what waits for 重新加载", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.route(APP_WASM, (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto(h.url(`/article/${SEED_ID}`));
  const note = page.getByRole("alert").filter({ hasText: "没能启动" });
  await note.waitFor();
  assert.match(await note.innerText(), /本页内容仍可阅读；要用搜索、朗读等功能，请点“重新加载”/);
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
  await note.getByRole("button", { name: "重新加载" }).click();
  await ready(page);
  assert.equal(await page.locator(".app-failed").count(), 0, "the reloaded page runs");
  await page.context().close();
});
