// Leaving the site (issue #14): a link to another site first shows the
// 您即将离开本网站 notice, by mouse and by keyboard; internal links never do;
// `leave_notice = false` turns it off. No request ever leaves this machine:
// every other origin is answered by the test itself.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, PUFA, ready, ROOT, SITE_NAME, start } from "./harness.mjs";

const FRIEND = "中国普法网";
const FRIEND_URL = "http://www.legalinfo.gov.cn/";
const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

let h;
let work;
before(async () => {
  h = await start();
  work = mkdtempSync(join(tmpdir(), "pufa-leave-"));
});
after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A page whose context answers every other origin with a stand-in page,
 *  and the list of those requests. */
async function offlinePage(harness = h, options) {
  const page = await harness.page(options);
  const outside = [];
  await page.context().route(
    (url) => url.origin !== harness.origin,
    (route) => {
      outside.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>外站</title><h1>外站</h1>" });
    },
  );
  return { page, outside };
}

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName, text: el?.textContent?.trim(), inDialog: !!el?.closest("dialog.leave-notice"), inFooter: !!el?.closest(".friend-links") };
  });

const notice = (page) => page.getByRole("dialog", { name: "您即将离开本网站" });

/** Add a link to the article area, as content or another component might. */
const addLink = (page, href, text) =>
  page.evaluate(
    ([href, text]) => {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      a.id = "added-link";
      document.querySelector("main").prepend(a);
    },
    [href, text],
  );

test("a friendly link opens the notice; 留在本站 and Escape close it and focus returns to the link", async () => {
  const { page, outside } = await offlinePage();
  await page.goto(h.url("/"));
  await ready(page);
  const link = page.locator(".friend-links a", { hasText: FRIEND });
  await link.click();
  const dialog = notice(page);
  await dialog.waitFor();
  await page.waitForFunction((url) => document.querySelector(".leave-url")?.textContent === url, FRIEND_URL);
  assert.equal(await dialog.getByRole("heading").innerText(), "您即将离开本网站");
  const text = await dialog.innerText();
  assert.match(text, new RegExp(`您访问的链接即将离开“${SITE_NAME}”，前往：`));
  assert.match(text, /该网站的内容由其主办单位负责。/);
  assert.equal(await dialog.locator(".leave-url").innerText(), FRIEND_URL);
  assert.equal(await dialog.getAttribute("aria-describedby"), "leave-notice-text");
  assert.deepEqual(await focused(page), { tag: "BUTTON", text: "留在本站", inDialog: true, inFooter: false });
  // Modal: the rest of the page cannot be reached meanwhile.
  assert.equal(await page.evaluate(() => document.querySelector("dialog.leave-notice").matches(":modal")), true);

  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await focused(page), { tag: "A", text: FRIEND, inDialog: false, inFooter: true });

  await link.click();
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "留在本站" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await focused(page), { tag: "A", text: FRIEND, inDialog: false, inFooter: true });

  assert.deepEqual(outside, [], "nothing was requested from the other site");
  assert.equal(page.context().pages().length, 1);
  assert.equal(page.url(), h.url("/"));
  assert.deepEqual(page.problems, []);
});

test("a friendly link pressed before the app has started opens the notice once the app is there", async () => {
  const { page, outside } = await offlinePage();
  await page.goto(h.url("/"));
  // The pre-rendered home: the app has not started (nothing needed it).
  await page.waitForSelector("#boot[data-prerendered] .friend-links");
  assert.equal(await page.locator("#app").count(), 0, "no app yet");
  await page.locator("#boot .friend-links a", { hasText: FRIEND }).click();
  const dialog = notice(page);
  await dialog.waitFor();
  assert.equal(await page.locator("#boot").count(), 0, "the app took the page over");
  assert.equal(await dialog.locator(".leave-url").innerText(), FRIEND_URL);
  assert.deepEqual(await focused(page), { tag: "BUTTON", text: "留在本站", inDialog: true, inFooter: false });
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await focused(page), { tag: "A", text: FRIEND, inDialog: false, inFooter: true });
  assert.deepEqual(outside, [], "nothing was requested from the other site");
  assert.equal(page.url(), h.url("/"));
  assert.deepEqual(page.problems, []);
});

