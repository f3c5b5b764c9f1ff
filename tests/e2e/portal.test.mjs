// The reader's journeys through the release build (issue #2): home, channel
// lists with page numbers, the seed article with its frame, deep links,
// not-found pages and data errors.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ready, readyStates, SEED_ID, SEED_TITLE, SHOTS, SITE_NAME, start, text, watchReady } from "./harness.mjs";

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

/** `2026年11月29日 星期日` for now in Asia/Shanghai, computed independently. */
function shanghaiToday() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      weekday: "short",
    })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  const week = { Mon: "一", Tue: "二", Wed: "三", Thu: "四", Fri: "五", Sat: "六", Sun: "日" };
  return `${parts.year}年${parts.month}月${parts.day}日 星期${week[parts.weekday]}`;
}

test("home shows the frame, the newest bulletins and a section per channel", async () => {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);
  assert.equal(await page.title(), SITE_NAME);
  assert.equal(await text(page, ".site-name"), SITE_NAME);
  assert.equal(await text(page, ".date-bar .today"), `今天是：${shanghaiToday()}`);
  const sections = await page.locator(".home-channels h2").allInnerTexts();
  assert.deepEqual(sections, ["普法动态", "以案释法", "法律法规"]);
  assert.equal(await page.locator(".newest .bulletin-list li").count(), 10);
  // Sample bulletins carry the 示例 tag; the newest ones are all samples.
  assert.ok((await page.locator(".newest .sample-tag").count()) > 0);
  const footer = await page.locator(".friend-links a").allInnerTexts();
  assert.deepEqual(footer, ["中国普法网", "湖北司法行政", "湖北法治网", "武汉律师网", "本站法律法规栏目"]);
  await page.screenshot({ path: join(SHOTS, "home.png"), fullPage: true });
  assert.deepEqual(page.problems, []);
});

test("the date bar is in Beijing time whatever the reader's clock zone", async () => {
  for (const timezoneId of ["America/Los_Angeles", "Pacific/Kiritimati", "UTC"]) {
    const page = await h.page({ timezoneId });
    await page.goto(h.url("/"));
    await ready(page);
    assert.equal(await text(page, ".date-bar .today"), `今天是：${shanghaiToday()}`, timezoneId);
    await page.context().close();
  }
});

test("a pre-rendered page shows the Beijing day before the app runs (and if it never does)", async () => {
  for (const [timezoneId, time, day] of [
    // Just past midnight in Beijing, still the 29th in Los Angeles and UTC.
    ["America/Los_Angeles", "2026-11-29T16:00:30Z", "2026年11月30日 星期一"],
    ["UTC", "2026-11-29T15:59:30Z", "2026年11月29日 星期日"],
  ]) {
    const page = await h.page({ timezoneId, serviceWorkers: "block" });
    await page.clock.install({ time: new Date(time) });
    await page.route(/_bg\.wasm$/, () => {}); // the app never arrives
    await page.goto(h.url(`/article/${SEED_ID}`));
    // Written as the parser reaches it; a wrong day times out here.
    await page.locator("#boot[data-prerendered] .date-bar .today", { hasText: `今天是：${day}` }).waitFor({ timeout: 5000 });
    assert.equal((await page.locator("#boot .date-bar .today").innerText()).trim(), `今天是：${day}`, timezoneId);
    await page.context().close();
  }
});

test("a page left open past midnight (Beijing time) turns the date", async () => {
  const page = await h.page({ timezoneId: "Europe/Berlin" });
  // 23:59:30 in Shanghai is still the afternoon in Berlin.
  await page.clock.install({ time: new Date("2026-11-29T15:59:30Z") });
  await page.goto(h.url("/"));
  await ready(page);
  assert.equal(await text(page, ".date-bar .today"), "今天是：2026年11月29日 星期日");
  await page.clock.fastForward("02:00");
  await page.waitForFunction(() => document.querySelector(".today").textContent.includes("30日"));
  assert.equal(await text(page, ".date-bar .today"), "今天是：2026年11月30日 星期一");
});

