// What a government site must carry (issue #14, items 1 and 2): the
// identity block at the foot of every page, in the order inspectors expect,
// only with what the settings hold; the generated 网站地图; the meta tags
// inspectors read per page type. The fixture's identity values are made up.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, PUFA, ready, ROOT, SEED_ID, SITE_NAME, start, text } from "./harness.mjs";

const AXE = readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
/** An article whose file names its 来源. */
const SOURCED_ID = "2015-fagui-tupian-liebiao-shili";

/** The identity items of the footer, line by line, in page order. */
const EXPECTED_LINES = [
  ["services", ["网站地图", "我为政府网站找错", "在线咨询"]],
  ["organisations", ["主办单位：示例区司法局（测试）", "承办单位：示例区普法办（测试）"]],
  ["contact", ["联系电话：027-00000000", "地址：示例市示例区测试路1号", "电子邮箱：pufa-test@example.com"]],
  ["codes", ["网站标识码：4201170000", "鄂ICP备00000000号-1", "鄂公网安备 42011700000000号"]],
];

const PAGES = {
  home: "/",
  list: "/channel/xinzhou",
  article: `/article/${SEED_ID}`,
  "not-found": "/no/such/page",
  sitemap: "/sitemap",
};

let h;
let work;
before(async () => {
  h = await start();
  work = mkdtempSync(join(tmpdir(), "pufa-identity-"));
});
after(async () => {
  await h?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What the footer's identity block shows, read from the DOM. */
function identityOf(page) {
  return page.evaluate(() => {
    const block = document.querySelector(".site-footer .identity");
    if (!block) return null;
    const lines = [...block.querySelectorAll(".identity-line")].map((ul) => [
      [...ul.classList].find((c) => c !== "identity-line"),
      [...ul.children].map((li) => li.innerText.trim()),
    ]);
    const href = (sel) => block.querySelector(sel)?.getAttribute("href") ?? null;
    const badge = block.querySelector(".dangzheng img");
    const emblem = block.querySelector(".police-emblem");
    // Anything that renders as an empty box: a separator with nothing in it.
    const empty = [...block.querySelectorAll("*")]
      .filter((el) => el.tagName !== "IMG" && !el.querySelector("img") && el.textContent.trim() === "")
      .map((el) => el.outerHTML);
    return {
      lines,
      firstIsBadge: block.firstElementChild?.classList.contains("dangzheng") ?? false,
      hrefs: {
        sitemap: href(".sitemap-link"),
        jiucuo: href(".jiucuo-link"),
        contact: href(".contact-link"),
        icp: href(".icp-link"),
        police: href(".police-link"),
        dangzheng: href(".dangzheng-link"),
      },
      badge: badge && { alt: badge.getAttribute("alt"), src: badge.getAttribute("src"), loaded: badge.naturalWidth > 0 },
      emblem: emblem && { alt: emblem.getAttribute("alt"), src: emblem.getAttribute("src"), loaded: emblem.naturalWidth > 0 },
      external: [...block.querySelectorAll("a[target=_blank]")].map((a) => a.getAttribute("rel")),
      empty,
    };
  });
}

/** Every `<meta name=…>` of the page: name → contents. */
function metaOf(page) {
  return page.evaluate(() => {
    const out = {};
    for (const m of document.querySelectorAll("meta[name]")) (out[m.name] ??= []).push(m.content);
    return out;
  });
}

async function open(page, path) {
  await page.goto(h.url(path));
  await ready(page);
  await page.waitForSelector("main h1");
  await page.waitForSelector(".site-footer .identity");
}

test("every identity item is in the footer of every kind of page, in order", async () => {
  const page = await h.page();
  for (const [name, path] of Object.entries(PAGES)) {
    await open(page, path);
    const id = await identityOf(page);
    assert.deepEqual(id.lines, EXPECTED_LINES, name);
    assert.ok(id.firstIsBadge, `${name}: the 党政机关网站标识 opens the block`);
    assert.deepEqual(
      id.hrefs,
      {
        sitemap: "/sitemap",
        jiucuo: "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode=4201170000",
        contact: "https://example.com/liuyan-test",
        icp: "https://beian.miit.gov.cn/",
        police: "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=42011700000000",
        dangzheng: "https://example.com/conac-test",
      },
      name,
    );
    assert.equal(id.badge.alt, "党政机关网站标识");
    assert.match(id.badge.src, /^media\/test-dangzheng-badge-[0-9a-f]{10}\.png$/);
    assert.match(id.emblem.src, /^media\/test-gongan-emblem-[0-9a-f]{10}\.png$/);
    assert.equal(id.emblem.alt, "", "the emblem is decoration beside the number that names the link");
    // Other sites open in a new tab without a handle on this one.
    assert.deepEqual(id.external, Array(5).fill("noopener noreferrer"), name);
    assert.deepEqual(id.empty, [], name);
    await page.waitForFunction(() => [...document.querySelectorAll(".identity img")].every((i) => i.complete && i.naturalWidth > 0));
  }
  // The 主办 line sits below the 网站地图 line and above the 备案 numbers on
  // screen too, not only in the DOM.
  const tops = await page.evaluate(() =>
    [".services", ".organisations", ".contact", ".codes"].map((c) => document.querySelector(`.identity ${c}`).getBoundingClientRect().top),
  );
  assert.deepEqual([...tops].sort((a, b) => a - b), tops);
  await page.screenshot({ path: join(ROOT, "tests", "e2e", "screenshots", "identity-footer.png"), fullPage: true });
  assert.deepEqual(page.problems, []);
});

test("网站地图 lists home, search and every channel of the tree, and the footer leads there", async () => {
  const page = await h.page();
  await open(page, "/channel/pufa");
  await page.locator(".identity .sitemap-link").click();
  await page.waitForURL(h.url("/sitemap"));
  await ready(page);
  assert.equal(await text(page, "main h1"), "网站地图");
  assert.equal(await page.title(), `网站地图 - ${SITE_NAME}`);
  assert.equal(await text(page, ".breadcrumb"), "您当前所在的位置：主页 > 网站地图");
  const links = await page.locator(".sitemap-pages a, .sitemap-channels a").evaluateAll((as) => as.map((a) => [a.innerText.trim(), a.getAttribute("href")]));
  assert.deepEqual(links, [
    ["首页", "/"],
    ["站内搜索", "/search"],
    ["普法动态", "/channel/pufa"],
    ["新洲区", "/channel/xinzhou"],
    ["黄陂区", "/channel/huangpi"],
    ["江岸区", "/channel/jiangan"],
    ["武昌区", "/channel/wuchang"],
    ["以案释法", "/channel/yianshifa"],
    ["法律法规", "/channel/fagui"],
  ]);
  // Sub-channels are nested under their parent.
  assert.deepEqual(await page.locator(".sitemap-channels .sitemap-channels > li > a").allInnerTexts(), ["新洲区", "黄陂区", "江岸区", "武昌区"]);
  await page.locator(".sitemap a", { hasText: "黄陂区" }).click();
  await page.waitForURL(h.url("/channel/huangpi"));
  assert.equal(await text(page, "main h1"), "黄陂区");
  // The worker answers /sitemap with the shell, like every app route.
  const sw = readFileSync(join(DIST, "sw.js"), "utf8");
  assert.match(sw, /path === "sitemap"/);
  assert.deepEqual(page.problems, []);
});

test("the meta tags inspectors read, per page type", async () => {
  const page = await h.page();
  const site = { SiteName: [SITE_NAME], SiteDomain: ["pufa.example.gov.cn"], SiteIDCode: ["4201170000"] };
  const column = ["ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"];
  const pick = (meta, names) => Object.fromEntries(names.map((n) => [n, meta[n] ?? []]));
  for (const path of [...Object.values(PAGES), "/search?q=普法"]) {
    await page.goto(h.url(path));
    await ready(page);
    await page.waitForSelector("main h1");
    const meta = await metaOf(page);
    assert.deepEqual(pick(meta, Object.keys(site)), site, path);
    if (!path.startsWith("/channel/")) {
      assert.deepEqual(pick(meta, column.slice(1)), { ColumnDescription: [], ColumnKeywords: [], ColumnType: [] }, path);
    }
  }
  // Channel pages, reached by navigating inside the app: no tag is left
  // over from the page before, none doubled.
  await open(page, "/");
  const expect = {
    pufa: {
      ColumnName: ["普法动态"],
      ColumnDescription: ["武汉市各区普法工作动态（测试栏目描述）。"],
      ColumnKeywords: ["普法动态,普法宣传"],
      ColumnType: ["信息发布"],
    },
    xinzhou: {
      ColumnName: ["新洲区"],
      ColumnDescription: [`${SITE_NAME}「新洲区」栏目文章列表。`],
      ColumnKeywords: ["普法动态,新洲区,普法"],
      ColumnType: ["信息发布"],
    },
    yianshifa: {
      ColumnName: ["以案释法"],
      ColumnDescription: [`${SITE_NAME}「以案释法」栏目文章列表。`],
      ColumnKeywords: ["以案释法,普法"],
      ColumnType: ["解读回应"],
    },
  };
  for (const [id, want] of Object.entries(expect)) {
    await page.goto(h.url(`/channel/${id}`));
    await ready(page);
    const meta = await metaOf(page);
    assert.deepEqual(pick(meta, column), want, id);
    assert.deepEqual(pick(meta, Object.keys(site)), site, id);
    assert.deepEqual(meta.description, want.ColumnDescription, `${id}: the page description is the column's`);
  }
  await page.locator(".channel-nav a", { hasText: "首页" }).click();
  await page.waitForURL(h.url("/"));
  await ready(page);
  const home = await metaOf(page);
  assert.deepEqual(pick(home, column), { ColumnName: [], ColumnDescription: [], ColumnKeywords: [], ColumnType: [] });
  assert.deepEqual(pick(home, Object.keys(site)), site);

  // ContentSource says what the page shows as 来源, with or without one.
  for (const [id, source] of [[SOURCED_ID, "测试用来源"], [SEED_ID, "未注明"]]) {
    await open(page, `/article/${id}`);
    const shown = (await text(page, ".article-meta .source")).replace(/^来源：/, "");
    assert.equal(shown, source, id);
    const meta = await metaOf(page);
    assert.deepEqual(meta.ContentSource, [shown], id);
    assert.deepEqual(pick(meta, Object.keys(site)), site, id);
  }
  assert.deepEqual(page.problems, []);
});

test("axe finds no violation on 网站地图 or in the identity block, in every theme", async () => {
  for (const options of [{ colorScheme: "light" }, { colorScheme: "dark" }, { colorScheme: "light", elder: true }]) {
    const { elder, ...context } = options;
    const page = await h.page(context);
    if (elder) await page.addInitScript(() => localStorage.setItem("pufa.elder", "1"));
    for (const path of ["/sitemap", "/"]) {
      await open(page, path);
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
      });
      assert.deepEqual(violations, [], `${path} ${JSON.stringify(options)}`);
    }
    await page.context().close();
  }
});

