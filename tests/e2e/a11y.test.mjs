// Reader comfort and accessibility (issue #5): axe-core on every kind of
// page in the normal, 长辈模式 and dark themes; keyboard-only use; persisted
// reading choices applied before the first paint; print; page metadata;
// small screens and touch targets.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { APP_WASM, ready, ROOT, SEED_ID, SEED_TITLE, SHOTS, SITE_NAME, start, text } from "./harness.mjs";

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
const PAGES = {
  home: "/",
  list: "/channel/xinzhou",
  article: `/article/${SEED_ID}`,
  search: "/search?q=普法",
  "not-found": "/no/such/page",
};
const MODES = {
  normal: {},
  elder: { elder: true },
  dark: { colorScheme: "dark" },
};

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

/** A page in a theme; 长辈模式 is set the way a reader's earlier visit would. */
async function pageIn(mode, viewport = { width: 1280, height: 800 }, more = {}) {
  const { elder, ...options } = MODES[mode];
  const page = await h.page({ viewport, colorScheme: "light", ...options, ...more });
  if (elder) await page.addInitScript(() => localStorage.setItem("pufa.elder", "1"));
  return page;
}

async function axe(page) {
  await page.evaluate(AXE); // DevTools evaluation: the page's CSP does not apply.
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
  });
}

for (const mode of Object.keys(MODES)) {
  test(`axe finds no violation in the ${mode} theme`, async () => {
    const page = await pageIn(mode);
    for (const [name, path] of Object.entries(PAGES)) {
      await page.goto(h.url(path));
      await ready(page);
      await page.waitForSelector("main h1");
      assert.deepEqual(await axe(page), [], `${name} (${mode})`);
    }
    for (const [size, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 360, height: 740 }]]) {
      await page.setViewportSize(viewport);
      for (const name of ["home", "article"]) {
        await page.goto(h.url(PAGES[name]));
        await ready(page);
        await page.screenshot({ path: join(SHOTS, `${mode}-${size}-${name}.png`) });
      }
    }
    assert.deepEqual(page.problems, []);
  });
}

test("when the app cannot start, its notice and the page left to read pass axe in every theme", async () => {
  for (const mode of Object.keys(MODES)) {
    // No service worker: the page registers one, whose install would store
    // the app's files from the network, around this page's routes.
    const page = await pageIn(mode, undefined, { serviceWorkers: "block" });
    await page.route(APP_WASM, (route) => route.fulfill({ status: 404, body: "" }));
    for (const path of [PAGES.article, PAGES.search]) {
      await page.goto(h.url(path));
      // On the article, the reader asks for something only the app does.
      await page.evaluate(() => window.pufaStartApp?.());
      await page.getByRole("alert").filter({ hasText: "没能启动" }).waitFor();
      assert.deepEqual(await axe(page), [], `${path} (${mode})`);
    }
    await page.context().close();
  }
});

test("keyboard only: skip link, search with /, a result, the article and back home", async () => {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName, id: el?.id, cls: el?.className, text: el?.textContent?.trim() };
  });
  await page.keyboard.press("Tab");
  assert.equal((await focused()).text, "跳到正文");
  await page.keyboard.press("Enter");
  assert.equal((await focused()).id, "main");

  await page.keyboard.press("/");
  assert.equal((await focused()).id, "site-search-input");
  await page.keyboard.press("Escape");
  assert.notEqual((await focused()).id, "site-search-input");
  await page.keyboard.press("/");
  await page.keyboard.type("民法典");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "民法典");
  await ready(page);
  await page.waitForSelector(".search-results");

  const tabTo = async (matches, limit = 60) => {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(matches)) return;
    }
    assert.fail(`not reached by Tab: ${matches}`);
  };
  await tabTo(() => document.activeElement?.classList.contains("result-title"));
  const title = (await focused()).text;
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname.startsWith("/article/"));
  await ready(page);
  assert.equal(await text(page, "h1"), title);

  await tabTo(() => document.activeElement?.closest(".breadcrumb") && document.activeElement.textContent === "主页");
  await page.keyboard.press("Enter");
  await page.waitForURL(h.url("/"));
  await ready(page);
  await page.waitForSelector(".newest");
  assert.deepEqual(page.problems, []);
});

test("字号 and 长辈模式 persist and apply before the first paint", async () => {
  const page = await h.page();
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  const baseSize = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector(".article-body")).fontSize));
  await page.getByRole("button", { name: "大号字" }).click();
  await page.getByRole("switch", { name: /长辈模式/ }).click();
  assert.equal(await page.getByRole("switch", { name: /长辈模式/ }).getAttribute("aria-checked"), "true");
  const bigSize = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector(".article-body")).fontSize));
  assert.ok(bigSize > baseSize * 1.25, `${bigSize} vs ${baseSize}`);

  // Record <html>'s attributes when the document is parsed, before the wasm
  // app has run: prefs.js must already have applied the choices.
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      window.__early = {
        font: document.documentElement.getAttribute("data-font"),
        elder: document.documentElement.hasAttribute("data-elder"),
        // The app's header, not the pre-rendered page's.
        app: document.querySelector(".site-header:not(#boot *)") !== null,
      };
    });
  });
  await page.reload();
  await ready(page);
  assert.deepEqual(await page.evaluate(() => window.__early), { font: "large", elder: true, app: false });
  assert.equal(await page.getByRole("button", { name: "大号字" }).getAttribute("aria-pressed"), "true");
  const lineHeight = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector(".article-body p"));
    return parseFloat(s.lineHeight) / parseFloat(s.fontSize);
  });
  assert.ok(lineHeight >= 1.5, `line height ${lineHeight}`);

  await page.getByRole("button", { name: "中号字" }).click();
  await page.getByRole("switch", { name: /长辈模式/ }).click();
  await page.reload();
  await ready(page);
  assert.deepEqual(
    await page.evaluate(() => [document.documentElement.getAttribute("data-font"), document.documentElement.hasAttribute("data-elder")]),
    [null, false],
  );
});

