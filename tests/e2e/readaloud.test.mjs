// 语音阅读 and 大鼠标 for elderly readers (issue #14, item 5).
//
// Headless Chromium has no voices, so the reading itself runs against a
// stubbed window.speechSynthesis (installed before the app starts): it
// records every call, starts utterances asynchronously and ends one only
// when the test says so (`finish`), so each step is awaited on the stub's
// log, never on time.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ready, ROOT, SEED_ID, SHOTS, start } from "./harness.mjs";

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** A fixture bulletin with headings, both kinds of list and a picture. */
const LIST_ID = "2015-fagui-tupian-liebiao-shili";
const LIST_PIECES = [
  "法律法规宣传资料发放清单（示例）",
  "本文是测试用的示例内容，用来检查列表和图片的显示。",
  "一、发放的资料",
  "《中华人民共和国宪法》单行本",
  "《中华人民共和国民法典》问答手册",
  "反电信网络诈骗宣传折页",
  "二、发放步骤",
  "登记领取人数",
  "按社区分发",
  "收集群众意见",
  "图片：宣传现场的红色展板",
];
const NO_VOICE = "本浏览器没有中文语音，无法朗读";
const ZH = { name: "普通话（中国大陆）", lang: "zh-CN", localService: true, default: false, voiceURI: "zh-CN" };
const EN = { name: "English", lang: "en-US", localService: true, default: true, voiceURI: "en-US" };

let h;
before(async () => {
  h = await start();
});
after(async () => {
  await h?.stop();
});

/** The fake speech synthesis, run in the page before its scripts. Like
 *  Chrome, the voice list is empty until first asked for and announced by
 *  `voiceschanged`; `cancel()` fails the dropped utterances with
 *  "interrupted"/"canceled" and leaves a paused synthesizer paused. */
function stub({ voices, late = true, missing = false }) {
  if (missing) {
    delete window.speechSynthesis;
    delete Window.prototype.speechSynthesis;
    delete window.SpeechSynthesisUtterance;
    return;
  }
  const log = [];
  const state = { current: null, queue: [], paused: false };
  const fire = (u, type, extra = {}) => {
    const ev = new Event(type);
    Object.assign(ev, { utterance: u, charIndex: 0, elapsedTime: 0, name: "" }, extra);
    u.dispatchEvent(ev);
    if (typeof u[`on${type}`] === "function") u[`on${type}`](ev);
  };
  class Utterance extends EventTarget {
    constructor(text = "") {
      super();
      Object.assign(this, { text, lang: "", voice: null, rate: 1, pitch: 1, volume: 1 });
      for (const e of ["start", "end", "error", "pause", "resume", "boundary", "mark"]) this[`on${e}`] = null;
    }
  }
  let loaded = !late;
  class Synth extends EventTarget {
    get speaking() {
      return state.current !== null;
    }
    get pending() {
      return state.queue.length > 0;
    }
    get paused() {
      return state.paused;
    }
    getVoices() {
      if (!loaded) {
        loaded = true;
        setTimeout(() => this.dispatchEvent(new Event("voiceschanged")));
        return [];
      }
      return voices.map((v) => ({ ...v }));
    }
    speak(u) {
      log.push({ type: "speak", text: u.text, rate: u.rate, lang: u.lang, voice: u.voice ? u.voice.lang : null });
      state.queue.push(u);
      this.run();
    }
    run() {
      if (state.current || state.paused || !state.queue.length) return;
      const u = (state.current = state.queue.shift());
      setTimeout(() => {
        if (state.current !== u) return;
        log.push({ type: "start", text: u.text });
        fire(u, "start");
      });
    }
    pause() {
      log.push({ type: "pause" });
      state.paused = true;
    }
    resume() {
      log.push({ type: "resume" });
      state.paused = false;
      this.run();
    }
    cancel() {
      log.push({ type: "cancel" });
      const dropped = [state.current, ...state.queue].filter(Boolean);
      state.current = null;
      state.queue = [];
      setTimeout(() => dropped.forEach((u, i) => fire(u, "error", { error: i ? "canceled" : "interrupted" })));
    }
  }
  const synth = new Synth();
  Object.defineProperty(window, "speechSynthesis", { configurable: true, get: () => synth });
  window.SpeechSynthesisUtterance = Utterance;
  window.__speech = {
    log,
    /** The utterance being said ends; resolves once its handlers ran. */
    finish: () =>
      new Promise((done) =>
        setTimeout(() => {
          const u = state.current;
          state.current = null;
          if (u) {
            log.push({ type: "end", text: u.text });
            fire(u, "end");
          }
          synth.run();
          done();
        }),
      ),
  };
}

