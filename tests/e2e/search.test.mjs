// Search journeys (issue #3): typing in the header box, highlighting,
// filters and sort in the URL, reload and Back restoring the same results.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { controlled, ready, readyStates, resultCount as count, ROOT, SEED_TITLE, SHOTS, start, text, watchReady } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

/** Title → title and body text of every bulletin of the fixture content
 * the build under test was made from. */
function fixtureTexts() {
  const dir = join(ROOT, "tests/fixtures/content/bulletins");
  const texts = new Map();
  for (const year of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, year)).filter((n) => n.endsWith(".md"))) {
      const src = readFileSync(join(dir, year, name), "utf8");
      const [, front, body] = src.split(/^\+\+\+$/m);
      const title = JSON.parse(front.match(/^title = (".*")$/m)[1]);
      texts.set(title, title + body);
    }
  }
  return texts;
}

const titles = (page) => page.locator(".search-results .result-title").allInnerTexts();

test("typing 普法 in the header finds the seed bulletin with 普法 highlighted", async () => {
  const page = await h.page();
  await page.goto(h.url("/channel/fagui"));
  await ready(page);
  // `/` focuses the search box from anywhere on the page.
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "site-search-input");
  await page.keyboard.type("普法");
  await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "普法");
  await ready(page);
  await page.waitForSelector(".search-results");
  assert.ok((await count(page)) >= 10);
  const seed = page.locator(".result", { hasText: SEED_TITLE });
  assert.equal(await seed.count(), 1);
  assert.deepEqual(await seed.locator(".result-title mark").allInnerTexts(), ["普法"]);
  assert.ok((await seed.locator(".result-snippet mark").count()) >= 1);
  for (const m of await page.locator(".search-results mark").allInnerTexts()) assert.equal(m, "普法");
  // Every result contains what was typed.
  for (const r of await page.locator(".result").allInnerTexts()) assert.match(r, /普法/);
  assert.equal(await page.title(), "搜索：普法 - 新洲区普法网");
  await page.screenshot({ path: join(SHOTS, "search.png"), fullPage: true });
  // Typing went into one history entry: Back returns to the channel page.
  await page.goBack();
  await page.waitForURL(h.url("/channel/fagui"));
  await ready(page);
  assert.deepEqual(page.problems, []);
});

test("typing two words keeps the space between them, and 宣传 narrows 普法", async () => {
  const page = await h.page();
  await page.goto(h.url("/search"));
  await ready(page);
  await page.focus("#site-search-input");
  await page.keyboard.type("普法");
  await page.waitForURL((url) => url.searchParams.get("q") === "普法");
  await ready(page);
  const one = await count(page);
  await page.keyboard.type(" 宣传");
  await page.waitForURL((url) => url.searchParams.get("q") === "普法 宣传");
  await ready(page);
  assert.equal(await page.inputValue("#site-search-input"), "普法 宣传");
  const both = await count(page);
  assert.ok(both < one && both > 0, `${both} of ${one}`);
  // Every result's article holds both words (the snippet shows only one spot).
  // The archive of the build under test (made from the fixture content).
  const textOf = fixtureTexts();
  for (const title of await titles(page)) {
    assert.match(textOf.get(title), /普法/, title);
    assert.match(textOf.get(title), /宣传/, title);
  }
});

test("a Chinese input method's pinyin is not searched until it commits", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=民法典"));
  await ready(page);
  await page.fill("#site-search-input", "");
  await page.waitForURL((url) => !url.searchParams.has("q"));
  await ready(page);
  await page.focus("#site-search-input");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.imeSetComposition", { text: "pu", selectionStart: 2, selectionEnd: 2 });
  await cdp.send("Input.imeSetComposition", { text: "pufa", selectionStart: 4, selectionEnd: 4 });
  assert.equal(await page.inputValue("#site-search-input"), "pufa");
  // Searched, "pufa" would show results read as pinyin (已按拼音…).
  await ready(page);
  assert.match(await page.locator(".search-output").innerText(), /请在上方搜索框输入/, "no search for pinyin");
  assert.equal(new URL(page.url()).searchParams.get("q"), null, "no search for pinyin");
  await cdp.send("Input.insertText", { text: "普法" });
  await page.waitForURL((url) => url.searchParams.get("q") === "普法");
  await ready(page);
  assert.equal(await page.inputValue("#site-search-input"), "普法");
  await page.waitForSelector(".search-results");
});

