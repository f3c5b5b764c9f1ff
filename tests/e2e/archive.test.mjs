// Search over a whole archive (issue #10): 10,000 bulletins published over
// four decades (1990–2025), written from the statute text of
// tests/fixtures/text/statutes.txt, searched in the browser from the index
// pieces `pufa build` wrote. A search reaches every decade, its count and
// date filters are those of the whole archive, and it fetches a few small
// files, not the archive.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploy, ready, resultCount as count, ROOT, start } from "./harness.mjs";

const N = 10000;
const FIRST_YEAR = 1990;
const YEARS = 36; // 1990–2025
const CHANNELS = ["xinzhou", "huangpi", "jiangan", "wuchang", "yianshifa", "fagui"];
// One bulletin in each decade holds this sentence, and no other text does.
const MARK = "本期列为档案抽查样本。";
const MARKED = [3605, 3615, 3625, 3635]; // published in 1995, 2005, 2015, 2025
const WORD = "法律援助机构";

const ARTICLES = readFileSync(join(ROOT, "tests/fixtures/text/statutes.txt"), "utf8")
  .split("\n")
  .filter((l) => /^第.+?条　/.test(l));

/** Bulletin i of the archive: the same for every run. */
function bulletin(i) {
  const year = FIRST_YEAR + (i % YEARS);
  const month = 1 + (Math.floor(i / YEARS) % 12);
  const day = 1 + (Math.floor(i / (YEARS * 12)) % 28);
  const paragraphs = [0, 1, 2].map((k) => ARTICLES[(i * 7 + k) % ARTICLES.length]);
  if (MARKED.includes(i)) paragraphs.push(MARK);
  const title = `法治档案第${i}期：${paragraphs[0].replace(/^第.+?条　/, "").slice(0, 12)}`;
  const published = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")} 09:00`;
  return { id: `dangan-${i}`, year, title, published, channel: CHANNELS[i % CHANNELS.length], paragraphs };
}

const ALL = Array.from({ length: N }, (_, i) => bulletin(i));
/** How many bulletins hold `word` (in the title or the body) in [from, to]. */
const holding = (word, from, to) =>
  ALL.filter((b) => b.year >= from && b.year <= to && (b.title + "\n" + b.paragraphs.join("\n")).includes(word)).length;

let work;
let h;
before(async () => {
  work = mkdtempSync(join(tmpdir(), "pufa-archive-"));
  const dist = deploy(join(work, "dist"), (content) => {
    // The archive alone: the fixture's own bulletins are not in it.
    rmSync(join(content, "bulletins"), { recursive: true, force: true });
    for (const b of ALL) {
      const dir = join(content, "bulletins", String(b.year));
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, `${b.id}.md`),
        `+++\ntitle = "${b.title}"\nchannel = "${b.channel}"\npublished = "${b.published}"\n+++\n\n${b.paragraphs.join("\n\n")}\n`,
      );
    }
  });
  h = await start({ dist });
});
after(async () => {
  await h?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh page (no service worker, so every file is counted) on the
 *  search for `query`; with the search index files it fetched. */
async function search(query) {
  const page = await h.page({ serviceWorkers: "block" });
  const fetched = [];
  page.on("requestfinished", async (r) => {
    const path = new URL(r.url()).pathname;
    if (path.includes("/search/")) fetched.push({ path, bytes: (await r.sizes()).responseBodySize });
  });
  await page.goto(h.url(`/search?${query}`));
  await ready(page);
  return { page, fetched };
}

const years = async (page) =>
  (await page.locator(".search-results time").evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime")))).map(
    (d) => Number(d.slice(0, 4)),
  );

test("a search finds the article of each decade that holds its words, and each opens", async () => {
  const { page, fetched } = await search(`q=${encodeURIComponent("档案抽查样本")}&sort=oldest`);
  assert.equal(await count(page), 4);
  assert.deepEqual(await years(page), [1995, 2005, 2015, 2025]);
  // The index is read in pieces: a few small files, not the archive. Here
  // 13: its description (meta.json, own.bin, the synonyms), the postings
  // and positions of the three pairs that prove the six characters, and
  // the result cards of the four results (four blocks of ten).
  const bytes = fetched.reduce((sum, f) => sum + f.bytes, 0);
  assert.ok(fetched.length <= 16, `${fetched.length} index files fetched: ${fetched.map((f) => f.path).join(" ")}`);
  assert.ok(bytes < 100_000, `${bytes} B of index fetched`);
  for (const [k, i] of MARKED.entries()) {
    const title = page.locator(".search-results .result-title").nth(k);
    assert.equal(await title.innerText(), ALL[i].title);
    await title.click();
    await page.locator(".article-title, h1", { hasText: ALL[i].title }).first().waitFor();
    await ready(page);
    assert.match(await page.locator("main").innerText(), new RegExp(MARK));
    await page.goBack();
    await ready(page);
  }
  assert.deepEqual(page.problems, []);
});

test("counts and date filters are those of the whole archive", async () => {
  const decades = [
    [1990, 1999],
    [2000, 2009],
    [2010, 2019],
    [2020, 2025],
  ];
  const all = holding(WORD, FIRST_YEAR, FIRST_YEAR + YEARS - 1);
  assert.ok(all > 1000, `${WORD} is in ${all} bulletins`);
  const { page } = await search(`q=${encodeURIComponent(WORD)}&sort=oldest`);
  assert.equal(await count(page), all);
  assert.equal((await years(page))[0], FIRST_YEAR);
  for (const [from, to] of decades) {
    await page.goto(h.url(`/search?q=${encodeURIComponent(WORD)}&from=${from}&to=${to}&sort=newest`));
    await ready(page);
    assert.equal(await count(page), holding(WORD, from, to), `${from}–${to}`);
    const shown = await years(page);
    assert.equal(shown[0], to, `the newest of ${from}–${to}`);
    for (const y of shown) assert.ok(y >= from && y <= to, `${y} in ${from}–${to}`);
  }
  assert.deepEqual(page.problems, []);
});
