#!/usr/bin/env node
// Node half of scripts/bench-search.sh (issue #10, "Search over the whole
// archive"): our prebuilt search index against Pagefind 1.6 on the same
// generated content and the same queries, in Debian's Chromium driven by
// playwright-core (no browser download). Prints figures; not a test.
//
// Usage:
//   node scripts/bench-search.mjs site CONTENT_DIR SITE_DIR
//       one static HTML page per bulletin for Pagefind (SITE_DIR/a/<id>.html:
//       <html lang="zh-CN">, the title in <h1>, the body's headings,
//       paragraphs and lists, data-pagefind-body on the <article>) and the
//       results page SITE_DIR/search.html, which imports /pagefind/pagefind.js
//   node scripts/bench-search.mjs run CONTENT_DIR OURS_ORIGIN PAGEFIND_ORIGIN PAGEFIND_DIR BUILD_JSON
//       queries, substring oracle, the browser measurements and the table.
//       BUILD_JSON: build figures written by bench-search.sh
//
// Env: QUERIES (sampled queries, default 50), SEED (default 42),
//      MAX_ENUM (results up to which our result set is read page by page in
//      full, default 200), WARM (queries typed for the per-keystroke part,
//      default 12), BENCH_VERBOSE=1 (per-query lines), CHROMIUM.
//
// What is measured (see docs/search-benchmark.md for the definitions):
//   oracle     for each query, the bulletins whose folded title or folded
//              body contains it (`includes`), folding as docs/search.md
//              says: NFKC per character, traditional → simplified with the
//              TSCharacters table of the hanconv crate (read from the cargo
//              registry; skipped with a note if absent), lower case, every
//              run of characters that are not letters or digits → one space.
//              The title and the body are separate strings (no match spans
//              them). Body = the Markdown blocks' text (`## `, `1. `
//              markers removed).
//   cold       a new browser context (empty cache, service worker blocked);
//              the search page is loaded and its index description fetched
//              (ours: /search, the search worker and meta.json; Pagefind: search.html,
//              pagefind.js and `pagefind.init()`); then the query is typed
//              (ours: the whole query as one input event in
//              #site-search-input; Pagefind: `pagefind.search(q)`) and the
//              clock runs until results show (ours: the result count and the
//              first result's title in the DOM; Pagefind: search() resolved
//              and the first result's `.data()` loaded). Requests and bytes
//              (Resource Timing transferSize: encoded body + headers) are
//              those that start after the input and end before results show.
//              "full": until all shown results have their snippet (ours: the
//              10 article files; Pagefind: `.data()` of the first 10).
//   warm       in the page of the last cold query, WARM queries typed one
//              character per input event, the next one once the results of
//              the last are shown and drawn (two animation frames):
//              input → results shown, each keystroke
//              (pieces not yet fetched are fetched: localhost network
//              included). "retype": the same queries typed again, every
//              piece already in memory.

import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";

const [mode, ...args] = process.argv.slice(2);

// ---------------------------------------------------------------- content

/** Every bulletin of a generated content tree: { id, title, blocks } with
 *  blocks = the Markdown body's block texts. Sorted by id. */
