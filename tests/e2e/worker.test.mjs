// The search worker (issues #10, #11): search runs in a Web Worker of its
// own, started when the reader comes to the search box; if it cannot start,
// the page says so and 重试 recovers instead of waiting forever.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ready, start, text } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

const isWorker = (url) => /\/pufa-search-worker-[0-9a-f]{16}\.js$/.test(url);

test("the search engine starts in a worker when the reader comes to the box, and only then", async () => {
  // Without the service worker, whose install precaches the worker's files
  // for offline use: this is about what the page itself loads.
  const page = await h.page({ serviceWorkers: "block" });
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(h.url("/channel/fagui"));
  await ready(page);
  // Reading a page never loads the search engine or its index.
  assert.equal(page.workers().filter((w) => isWorker(w.url())).length, 0);
  assert.ok(!fetched.some((p) => p.includes("pufa-search-worker") || p.includes("/search/")), fetched.join("\n"));
  const started = page.waitForEvent("worker", { predicate: (w) => isWorker(w.url()) });
  await page.focus("#site-search-input");
  await started;
  await page.keyboard.type("民法典");
  await page.waitForURL((url) => url.pathname === "/search");
  await ready(page);
  assert.match(await text(page, ".result-count"), /^找到 \d+ 条结果$/);
  assert.deepEqual(
    [...new Set(await page.locator(".search-results .result-title mark").allInnerTexts())],
    ["民法典"],
  );
  // One worker for the session, however many searches.
  await page.fill("#site-search-input", "普法");
  await page.waitForURL((url) => url.searchParams.get("q") === "普法");
  await ready(page);
  assert.equal(page.workers().filter((w) => isWorker(w.url())).length, 1);
});

test("a search engine that cannot load says so, and 重试 recovers", async () => {
  // Without the service worker, so the route below sees the worker's fetch.
  const page = await h.page({ serviceWorkers: "block" });
  const broken = (route) => route.fulfill({ status: 404, body: "" });
  await page.route(/pufa-search-worker-[0-9a-f]{16}_bg\.wasm$/, broken);
  await page.goto(h.url("/search?q=" + encodeURIComponent("普法")));
  await page.waitForSelector("button.retry");
  assert.notEqual(await page.locator("main").getAttribute("aria-busy"), "true");
  const shown = await page.locator("main").innerText();
  assert.match(shown, /网络连接失败|暂时无法获取数据/);
  // The operator's detail (under 技术信息) names the file and what failed.
  assert.match(await page.locator("main details").textContent(), /pufa-search-worker-[0-9a-f]{16}\.js/);

  await page.unroute(/pufa-search-worker-[0-9a-f]{16}_bg\.wasm$/, broken);
  await page.click("button.retry");
  await ready(page);
  await page.waitForSelector(".search-results");
  assert.match(await text(page, ".result-count"), /^找到 \d+ 条结果$/);
  await page.context().close();
});
