// The view counter from the reader's side (issue #6): with the service
// running, an article shows the live total and a repeat view inside the
// window does not add to it; with the service stopped, the page shows the
// data's count and no error. Needs `cargo build --release -p pufa-counter`
// (scripts/test.sh does it).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploy, freePort, ready, ROOT, start, text } from "./harness.mjs";

const BIN = join(ROOT, "target", "release", "pufa-counter");
const ID = "2023-huangpi-bawu-pufa-zhongqi-pinggu";
const DATA_VIEWS = 1356; // its count in the fixture content
// Headless Chromium says "HeadlessChrome", which the counter rightly treats
// as a bot; a reader's browser does not.
const READER = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36" };

let work, counter, h;
const skip = !existsSync(BIN) && "no target/release/pufa-counter";

/** Start the counter service on a free port; resolves to its origin once
 *  /healthz answers (polled a bounded number of times). */
async function startCounter(name, data, { port, extra = [] } = {}) {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ["--listen", `127.0.0.1:${port}`, "--db", join(work, `${name}.sqlite3`), "--data", data, ...extra], {
    stdio: "inherit",
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (i > 200) throw new Error("counter did not start");
    await new Promise((done) => setTimeout(done, 25));
  }
  return { url, proc };
}

/** A deployment at `work/name` whose site.toml names the counter at
 *  `endpoint`, finished as a full build would (CSP, pre-rendered pages). */
const deployWithCounter = (name, endpoint) =>
  deploy(
    join(work, name),
    (content) => {
      const site = join(content, "site.toml");
      const text = readFileSync(site, "utf8").replace("[site]\n", `[site]\ncounter = "${endpoint}"\n`);
      rmSync(site);
      appendFileSync(site, text);
    },
    { finish: true },
  );

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), "pufa-counter-e2e-"));
  counter = await startCounter("views", join(ROOT, "dist/data"));
  h = await start({ counter: counter.url });
});
after(async () => {
  counter?.proc.kill();
  await h?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("with the counter running, a view is counted once per window", { skip }, async () => {
  const page = await h.page(READER);
  await page.goto(h.url(`/article/${ID}`));
  await ready(page);
  await page.waitForFunction((n) => document.querySelector(".views")?.textContent === `浏览次数：${n}`, DATA_VIEWS + 1);
  await page.reload();
  await ready(page);
  // The reload is inside the 30-minute window: still one view, not two.
  await page.waitForFunction(
    (n) => document.querySelector(".views")?.textContent === `浏览次数：${n}`,
    DATA_VIEWS + 1,
  );
  const again = await h.page(READER);
  await again.goto(h.url(`/article/${ID}`));
  await ready(again);
  await again.waitForFunction((n) => document.querySelector(".views")?.textContent === `浏览次数：${n}`, DATA_VIEWS + 1);
  assert.deepEqual(page.problems, []);
});

test("a pre-rendered article records its view before the app starts, and the app does not record it again", { skip }, async () => {
  // A deployment whose settings name the counter (the test server's proxy
  // only adds it to the data), so the pre-rendered pages carry it too.
  const dist = deployWithCounter("same-origin", "api/views");
  const portal = await start({ dist, counter: counter.url });
  try {
    // Another reader than the test above: a view of theirs counts.
    const page = await portal.page({ userAgent: READER.userAgent.replace("Chrome/156", "Chrome/157") });
    const posts = [];
    page.on("request", (r) => r.url().includes(`/api/views/${ID}`) && posts.push(r.method()));
    const answered = page.waitForResponse((r) => r.url().includes(`/api/views/${ID}`));
    await page.goto(portal.url(`/article/${ID}`));
    const { views } = await (await answered).json();
    assert.ok(views > DATA_VIEWS, `the counter counted this reader (${views})`);
    await page.waitForFunction((n) => document.querySelector("#boot .views")?.textContent === `浏览次数：${n}`, views);
    assert.equal(await page.locator("#app").count(), 0, "counted without the app");
    await ready(page);
    assert.equal(await page.locator(".views").innerText(), `浏览次数：${views}`);
    assert.deepEqual(posts, ["POST"], "one request for one view");
    assert.deepEqual(page.problems, []);
  } finally {
    await portal.stop();
  }
});

test("with the counter stopped, the page shows the data's count and no error", { skip }, async () => {
  counter.proc.kill("SIGKILL");
  await new Promise((done) => counter.proc.once("exit", done));
  const page = await h.page(READER);
  const answered = page.waitForResponse((r) => r.url().includes(`/api/views/${ID}`));
  await page.goto(h.url(`/article/${ID}`));
  await ready(page);
  assert.equal((await answered).status(), 502);
  assert.equal(await text(page, ".views"), `浏览次数：${DATA_VIEWS}`);
  assert.equal(await page.locator("[role=alert]").count(), 0);
  // The browser logs the failed request itself; nothing else may go wrong.
  assert.deepEqual(page.problems.filter((p) => !p.includes("502")), []);
});

test("a counter on another origin records the view, allowed by the CSP the build wrote", { skip }, async () => {
  // The counter's address is known first; the portal's origin is the
  // server's once started, and the counter allows exactly that origin.
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}/api/views`;
  const dist = deployWithCounter("cross-origin", endpoint);
  assert.match(readFileSync(join(dist, "index.html"), "utf8"), new RegExp(`connect-src 'self' http://127\\.0\\.0\\.1:${port}[;"]`));
  const portal = await start({ dist });
  const cross = await startCounter("cross", join(dist, "data"), { port, extra: ["--allow-origin", portal.origin] });
  try {
    const page = await portal.page(READER);
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(portal.url(`/article/${ID}`));
    await ready(page);
    await page.waitForFunction((n) => document.querySelector(".views")?.textContent === `浏览次数：${n}`, DATA_VIEWS + 1);
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(page.problems, []);
  } finally {
    cross.proc.kill();
    await portal.stop();
  }
});