function readContent(content) {
  const root = join(content, "bulletins");
  const docs = [];
  for (const year of readdirSync(root).sort()) {
    for (const f of readdirSync(join(root, year)).sort()) {
      if (!f.endsWith(".md")) continue;
      const text = readFileSync(join(root, year, f), "utf8");
      const m = text.match(/^\+\+\+\n([\s\S]*?)\n\+\+\+\n([\s\S]*)$/);
      if (!m) throw new Error(`${f}: no front matter`);
      const title = JSON.parse(m[1].match(/^title = (".*")$/m)[1]);
      const blocks = [];
      let list = null;
      for (const raw of m[2].split("\n")) {
        const line = raw.trim();
        if (!line) {
          list = null;
          continue;
        }
        let h;
        if ((h = line.match(/^#{1,6}\s+(.*)$/))) {
          blocks.push({ kind: "h", text: h[1] });
          list = null;
        } else if ((h = line.match(/^(?:\d+[.)]|[-*+])\s+(.*)$/))) {
          if (!list) blocks.push((list = { kind: "ol", items: [] }));
          list.items.push(h[1]);
        } else {
          blocks.push({ kind: "p", text: line });
          list = null;
        }
      }
      docs.push({ id: f.replace(/\.md$/, ""), title, blocks });
    }
  }
  return docs;
}

const blockText = (b) => (b.kind === "ol" ? b.items.join("\n") : b.text);

// ---------------------------------------------------------------- folding

/** The trad → simp table of docs/search.md step 3, from the hanconv crate in
 *  the cargo registry (the same file the core's build script reads). */
function loadTs() {
  const reg = join(process.env.CARGO_HOME || join(homedir(), ".cargo"), "registry", "src");
  try {
    for (const index of readdirSync(reg)) {
      for (const crate of readdirSync(join(reg, index)).filter((c) => c.startsWith("hanconv-")).sort().reverse()) {
        const file = join(reg, index, crate, "data", "TSCharacters.txt");
        if (!existsSync(file)) continue;
        const table = new Map();
        for (const line of readFileSync(file, "utf8").split("\n")) {
          const [from, to] = line.split("\t");
          if (!from || !to || [...from].length !== 1) continue;
          const pick = to.split(" ").find((c) => c !== from && [...c].length === 1);
          if (pick) table.set(from, pick);
        }
        // Chains are followed to their end.
        for (const [k] of table) {
          let v = table.get(k);
          const seen = new Set([k]);
          while (table.has(v) && !seen.has(v)) {
            seen.add(v);
            v = table.get(v);
          }
          table.set(k, v);
        }
        return { table, source: `${crate}/data/TSCharacters.txt` };
      }
    }
  } catch {}
  return { table: new Map(), source: null };
}
const TS = loadTs();
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** docs/search.md, "How text is matched", step 1 (radicals supplement
 *  excepted: the statute text has none). */
function fold(text) {
  let out = "";
  let space = true;
  for (const ch of text) {
    for (let c of ch.normalize("NFKC")) {
      c = TS.table.get(c) ?? c;
      const lower = c.toLowerCase();
      if ([...lower].length === 1) c = lower;
      if (LETTER_OR_DIGIT.test(c)) {
        out += c;
        space = false;
      } else if (!space) {
        out += " ";
        space = true;
      }
    }
  }
  return out.endsWith(" ") ? out.slice(0, -1) : out;
}

// ---------------------------------------------------------------- site

function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function writeSite(content, site) {
  const docs = readContent(content);
  mkdirSync(join(site, "a"), { recursive: true });
  for (const d of docs) {
    const body = d.blocks
      .map((b) =>
        b.kind === "h"
          ? `<h2>${escapeHtml(b.text)}</h2>`
          : b.kind === "p"
            ? `<p>${escapeHtml(b.text)}</p>`
            : `<ol>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ol>`,
      )
      .join("\n");
    const html = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${escapeHtml(d.title)}</title></head>
<body>
<article data-pagefind-body>
<h1>${escapeHtml(d.title)}</h1>
${body}
</article>
</body>
</html>
`;
    writeFileSync(join(site, "a", `${d.id}.html`), html);
  }
  writeFileSync(
    join(site, "search.html"),
    `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>Pagefind</title></head>
<body>
<input id="q" type="search">
<script type="module">
window.pagefind = await import("/pagefind/pagefind.js");
window.pfLoaded = true;
</script>
</body>
</html>
`,
  );
  console.log(`site: ${docs.length} pages in ${site}`);
}

// ---------------------------------------------------------------- queries

function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXED = ["普法", "法律", "人民政府", "民法典", "行政处罚"];
const HAN_RUN = /\p{Script=Han}+/gu;

/** QUERIES queries of 2–6 Han characters cut from random bulletins' folded
 *  text (lengths in turn), then the fixed ones; no duplicates. */
function sampleQueries(docs, n, seed) {
  const rnd = mulberry32(seed);
  const out = [];
  const seen = new Set();
  let tries = 0;
  while (out.length < n && tries++ < n * 100) {
    const len = 2 + (out.length % 5);
    const d = docs[Math.floor(rnd() * docs.length)];
    const runs = (rnd() < 0.15 ? d.foldedTitle : d.foldedBody).match(HAN_RUN) || [];
    const long = runs.filter((r) => [...r].length >= len);
    if (!long.length) continue;
    const run = [...long[Math.floor(rnd() * long.length)]];
    const at = Math.floor(rnd() * (run.length - len + 1));
    const q = run.slice(at, at + len).join("");
    if (seen.has(q) || FIXED.includes(q)) continue;
    seen.add(q);
    out.push(q);
  }
  return [...out, ...FIXED];
}

// ---------------------------------------------------------------- stats

const quantile = (xs, p) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
  return s[i];
};
const median = (xs) => quantile(xs, 0.5);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------- browser

const LAUNCH = {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

/** Every finished request of a browser context (workers' too, which
 *  Resource Timing in the page does not see): epoch ms at its start and
 *  end, and its bytes as received (encoded body + headers). */
function netLog(context) {
  const log = [];
  const pending = [];
  context.on("requestfinished", (r) => {
    const seen = Date.now();
    pending.push(
      r.sizes().then(
        (sizes) => {
          const t = r.timing();
          const end = t.responseEnd >= 0 ? t.startTime + t.responseEnd : seen;
          log.push({ url: r.url(), start: t.startTime, end, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
        },
        () => {},
      ),
    );
  });
  return { log, settle: () => Promise.all(pending) };
}

/** Requests under `prefix` that started at or after page time t0 and ended
 *  by page time t1. */
async function between(ctx, t0, t1, prefix) {
  await ctx.page.waitForTimeout(50);
  await ctx.net.settle();
  const origin = await ctx.page.evaluate(() => performance.timeOrigin);
  const rs = ctx.net.log.filter((r) => new URL(r.url).pathname.startsWith(prefix) && r.start >= origin + t0 - 1 && r.end <= origin + t1 + 1);
  const lastEnd = rs.length ? Math.max(...rs.map((r) => r.end)) - origin : t0;
  return { n: rs.length, lastEnd, bytes: rs.reduce((s, r) => s + r.bytes, 0), urls: rs.map((r) => `${new URL(r.url).pathname.replace(/^\/data\/v\/[0-9a-f]+\//, "")} ${r.bytes}`) };
}

/** In our page: set the search box to `value` as one input event and wait
 *  until the results of that state are on screen. Resolves to
 *  { t0, shown, full, count } in page time. "shown": the first change
 *  inside .search-output after the input (while a query runs the old
 *  results stay; the new ones replace them in one render, which also
 *  empties every snippet until its article file arrives) once it shows a
 *  result count and a first title (or no results, or the hint for an empty
 *  box). "full": every result has its snippet (or 15 s passed). Needs the
 *  previous state's snippets all loaded. */
function ourType(value) {
  const output = document.querySelector(".search-output");
  const input = document.getElementById("site-search-input");
  return new Promise((resolve) => {
    let shown = null;
    let changed = false;
    let t0 = 0;
    const looksDone = () => {
      if (document.querySelector(".search-output .searching")) return false;
      if (!value.trim()) return !!document.querySelector(".search-output .search-hint");
      if (document.querySelector(".search-output .no-results")) return true;
      const count = document.querySelector(".search-output .result-count");
      const title = document.querySelector(".search-results .result-title");
      return !!(count && /找到/.test(count.textContent) && title && title.textContent.trim());
    };
    const isFull = () => [...document.querySelectorAll(".search-results .result-snippet")].every((x) => x.textContent.trim().length > 0);
    const finish = (extra) => {
      observer.disconnect();
      clearTimeout(timer);
      const count = document.querySelector(".search-output .result-count")?.textContent ?? "";
      resolve({ t0, shown, count, ...extra });
    };
    const check = (records) => {
      const now = performance.now();
      if (records && records.some((r) => output.contains(r.target))) changed = true;
      if (shown == null && changed && looksDone()) shown = now;
      if (shown != null && isFull()) finish({ full: now });
    };
    const observer = new MutationObserver(check);
    observer.observe(output, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => finish({ full: null, timeout: true }), 15000);
    t0 = performance.now();
    input.value = value;
    input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: value.slice(-1) || null }));
  });
}

/** In our page: the result count and the article ids of the list shown. */
function ourResults() {
  const count = document.querySelector(".search-output .result-count");
  let total = NaN;
  if (document.querySelector(".no-results")) total = 0;
  else if (count) {
    const m = count.textContent.match(/(\d+)/);
    if (m) total = Number(m[1]);
  }
  const ids = [...document.querySelectorAll(".search-results a.result-title")].map((a) => decodeURIComponent(a.getAttribute("href").split("/").pop()));
  const error = document.querySelector(".error-view, [role=alert]")?.textContent.slice(0, 300) ?? null;
  return { total, ids, error };
}

/** In our page: go to result page `n` of `q` by the router (no reload). */
function ourGoPage([q, n, prevFirst]) {
  const url = `/search?${new URLSearchParams({ q, page: String(n) })}`;
  history.pushState(null, "", url);
  dispatchEvent(new PopStateEvent("popstate", { state: null }));
  return new Promise((resolve) => {
    const started = performance.now();
    const tick = () => {
      const first = document.querySelector(".search-results a.result-title")?.getAttribute("href");
      const busy = document.querySelector("main")?.getAttribute("aria-busy") === "true";
      if (first && first !== prevFirst && !busy) return resolve(true);
      if (performance.now() - started > 15000) return resolve(false);
      setTimeout(tick, 5);
    };
    tick();
  });
}

async function newPage(browser) {
  const context = await browser.newContext({ serviceWorkers: "block", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const net = netLog(context);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && !/favicon\.ico/.test(m.location()?.url ?? "") && problems.push(`console: ${m.text()} ${m.location()?.url ?? ""}`));
  context.on("requestfailed", (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  context.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  const worker = watchWorker(page);
  return { context, page, problems, net, worker };
}

/** The search worker's own time per request: its `onmessage` and
 *  `postMessage` wrapped once it has started, so the time a `find` spends
 *  in the worker (from the message in to the answer out, both on the
 *  worker's clock) can be told apart from the page's work around it. */
function watchWorker(page) {
  const state = { worker: null };
  page.on("worker", async (w) => {
    if (!/pufa-search-worker/.test(w.url())) return;
    // The wasm installs the handler once it has loaded: try until then.
    for (let i = 0; i < 600 && !state.worker; i++) {
      const ok = await w
        .evaluate(() => {
          if (typeof self.onmessage !== "function") return false;
          if (self.__benchLog) return true;
          self.__benchLog = [];
          const handler = self.onmessage;
          self.onmessage = (e) => {
            self.__benchLog.push(["in", performance.now(), /"id":(\d+)/.exec(String(e.data))?.[1]]);
            handler(e);
          };
          const post = self.postMessage.bind(self);
          self.postMessage = (m) => {
            const text = String(m);
            if (text.includes('"found"')) self.__benchLog.push(["found", performance.now(), /"id":(\d+)/.exec(text)?.[1]]);
            post(m);
          };
          return true;
        })
        .catch(() => false);
      if (ok) state.worker = w;
      else await new Promise((r) => setTimeout(r, 20));
    }
  });
  /** ms in the worker of each `find` answered since the last call. */
  state.drain = async () => {
    if (!state.worker) return [];
    const log = await state.worker.evaluate(() => self.__benchLog.splice(0)).catch(() => []);
    const seen = new Map(log.filter((x) => x[0] === "in").map((x) => [x[2], x[1]]));
    return log.filter((x) => x[0] === "found" && seen.has(x[2])).map((x) => x[1] - seen.get(x[2]));
  };
  return state;
}

/** Our app: one cold query, then its result set (in full up to maxEnum
 *  results, else pages 1–3). */
async function oursCold(browser, origin, q, maxEnum) {
  const ctx = await newPage(browser);
  const { context, page, problems } = ctx;
  await page.goto(`${origin}/search`, { waitUntil: "load", timeout: 120000 });
  await page.waitForFunction(
    // The hint shows once the search worker has read meta.json (its
    // fetches are not in the page's resource timing, but in the net log).
    () => document.querySelector(".search-hint") && document.querySelector("main")?.getAttribute("aria-busy") !== "true",
    null,
    { timeout: 120000, polling: 20 },
  );
  await page.waitForLoadState("networkidle");
  await ctx.net.settle();
  // The engine and its description, as Pagefind's setup counts its own
  // JS, wasm and entry files: the search worker's JS and wasm, meta.json
  // and the list of keys with files of their own (own.bin).
  const setup = ctx.net.log
    .filter((r) => /\/search\/(meta\.json|own\.bin)$/.test(r.url) || /\/pufa-search-worker-[0-9a-f]+(_bg\.wasm|\.js)$/.test(r.url))
    .reduce((s, r) => s + r.bytes, 0);
  const t = await page.evaluate(ourType, q);
  const none = { n: NaN, bytes: NaN, urls: [] };
  const shownReq = t.shown != null ? await between(ctx, t.t0, t.shown, "/data/") : none;
  const fullReq = t.full != null ? await between(ctx, t.t0, t.full, "/data/") : none;
  const first = await page.evaluate(ourResults);
  if (first.error) problems.push(`error view: ${first.error}`);
  if (t.timeout) problems.push(`query ${q}: results or snippets not shown within 15 s`);
  const ids = [...first.ids];
  const pages = Math.ceil((first.total || 0) / 10);
  const enumerate = first.total <= maxEnum;
  const upto = enumerate ? pages : Math.min(pages, 3);
  let prevFirst = first.ids.length ? `/article/${first.ids[0]}` : null;
  prevFirst = await page.evaluate(() => document.querySelector(".search-results a.result-title")?.getAttribute("href"));
  let complete = true;
  for (let n = 2; n <= upto; n++) {
    const ok = await page.evaluate(ourGoPage, [q, n, prevFirst]);
    if (!ok) {
      problems.push(`query ${q}: page ${n} never shown`);
      complete = false;
      break;
    }
    const r = await page.evaluate(ourResults);
    if (r.total !== first.total) problems.push(`query ${q}: page ${n} says ${r.total} results, page 1 said ${first.total}`);
    ids.push(...r.ids);
    prevFirst = await page.evaluate(() => document.querySelector(".search-results a.result-title")?.getAttribute("href"));
  }
  return {
    context,
    page,
    net: ctx.net,
    worker: ctx.worker,
    problems,
    setup,
    shownMs: t.shown != null ? t.shown - t.t0 : NaN,
    fullMs: t.full != null ? t.full - t.t0 : NaN,
    shown: shownReq,
    full: fullReq,
    total: first.total,
    ids,
    enumerated: enumerate && complete,
  };
}

/** Our app, in a page with results: type each query one character at a
 *  time (after clearing the box); ms per keystroke. */
async function oursTyping(ctx, queries, expected) {
  const { page } = ctx;
  const times = [];
  const reqs = [];
  const afterNet = [];
  const inWorker = [];
  const problems = [];
  await page
    .waitForFunction(() => [...document.querySelectorAll(".search-results .result-snippet")].every((x) => x.textContent.trim()), null, { timeout: 15000 })
    .catch(() => problems.push("typing: snippets of the page before never all shown"));
  for (const q of queries) {
    await page.evaluate(ourType, "");
    const chars = [...q];
    for (let i = 1; i <= chars.length; i++) {
      const prefix = chars.slice(0, i).join("");
      // The last results drawn on screen first (two animation frames), as
      // between a reader's keystrokes.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const t = await page.evaluate(ourType, prefix);
      if (t.shown == null) problems.push(`typing ${q}: results of ${prefix} never shown`);
      else {
        times.push(t.shown - t.t0);
        const b = await between(ctx, t.t0, t.shown, "/data/");
        reqs.push(b.n);
        afterNet.push(t.shown - Math.max(t.t0, b.lastEnd));
      }
      inWorker.push(...(await ctx.worker.drain()));
      const want = expected(prefix);
      const got = /(\d+)/.exec(t.count)?.[1];
      if (t.shown != null && want > 0 && Number(got) !== want) problems.push(`typing ${q}: ${prefix} showed "${t.count}", oracle ${want}`);
    }
  }
  return { times, problems, reqs, afterNet, inWorker };
}

/** Pagefind, in search.html: init (the "page already loaded" state). */
async function pagefindPage(browser, origin) {
  const ctx = await newPage(browser);
  const { context, page, problems } = ctx;
  await page.goto(`${origin}/search.html`, { waitUntil: "load", timeout: 120000 });
  await page.waitForFunction(() => window.pfLoaded, null, { timeout: 120000, polling: 20 });
  await page.evaluate(async () => {
    await window.pagefind.init();
  });
  await page.waitForLoadState("networkidle");
  await ctx.net.settle();
  const setup = ctx.net.log.filter((r) => new URL(r.url).pathname.startsWith("/pagefind/")).reduce((s, r) => s + r.bytes, 0);
  return { ...ctx, setup };
}

/** In search.html: one search, the first result's data, then the first
 *  ten's; every result id. */
async function pagefindQuery(q) {
  const t0 = performance.now();
  const search = await window.pagefind.search(q);
  const results = search?.results ?? [];
  const tops = results.slice(0, 10);
  const datas = tops.map((r) => r.data());
  if (datas.length) await datas[0];
  const shown = performance.now();
  await Promise.all(datas);
  const full = performance.now();
  return { t0, shown, full, ids: results.map((r) => r.id) };
}

/** In search.html: per keystroke, search() and the first result's data. */
async function pagefindTyping(queries) {
  const times = [];
  for (const q of queries) {
    const chars = [...q];
    for (let i = 1; i <= chars.length; i++) {
      const t0 = performance.now();
      const s = await window.pagefind.search(chars.slice(0, i).join(""));
      if (s?.results?.length) await s.results[0].data();
      times.push(performance.now() - t0);
    }
  }
  return times;
}

/** Pagefind fragment id → our article id, from the fragment files on disk
 *  (gzip of "pagefind_dcd" + JSON with the page's url). */
function fragmentUrls(pagefindDir) {
  const dir = join(pagefindDir, "fragment");
  const map = new Map();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".pf_fragment")) continue;
    let raw = gunzipSync(readFileSync(join(dir, f))).toString("utf8");
    raw = raw.replace(/^pagefind_dcd/, "");
    const data = JSON.parse(raw);
    map.set(f.replace(/\.pf_fragment$/, ""), decodeURIComponent(data.url.split("/").pop().replace(/\.html$/, "")));
  }
  return map;
}

// ---------------------------------------------------------------- run

async function run(content, oursOrigin, pfOrigin, pfDir, buildJson) {
  const { chromium } = await import("playwright-core");
  const QUERIES = Number(process.env.QUERIES || 50);
  const SEED = Number(process.env.SEED || 42);
  const MAX_ENUM = Number(process.env.MAX_ENUM || 200);
  const WARM = Number(process.env.WARM || 12);
  const verbose = !!process.env.BENCH_VERBOSE;
  const build = JSON.parse(readFileSync(buildJson, "utf8"));

  const t = Date.now();
  const docs = readContent(content);
  for (const d of docs) {
    d.foldedTitle = fold(d.title);
    d.foldedBody = d.blocks.map((b) => fold(blockText(b))).join(" ");
  }
  const queries = sampleQueries(docs, QUERIES, SEED);
  const oracle = new Map();
  for (const q of queries) {
    const fq = fold(q);
    oracle.set(q, new Set(docs.filter((d) => d.foldedTitle.includes(fq) || d.foldedBody.includes(fq)).map((d) => d.id)));
  }
  console.log(
    `${docs.length} bulletins; ${queries.length} queries (${QUERIES} sampled, seed ${SEED}, + ${FIXED.join(" ")}); oracle in ${((Date.now() - t) / 1000).toFixed(1)}s` +
      (TS.source ? ` (trad→simp: ${TS.source}, ${TS.table.size} characters)` : " (trad→simp table not found: folded without it)"),
  );
  const sizes = queries.map((q) => oracle.get(q).size);
  console.log(`matches per query: median ${median(sizes)}, min ${Math.min(...sizes)}, max ${Math.max(...sizes)}; 0 matches: ${sizes.filter((s) => !s).length}`);
  const warmQueries = queries.filter((q) => [...q].length >= 3).slice(0, WARM);

  const withPagefind = process.env.PAGEFIND !== "0";
  const fragMap = withPagefind ? fragmentUrls(pfDir) : new Map();
  const browser = await chromium.launch(LAUNCH);
  const notes = [];

  // ---- ours
  const ours = { rows: [], setup: [], problems: [] };
  let lastOurs = null;
  for (const q of queries) {
    const r = await oursCold(browser, oursOrigin, q, MAX_ENUM);
    const o = oracle.get(q);
    const got = new Set(r.ids);
    const correct = [...got].filter((id) => o.has(id)).length;
    const row = {
      q,
      oracle: o.size,
      total: r.total,
      checked: got.size,
      correct,
      dupes: r.ids.length - got.size,
      enumerated: r.enumerated,
      found: r.enumerated ? correct : NaN,
      shownMs: r.shownMs,
      fullMs: r.fullMs,
      shownN: r.shown.n,
      shownBytes: r.shown.bytes,
      fullN: r.full.n,
      fullBytes: r.full.bytes,
      urls: r.shown.urls,
    };
    ours.rows.push(row);
    ours.setup.push(r.setup);
    ours.problems.push(...r.problems);
    if (verbose)
      console.log(
        `  ours  ${q}: oracle ${o.size}, shown ${r.total}, checked ${got.size} (${correct} correct${r.enumerated ? ", all" : ""}); ${r.shown.n} req ${(r.shown.bytes / 1024).toFixed(1)} kB ${r.shownMs.toFixed(0)} ms; full ${r.full.n} req ${(r.full.bytes / 1024).toFixed(1)} kB ${r.fullMs.toFixed(0)} ms  [${r.shown.urls.join(", ")}]`,
      );
    if (lastOurs) await lastOurs.context.close();
    lastOurs = r;
  }
  const prefixCount = new Map();
  for (const q of warmQueries) {
    const chars = [...q];
    for (let i = 1; i <= chars.length; i++) {
      const fq = fold(chars.slice(0, i).join(""));
      if (!prefixCount.has(fq)) prefixCount.set(fq, docs.filter((d) => d.foldedTitle.includes(fq) || d.foldedBody.includes(fq)).length);
    }
  }
  const expected = (prefix) => prefixCount.get(fold(prefix));
  const oursWarm = await oursTyping(lastOurs, warmQueries, expected);
  const oursRetype = await oursTyping(lastOurs, warmQueries, expected);
  notes.push(`ours: /data/ requests per keystroke before results show: warm median ${median(oursWarm.reqs)}, max ${Math.max(...oursWarm.reqs)}; retype median ${median(oursRetype.reqs)}, max ${Math.max(...oursRetype.reqs)}; ms from the last response to results shown: warm p50 ${median(oursWarm.afterNet).toFixed(1)} p95 ${quantile(oursWarm.afterNet, 0.95).toFixed(1)}, retype p50 ${median(oursRetype.afterNet).toFixed(1)} p95 ${quantile(oursRetype.afterNet, 0.95).toFixed(1)}`);
  const ms = (a) => (a.length ? `p50 ${median(a).toFixed(2)} p95 ${quantile(a, 0.95).toFixed(2)} (${a.length} answers)` : "not measured (the worker was not seen)");
  notes.push(`ours: ms a search spends in the worker (message in to answer out; on first typing it includes the fetches): warm ${ms(oursWarm.inWorker)}; retype ${ms(oursRetype.inWorker)}`);
  ours.problems.push(...oursWarm.problems, ...oursRetype.problems, ...lastOurs.problems.filter((p) => !ours.problems.includes(p)));
  await lastOurs.context.close();

  // ---- Pagefind
  const pf = { rows: [], setup: [], problems: [] };
  let lastPf = null;
  for (const q of withPagefind ? queries : []) {
    const p = await pagefindPage(browser, pfOrigin);
    const r = await p.page.evaluate(pagefindQuery, q);
    const shown = await between(p, r.t0, r.shown, "/pagefind/");
    const full = await between(p, r.t0, r.full, "/pagefind/");
    const o = oracle.get(q);
    const ids = r.ids.map((id) => fragMap.get(id) ?? `?${id}`);
    const got = new Set(ids);
    const correct = [...got].filter((id) => o.has(id)).length;
    pf.rows.push({
      q,
      oracle: o.size,
      total: ids.length,
      checked: got.size,
      correct,
      dupes: ids.length - got.size,
      enumerated: true,
      found: correct,
      shownMs: r.shown - r.t0,
      fullMs: r.full - r.t0,
      shownN: shown.n,
      shownBytes: shown.bytes,
      fullN: full.n,
      fullBytes: full.bytes,
    });
    pf.setup.push(p.setup);
    pf.problems.push(...p.problems);
    if (verbose)
      console.log(
        `  pagefind ${q}: oracle ${o.size}, results ${ids.length} (${correct} correct); ${shown.n} req ${(shown.bytes / 1024).toFixed(1)} kB ${(r.shown - r.t0).toFixed(0)} ms; full ${full.n} req ${(full.bytes / 1024).toFixed(1)} kB ${(r.full - r.t0).toFixed(0)} ms`,
      );
    if (lastPf) await lastPf.context.close();
    lastPf = p;
  }
  const pfWarm = lastPf ? await lastPf.page.evaluate(pagefindTyping, warmQueries) : [];
  const pfRetype = lastPf ? await lastPf.page.evaluate(pagefindTyping, warmQueries) : [];
  if (lastPf) await lastPf.context.close();
  await browser.close();

  // ---- table
  const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : "-");
  const pct = (a, b) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : "-");
  const summary = (name, s, warm, retype, b) => {
    const rows = s.rows;
    const en = rows.filter((r) => r.enumerated);
    const recall = pct(sum(en.map((r) => r.found)), sum(en.map((r) => r.oracle)));
    const precision = pct(sum(rows.map((r) => r.correct)), sum(rows.map((r) => r.checked)));
    const exact = rows.filter((r) => r.total === r.oracle && r.correct === r.checked && (!r.enumerated || r.found === r.oracle)).length;
    const m = (k) => median(rows.map((r) => r[k]));
    const p95 = (k) => quantile(rows.map((r) => r[k]), 0.95);
    return [
      name,
      recall,
      precision,
      `${exact}/${rows.length}`,
      fmt(median(s.setup) / 1024, 1),
      `${fmt(m("shownN"))}/${fmt(p95("shownN"))}`,
      `${fmt(m("shownBytes") / 1024, 1)}/${fmt(p95("shownBytes") / 1024, 1)}`,
      `${fmt(m("shownMs"))}/${fmt(p95("shownMs"))}`,
      `${fmt(m("fullN"))}/${fmt(m("fullBytes") / 1024, 1)}/${fmt(m("fullMs"))}`,
      `${fmt(median(warm), 1)}/${fmt(quantile(warm, 0.95), 1)}`,
      `${fmt(median(retype), 1)}/${fmt(quantile(retype, 0.95), 1)}`,
      fmt(b.seconds, 1),
      fmt(b.rssKb / 1024, 0),
      fmt(b.bytes / 1048576, 1),
      fmt(b.diskKb / 1024, 1),
      String(b.files),
    ];
  };
  const head = ["tool", "recall", "precision", "exact", "setup kB", "cold reqs", "cold kB", "cold ms", "full reqs/kB/ms", "warm ms", "retype ms", "build s", "RSS MiB", "index MB", "du MB", "files"];
  const rows = [summary("ours", ours, oursWarm.times, oursRetype.times, build.ours)];
  if (withPagefind) rows.push(summary("pagefind 1.6.0", pf, pfWarm, pfRetype, build.pagefind));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log();
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const oursEn = ours.rows.filter((r) => r.enumerated).length;
  console.log(
    `(cold reqs/kB/ms: median/p95 over ${queries.length} queries, until results show; full: medians until 10 snippets (ours) or 10 results' data (Pagefind); ` +
      `warm/retype: p50/p95 ms per keystroke over ${oursWarm.times.length} keystrokes (ours) / ${pfWarm.length} (Pagefind) of ${warmQueries.length} queries; ` +
      `recall: our result set read in full for ${oursEn}/${queries.length} queries (≤ ${MAX_ENUM} results), Pagefind's for all; precision: over every result id read (ours: pages 1–3 beyond ${MAX_ENUM}); ` +
      `exact: queries whose count equals the oracle's and whose results read all contain the query; setup: bytes before the first query (ours the worker, meta.json and own.bin, Pagefind init); ` +
      `build: ours = the whole pufa build, Pagefind = pagefind --site; index MB = bytes of the files, du = disk usage)`,
  );
  const countOff = ours.rows.filter((r) => r.total !== r.oracle);
  if (countOff.length) notes.push(`ours: count differs from the oracle for ${countOff.map((r) => `${r.q} (${r.total} vs ${r.oracle})`).join(", ")}`);
  const wrong = ours.rows.filter((r) => r.correct !== r.checked);
  if (wrong.length) notes.push(`ours: results not containing the query for ${wrong.map((r) => `${r.q} (${r.checked - r.correct}/${r.checked})`).join(", ")}`);
  const dup = ours.rows.filter((r) => r.dupes);
  if (dup.length) notes.push(`ours: an article on two result pages for ${dup.map((r) => r.q).join(", ")}`);
  const over = (s, k, lim) => s.rows.filter((r) => r[k] > lim).map((r) => r.q);
  notes.push(`ours: cold queries over 4 requests: ${over(ours, "shownN", 4).length}, over 100 kB: ${over(ours, "shownBytes", 100 * 1024).length}, over 150 kB: ${over(ours, "shownBytes", 150 * 1024).length}, over 250 ms: ${over(ours, "shownMs", 250).length}`);
  const worst = [...ours.rows].sort((a, b) => b.shownBytes - a.shownBytes).slice(0, 3);
  notes.push(`ours: heaviest cold queries: ${worst.map((r) => `${r.q} ${r.shownN} req ${(r.shownBytes / 1024).toFixed(1)} kB ${r.shownMs.toFixed(0)} ms [${r.urls.join(", ")}]`).join(" | ")}`);
  const pfMiss = pf.rows.filter((r) => r.found < r.oracle).length;
  const pfExtra = pf.rows.filter((r) => r.correct < r.checked).length;
  if (withPagefind) notes.push(`pagefind: queries missing matches ${pfMiss}/${pf.rows.length}, with results not containing the query ${pfExtra}/${pf.rows.length}`);
  const uniq = (xs) => [...new Set(xs)];
  if (ours.problems.length) notes.push(`ours problems: ${uniq(ours.problems).slice(0, 12).join(" | ")}`);
  if (pf.problems.length) notes.push(`pagefind problems: ${uniq(pf.problems).slice(0, 12).join(" | ")}`);
  for (const n of notes) console.log(`  note: ${n}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ queries, ours: ours.rows, pagefind: pf.rows, warm: { ours: oursWarm.times, oursRetype: oursRetype.times, pagefind: pfWarm, pagefindRetype: pfRetype } }, null, 1));
}

if (mode === "site" && args.length === 2) writeSite(...args);
else if (mode === "run" && args.length === 5) await run(...args);
else {
  console.error("usage: node scripts/bench-search.mjs site CONTENT_DIR SITE_DIR\n       node scripts/bench-search.mjs run CONTENT_DIR OURS_ORIGIN PAGEFIND_ORIGIN PAGEFIND_DIR BUILD_JSON");
  process.exit(2);
}
