// Search that forgives (issue #14): 您是不是要找 for homophone slips of a
// pinyin input method, pinyin typed into the box, the office's synonyms
// widening a search with a visible note, suggestions while typing chosen
// with the keyboard, and axe on all of it in every theme. Runs on the
// fixture content (tests/fixtures/content, with its synonyms.toml).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ready, ROOT, SHOTS, start, text } from "./harness.mjs";

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

const count = async (page) => Number((await text(page, ".result-count")).match(/\d+/)?.[0] ?? 0);
const results = (page) => page.locator(".search-results .result").allInnerTexts();

async function searchFor(page, q) {
  await page.goto(h.url(`/search?q=${encodeURIComponent(q)}`));
  await ready(page);
  await page.waitForSelector(".result-count");
}

test("普发 finds nothing, offers 您是不是要找 普法, and following it finds 普法 articles", async () => {
  const page = await h.page();
  await searchFor(page, "普发");
  assert.match(await text(page, ".result-count"), /没有找到包含“普发”的文章/);
  const offer = page.locator(".did-you-mean");
  await offer.waitFor();
  assert.match(await offer.innerText(), /您是不是要找/);
  const link = offer.getByRole("link", { name: "普法", exact: true });
  assert.equal(await link.count(), 1);
  await page.screenshot({ path: join(SHOTS, "search-did-you-mean.png"), fullPage: true });
  await link.click();
  await page.waitForURL((url) => url.searchParams.get("q") === "普法");
  await ready(page);
  await page.waitForSelector(".search-results");
  assert.ok((await count(page)) >= 10);
  for (const r of await results(page)) assert.match(r, /普法/);
  assert.equal(await page.locator(".did-you-mean").count(), 0, "no offer when the search finds plenty");
  assert.deepEqual(page.problems, []);
});

test("民法点 offers 民法典", async () => {
  const page = await h.page();
  await searchFor(page, "民法点");
  const offer = page.locator(".did-you-mean");
  await offer.waitFor();
  assert.equal(await offer.getByRole("link", { name: "民法典", exact: true }).count(), 1);
});

test("pinyin typed into the box finds Chinese, with a way back to the letters", async () => {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);
  await page.focus("#site-search-input");
  await page.keyboard.type("pufa");
  await page.waitForURL((url) => url.searchParams.get("q") === "pufa");
  await ready(page);
  await page.waitForSelector(".search-results");
  const note = page.locator(".search-note", { hasText: "已按拼音" });
  assert.match(await note.innerText(), /已按拼音“pufa”搜索：普法/);
  assert.ok((await count(page)) >= 10);
  for (const r of await results(page)) assert.match(r, /普法/);
  // Initials too.
  await searchFor(page, "pf");
  await page.waitForSelector(".search-results");
  assert.match(await text(page, ".search-note"), /已按拼音“pf”搜索：普法/);
  // 仍然搜索“pufa” searches the letters as typed.
  await searchFor(page, "pufa");
  await page.getByRole("link", { name: "仍然搜索“pufa”" }).click();
  await page.waitForURL((url) => url.searchParams.get("exact") === "1");
  await ready(page);
  await page.waitForSelector(".result-count");
  assert.match(await text(page, ".result-count"), /没有找到包含“pufa”的文章/);
  assert.equal(await page.locator(".search-note").count(), 0);
  assert.deepEqual(page.problems, []);
});

test("a synonym widens the results and the page says so", async () => {
  const page = await h.page();
  await searchFor(page, "打官司");
  await page.waitForSelector(".search-results");
  const note = await text(page, ".search-note");
  assert.match(note, /已同时搜索同义词：诉讼/);
  const widened = await count(page);
  assert.ok(widened >= 1);
  // Every result holds the word or its synonym, marked.
  for (const r of await results(page)) assert.match(r, /打官司|诉讼/);
  assert.ok((await page.locator(".search-results mark", { hasText: "诉讼" }).count()) >= 1);
  // 只搜索“打官司”: the words as typed, which no article holds.
  await page.getByRole("link", { name: "只搜索“打官司”" }).click();
  await page.waitForURL((url) => url.searchParams.get("exact") === "1");
  await ready(page);
  await page.waitForSelector(".result-count");
  assert.match(await text(page, ".result-count"), /没有找到包含“打官司”的文章/);
  assert.deepEqual(page.problems, []);
});

test("suggestions while typing are chosen with the keyboard", async () => {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);
  await page.keyboard.press("/");
  await page.keyboard.type("民");
  const box = page.locator("#site-search-input");
  const list = page.locator("#search-suggestions");
  const option = list.getByRole("option", { name: "民法典", exact: true });
  await option.waitFor();
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  await page.keyboard.press("ArrowDown");
  assert.equal(await option.getAttribute("aria-selected"), "true");
  assert.equal(await box.getAttribute("aria-activedescendant"), await option.getAttribute("id"));
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.searchParams.get("q") === "民法典");
  await ready(page);
  await page.waitForSelector(".search-results");
  assert.equal(await box.inputValue(), "民法典");
  assert.equal(await page.locator("#search-suggestions").isHidden(), true);
  // Escape closes the list first, and leaves the box only the second time.
  await page.keyboard.type(" pf");
  await list.getByRole("option", { name: "普法", exact: true }).waitFor();
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#search-suggestions").isHidden(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "site-search-input");
  await page.keyboard.press("Escape");
  assert.notEqual(await page.evaluate(() => document.activeElement?.id), "site-search-input");
  assert.deepEqual(page.problems, []);
});

const MODES = { normal: {}, elder: { elder: true }, dark: { colorScheme: "dark" } };

async function axe(page) {
  await page.evaluate(AXE); // DevTools evaluation: the page's CSP does not apply.
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
  });
}

for (const [mode, { elder, ...options }] of Object.entries(MODES)) {
  test(`axe finds no violation in the new controls in the ${mode} theme`, async () => {
    const page = await h.page({ colorScheme: "light", ...options });
    if (elder) await page.addInitScript(() => localStorage.setItem("pufa.elder", "1"));
    for (const q of ["普发", "pufa", "打官司"]) {
      await searchFor(page, q);
      await page.waitForSelector(".did-you-mean, .search-note");
      assert.deepEqual(await axe(page), [], `${q} (${mode})`);
    }
    // The suggestion list open, one option active.
    await page.focus("#site-search-input");
    await page.fill("#site-search-input", "");
    await page.keyboard.type("普");
    await page.getByRole("option").first().waitFor();
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await axe(page), [], `suggestions (${mode})`);
    await page.screenshot({ path: join(SHOTS, `${mode}-search-suggestions.png`) });
    assert.deepEqual(page.problems, []);
  });
}