async function stubbedPage(options = {}, { voices = [EN, ZH], ...rest } = {}) {
  const page = await h.page(options);
  await page.addInitScript(stub, { voices, ...rest });
  return page;
}

const speaks = (page) => page.evaluate(() => window.__speech.log.filter((e) => e.type === "speak"));
const types = (page) => page.evaluate(() => window.__speech.log.map((e) => e.type));
const finish = (page) => page.evaluate(() => window.__speech.finish());
/** Wait until the stub has started the n-th utterance (1-based). */
const started = (page, n) =>
  page.waitForFunction((n) => window.__speech.log.filter((e) => e.type === "start").length >= n, n);
/** Wait until the stub's log has an entry of `type` after position `from`. */
const logged = (page, type, from = 0) =>
  page.waitForFunction(([type, from]) => window.__speech.log.slice(from).some((e) => e.type === type), [type, from]);
/** The highlighted pieces: their number and what is said for them. */
const highlighted = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".article .reading")].map((el) => ({
      piece: el.dataset.piece,
      current: el.getAttribute("aria-current"),
      text: el.tagName === "FIGURE" ? `图片：${el.querySelector("img").alt}` : el.textContent.trim(),
    })),
  );
const status = (page) => page.locator(".read-status").innerText();
const mainButton = (page) => page.locator(".read-main");

async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
  });
}

test("without a Chinese voice the 朗读 control says so and is disabled", async () => {
  // Headless Chromium as it is: speech synthesis without voices.
  const plain = await h.page();
  await plain.goto(h.url(`/article/${SEED_ID}`));
  await ready(plain);
  await plain.waitForSelector(`.read-note:text("${NO_VOICE}")`);
  assert.equal(await mainButton(plain).isDisabled(), true);
  assert.equal(await mainButton(plain).innerText(), "朗读");
  assert.equal(await mainButton(plain).getAttribute("aria-describedby"), "read-aloud-note");
  assert.deepEqual(plain.problems, []);

  // Voices, but none of them Chinese.
  const english = await stubbedPage({}, { voices: [EN] });
  await english.goto(h.url(`/article/${SEED_ID}`));
  await ready(english);
  await english.waitForSelector(`.read-note:text("${NO_VOICE}")`);
  assert.equal(await mainButton(english).isDisabled(), true);
  assert.equal(await english.locator(".read-rate").count(), 0, "no 语速 without a voice");

  // No speech synthesis at all.
  const none = await stubbedPage({}, { missing: true });
  await none.goto(h.url(`/article/${SEED_ID}`));
  await ready(none);
  await none.waitForSelector('.read-note:text("本浏览器不支持语音朗读")');
  assert.equal(await mainButton(none).isDisabled(), true);
  assert.deepEqual([...english.problems, ...none.problems], []);
});

