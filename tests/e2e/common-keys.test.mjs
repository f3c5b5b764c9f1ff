// Search over keys common enough to have index files of their own
// (issue #10): the fixture content alone has none, so this deployment adds
// 400 bulletins in which 甲乙 and 丙丁 occur often. The search worker
// fetches the list of such keys with meta.json and asks for their files
// at once, without their bucket files; the positions in those files still
// decide which articles hold the words together. 600 more make 戊己庚辛
// a frequent title term whose pairs 戊己 and 庚辛 fill every body (so
// common that their trigrams carry their positions), and which fills a
// third of the bodies itself (so the positions of 戊己庚 and 己庚辛 that
// would prove it are large too): the compiler indexes it whole (a
// phrase), and a search for it fetches one posting, with the cards of its
// first page, and no positions.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploy, start, text } from "./harness.mjs";

const TOGETHER = 300;
const APART = 100;
const PHRASE_DOCS = 600;
// Titles holding 戊己庚辛 (i < 200) and bodies holding it (i % 3 == 0).
const PHRASE_HITS = [...Array(PHRASE_DOCS).keys()].filter((i) => i < 200 || i % 3 === 0).length;

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
    for (let i = 0; i < PHRASE_DOCS; i++) {
      const title = i < 200 ? `戊己庚辛第${i}期` : `词组测试第${i}期`;
      const body = i % 3 === 0 ? "戊己庚辛，".repeat(200) : "戊己和庚辛，".repeat(70);
      writeFileSync(
        join(dir, `2020-cizu-${i}.md`),
        `+++\ntitle = "${title}"\nchannel = "xinzhou"\npublished = "2020-05-01 10:00"\nsample = true\n+++\n\n${body}\n`,
      );
    }
  });
  h = await start({ dist });
});
after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A cold search for `words` in a fresh page, until its count shows; with
 *  the index files it requested (paths under search/). */
async function search(words) {
  const page = await h.page({ serviceWorkers: "block" });
  const searchFiles = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.includes("/search/")) searchFiles.push(path.replace(/^.*\/search\//, ""));
  });
  await page.goto(h.url(`/search?q=${encodeURIComponent(words)}`));
  await page.locator(".result-count", { hasText: /^找到 \d+ 条结果$/ }).waitFor();
  return { page, searchFiles };
}

test("words made of common keys are found exactly, from the keys' own files without their buckets", async () => {
  const { page, searchFiles } = await search("甲乙丙丁");
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

test("a frequent term is found from one file of its own, with no positions fetched", async () => {
  const { page, searchFiles } = await search("戊己庚辛");
  assert.equal(await text(page, ".result-count"), `找到 ${PHRASE_HITS} 条结果`);
  // Title matches first.
  assert.match(await text(page, ".search-results .result-title"), /^戊己庚辛第\d+期$/);
  const index = searchFiles.filter((f) => /^[kp]\//.test(f));
  assert.equal(index.length, 1, searchFiles.join(" "));
  assert.match(index[0], /^k\/\d+-\d+\.bin$/, searchFiles.join(" "));
  // The first page's cards came in that file too: no card file.
  assert.deepEqual(searchFiles.filter((f) => f.startsWith("card/")), [], searchFiles.join(" "));
  assert.equal(await page.locator(".search-results .result-title").count(), 10);
  assert.deepEqual(page.problems, []);
});