test("in 长辈模式 every control is at least 44 px tall and nothing scrolls sideways at 320 px", async () => {
  const page = await pageIn("elder", { width: 320, height: 640 });
  for (const path of [PAGES.list, PAGES.article, PAGES.search]) {
    await page.goto(h.url(path));
    await ready(page);
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("button, select, input, .channel-nav a, .pager a, .sub-channels a")]
        .filter((el) => el.offsetParent !== null)
        .map((el) => [el.textContent.trim() || el.getAttribute("name") || el.id, el.getBoundingClientRect().height])
        .filter(([, height]) => height < 44),
    );
    assert.deepEqual(small, [], path);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 320, path);
  }
  const normal = await pageIn("normal", { width: 320, height: 640 });
  for (const path of Object.values(PAGES)) {
    await normal.goto(h.url(path));
    await ready(normal);
    assert.ok((await normal.evaluate(() => document.documentElement.scrollWidth)) <= 320, path);
  }
});

test("printing shows only the article and its address", async () => {
  const page = await h.page();
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  assert.equal(await page.locator(".print-url").isVisible(), false);
  await page.emulateMedia({ media: "print" });
  for (const hidden of [".site-header", ".channel-nav", ".date-bar", ".breadcrumb", ".article-tools", ".prev-next", ".site-footer", ".qr"]) {
    assert.equal(await page.locator(hidden).first().isVisible(), false, hidden);
  }
  for (const shown of [".article-title", ".article-meta", ".article-body"]) {
    assert.equal(await page.locator(shown).isVisible(), true, shown);
  }
  assert.equal(await text(page, ".print-url"), `本文网址：${h.url(`/article/${SEED_ID}`)}`);
  await page.screenshot({ path: join(SHOTS, "print-article.png"), fullPage: true });
});

test("an article carries the government meta tags, OpenGraph, canonical URL and JSON-LD", async () => {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);
  await page.locator(".newest a.item-title").first().click();
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  const meta = await page.evaluate(() => {
    const byName = (n) => [...document.querySelectorAll(`meta[name="${n}"]`)].map((m) => m.content);
    const byProp = (n) => [...document.querySelectorAll(`meta[property="${n}"]`)].map((m) => m.content);
    return {
      names: Object.fromEntries(
        ["SiteName", "ColumnName", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Url", "description"].map((n) => [n, byName(n)]),
      ),
      og: Object.fromEntries(["og:type", "og:title", "og:url"].map((n) => [n, byProp(n)])),
      canonical: [...document.querySelectorAll("link[rel=canonical]")].map((l) => l.href),
      ld: [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => JSON.parse(s.textContent)),
    };
  });
  const url = h.url(`/article/${SEED_ID}`);
  assert.deepEqual(meta.names.SiteName, [SITE_NAME]);
  assert.deepEqual(meta.names.ColumnName, ["新洲区"]);
  assert.deepEqual(meta.names.ArticleTitle, [SEED_TITLE]);
  assert.deepEqual(meta.names.PubDate, ["2021-07-26 09:33"]);
  // The seed names no source: ContentSource says what the page shows as 来源.
  assert.deepEqual(meta.names.ContentSource, ["未注明"]);
  assert.deepEqual(meta.names.Keywords, ["普法动态,新洲区,普法"]);
  assert.deepEqual(meta.names.Url, [url]);
  assert.equal(meta.names.description.length, 1, "one description, not one per visited page");
  assert.match(meta.names.description[0], /^根据中央、省、市/);
  assert.deepEqual(meta.og, { "og:type": ["article"], "og:title": [`${SEED_TITLE} - ${SITE_NAME}`], "og:url": [url] });
  assert.deepEqual(meta.canonical, [url]);
  assert.equal(meta.ld.length, 1);
  const [article, crumbs] = meta.ld[0]["@graph"];
  assert.equal(article["@type"], "NewsArticle");
  assert.equal(article.headline, SEED_TITLE);
  assert.equal(article.datePublished, "2021-07-26T09:33:00+08:00");
  assert.deepEqual(crumbs.itemListElement.map((c) => c.name), ["主页", "普法动态", "新洲区", "正文"]);
  // Leaving the article takes its tags away.
  await page.goto(h.url("/channel/xinzhou"));
  await ready(page);
  assert.equal(await page.locator('meta[name="ArticleTitle"]').count(), 0);
  // The list page has its own description instead: one block, of the list.
  const lists = await page.evaluate(() =>
    [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => JSON.parse(s.textContent)),
  );
  assert.equal(lists.length, 1);
  assert.equal(lists[0]["@graph"][0]["@type"], "CollectionPage");
  assert.equal(lists[0]["@graph"][0].name, "新洲区");
});

test("share copies the link where the Web Share API is missing, and the QR code encodes the URL", async () => {
  const page = await h.page({ permissions: ["clipboard-read", "clipboard-write"] });
  await page.addInitScript(() => {
    delete Navigator.prototype.share;
  });
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  await page.getByRole("button", { name: "复制链接" }).click();
  await page.waitForSelector(".tool-status:not(:empty)");
  assert.equal(await text(page, ".tool-status"), "链接已复制，可以粘贴给亲友。");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), h.url(`/article/${SEED_ID}`));
  assert.equal(await text(page, ".qr figcaption"), "扫一扫在手机打开");
  assert.ok((await page.locator(".qr svg path").getAttribute("d")).length > 100);
});