test("朗读 reads the title, then every heading, paragraph, list item and picture in order, highlighting each", async () => {
  const page = await stubbedPage();
  await page.goto(h.url(`/article/${LIST_ID}`));
  await ready(page);
  // The voice list arrives with voiceschanged, as in Chrome.
  await page.waitForSelector(".read-main:enabled");
  assert.equal(await page.locator(".read-note").innerText(), "");
  assert.equal(await status(page), "");
  assert.deepEqual(await highlighted(page), []);
  await page.getByRole("button", { name: "朗读", exact: true }).click();
  for (const [i, text] of LIST_PIECES.entries()) {
    await started(page, i + 1);
    assert.deepEqual(await highlighted(page), [{ piece: String(i), current: "true", text }], `piece ${i}`);
    assert.equal(await status(page), i === 0 ? "正在朗读标题" : `正在朗读第 ${i} 段，共 ${LIST_PIECES.length - 1} 段`);
    assert.equal(await mainButton(page).innerText(), "暂停");
    await finish(page);
  }
  await page.waitForSelector('.read-status:text("朗读完毕")');
  const said = await speaks(page);
  assert.deepEqual(said.map((s) => s.text), LIST_PIECES);
  for (const s of said) {
    assert.equal(s.voice, "zh-CN", "the Chinese voice, not the default English one");
    assert.equal(s.lang, "zh-CN");
    assert.equal(s.rate, 1);
  }
  assert.deepEqual(await highlighted(page), []);
  assert.equal(await mainButton(page).innerText(), "朗读");
  await page.screenshot({ path: join(SHOTS, "read-aloud-done.png") });
  assert.deepEqual(page.problems, []);
});

test("朗读 pressed on the pre-rendered page, before the app has started, reads once the app is there", async () => {
  const page = await stubbedPage();
  await page.goto(h.url(`/article/${LIST_ID}`));
  await page.waitForSelector("#boot[data-prerendered] .read-main");
  assert.equal(await page.locator("#app").count(), 0, "no app yet");
  // Offered, not 正在查找: pressing it is what starts the app.
  assert.equal(await page.locator("#boot .read-main").isEnabled(), true);
  assert.equal(await page.locator("#boot .read-note").innerText(), "");
  await page.locator("#boot .read-main").click();
  await started(page, 1);
  assert.equal(await page.locator("#boot").count(), 0, "the app took the page over");
  assert.equal(await status(page), "正在朗读标题");
  assert.equal(await mainButton(page).innerText(), "暂停");
  assert.deepEqual((await speaks(page)).map((s) => s.text), [LIST_PIECES[0]], "one reading, not two");
  assert.deepEqual(await highlighted(page), [{ piece: "0", current: "true", text: LIST_PIECES[0] }]);
  assert.deepEqual(page.problems, []);
});

test("暂停 holds the reading, 继续 goes on, 语速 applies to the next piece and is remembered", async () => {
  const page = await stubbedPage();
  await page.goto(h.url(`/article/${LIST_ID}`));
  await ready(page);
  await page.waitForSelector(".read-main:enabled");
  assert.equal(await page.getByRole("button", { name: "正常" }).getAttribute("aria-pressed"), "true");
  await page.getByRole("button", { name: "朗读", exact: true }).click();
  await started(page, 1);
  await finish(page);
  await started(page, 2);

  // 暂停 and 继续 in the middle of a piece: the same utterance goes on.
  await page.getByRole("button", { name: "暂停" }).click();
  await page.waitForSelector('.read-status:text("已暂停")');
  assert.equal((await types(page)).at(-1), "pause");
  assert.equal(await page.evaluate(() => window.speechSynthesis.paused), true);
  assert.deepEqual(await highlighted(page), [{ piece: "1", current: "true", text: LIST_PIECES[1] }], "the paused piece stays marked");
  await page.getByRole("button", { name: "继续" }).click();
  await page.waitForSelector(`.read-status:text("正在朗读第 1 段，共 10 段")`);
  assert.deepEqual((await types(page)).slice(-2), ["pause", "resume"]);
  assert.equal((await speaks(page)).length, 2, "继续 does not start the piece again");

  // 暂停 just as a piece ends: nothing new is said until 继续.
  await page.getByRole("button", { name: "暂停" }).click();
  await page.waitForSelector('.read-status:text("已暂停")');
  await finish(page);
  assert.equal((await speaks(page)).length, 2, "no new utterance while paused");
  assert.equal(await mainButton(page).innerText(), "继续");

  // 语速 快 while paused: the next piece is said faster.
  await page.getByRole("button", { name: "快" }).click();
  assert.equal(await page.getByRole("button", { name: "快" }).getAttribute("aria-pressed"), "true");
  assert.equal(await page.getByRole("button", { name: "正常" }).getAttribute("aria-pressed"), "false");
  await page.getByRole("button", { name: "继续" }).click();
  await started(page, 3);
  const said = await speaks(page);
  assert.equal(said.length, 3);
  assert.equal(said[2].text, LIST_PIECES[2]);
  assert.ok(Math.abs(said[2].rate - 1.3) < 1e-6, `rate ${said[2].rate}`);
  assert.ok(Math.abs(said[1].rate - 1) < 1e-6);
  assert.deepEqual(await highlighted(page), [{ piece: "2", current: "true", text: LIST_PIECES[2] }]);

  // 慢, then 停止.
  await page.getByRole("button", { name: "慢" }).click();
  await finish(page);
  await started(page, 4);
  assert.ok(Math.abs((await speaks(page))[3].rate - 0.8) < 1e-6);
  const before = (await types(page)).length;
  await page.getByRole("button", { name: "停止" }).click();
  await page.waitForSelector('.read-status:text("已停止朗读")');
  assert.ok((await types(page)).slice(before).includes("cancel"));
  assert.deepEqual(await highlighted(page), []);
  assert.equal(await page.getByRole("button", { name: "停止" }).getAttribute("aria-disabled"), "true");
  assert.equal(await page.evaluate(() => localStorage.getItem("pufa.speechRate")), "slow");

  // The 语速 is remembered.
  await page.reload();
  await ready(page);
  await page.waitForSelector(".read-main:enabled");
  assert.equal(await page.getByRole("button", { name: "慢" }).getAttribute("aria-pressed"), "true");
  assert.deepEqual(page.problems, []);
});