test("results follow each keystroke; the words typed are in the URL before the reader leaves", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=普法"));
  await ready(page);
  const before = await count(page);
  await page.focus("#site-search-input");
  await page.keyboard.type(" 宣传");
  // The results of both words show, whenever the URL takes them.
  await page.waitForFunction((n) => {
    const c = document.querySelector(".search-output .result-count");
    const m = c && /找到 (\d+) 条/.exec(c.textContent);
    return m && Number(m[1]) < n && document.querySelector('main[aria-busy="false"]');
  }, before);
  const narrowed = await count(page);
  // Clicked at once, before typing has paused long enough: the search's
  // history entry still gets both words, so Back shows these results.
  const first = (await titles(page))[0];
  await page.locator(".search-results .result-title").first().click();
  await page.waitForURL((url) => url.pathname.startsWith("/article/"));
  await ready(page);
  assert.equal(await text(page, "h1"), first);
  await page.goBack();
  await page.waitForURL((url) => url.pathname === "/search");
  assert.equal(new URL(page.url()).searchParams.get("q"), "普法 宣传");
  await ready(page);
  assert.equal(await page.inputValue("#site-search-input"), "普法 宣传");
  assert.equal(await count(page), narrowed);
  assert.equal(await page.title(), "搜索：普法 宣传 - 新洲区普法网");
  // A filter changed right after typing: Back returns to the words typed.
  await page.focus("#site-search-input");
  await page.keyboard.press("End");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await page.selectOption('select[name="sort"]', "newest");
  await page.waitForURL((url) => url.searchParams.get("sort") === "newest");
  assert.equal(new URL(page.url()).searchParams.get("q"), "普法");
  await ready(page);
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has("sort"));
  assert.equal(new URL(page.url()).searchParams.get("q"), "普法");
  await ready(page);
  assert.equal(await count(page), before);
  assert.deepEqual(page.problems, []);
});

test("channel and year filters narrow the results and live in the URL", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=普法"));
  await ready(page);
  const all = await count(page);

  await page.selectOption("select[name=channel]", "xinzhou");
  await page.waitForURL((url) => url.searchParams.get("channel") === "xinzhou");
  await ready(page);
  const inXinzhou = await count(page);
  assert.ok(inXinzhou < all && inXinzhou > 0, `${inXinzhou} of ${all}`);
  for (const c of await page.locator(".result .item-channel").allInnerTexts()) assert.equal(c, "新洲区");

  await page.selectOption("select[name=year]", "2021");
  await page.waitForURL((url) => url.searchParams.get("from") === "2021-01-01" && url.searchParams.get("to") === "2021-12-31");
  await ready(page);
  const in2021 = await count(page);
  assert.ok(in2021 < inXinzhou && in2021 > 0, `${in2021} of ${inXinzhou}`);
  for (const d of await page.locator(".result time").allInnerTexts()) assert.match(d, /^2021-/);
  const narrowed = await titles(page);
  assert.ok(narrowed.includes(SEED_TITLE));
  assert.equal(await text(page, ".search-filters-summary"), "筛选和排序：新洲区、2021年");

  // Reload: same results, same filter controls.
  await page.reload();
  await ready(page);
  assert.deepEqual(await titles(page), narrowed);
  assert.equal(await page.inputValue("select[name=channel]"), "xinzhou");
  assert.equal(await page.inputValue("select[name=year]"), "2021");
  assert.equal(await page.inputValue("#site-search-input"), "普法");

  // Back: the year filter goes, the channel stays.
  await page.goBack();
  await page.waitForURL((url) => !url.searchParams.has("from"));
  await ready(page);
  assert.equal(await count(page), inXinzhou);
  assert.equal(await page.inputValue("select[name=year]"), "");
  // Forward restores it.
  await page.goForward();
  await page.waitForURL((url) => url.searchParams.has("from"));
  await ready(page);
  assert.deepEqual(await titles(page), narrowed);
  assert.deepEqual(page.problems, []);
});

