#!/usr/bin/env node
// A returning reader's next page: with the service worker installed (after
// a first page, FROM), how soon the next page (TO, opened as a link would
// open it) shows its content and how long the main thread is blocked, in
// headless Chromium with the CPU slowed 4× (DevTools throttling,
// Lighthouse's mobile factor) for that navigation. Each build RUNS times,
// the builds in turn. Prints, per build, the medians of first contentful
// paint, largest contentful paint and total blocking time (the part of each
// long task past 50 ms, from first contentful paint to a second after the
// largest one), and whether the app was started. Prints figures; gates
// nothing. For builds made with --public-url, set BASE to it.
//
//   node scripts/returning.mjs FROM TO RUNS DIST [DIST…]
//   node scripts/returning.mjs /article/a /article/b 9 /tmp/before /tmp/after

import { openBuilds, watchMainThread } from "./builds.mjs";

const [from, to, runsArg, ...dists] = process.argv.slice(2);
const runs = Number(runsArg);
if (!from || !to || !(runs > 0) || dists.length === 0) {
  console.error("usage: node scripts/returning.mjs FROM TO RUNS DIST [DIST…]");
  process.exit(2);
}

const { bases, browser, close } = await openBuilds(dists);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = dists.map(() => []);
try {
  for (let run = 0; run < runs; run++) {
    for (const [i, base] of bases.entries()) {
      const ctx = await browser.newContext({ viewport: { width: 412, height: 823 } });
      const page = await ctx.newPage();
      await page.addInitScript(watchMainThread);
      // The first visit: the page registers the worker, whose install
      // stores the app; then the worker controls the tab.
      await page.goto(base + from);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      await page.goto(base + to);
      // The article is on screen: pre-rendered, or drawn by the app.
      await page.waitForFunction(
        () => {
          const boot = document.getElementById("boot");
          const h1 = document.querySelector("h1.article-title, h1.channel-title, main h1");
          return h1 && h1.textContent.trim() && (!boot || boot.hasAttribute("data-prerendered")) && window.__lcp > 0;
        },
        null,
        { timeout: 60000, polling: 50 },
      );
      await page.evaluate(() => new Promise((done) => setTimeout(done, 1000)));
      const m = await page.evaluate(() => ({
        fcp: window.__fcp,
        lcp: window.__lcp,
        tasks: window.__longTasks,
        app: !!document.getElementById("app") || !document.querySelector("#boot[data-prerendered]"),
      }));
      const tbt = m.tasks
        .filter(([start, d]) => start + d > m.fcp && start < m.lcp + 1000)
        .reduce((sum, [start, d]) => sum + Math.max(0, start + d - Math.max(start, m.fcp) - 50), 0);
      results[i].push({ fcp: m.fcp, lcp: m.lcp, tbt, app: m.app });
      await ctx.close();
    }
  }
} finally {
  await close();
}

console.log(`${from} → ${to}, service worker installed, CPU 4× slower, ${runs} runs per build (median):`);
console.log("build".padEnd(40) + "FCP ms".padStart(9) + "LCP ms".padStart(9) + "TBT ms".padStart(9) + "  app started");
for (const [i, dist] of dists.entries()) {
  const r = results[i];
  const started = r.filter((x) => x.app).length;
  console.log(
    dist.padEnd(40) +
      median(r.map((x) => x.fcp)).toFixed(0).padStart(9) +
      median(r.map((x) => x.lcp)).toFixed(0).padStart(9) +
      median(r.map((x) => x.tbt)).toFixed(0).padStart(9) +
      `  ${started}/${r.length}`,
  );
}
