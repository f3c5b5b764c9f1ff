// Search over keys common enough to have index files of their own
// (issue #10): the fixture content alone has none, so this deployment adds
// 400 bulletins in which 甲乙 and 丙丁 occur often. The search worker
// fetches the list of such keys with meta.json and asks for their files
// at once, without their bucket files; the positions in those files still
// decide which articles hold the words together.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploy, start, text } from "./harness.mjs";

const TOGETHER = 300;
const APART = 100;

let work;
let h;
before(async () => {
  work = mkdtempSync(join(tmpdir(), "pufa-common-"));
  const dist = deploy(join(work, "dist"), (content) => {
    const dir = join(content, "bulletins", "2020");
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < TOGETHER + APART; i++) {
      const line = i < TOGETHER ? "甲乙丙丁，" : "甲乙和丙丁，";
      writeFileSync(
        join(dir, `2020-gongtong-${i}.md`),
        `+++\ntitle = "常用词测试第${i}期"\nchannel = "xinzhou"\npublished = "2020-06-01 10:00"\nsample = true\n+++\n\n${line.repeat(15)}\n`,
      );
    }
  });
  h = await start({ dist });
});
after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

test("words made of common keys are found exactly, from the keys' own files without their buckets", async () => {
  const page = await h.page({ serviceWorkers: "block" });
  const searchFiles = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.includes("/search/")) searchFiles.push(path.replace(/^.*\/search\//, ""));
  });
  await page.goto(h.url(`/search?q=${encodeURIComponent("甲乙丙丁")}`));
  await page.locator(".result-count", { hasText: /^找到 \d+ 条结果$/ }).waitFor();
  // Only the articles holding the four characters together.
  assert.equal(await text(page, ".result-count"), `找到 ${TOGETHER} 条结果`);
  assert.match(await text(page, ".search-results .result-title"), /^常用词测试第\d+期$/);
  assert.ok(searchFiles.includes("own.bin"), searchFiles.join(" "));
  const own = searchFiles.filter((f) => /^[kp]\/\d+-\d+\.bin$/.test(f));
  const buckets = searchFiles.filter((f) => /^[kp]\/\d+\.bin$/.test(f));
  // 甲乙 and 丙丁: each one posting and one positions file; 乙丙 between
  // them is not fetched at all.
  assert.equal(own.length, 4, searchFiles.join(" "));
  assert.deepEqual(buckets, [], searchFiles.join(" "));
  assert.deepEqual(page.problems, []);
});