test("a reader follows a channel, pages through it and opens the seed bulletin", async () => {
  const page = await h.page();
  await page.goto(h.url("/"));
  await ready(page);

  await page.locator(".channel-nav a", { hasText: "普法动态" }).click();
  await page.waitForURL(h.url("/channel/pufa"));
  await ready(page);
  assert.equal(await text(page, "h1"), "普法动态");
  assert.equal(await text(page, ".breadcrumb"), "您当前所在的位置：主页 > 普法动态");

  await page.locator(".sub-channels a", { hasText: "新洲区" }).click();
  await page.waitForURL(h.url("/channel/xinzhou"));
  await ready(page);
  assert.equal(await text(page, ".breadcrumb"), "您当前所在的位置：主页 > 普法动态 > 新洲区");
  assert.equal(await page.title(), `新洲区 - ${SITE_NAME}`);
  assert.equal(await page.locator(".bulletin-list li").count(), 10);
  assert.match(await text(page, ".pager-total"), /^共2页 12条$/);
  assert.equal(await text(page, ".pager [aria-current=page]"), "1");
  await page.screenshot({ path: join(SHOTS, "list.png"), fullPage: true });

  await page.locator(".pager a", { hasText: "下一页" }).click();
  await page.waitForURL(h.url("/channel/xinzhou/2"));
  await ready(page);
  assert.equal(await page.locator(".bulletin-list li").count(), 2);
  assert.equal(await text(page, ".pager [aria-current=page]"), "2");
  assert.equal(await page.title(), `新洲区（第2页） - ${SITE_NAME}`);
  // Back returns to page 1, as on any website.
  await page.goBack();
  await page.waitForURL(h.url("/channel/xinzhou"));
  await ready(page);
  await page.locator(".bulletin-list a", { hasText: SEED_TITLE }).click();
  await page.waitForURL(h.url(`/article/${SEED_ID}`));
  await ready(page);

  assert.equal(await text(page, "h1"), SEED_TITLE);
  assert.equal(await page.title(), `${SEED_TITLE} - ${SITE_NAME}`);
  assert.equal(await text(page, ".breadcrumb"), "您当前所在的位置：主页 > 普法动态 > 新洲区 > 正文");
  const crumbs = await page.locator(".breadcrumb a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.deepEqual(crumbs, ["/", "/channel/pufa", "/channel/xinzhou"]);
  assert.equal(await text(page, ".published"), "发布时间：2021-07-26 09:33");
  assert.equal(await text(page, ".views"), "浏览次数：未知");
  assert.equal(await page.locator(".article .sample-tag").count(), 0, "the seed is not sample content");
  assert.deepEqual(await page.locator(".article-body h2").allInnerTexts(), [
    "一、建章立制,“三个加强”压实责任",
    "二、固本强基,“三大活动”提升实效",
    "三、服务大局,“三个结合”强化成果",
  ]);
  assert.equal(await page.locator(".article-body p").count(), 12);

  const links = await page.locator(".friend-links a").evaluateAll((as) =>
    as.map((a) => [a.textContent, a.getAttribute("target"), a.getAttribute("rel"), a.protocol, a.getAttribute("href")]),
  );
  assert.equal(links.length, 5);
  // A link to a page of this site opens here, like any link of the app.
  assert.deepEqual(links.pop(), ["本站法律法规栏目", null, null, "http:", "/channel/fagui"]);
  for (const [name, target, rel, protocol] of links) {
    assert.equal(target, "_blank", name);
    assert.equal(rel, "noopener noreferrer", name);
    assert.match(protocol, /^https?:$/, name);
  }

  const related = await page.locator(".related .item-title").allInnerTexts();
  assert.ok(related.length >= 1 && related.length <= 5, `${related}`);
  assert.ok(related.includes("新洲区“七五”普法工作顺利通过总结验收"), `${related}`);
  assert.ok(!related.includes(SEED_TITLE), "not related to itself");
  assert.equal(await text(page, ".prev"), "上一篇：新洲区“七五”普法工作顺利通过总结验收");
  assert.equal(await text(page, ".next"), "下一篇：新洲区“八五”普法规划正式启动实施");
  await page.screenshot({ path: join(SHOTS, "article.png"), fullPage: true });

  // 下一篇 then 上一篇 comes back to the seed.
  await page.locator(".next a").click();
  await page.waitForURL(h.url("/article/2021-xinzhou-bawu-pufa-guihua-qidong"));
  await ready(page);
  assert.equal(await text(page, "h1"), "新洲区“八五”普法规划正式启动实施");
  assert.equal(await text(page, ".prev"), `上一篇：${SEED_TITLE}`);
  await page.locator(".prev a").click();
  await page.waitForURL(h.url(`/article/${SEED_ID}`));
  await ready(page);
  assert.equal(await text(page, "h1"), SEED_TITLE);
  assert.deepEqual(page.problems, []);
});

test("after a click, the page says it is ready only once it shows the page clicked", async () => {
  const page = await h.page();
  await watchReady(page);
  await page.goto(h.url("/"));
  await ready(page);
  await readyStates(page);
  const visit = async (go, path, crumbs) => {
    await go();
    await page.waitForURL((url) => path.test(url.pathname));
    await ready(page);
    const states = await readyStates(page);
    assert.ok(states.length >= 1, String(path));
    // Never the previous page, an empty <main> or 正在加载 under the new address.
    for (const s of states) assert.match(s.crumbs, crumbs, JSON.stringify(s).slice(0, 300));
  };
  const channel = [/^\/channel\/pufa$/, /^您当前所在的位置：主页 > 普法动态$/];
  const article = [/^\/article\//, /^您当前所在的位置：主页 > 普法动态 > .+ > 正文$/];
  await visit(() => page.locator(".channel-nav a", { hasText: "普法动态" }).click(), ...channel);
  await visit(() => page.locator(".bulletin-list a").first().click(), ...article);
  await visit(() => page.goBack(), ...channel);
  await visit(() => page.goForward(), ...article);
  assert.deepEqual(page.problems, []);
});

test("on a 360 px phone nothing scrolls sideways", async () => {
  const page = await h.page({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  for (const [path, shot] of [["/", "phone-home.png"], ["/channel/xinzhou", "phone-list.png"], [`/article/${SEED_ID}`, "phone-article.png"]]) {
    await page.goto(h.url(path));
    await ready(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${path} is ${width}px wide`);
    await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  }
});

test("the ends of a channel say 没有了", async () => {
  const page = await h.page();
  await page.goto(h.url("/article/2016-xinzhou-qiwu-pufa-dongyuan"));
  await ready(page);
  assert.equal(await text(page, ".prev"), "上一篇：没有了");
  await page.goto(h.url("/article/2026-xinzhou-pufa-yifa-zhili-gongzuo-bushu"));
  await ready(page);
  assert.equal(await text(page, ".next"), "下一篇：没有了");
});

test("a deep link loads directly and survives a reload", async () => {
  const page = await h.page();
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  assert.equal(await text(page, "h1"), SEED_TITLE);
  await page.reload();
  await ready(page);
  assert.equal(await text(page, "h1"), SEED_TITLE);
  await page.goto(h.url("/channel/xinzhou/2"));
  await ready(page);
  assert.equal(await text(page, ".pager [aria-current=page]"), "2");
  assert.deepEqual(page.problems, []);
});

test("unknown addresses show the not-found page inside the frame", async () => {
  const page = await h.page();
  for (const path of ["/no/such/page", "/article/no-such-article", "/channel/nowhere", "/channel/xinzhou/3", "/channel/xinzhou/x"]) {
    await page.goto(h.url(path));
    await ready(page);
    assert.equal(await text(page, "h1"), "页面未找到", path);
    assert.equal(await page.title(), `页面未找到 - ${SITE_NAME}`, path);
    assert.equal(await page.locator(".site-footer").count(), 1, path);
  }
  await page.locator("a", { hasText: "返回主页" }).click();
  await page.waitForURL(h.url("/"));
  await ready(page);
  assert.equal(await page.locator(".newest").count(), 1);
  // A page that does not exist has no data file: the browser logs that
  // file's 404 (the not-found page itself is the answer), nothing else.
  assert.deepEqual(page.problems.filter((p) => !/status of 404/.test(p)), []);
});

test("a corrupt data file shows a Chinese message, the operator's detail and a working retry", async () => {
  // The routes below stand for the site's files: no service worker, which
  // the page registers, may fetch them around the routes.
  const page = await h.page({ serviceWorkers: "block" });
  const article = `**/data/v/*/article/${SEED_ID}.json`;
  await page.route(article, (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: '{\n  "bulletin": {\n    "id": }\n' }),
  );
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  const alert = page.locator("[role=alert]");
  assert.equal(await alert.locator("h1").innerText(), "数据文件有误");
  assert.match(await alert.innerText(), /网站数据文件有误，暂时无法显示内容/);
  assert.match(
    await page.locator(".error-detail").textContent(),
    new RegExp(`^v/[0-9a-f]+/article/${SEED_ID}\\.json 第 3 行第 \\d+ 列：JSON 格式错误`),
  );
  assert.equal(await page.title(), "数据文件有误");
  // One broken file breaks one page: the frame and its navigation stay.
  assert.equal(await page.locator(".site-header .channel-nav a").count(), 4);
  await page.screenshot({ path: join(SHOTS, "error.png"), fullPage: true });

  // The file is fixed: 重试 shows the article without a reload.
  await page.unroute(article);
  await page.locator("button", { hasText: "重试" }).click();
  await page.waitForSelector(".article-title");
  assert.equal(await text(page, "h1"), SEED_TITLE);
});

test("invalid data names the file, field and line", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.route("**/data/v/*/site.json", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('"http://www.legalinfo.gov.cn/"', '"javascript:alert(1)"');
    await route.fulfill({ response, body });
  });
  await page.goto(h.url("/"));
  await ready(page);
  assert.match(
    await page.locator(".error-detail").textContent(),
    /^v\/[0-9a-f]+\/site\.json 第 \d+ 行第 \d+ 列，字段 links\[0\]\.url：不安全或无效的链接“javascript:alert\(1\)”/,
  );
});

test("a failed download offers a retry instead of a blank page, and never takes a page being read away", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  await page.route("**/data/v/*/site.json", (route) => route.abort("internetdisconnected"));
  // The search page has nothing without the app: it says so, with 重试.
  await page.goto(h.url("/search"));
  await ready(page);
  assert.equal(await page.locator("[role=alert] h1").innerText(), "网络连接失败");
  await page.unroute("**/data/v/*/site.json");
  await page.locator("button", { hasText: "重试" }).click();
  await page.waitForSelector("h1.channel-title:text-is('站内搜索')");

  // A pre-rendered page whose app, asked for, cannot get the data: the
  // reader keeps reading the page, not a message about the connection.
  const reading = await h.page({ serviceWorkers: "block" });
  await reading.route("**/data/v/*/site.json", (route) => route.abort("internetdisconnected"));
  await reading.goto(h.url("/"));
  await reading.evaluate(() => window.pufaStartApp());
  // The app, its data out of reach, leaves the page where it is.
  await reading.waitForSelector("#boot[data-prerendered][data-kept]");
  assert.equal(await reading.locator("#app .error-view[data-unreachable]").count(), 1);
  assert.equal(await reading.locator("#boot[data-prerendered] .newest .item-title").first().isVisible(), true);
  assert.equal(await reading.getByRole("alert").filter({ visible: true }).count(), 0, "nothing about the connection is shown");

  const missing = await h.page({ serviceWorkers: "block" });
  await missing.route("**/data/v/*/home.json", (route) => route.fulfill({ status: 404, body: "not found" }));
  await missing.goto(h.url("/"));
  await ready(missing);
  assert.equal(await missing.locator("[role=alert] h1").innerText(), "暂时无法获取数据");
  assert.match(await missing.locator(".error-detail").textContent(), /home\.json：服务器返回 HTTP 404/);
});

test("lists and images written in the content show as lists and a described picture", async () => {
  const page = await h.page();
  await page.goto(h.url("/article/2015-fagui-tupian-liebiao-shili"));
  assert.equal(await text(page, "h1"), "法律法规宣传资料发放清单（示例）");
  assert.deepEqual(await page.locator(".article-body ul li").allInnerTexts(), [
    "《中华人民共和国宪法》单行本",
    "《中华人民共和国民法典》问答手册",
    "反电信网络诈骗宣传折页",
  ]);
  assert.deepEqual(await page.locator(".article-body ol li").allInnerTexts(), ["登记领取人数", "按社区分发", "收集群众意见"]);
  const img = page.locator(".article-body img");
  assert.equal(await img.getAttribute("alt"), "宣传现场的红色展板");
  assert.match(await img.getAttribute("src"), /^media\/xuanchuan-xianchang-[0-9a-f]{10}\.png$/);
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector(".article-body img").naturalWidth === 48);
  assert.deepEqual(page.problems, []);
});
