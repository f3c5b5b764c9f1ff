// Publishing to readers who already have the app (issue #9): one browser
// with the service worker installed, the same server, a new deployment
// between two navigations. Each deployment is a copy of the release build
// whose data/ is rebuilt by `pufa build` from fixture content.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { controlledPage, deploy, nextShell, SEED_ID, SEED_TITLE, shellVersion, start, text } from "./harness.mjs";

const NEW_ID = "2026-xinzhou-xin-fabu-ceshi";
const NEW_TITLE = "新洲区发布的最新一篇普法动态";

let work;
before(() => {
  work = mkdtempSync(join(tmpdir(), "pufa-publish-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

const deployment = (name, change) => deploy(join(work, name), change);

const versionOf = (dist) => JSON.parse(readFileSync(join(dist, "data", "version.json"), "utf8")).version;

function addBulletin(content) {
  const dir = join(content, "bulletins", "2026");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${NEW_ID}.md`),
    `+++\ntitle = "${NEW_TITLE}"\nchannel = "xinzhou"\npublished = "2026-11-29 10:00"\nsample = true\n+++\n\n这是发布之后才有的一篇文章。\n`,
  );
}

test("a publish while a page is open shows on the next navigation, and a link to the new bulletin opens", async () => {
  const v1 = deployment("v1");
  const v2 = deployment("v2", addBulletin);
  assert.notEqual(versionOf(v1), versionOf(v2));
  const h = await start({ dist: v1 });
  try {
    const page = await controlledPage(h, "/");
    assert.ok(!(await page.locator(".newest .item-title").allInnerTexts()).includes(NEW_TITLE));

    h.server.setRoot(v2);
    const data = [];
    page.on("request", (r) => r.url().includes("/data/v/") && data.push(r.url()));
    await page.locator(".channel-nav a", { hasText: "普法动态" }).click();
    await page.waitForURL(h.url("/channel/pufa"));
    assert.equal(await text(page, ".bulletin-list .item-title"), NEW_TITLE);
    await page.locator(".channel-nav a", { hasText: "首页" }).click();
    await page.waitForURL(h.url("/"));
    assert.equal(await text(page, ".newest .item-title"), NEW_TITLE);
    // Every file read after the publish came from the new version.
    assert.ok(data.length > 0);
    assert.deepEqual(data.filter((u) => !u.includes(`/data/v/${versionOf(v2)}/`)), []);

    // A shared link to the new bulletin, in a tab of the same browser.
    const tab = await page.context().newPage();
    await tab.goto(h.url(`/article/${NEW_ID}`));
    assert.equal(await text(tab, "h1"), NEW_TITLE);
    assert.deepEqual(page.problems, []);
  } finally {
    await h.stop();
  }
});

test("a damaged data file is never kept: once the file is right, the first reload shows the page", async () => {
  const dist = deployment("damaged");
  const file = join(dist, "data", "v", versionOf(dist), "article", `${SEED_ID}.json`);
  const good = readFileSync(file, "utf8");
  writeFileSync(file, good.slice(0, good.length / 2));
  // A field this version of the app does not know is not a reason to fail.
  const other = join(dist, "data", "v", versionOf(dist), "article", "2021-xinzhou-bawu-pufa-guihua-qidong.json");
  const extra = JSON.parse(readFileSync(other, "utf8"));
  extra.bulletin_extra = "from a newer compiler";
  writeFileSync(other, JSON.stringify(extra));
  const h = await start({ dist });
  try {
    const page = await controlledPage(h, "/");
    await page.goto(h.url(`/article/${SEED_ID}`));
    assert.equal(await text(page, "[role=alert] h1"), "数据文件有误");
    // One damaged page: the rest of the site still reads.
    await page.goto(h.url("/article/2021-xinzhou-bawu-pufa-guihua-qidong"));
    assert.match(await text(page, "h1"), /八五/);

    writeFileSync(file, good);
    await page.goto(h.url(`/article/${SEED_ID}`));
    assert.equal(await text(page, "h1"), SEED_TITLE);
  } finally {
    await h.stop();
  }
});

test("a path outside the app's routes reaches the network, not the app shell", async () => {
  const dist = deployment("uploads");
  mkdirSync(join(dist, "uploads"));
  writeFileSync(join(dist, "uploads", "guide.pdf"), "%PDF-1.4\n% 普法宣传手册\n");
  const h = await start({ dist });
  try {
    const page = await controlledPage(h, "/");
    // A navigation, which the worker answers with the shell for app routes.
    const nav = await page.goto(h.url("/uploads/guide.pdf"));
    assert.equal(nav.status(), 200);
    assert.equal(nav.headers()["content-type"], "application/pdf");
    const missing = await page.goto(h.url("/uploads/none.pdf"));
    assert.equal(missing.status(), 404);
    assert.notEqual(missing.headers()["content-type"], "text/html; charset=utf-8");
    // Offline it fails as any unreachable file does, never as the app.
    await page.context().setOffline(true);
    await assert.rejects(page.goto(h.url("/uploads/guide.pdf")));
  } finally {
    await h.stop();
  }
});

test("an app meeting data of a newer format offers 立即更新 instead of failing", async () => {
  const v1 = deployment("format-v1");
  // The next deployment: a new app (its shell changed) with data in a
  // format this app cannot read.
  const v2 = deployment("format-v2");
  nextShell(v2);
  const pointer = join(v2, "data", "version.json");
  const next = JSON.parse(readFileSync(pointer, "utf8"));
  next.format += 1;
  writeFileSync(pointer, JSON.stringify(next));

  const h = await start({ dist: v1 });
  try {
    const page = await controlledPage(h, `/article/${SEED_ID}`);

    h.server.setRoot(v2);
    await page.locator(".breadcrumb a", { hasText: "新洲区" }).click();
    await page.waitForURL(h.url("/channel/xinzhou"));
    assert.equal(await text(page, "[role=alert] h1"), "网站已更新");
    assert.match(await text(page, "[role=alert]"), /请点击“立即更新”/);
    // The header still works; nothing says 数据文件有误.
    assert.equal(await page.locator(".site-header .channel-nav a").count(), 4);

    await Promise.all([page.waitForEvent("load"), page.locator("[role=alert] button", { hasText: "立即更新" }).click()]);
    await page.waitForFunction(
      (v) => caches.keys().then((keys) => keys.includes(`pufa-shell-${v}`)),
      shellVersion(v2),
    );
    assert.deepEqual(page.problems, []);
  } finally {
    await h.stop();
  }
});