test("a friendly link Ctrl+clicked or middle-clicked before the app has started still shows the notice first", async () => {
  for (const press of [{ modifiers: ["ControlOrMeta"] }, { button: "middle" }]) {
    const { page, outside } = await offlinePage();
    await page.goto(h.url("/"));
    await page.waitForSelector("#boot[data-prerendered] .friend-links");
    assert.equal(await page.locator("#app").count(), 0, "no app yet");
    await page.locator("#boot .friend-links a", { hasText: FRIEND }).click(press);
    const dialog = notice(page);
    await dialog.waitFor();
    assert.equal(await dialog.locator(".leave-url").innerText(), FRIEND_URL);
    assert.deepEqual(outside, [], `${JSON.stringify(press)}: nothing was requested from the other site before the notice`);
    const [tab] = await Promise.all([page.context().waitForEvent("page"), dialog.getByRole("button", { name: "继续访问" }).click()]);
    await tab.waitForLoadState();
    assert.equal(tab.url(), FRIEND_URL, "继续访问 opens the other site in a new tab");
    assert.equal(page.url(), h.url("/"), "the site stays open");
    assert.equal(page.context().pages().length, 2, "one new tab, not two");
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test("keyboard only: Tab to a friendly link, Enter, Tab stays between the two buttons, 继续访问 opens the site", async () => {
  const { page, outside } = await offlinePage();
  await page.goto(h.url("/"));
  await ready(page);
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f.inFooter && f.text === FRIEND) break;
    assert.ok(i < 79, "the friendly link was not reached by Tab");
  }
  await page.keyboard.press("Enter");
  const dialog = notice(page);
  await dialog.waitFor();
  assert.equal((await focused(page)).text, "留在本站");
  const seen = [];
  for (const key of ["Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab"]) {
    await page.keyboard.press(key);
    const f = await focused(page);
    assert.ok(f.inDialog, `${key} left the notice: ${JSON.stringify(f)}`);
    seen.push(f.text);
  }
  assert.deepEqual(seen, ["继续访问", "留在本站", "继续访问", "留在本站", "继续访问"]);

  // The friendly link opens in a new tab (target="_blank"), so 继续访问 does too.
  const [tab] = await Promise.all([page.context().waitForEvent("page"), page.keyboard.press("Enter")]);
  await tab.waitForLoadState();
  assert.equal(tab.url(), FRIEND_URL);
  assert.equal(await tab.locator("h1").innerText(), "外站");
  assert.deepEqual(outside, [FRIEND_URL]);
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(await focused(page), { tag: "A", text: FRIEND, inDialog: false, inFooter: true });
  assert.equal(await tab.evaluate(() => window.opener), null, "the other site gets no handle on this page");
  assert.deepEqual(page.problems, []);
});

test("a link without a target leaves in the same tab after 继续访问; Ctrl+click asks for a new tab", async () => {
  const { page, outside } = await offlinePage();
  await page.goto(h.url("/"));
  await ready(page);
  const away = "https://www.example.cn/zhengce/a.html?x=1#top";
  await addLink(page, away, "外站文章");
  await page.locator("#added-link").click({ modifiers: ["ControlOrMeta"] });
  const dialog = notice(page);
  await dialog.waitFor();
  await page.waitForFunction((url) => document.querySelector(".leave-url")?.textContent === url, away);
  const [tab] = await Promise.all([page.context().waitForEvent("page"), dialog.getByRole("button", { name: "继续访问" }).click()]);
  await tab.waitForLoadState();
  assert.equal(tab.url(), away);
  assert.equal(page.url(), h.url("/"));
  await tab.close();

  await page.locator("#added-link").click();
  await dialog.waitFor();
  await Promise.all([page.waitForURL(away), dialog.getByRole("button", { name: "继续访问" }).click()]);
  assert.equal(await page.locator("h1").innerText(), "外站");
  assert.deepEqual(outside.map((u) => u.replace(/#.*/, "")), [away.replace(/#.*/, ""), away.replace(/#.*/, "")]);
});

test("internal links never show the notice", async () => {
  const { page, outside } = await offlinePage();
  await page.goto(h.url("/"));
  await ready(page);
  // A friendly link to a page of this site.
  await page.locator(".friend-links a", { hasText: "本站法律法规栏目" }).click();
  await page.waitForURL(h.url("/channel/fagui"));
  await ready(page);
  assert.equal(await notice(page).isVisible(), false);
  // The channel navigation, and a full address on this origin.
  await page.locator(".channel-nav a", { hasText: "以案释法" }).click();
  await page.waitForURL(h.url("/channel/yianshifa"));
  await ready(page);
  await addLink(page, h.url("/channel/xinzhou"), "本站绝对地址");
  await page.locator("#added-link").click();
  await page.waitForURL(h.url("/channel/xinzhou"));
  await ready(page);
  assert.equal(await notice(page).isVisible(), false);
  assert.deepEqual(outside, []);
  assert.deepEqual(page.problems, []);
});

test("axe finds no violation with the notice open, in the normal, dark and 长辈模式 themes", async () => {
  for (const [theme, colorScheme, elder] of [["light", "light", false], ["dark", "dark", false], ["elder", "light", true]]) {
    const { page } = await offlinePage(h, { colorScheme, viewport: elder ? { width: 320, height: 640 } : { width: 1280, height: 800 } });
    if (elder) await page.addInitScript(() => localStorage.setItem("pufa.elder", "1"));
    await page.goto(h.url("/"));
    await ready(page);
    await page.locator(".friend-links a", { hasText: FRIEND }).click();
    await notice(page).waitFor();
    await page.waitForFunction(() => document.querySelector(".leave-url")?.textContent);
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    });
    assert.deepEqual(violations, [], theme);
    if (elder) {
      const heights = await page.evaluate(() => [...document.querySelectorAll(".leave-notice button")].map((b) => b.getBoundingClientRect().height));
      assert.ok(heights.every((x) => x >= 44), `buttons ${heights}`);
      assert.ok((await page.evaluate(() => document.querySelector(".leave-notice").getBoundingClientRect().right)) <= 320);
    }
    await page.screenshot({ path: join(ROOT, "tests", "e2e", "screenshots", `leave-notice-${theme}.png`) });
  }
});

test("with leave_notice = false a friendly link opens directly", async () => {
  const dist = join(work, "off");
  cpSync(DIST, dist, { recursive: true });
  const content = `${dist}-content`;
  cpSync(join(ROOT, "tests", "fixtures", "content"), content, { recursive: true });
  const site = join(content, "site.toml");
  writeFileSync(site, readFileSync(site, "utf8").replace("[site]\n", "[site]\nleave_notice = false\n"));
  execFileSync(PUFA, ["build", "--content", content, "--out", join(dist, "data")]);
  const off = await start({ dist });
  try {
    const { page, outside } = await offlinePage(off);
    await page.goto(off.url("/"));
    await ready(page);
    const [tab] = await Promise.all([page.context().waitForEvent("page"), page.locator(".friend-links a", { hasText: FRIEND }).click()]);
    await tab.waitForLoadState();
    assert.equal(tab.url(), FRIEND_URL);
    assert.equal(await notice(page).isVisible(), false);
    assert.deepEqual(outside, [FRIEND_URL]);
    assert.deepEqual(page.problems, []);
  } finally {
    await off.stop();
  }
});