test("on a phone the filters start folded under a line naming those in force, and the results show at once", async () => {
  const page = await h.page({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(h.url("/search?q=普法"));
  await ready(page);
  assert.equal(await page.locator("select[name=channel]").isVisible(), false);
  assert.equal(await text(page, ".search-filters-summary"), "筛选和排序");
  // The count and the first result's title are on the first screen
  // (unfolded, the filters pushed them about 290 px further down).
  const first = await page.locator(".search-results .result-title").first().boundingBox();
  assert.ok(first.y + first.height <= 740, `the first title ends at ${first.y + first.height}px`);

  await page.locator(".search-filters-summary").tap();
  await page.selectOption("select[name=channel]", "xinzhou");
  await page.waitForURL((url) => url.searchParams.get("channel") === "xinzhou");
  await ready(page);
  // Still open after the change: the reader is not made to open it again.
  assert.equal(await page.locator("select[name=sort]").isVisible(), true);
  await page.selectOption("select[name=sort]", "newest");
  await page.waitForURL((url) => url.searchParams.get("sort") === "newest");
  await ready(page);
  assert.equal(await text(page, ".search-filters-summary"), "筛选和排序：新洲区、最新发布");

  // A shared link with filters opens folded, and says what narrows it.
  await page.goto(h.url("/search?q=普法&from=2021-03-01&to=2021-06-30"));
  await ready(page);
  assert.equal(await page.locator("select[name=channel]").isVisible(), false);
  assert.equal(await text(page, ".search-filters-summary"), "筛选和排序：2021年3月1日至2021年6月30日");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the search page is ${width}px wide`);
  await page.screenshot({ path: join(SHOTS, "phone-search.png") });
  assert.deepEqual(page.problems, []);
});

test("sort orders by time and by views", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=区&sort=oldest"));
  await ready(page);
  const dates = await page.locator(".result time").allInnerTexts();
  assert.deepEqual(dates, [...dates].sort());
  assert.equal(await page.inputValue("select[name=sort]"), "oldest");
  await page.selectOption("select[name=sort]", "newest");
  await page.waitForURL((url) => url.searchParams.get("sort") === "newest");
  await ready(page);
  const newest = await page.locator(".result time").allInnerTexts();
  assert.deepEqual(newest, [...newest].sort().reverse());
});

test("filters without words browse the archive, with page numbers", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?channel=pufa"));
  await ready(page);
  assert.match(await text(page, ".result-count"), /^共 \d+ 篇文章$/);
  assert.ok((await count(page)) > 20);
  await page.locator(".pager a", { hasText: "下一页" }).click();
  await page.waitForURL((url) => url.searchParams.get("page") === "2");
  await ready(page);
  assert.equal(await text(page, ".pager [aria-current=page]"), "2");
});

test("the search page says it is ready only over the results for its URL and its box", async () => {
  const page = await h.page();
  await watchReady(page);
  for (const query of ["普法", "民法典", "普法&channel=xinzhou&sort=newest"]) {
    await page.goto(h.url(`/search?q=${query}`));
    await ready(page);
    const states = await readyStates(page);
    assert.ok(states.length >= 1, query);
    // A fresh load is ready over its results, never over 正在搜索….
    for (const s of states) assert.match(s.results, /^找到 \d+ 条结果/, `${query}: ${JSON.stringify(s).slice(0, 300)}`);
  }
  // Typing new words: each time it is ready again, it shows an answer, the
  // last one for the words now in the box (the URL takes them when typing
  // pauses, and then nothing is searched again).
  await page.fill("#site-search-input", "民法典");
  await page.waitForURL((url) => url.searchParams.get("q") === "民法典");
  await ready(page);
  const typed = await readyStates(page);
  assert.ok(typed.length >= 1);
  for (const s of typed) assert.doesNotMatch(s.results, /正在搜索/, JSON.stringify(s).slice(0, 300));
  const last = typed.at(-1);
  assert.equal(last.words, "民法典");
  assert.equal(last.results.match(/^找到 \d+ 条结果/)?.[0], (await text(page, ".result-count")).trim());
  assert.match(await text(page, ".search-results"), /民法典/);
  assert.deepEqual(page.problems, []);
});

test("bad values in the URL are ignored and the rest kept", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=普法"));
  await ready(page);
  const expected = await titles(page);
  await page.goto(h.url("/search?q=普法&channel=nowhere&from=2021-02-30&to=x&sort=random&page=abc"));
  await ready(page);
  assert.deepEqual(await titles(page), expected);
  assert.equal(await page.inputValue("select[name=channel]"), "");
  await page.goto(h.url("/search?q=普法&page=999"));
  await ready(page);
  assert.deepEqual(await titles(page), expected);
  assert.deepEqual(page.problems, []);
});

test("empty and unmatched queries get a hint, and typed markup stays text", async () => {
  const page = await h.page();
  await page.goto(h.url("/search"));
  await ready(page);
  assert.match(await text(page, ".search-hint"), /请在上方搜索框输入要查找的词语/);

  await page.goto(h.url("/search?q=不存在的词语xyz&channel=xinzhou"));
  await ready(page);
  assert.equal(await text(page, ".no-results .result-count"), "没有找到包含“不存在的词语xyz”的文章。");
  await page.locator("a", { hasText: "清除全部筛选" }).click();
  await page.waitForURL((url) => !url.searchParams.has("channel"));
  await ready(page);

  await page.goto(h.url("/search?q=" + encodeURIComponent("<img src=x onerror=alert(1)>")));
  await ready(page);
  assert.equal(await page.locator(".search-page img").count(), 0);
  assert.match(await text(page, ".no-results"), /<img src=x onerror=alert\(1\)>/);
  assert.deepEqual(page.problems, []);
});

test("quoted phrases and Latin words", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=" + encodeURIComponent('"GB/T 35273"')));
  await ready(page);
  assert.ok((await count(page)) >= 1);
  for (const m of await page.locator(".result-title mark").allInnerTexts()) assert.equal(m, "GB/T 35273");
  await page.goto(h.url("/search?q=APP"));
  await ready(page);
  assert.ok((await titles(page)).some((t) => t.includes("APP")));
});

test("a phrase in 「」 is the words in that order, as with \"\"", async () => {
  // Four fixture bulletins hold 各街道、区直单位; eight hold both words.
  const page = await h.page();
  const search = async (q) => {
    await page.goto(h.url("/search?q=" + encodeURIComponent(q)));
    return { count: await count(page), titles: (await titles(page)).sort() };
  };
  const corner = await search("「街道、区直」");
  const ascii = await search('"街道、区直"');
  const apart = await search("街道 区直");
  assert.equal(corner.count, 4);
  assert.deepEqual(corner, ascii);
  assert.equal(apart.count, 8);
  for (const t of corner.titles) assert.ok(apart.titles.includes(t), `${t} is also found without quotes`);
  // Each snippet marks the phrase as written in the article.
  await search("「街道、区直」");
  await page.waitForFunction(() => {
    const all = [...document.querySelectorAll(".result-snippet")];
    return all.length > 0 && all.every((s) => s.querySelector("mark"));
  });
  const snippets = await page.locator(".result-snippet").allInnerTexts();
  assert.equal(snippets.length, 4);
  for (const s of snippets) assert.match(s, /街道、区直/);
  assert.deepEqual(page.problems, []);
});

test("traditional characters find the simplified text, marked as the article writes it", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=" + encodeURIComponent("法规")));
  const simplified = { count: await count(page), titles: await titles(page) };
  assert.ok(simplified.count >= 10, `法规 is in ${simplified.count} fixture bulletins`);
  await page.goto(h.url("/search?q=" + encodeURIComponent("法規")));
  assert.equal(await count(page), simplified.count);
  assert.deepEqual(await titles(page), simplified.titles);
  assert.equal(await page.locator("#site-search-input").inputValue(), "法規");
  const marks = await page.locator(".search-results mark").allInnerTexts();
  assert.ok(marks.length > 0);
  for (const m of marks) assert.equal(m, "法规");
  assert.deepEqual(page.problems, []);
});

test("Back from a result shows the list with its snippets at once, without making them again", async () => {
  const page = await h.page();
  await watchReady(page);
  // Count the snippets the page asks the search worker to make.
  await page.addInitScript(() => {
    window.snippetAsks = 0;
    const Original = window.Worker;
    window.Worker = function (url, options) {
      const worker = new Original(url, options);
      const post = worker.postMessage.bind(worker);
      worker.postMessage = (message) => {
        if (String(message).includes('"snippet"')) window.snippetAsks += 1;
        post(message);
      };
      return worker;
    };
  });
  await page.goto(h.url("/search?q=" + encodeURIComponent("普法")));
  await ready(page);
  const snippets = () => page.locator(".search-results .result-snippet").allInnerTexts();
  const allShown = () => [...document.querySelectorAll(".search-results .result-snippet")].every((p) => p.textContent.trim());
  await page.waitForFunction(allShown);
  const before = await snippets();
  assert.ok(before.length >= 10);
  assert.ok(await page.evaluate(() => window.snippetAsks) >= 10);

  await page.locator(".search-results .result-title").first().click();
  await page.waitForURL((url) => url.pathname.startsWith("/article/"));
  await ready(page);
  await page.evaluate(() => (window.snippetAsks = 0));
  await readyStates(page);
  await page.goBack();
  await page.waitForURL((url) => url.pathname === "/search");
  await ready(page);
  // Ready means the snippets are there too: they come with the list, not
  // one by one after it.
  const back = (await readyStates(page)).filter((s) => s.url.startsWith("/search"));
  assert.ok(back.length >= 1);
  for (const s of back) for (const snippet of before) assert.ok(s.results.includes(snippet), `ready without “${snippet}”`);
  assert.ok(await page.evaluate(allShown));
  assert.deepEqual(await snippets(), before);
  assert.equal(await page.evaluate(() => window.snippetAsks), 0);

  // Retyping words searched before: the same.
  await page.fill("#site-search-input", "民法典");
  await page.waitForURL((url) => url.searchParams.get("q") === "民法典");
  await ready(page);
  await page.waitForFunction(allShown);
  await readyStates(page);
  await page.fill("#site-search-input", "普法");
  await page.waitForURL((url) => url.searchParams.get("q") === "普法");
  await ready(page);
  const retyped = (await readyStates(page)).at(-1);
  assert.ok(retyped, "the retyped words' page never said it was ready");
  for (const snippet of before) assert.ok(retyped.results.includes(snippet), `ready without “${snippet}”`);
  assert.deepEqual(page.problems, []);
});

test("words with & % # + and spaces survive paging, filters, reload and Back", async () => {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);
  const typed = "a&b 100% #1";
  await page.fill("#site-search-input", typed);
  await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === typed);
  await ready(page);
  assert.equal(await text(page, ".no-results .result-count"), `没有找到包含“${typed}”的文章。`);
  await page.reload();
  assert.equal(await page.inputValue("#site-search-input"), typed);
  assert.equal(await text(page, ".no-results .result-count"), `没有找到包含“${typed}”的文章。`);

  // Enough results to page through: the marks normalise away, 普法 remains.
  await page.fill("#site-search-input", "普法 &#+%");
  await page.waitForURL((url) => url.searchParams.get("q") === "普法 &#+%");
  await ready(page);
  assert.ok((await count(page)) > 10);
  await page.locator(".pager a", { hasText: "下一页" }).click();
  await page.waitForURL((url) => url.searchParams.get("page") === "2");
  await ready(page);
  assert.equal(new URL(page.url()).searchParams.get("q"), "普法 &#+%");
  assert.equal(await page.inputValue("#site-search-input"), "普法 &#+%");
  await page.selectOption("select[name=sort]", "oldest");
  await page.waitForURL((url) => url.searchParams.get("sort") === "oldest");
  await ready(page);
  assert.equal(new URL(page.url()).searchParams.get("q"), "普法 &#+%");
  await page.reload();
  await ready(page);
  assert.equal(await page.inputValue("#site-search-input"), "普法 &#+%");
  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get("page") === "2" && !url.searchParams.has("sort"));
  await ready(page);
  assert.equal(await page.inputValue("#site-search-input"), "普法 &#+%");
  await page.goBack();
  await page.waitForURL((url) => url.searchParams.get("q") === "普法 &#+%" && !url.searchParams.has("page"));
  await ready(page);
  assert.equal(await page.inputValue("#site-search-input"), "普法 &#+%");

  // A link written by a form or another site encodes spaces as +.
  await page.goto(`${h.url("/search")}?q=a+b`);
  await ready(page);
  assert.equal(await page.inputValue("#site-search-input"), "a b");
  assert.deepEqual(page.problems, []);
});

test("offline: words searched before still work, others say why, and 离线搜索 saves the whole index", async () => {
  const page = await h.page();
  await page.goto(h.url("/search?q=普法"));
  await ready(page);
  await controlled(page);
  // The first visit may have fetched before the worker took over: search again.
  await page.reload();
  await ready(page);
  const online = await count(page);
  const panel = page.locator(".offline-search");
  assert.match(await panel.innerText(), /把全部 \d+ 篇文章的搜索索引（约 [\d.]+ MB，\d+ 个文件）保存在本机/);

  await page.context().setOffline(true);
  await page.goto(h.url("/search?q=普法"));
  await ready(page);
  assert.equal(await count(page), online, "the same results from saved pieces");
  await page.goto(h.url("/search?q=" + encodeURIComponent("民法典")));
  await ready(page);
  assert.equal(await text(page, ".no-results .result-count"), "当前处于离线状态，无法在全部文章中查找这些词语。");

  await page.context().setOffline(false);
  await page.locator("button.offline-download").click();
  await page.waitForSelector(".offline-search >> text=已保存在本机", { timeout: 60000 });
  await page.context().setOffline(true);
  for (const q of ["民法典", "宣传", "GB/T 35273"]) {
    await page.goto(h.url("/search?q=" + encodeURIComponent(q)));
    await ready(page);
    assert.ok((await count(page)) > 0, `${q} offline after the download`);
  }
  // Filters and sorts need their own small files: saved too.
  await page.goto(h.url("/search?q=普法&channel=xinzhou&sort=views&from=2020"));
  await ready(page);
  assert.ok((await count(page)) > 0);
  assert.match(await text(page, ".offline-search"), /已保存在本机/);
  await page.context().setOffline(false);
});
