// What scripts/blocking.mjs and scripts/returning.mjs share: each build
// served on 127.0.0.1 (at BASE, for builds made with --public-url), one
// headless Chromium, and the page's long tasks and paints recorded.

import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

/** Serve every build and launch the browser; `close()` stops them all. */
export async function openBuilds(dists) {
  const base = process.env.BASE || "/";
  const servers = await Promise.all(dists.map((d) => serve(d, 0, base)));
  const bases = servers.map((s) => `http://127.0.0.1:${s.address().port}${base.replace(/\/$/, "")}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  return {
    bases,
    browser,
    async close() {
      await browser.close();
      for (const s of servers) s.close();
    },
  };
}

/** An init script: every long task as [start, duration] in
 *  `window.__longTasks`, first contentful paint in `window.__fcp`, the
 *  latest largest contentful paint in `window.__lcp`. */
export function watchMainThread() {
  window.__longTasks = [];
  window.__fcp = 0;
  window.__lcp = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "first-contentful-paint") window.__fcp = e.startTime;
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__lcp = e.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
}
