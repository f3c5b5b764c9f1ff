// Moving in (issue #12): an office with no bulletins yet imports the old
// CMS's saved pages and a Word file with `pufa import`, builds, and the
// imported articles open in the portal like any other: the seed page
// word for word in 普法动态 > 新洲区, a GBK page with its 来源 and
// 浏览次数, the Word file with its headings, list and image.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploy, PUFA, ROOT, SEED_TITLE, SHOTS, start, text } from "./harness.mjs";

const FIXTURES = join(ROOT, "tests", "fixtures", "import");
const SEED_ID = "cms-000_2a560b80ea02a09f";

let work;
before(() => {
  work = mkdtempSync(join(tmpdir(), "pufa-import-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

function moveIn(content) {
  // A new office: the fixture site, none of its bulletins.
  rmSync(join(content, "bulletins"), { recursive: true, force: true });
  const args = ["--content", content, join(FIXTURES, "pages"), join(FIXTURES, "word", "bulletin.docx")];
  const word = ["--channel", "普法动态 > 新洲区", "--published", "2024-03-01 16:00"];
  execFileSync(PUFA, ["import", ...args, ...word], { stdio: ["ignore", "pipe", "pipe"] });
  // Safe to run again: nothing changes.
  const again = execFileSync(PUFA, ["import", ...args, ...word], { stdio: ["ignore", "pipe", "pipe"] }).toString();
  assert.match(again, /新建 0 篇，更新 0 篇，未变 5 篇，跳过 0 个文件/);
  execFileSync(PUFA, ["check", "--content", content], { stdio: ["ignore", "pipe", "pipe"] });
}

test("imported old CMS pages and a Word file open in the portal", async () => {
  const dist = deploy(join(work, "site"), moveIn);
  const h = await start({ dist });
  try {
    const page = await h.page();
    await page.goto(h.url(`/article/${SEED_ID}`));
    assert.equal(await text(page, "h1"), SEED_TITLE);
    assert.equal(await text(page, ".breadcrumb"), "您当前所在的位置：主页 > 普法动态 > 新洲区 > 正文");
    assert.equal(await text(page, ".published"), "发布时间：2021-07-26 09:33");
    assert.equal(await text(page, ".views"), "浏览次数：未知");
    assert.deepEqual(await page.locator(".article-body h2").allInnerTexts(), [
      "一、建章立制,“三个加强”压实责任",
      "二、固本强基,“三大活动”提升实效",
      "三、服务大局,“三个结合”强化成果",
    ]);
    assert.equal(await page.locator(".article-body p").count(), 12);
    await page.screenshot({ path: join(SHOTS, "import-seed.png"), fullPage: true });

    // From the channel list to the GBK page.
    await page.goto(h.url("/channel/xinzhou"));
    await page.locator(".bulletin-list a", { hasText: "宪法宣传周" }).click();
    await page.waitForURL(h.url("/article/cms-xinzhou-1024"));
    assert.equal(await text(page, "h1"), "新洲区开展“宪法宣传周”集中宣传活动");
    assert.match(await text(page, ".article"), /新洲区司法局/);
    assert.equal(await text(page, ".views"), "浏览次数：1024");
    assert.doesNotMatch(await page.locator(".article-body").innerText(), /分享|统计代码|分隔线/);

    // The Word file, with its image and alt text.
    await page.goto(h.url("/article/word-20240301-12e4eb0d"));
    assert.equal(await text(page, "h1"), "新洲区召开2024年度普法依法治理工作会议");
    assert.deepEqual(await page.locator(".article-body ul li").allInnerTexts(), [
      "深入学习宣传习近平法治思想",
      "突出宣传宪法和民法典",
      "推进“法律明白人”培养工程",
    ]);
    assert.equal(await page.locator(".article-body img").getAttribute("alt"), "会议现场");
    await page.waitForFunction(() => document.querySelector(".article-body img").naturalWidth === 8);
    assert.deepEqual(page.problems, []);
  } finally {
    await h.stop();
  }
});
