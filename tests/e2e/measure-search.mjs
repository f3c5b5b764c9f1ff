// In-browser search latency (issue #3): time from a keystroke in the header
// search box to the results being in the DOM, with 1,000 generated
// bulletins. Prints figures; asserts nothing (not part of `node --test`).
//
//   . scripts/env.sh && trunk build --release
//   cargo run --release -q -p pufa-core --example gen_corpus -- 1000 42 > /tmp/corpus-1k.json
//   node tests/e2e/measure-search.mjs /tmp/corpus-1k.json

import { readFileSync } from "node:fs";
import { ready, start } from "./harness.mjs";

const corpusPath = process.argv[2];
if (!corpusPath) {
  console.error("usage: node tests/e2e/measure-search.mjs CORPUS.json");
  process.exit(2);
}
const corpus = readFileSync(corpusPath, "utf8");
const WORDS = ["普法", "民法典", "反电信网络诈骗法", "宪法宣传", "安全生产", "法律援助", "社区居民", "2021年", "APP", "农民工"];
const ROUNDS = 3;

const h = await start();
try {
  const page = await h.page();
  // The archive the search page reads, replaced by the generated one.
  await page.route("**/data/v/*/search.json", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: corpus }),
  );
  await page.goto(h.url("/search"));
  await ready(page);
  await page.evaluate(() => {
    // Typed Chinese arrives as text input, not key presses: start the clock
    // at the input event, in the capture phase, before the app sees it.
    document.addEventListener("input", () => {
      window.__t0 = performance.now();
      window.__t1 = null;
    }, true);
    new MutationObserver(() => {
      if (window.__t0 != null && window.__t1 == null) window.__t1 = performance.now();
    }).observe(document.querySelector(".search-page"), { childList: true, subtree: true, characterData: true });
  });
  const samples = [];
  let first = null;
  for (let round = 0; round < ROUNDS; round++) {
    for (const word of WORDS) {
      await page.fill("#site-search-input", "");
      await page.focus("#site-search-input");
      for (const ch of word) {
        await page.evaluate(() => {
          window.__t0 = null;
          window.__t1 = null;
        });
        await page.keyboard.type(ch);
        await page.waitForFunction(() => window.__t0 != null && window.__t1 != null);
        const ms = await page.evaluate(() => window.__t1 - window.__t0);
        if (first == null) first = ms;
        else samples.push(ms);
      }
    }
  }
  samples.sort((a, b) => a - b);
  const at = (p) => samples[Math.min(samples.length - 1, Math.round((samples.length - 1) * p))];
  const docs = JSON.parse(corpus).bulletins.length;
  console.log(`bulletins: ${docs}; keystrokes measured: ${samples.length}; slowest: ${samples.slice(-5).map((s) => s.toFixed(1)).join(", ")} ms`);
  console.log(`first keystroke (builds the index): ${first.toFixed(1)} ms`);
  console.log(`keystroke → results in DOM: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${samples[samples.length - 1].toFixed(1)} ms`);
} finally {
  await h.stop();
}
