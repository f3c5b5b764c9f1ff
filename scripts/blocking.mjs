#!/usr/bin/env node
// How long the main thread is blocked while the app starts on a
// pre-rendered page: loads PATH of each build RUNS times (the builds in
// turn, so a noisy moment hurts both alike) in headless Chromium with the
// CPU slowed 4× (DevTools throttling, Lighthouse's mobile factor), until
// the app has taken the page over, and prints per build the total blocking
// time after first contentful paint (the part of every long task past
// 50 ms, as Lighthouse counts it) as median and all runs, and the long
// tasks of the first runs (the parts after first paint). Prints figures;
// gates nothing. For builds made with --public-url, set BASE to it
// (BASE=/pufa/); PATH is then below it.
//
// Unlike Lighthouse's default (a trace of the unthrottled load, slowed in
// simulation), this times a really slowed main thread, which swings less
// from run to run on a shared machine.
//
//   node scripts/blocking.mjs PATH RUNS DIST [DIST…]
//   node scripts/blocking.mjs /article/2021-xinzhou-qiwu-zongjie 7 /tmp/before /tmp/after
//   BASE=/pufa/ node scripts/blocking.mjs /article/2021-xinzhou-qiwu-zongjie 7 target/dist-pufa

import { openBuilds, watchMainThread } from "./builds.mjs";

const [path, runsArg, ...dists] = process.argv.slice(2);
const runs = Number(runsArg);
if (!path || !(runs > 0) || dists.length === 0) {
  console.error("usage: node scripts/blocking.mjs PATH RUNS DIST [DIST…]");
  process.exit(2);
}

const { bases, browser, close } = await openBuilds(dists);
const results = dists.map(() => []);
try {
  for (let run = 0; run < runs; run++) {
    for (const [i, base] of bases.entries()) {
      const ctx = await browser.newContext({ serviceWorkers: "block", viewport: { width: 412, height: 823 } });
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      await page.addInitScript(watchMainThread);
      await page.goto(base + path);
      // The app starts when the reader asks for it (public/prefs.js): ask at
      // once, the worst case for a reader still waiting for the page.
      await page.evaluate(() => window.pufaStartApp?.());
      // Taken over: the pre-rendered #boot is gone and the app's holder shown.
      await page.waitForFunction(
        () => !document.getElementById("boot") && document.getElementById("app") && !document.getElementById("app").hidden,
        null,
        { timeout: 60000 },
      );
      // Let the tasks that follow the swap (effects, the counter) finish;
      // a long task is reported once it has ended.
      await page.evaluate(() => new Promise((done) => setTimeout(done, 1000)));
      const { tasks, fcp } = await page.evaluate(() => ({ tasks: window.__longTasks, fcp: window.__fcp }));
      // A task running at first paint counts from first paint on, as in
      // Lighthouse (which also ends the window at time to interactive; here
      // the window ends a second after the takeover).
      const after = tasks
        .filter(([start, d]) => start + d > fcp)
        .map(([start, d]) => start + d - Math.max(start, fcp));
      results[i].push({ tbt: after.reduce((sum, d) => sum + Math.max(0, d - 50), 0), tasks: after });
      await ctx.close();
    }
  }
} finally {
  await close();
}

console.log(`${path}, ${runs} loads per build, CPU 4× slower`);
for (const [i, dist] of dists.entries()) {
  const tbt = results[i].map((r) => Math.round(r.tbt)).sort((a, b) => a - b);
  const first = results[i].slice(0, 3).map((r) => `[${r.tasks.map((d) => Math.round(d)).join(", ")}]`);
  console.log(
    `${dist}: total blocking time median ${tbt[Math.floor(tbt.length / 2)]} ms (all: ${tbt.join(", ")}); long tasks of the first loads (ms): ${first.join(" ")}`,
  );
}