test("reading stops when the reader goes to another page or the page is hidden", async () => {
  const page = await stubbedPage();
  await page.goto(h.url(`/article/${LIST_ID}`));
  await ready(page);
  await page.waitForSelector(".read-main:enabled");
  await page.getByRole("button", { name: "朗读", exact: true }).click();
  await started(page, 1);
  await finish(page);
  await started(page, 2);

  // Another article, through 上一篇/下一篇.
  const mark = (await types(page)).length;
  await page.locator(".prev-next a").first().click();
  await logged(page, "cancel", mark);
  await page.waitForFunction((id) => !location.pathname.endsWith(id), LIST_ID);
  await ready(page);
  await page.waitForSelector(".read-main:enabled");
  assert.deepEqual(await highlighted(page), []);
  assert.equal(await page.evaluate(() => window.speechSynthesis.speaking), false);
  assert.equal(await mainButton(page).innerText(), "朗读");
  assert.equal((await speaks(page)).length, 2, "nothing said after leaving");

  // The page being hidden (another app, bfcache) stops it too.
  await page.getByRole("button", { name: "朗读", exact: true }).click();
  await started(page, 3);
  const hide = (await types(page)).length;
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: true })));
  await logged(page, "cancel", hide);
  await page.waitForSelector('.read-status:text("已停止朗读")');
  assert.deepEqual(await highlighted(page), []);

  // Home: the article is gone, and so is its reader.
  await page.getByRole("button", { name: "朗读", exact: true }).click();
  await started(page, 4);
  const home = (await types(page)).length;
  await page.locator(".breadcrumb a").first().click();
  await logged(page, "cancel", home);
  await ready(page);
  await page.waitForSelector(".newest");
  assert.equal(await page.locator(".read-aloud").count(), 0);
  assert.equal((await speaks(page)).length, 4);
  assert.deepEqual(page.problems, []);
});