test("with no identity settings nothing of the block is shown, and no empty separator", async () => {
  assert.ok(existsSync(PUFA), `pufa not built at ${PUFA} (set PUFA_BIN)`);
  const dist = join(work, "plain");
  cpSync(DIST, dist, { recursive: true });
  const content = join(work, "plain-content");
  cpSync(join(ROOT, "tests", "fixtures", "content"), content, { recursive: true });
  const siteToml = join(content, "site.toml");
  const plain = readFileSync(siteToml, "utf8")
    .replace(/\n\[site\.identity\]\n[\s\S]*?\n\n/, "\n\n")
    .replace(/^url = .*\n/m, "");
  assert.ok(!/\[site\.identity\]|url = "https:\/\/pufa|site_code|sponsor/.test(plain), "the variant still has identity settings");
  writeFileSync(siteToml, plain);
  execFileSync(PUFA, ["build", "--content", content, "--out", join(dist, "data")]);

  const plainSite = await start({ dist });
  try {
    const page = await plainSite.page();
    for (const path of Object.values(PAGES)) {
      await page.goto(plainSite.url(path));
      await ready(page);
      await page.waitForSelector("main h1");
      await page.waitForSelector(".site-footer .identity");
      const id = await identityOf(page);
      // 网站地图 is generated, so it stays; nothing configured is shown.
      assert.deepEqual(id.lines, [["services", ["网站地图"]]], path);
      assert.equal(id.firstIsBadge, false, path);
      assert.equal(id.badge, null, path);
      assert.equal(id.emblem, null, path);
      assert.deepEqual(id.empty, [], path);
      const footer = await page.locator(".site-footer").innerText();
      for (const word of ["主办", "承办", "电话", "地址", "邮箱", "标识码", "ICP", "公网安备", "找错", "咨询"]) {
        assert.ok(!footer.includes(word), `${path}: ${word} shown without a setting`);
      }
      const meta = await metaOf(page);
      assert.deepEqual(meta.SiteName, [SITE_NAME], path);
      assert.equal(meta.SiteDomain, undefined, path);
      assert.equal(meta.SiteIDCode, undefined, path);
    }
    assert.deepEqual(page.problems, []);
  } finally {
    await plainSite.stop();
  }
});
