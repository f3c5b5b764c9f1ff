// Where a keystroke's time goes on the search page (issue #10's "5 ms per
// keystroke"): types words into the header box one character at a time,
// as scripts/bench-search.mjs does, first once to fetch every piece and
// snippet, then ROUNDS times again under Chromium's sampling profiler, and
// prints the keystrokes' p50/p95 (input event → results on screen) and the
// functions that took the most time, self and inclusive. Prints figures; it
// is not a test.
//
//   node scripts/typing-profile.mjs SITE [WORDS] [ROUNDS]
//
// SITE: a built site with data (e.g. target/bench/search-10000/ours of
// scripts/bench-search.sh). For Rust names instead of wasm-function[n],
// build its shell with `data-keep-debug` and `data-wasm-opt="0"` on the
// app's <link> in index.html (a local edit, not to commit) and copy the
// shell files in. WORDS: comma-separated (default: six words of statute
// text). Env: PROFILE=0 (no profiler: the keystrokes' p50/p95 only, for
// comparing builds; SLOWEST=n adds the n slowest with their words, TRACE=n
// what the main thread did during the n slowest; SETTLE=1 lets the page
// draw the last results before the next keystroke), INCL=regex (inclusive time of functions whose name matches),
// TOP (rows, default 30).
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const [dir, wordsArg, roundsArg] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node scripts/typing-profile.mjs SITE [WORDS] [ROUNDS]");
  process.exit(2);
}
const words = (wordsArg || "依法治国,应当及时,人民政府,行政处罚,民法典,合同的").split(",");
const rounds = Number(roundsArg || 3);
const server = await serve(dir, 0);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const context = await browser.newContext({ serviceWorkers: "block" });
const page = await context.newPage();
await page.goto(`${origin}/search?q=${encodeURIComponent(words[0])}`);
await page.waitForSelector(".search-results .result-title", { timeout: 60000 });

/** In the page: type `value`, resolve with the ms until its results show. */
function type(value) {
  const output = document.querySelector(".search-output");
  const input = document.getElementById("site-search-input");
  return new Promise((resolve) => {
    const done = () => {
      if (document.querySelector(".search-output .searching")) return false;
      if (document.querySelector(".search-output .no-results")) return true;
      const count = document.querySelector(".search-output .result-count");
      return !!(count && /找到/.test(count.textContent) && document.querySelector(".search-results .result-title"));
    };
    let changed = false;
    const observer = new MutationObserver((records) => {
      if (records.some((r) => output.contains(r.target))) changed = true;
      if (changed && done()) {
        observer.disconnect();
        performance.mark("keystroke-shown");
        resolve(performance.now() - t0);
      }
    });
    observer.observe(output, { subtree: true, childList: true, characterData: true });
    performance.mark("keystroke-typed");
    const t0 = performance.now();
    input.value = value;
    input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: value.slice(-1) }));
  });
}

/** TRACE=n: for the n slowest keystrokes, the main thread's time by
 *  event (top-level tasks' children, as Chromium's timeline names them). */
function traced(trace, n) {
  const events = trace.traceEvents;
  const marks = events.filter((e) => e.name === "keystroke-typed" || e.name === "keystroke-shown").sort((a, b) => a.ts - b.ts);
  const main = marks[0]?.tid;
  const spans = [];
  for (let i = 0; i + 1 < marks.length; i++) {
    if (marks[i].name === "keystroke-typed" && marks[i + 1].name === "keystroke-shown") spans.push([marks[i].ts, marks[i + 1].ts]);
  }
  spans.sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
  const tasks = events.filter((e) => e.tid === main && e.ph === "X" && e.dur);
  for (const [from, to] of spans.slice(0, n)) {
    const by = new Map();
    const task = (e) => e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask";
    const within = tasks.filter((e) => !task(e) && e.ts < to && e.ts + e.dur > from);
    for (const e of within) {
      const start = Math.max(e.ts, from);
      const end = Math.min(e.ts + e.dur, to);
      // Only events directly under a task: no double counting of nesting.
      if (within.some((p) => p !== e && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur && p.dur > e.dur)) continue;
      by.set(e.name, (by.get(e.name) || 0) + (end - start));
    }
    const parts = [...by].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`);
    console.log(`  ${((to - from) / 1000).toFixed(1)} ms: ${parts.join(", ")}`);
  }
}

const slowest = [];
async function typeAll() {
  const times = [];
  for (const word of words) {
    const chars = [...word];
    for (let i = 1; i <= chars.length; i++) {
      const prefix = chars.slice(0, i).join("");
      // SETTLE=1: the last keystroke's results drawn on screen first (two
      // animation frames), as between a reader's keystrokes, so a keystroke
      // does not pay for rendering the one before.
      if (process.env.SETTLE) await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const t = await page.evaluate(type, prefix);
      times.push(t);
      slowest.push([t, prefix]);
    }
  }
  return times;
}

await typeAll(); // every piece and snippet fetched once
slowest.length = 0;
if (process.env.PROFILE === "0") {
  const plain = [];
  if (process.env.TRACE) await browser.startTracing(page, { categories: ["devtools.timeline", "blink.user_timing", "v8"] });
  for (let r = 0; r < rounds; r++) plain.push(...(await typeAll()));
  if (process.env.TRACE) traced(JSON.parse((await browser.stopTracing()).toString()), Number(process.env.TRACE));
  plain.sort((a, b) => a - b);
  const q = (p) => plain[Math.min(plain.length - 1, Math.floor(p * plain.length))];
  console.log(`${plain.length} keystrokes: p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms`);
  if (process.env.SLOWEST) {
    slowest.sort((a, b) => b[0] - a[0]);
    console.log(`slowest: ${slowest.slice(0, Number(process.env.SLOWEST)).map(([t, w]) => `${w} ${t.toFixed(1)}`).join(", ")}`);
  }
  await browser.close();
  server.close();
  process.exit(0);
}
const cdp = await context.newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
await cdp.send("Profiler.start");
const times = [];
for (let r = 0; r < rounds; r++) times.push(...(await typeAll()));
const { profile } = await cdp.send("Profiler.stop");
times.sort((a, b) => a - b);
const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(`${times.length} keystrokes (profiler running): p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const name = (n) => n.callFrame.functionName.replace(/::h[0-9a-f]{16}$/, "") || "(anonymous)";
const self = new Map();
const incl = new Map();
const pattern = process.env.INCL ? new RegExp(process.env.INCL) : null;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] || 0;
  const leaf = name(byId.get(id));
  self.set(leaf, (self.get(leaf) || 0) + dt);
  if (!pattern) return;
  const seen = new Set();
  for (let at = id; at; at = parent.get(at)) {
    const n = name(byId.get(at));
    if (pattern.test(n) && !seen.has(n)) {
      seen.add(n);
      incl.set(n, (incl.get(n) || 0) + dt);
    }
  }
});
const top = Number(process.env.TOP || 30);
const per = (us) => `${(us / 1000 / times.length).toFixed(2).padStart(6)} ms/keystroke`;
console.log("self time:");
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${per(v)}  ${k.slice(0, 140)}`);
if (pattern) {
  console.log(`inclusive time, /${process.env.INCL}/:`);
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${per(v)}  ${k.slice(0, 140)}`);
}
await browser.close();
server.close();