test("the reading controls and the highlight pass axe in the normal, 长辈模式 and dark themes", async () => {
  for (const [mode, options, elder] of [
    ["normal", { colorScheme: "light" }, false],
    ["elder", { colorScheme: "light" }, true],
    ["dark", { colorScheme: "dark" }, false],
    ["elder-dark", { colorScheme: "dark" }, true],
  ]) {
    const page = await stubbedPage(options);
    if (elder) await page.addInitScript(() => localStorage.setItem("pufa.elder", "1"));
    await page.goto(h.url(`/article/${LIST_ID}`));
    await ready(page);
    await page.waitForSelector(".read-main:enabled");
    await page.getByRole("button", { name: "朗读", exact: true }).click();
    for (let i = 1; i <= 3; i++) {
      await started(page, i);
      if (i < 3) await finish(page);
    }
    // A heading is marked: its colour on the highlight must stay readable.
    assert.deepEqual(await highlighted(page), [{ piece: "2", current: "true", text: LIST_PIECES[2] }]);
    assert.deepEqual(await axe(page), [], `${mode}, reading`);
    await page.getByRole("button", { name: "暂停" }).click();
    await page.waitForSelector('.read-status:text("已暂停")');
    assert.deepEqual(await axe(page), [], `${mode}, paused`);
    await page.screenshot({ path: join(SHOTS, `read-aloud-${mode}.png`) });
    assert.deepEqual(page.problems, []);
  }
});

test("大鼠标 is a 长辈模式 switch, applies a large cursor and is there before the first paint", async () => {
  const page = await h.page();
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(h.url(`/article/${SEED_ID}`));
  await ready(page);
  const cursorSwitch = page.getByRole("switch", { name: /大鼠标/ });
  const cursors = () =>
    page.evaluate(() => ({
      attr: document.documentElement.getAttribute("data-cursor"),
      body: getComputedStyle(document.body).cursor,
      link: getComputedStyle(document.querySelector(".breadcrumb a")).cursor,
      button: getComputedStyle(document.querySelector(".elder-switch")).cursor,
    }));
  assert.equal(await cursorSwitch.count(), 0, "only offered in 长辈模式");
  await page.getByRole("switch", { name: /长辈模式/ }).click();
  assert.equal(await cursorSwitch.getAttribute("aria-checked"), "false");
  assert.equal((await cursors()).body, "auto");

  await cursorSwitch.click();
  assert.equal(await cursorSwitch.getAttribute("aria-checked"), "true");
  const on = await cursors();
  assert.equal(on.attr, "large");
  assert.match(on.body, /^url\("data:image\/svg\+xml,.*"\) 4 3, auto$/);
  assert.match(on.link, /^url\("data:image\/svg\+xml,.*"\) 17 4, pointer$/);
  assert.match(on.button, /^url\("data:image\/svg\+xml,.*"\) 17 4, pointer$/);
  assert.notEqual(on.body, on.link, "a hand over links and buttons");
  // The page's CSP lets cursor images from data: URLs load (img-src).
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(csp, /img-src[^;]*\bdata:/);
  await page.mouse.move(300, 300);
  await page.locator(".breadcrumb a").first().hover();
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.equal(await page.evaluate(() => localStorage.getItem("pufa.cursor")), "large");

  // A later visit has it on <html> before the app runs.
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      window.__early = {
        cursor: document.documentElement.getAttribute("data-cursor"),
        elder: document.documentElement.hasAttribute("data-elder"),
        // The app's header, not the pre-rendered page's.
        app: document.querySelector(".site-header:not(#boot *)") !== null,
      };
    });
  });
  await page.reload();
  await ready(page);
  assert.deepEqual(await page.evaluate(() => window.__early), { cursor: "large", elder: true, app: false });
  assert.match((await cursors()).body, /^url\("data:image\/svg\+xml/);
  assert.equal(await cursorSwitch.getAttribute("aria-checked"), "true");
  await page.screenshot({ path: join(SHOTS, "large-cursor-elder.png") });

  // Without 长辈模式 the normal cursor is back; with it again, the large one.
  await page.getByRole("switch", { name: /长辈模式/ }).click();
  assert.equal(await cursorSwitch.count(), 0);
  assert.equal((await cursors()).body, "auto");
  await page.getByRole("switch", { name: /长辈模式/ }).click();
  assert.match((await cursors()).body, /^url\("data:image\/svg\+xml/);
  await cursorSwitch.click();
  assert.equal(await cursorSwitch.getAttribute("aria-checked"), "false");
  const off = await cursors();
  assert.deepEqual([off.attr, off.body], [null, "auto"]);
  assert.equal(await page.evaluate(() => localStorage.getItem("pufa.cursor")), null);
  assert.deepEqual(page.problems, []);
});
