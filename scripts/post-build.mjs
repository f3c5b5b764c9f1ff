// Trunk post-build hook (Trunk.toml): finish the build in the staging dir.
//
// 1. sw.js gets this build's precache list (the shell) and version. The hashed file
//    names change on every build, so the list can only be made now.
// 2. index.html gets a Content-Security-Policy <meta>, with the hash of
//    Trunk's inline loader script (which also changes every build).
// 2a. That loader, on a pre-rendered page, first waits for the page's first
//    contentful paint, then until the reader needs the app (public/prefs.js),
//    and only then imports the app's JS.
// 4. The search worker (crates/search-worker, built by Trunk as
//    pufa-search-worker.js + _bg.wasm with fixed names) gets names with its
//    content hash, like the app's own files (immutable caching), a start line
//    that loads its wasm, and a <meta name="pufa-search-worker"> in the shell
//    naming its script for the app.
// 5. prefs.js and sw.js, our own scripts, lose their whole-line comments:
//    they are for whoever reads public/, not for every reader's download.
// 6. The stylesheet loses its comments too, and its integrity attribute in
//    the shell is made for what is left.
// 3. shell.html keeps the shell (the page the app fills in) for the search page and
//    the service worker, with <meta name="pufa-version"> (1.'s version); `pufa
//    render` then writes every article, list page, home (index.html), 网站地图
//    and 404.html as pre-rendered HTML with that head.
//
// Works for any --public-url: every path written is relative. Idempotent:
// `node scripts/post-build.mjs DIR` redoes it on a finished build (the
// update test uses that to make a second version of a build).

import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const dir = process.argv[2] || process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("usage: node scripts/post-build.mjs DIR (Trunk's hook sets TRUNK_STAGING_DIR)");
  process.exit(2);
}
const swTemplate = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "sw.js");

function files(root) {
  const out = [];
  for (const name of readdirSync(root)) {
    const full = join(root, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else out.push(relative(dir, full).split(sep).join("/"));
  }
  return out;
}

// --- 5. Whole-line comments (`// …`, and `/* … */` blocks that begin a
// line) and blank lines out of our own scripts. Only safe for files that
// keep no such line inside a string, as public/prefs.js and public/sw.js.
function withoutComments(js) {
  let inBlock = false;
  return js
    .split("\n")
    .filter((line) => {
      const t = line.trim();
      if (inBlock) {
        inBlock = !t.includes("*/");
        return false;
      }
      if (t.startsWith("/*")) {
        inBlock = !t.includes("*/");
        return false;
      }
      return t !== "" && !t.startsWith("//");
    })
    .join("\n") + "\n";
}
const prefsPath = join(dir, "prefs.js");
writeFileSync(prefsPath, withoutComments(readFileSync(prefsPath, "utf8")));

// --- 4. The search worker's files. Trunk names a worker's files after its
// binary (a worker cannot be told a hashed name at build time); here they get
// the hash of their content. A second run finds them already renamed.
const WORKER = "pufa-search-worker";
function searchWorker() {
  const js = join(dir, `${WORKER}.js`);
  const wasm = join(dir, `${WORKER}_bg.wasm`);
  if (!existsSync(js) || !existsSync(wasm)) {
    const done = readdirSync(dir).find((f) => new RegExp(`^${WORKER}-[0-9a-f]{16}\\.js$`).test(f));
    if (done) return done;
    throw new Error(`post-build: ${WORKER}.js or ${WORKER}_bg.wasm missing from ${dir} (index.html builds them)`);
  }
  const wasmBytes = readFileSync(wasm);
  const hash = createHash("sha256").update(readFileSync(js)).update(wasmBytes).digest("hex").slice(0, 16);
  const name = `${WORKER}-${hash}`;
  // wasm-bindgen's no-modules loader defines `wasm_bindgen`; this line
  // starts it. A failure to load the wasm (offline and never cached) is told
  // to the page, which then offers 重试 instead of waiting forever.
  const start =
    `\nwasm_bindgen({ module_or_path: "./${name}_bg.wasm" })` +
    `.catch((e) => self.postMessage("boot-failed:" + String(e)));\n`;
  writeFileSync(join(dir, `${name}.js`), readFileSync(js, "utf8") + start);
  unlinkSync(js);
  renameSync(wasm, join(dir, `${name}_bg.wasm`));
  return `${name}.js`;
}
const workerScript = searchWorker();

// --- 2. CSP for index.html.
// The counter service may live on another origin (site.counter in the
// content is an absolute http(s) address): then exactly that origin may be
// called, and nothing else. The site file is this build's, compiled by the
// pre-build hook (`pufa build`) into data/.
function counterOrigin() {
  try {
    const { version } = JSON.parse(readFileSync(join(dir, "data", "version.json"), "utf8"));
    const site = JSON.parse(readFileSync(join(dir, "data", "v", version, "site.json"), "utf8"));
    const counter = site.site && site.site.counter;
    if (typeof counter === "string" && /^https?:\/\//i.test(counter)) return new URL(counter).origin;
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
  }
  return null;
}
const extraConnect = counterOrigin();
const indexPath = join(dir, "index.html");
const shellPath = join(dir, "shell.html");
// Run again on a finished build, index.html is the pre-rendered home: the
// shell is the one kept from the first run.
let html = readFileSync(existsSync(shellPath) ? shellPath : indexPath, "utf8");
// --- 2a. On a pre-rendered page, Trunk's loader fetches the app's wasm only
// once the page is on screen (the browser reports its first contentful
// paint): the wasm then does not compete with that paint for the network and
// the main thread, and the app cannot take the page over before the reader
// has seen it once (Lighthouse then timed the app's copy as the largest
// paint, with the whole wasm before it: LCP 3.8–4.2 s simulated instead of
// 1.2 s; see docs/deploy.md). A frame's callbacks alone are not enough: the
// paint is reported as shown up to tens of milliseconds after the task that
// follows them. Nor is the first paint: on a fresh machine it came 44 ms
// before the first contentful one, and the wasm was asked for in between.
// A browser that reports no such paint starts 0.5 s after its first frame;
// a tab never shown starts when it is. The shell (search page, offline copy)
// has nothing to show before the app and starts it at once. Then, on a
// pre-rendered page, the loader waits until the reader asks for something
// only the app does (public/prefs.js resolves pufaAppWanted; without
// prefs.js the app starts after the paint, as before). Trunk has no
// option for this; its loader is one fixed template (0.21), so a missing
// line is an error here.
const START = "const wasm = await init(";
const GUARD = 'if (document.querySelector("#boot[data-prerendered]")) ';
const WAIT =
  GUARD +
  "{ await new Promise((go) => { " +
  'try { new PerformanceObserver((l) => { if (l.getEntriesByName("first-contentful-paint").length) go(); })' +
  '.observe({ type: "paint", buffered: true }); } catch (e) { go(); } ' +
  "requestAnimationFrame(() => setTimeout(go, 500)); }); " +
  "if (window.pufaAppWanted) await window.pufaAppWanted; }\n";
// The app's JS (wasm-bindgen's glue) is imported by the loader only once
// the wait is over: Trunk imports it statically, so every pre-rendered page
// fetched and parsed it (12 kB) for a reader who may never need the app.
// The shell keeps Trunk's modulepreload of it, so it loses nothing.
const IMPORT = /^import init, \* as bindings from '([^']+)';\n/gm;
const DYNAMIC = /^const bindings = await import\('([^']+)'\); const init = bindings\.default;$/m;
// Run again on a finished build: the lines that are there make way for these.
html = html.split("\n").filter((line) => !line.startsWith(GUARD)).join("\n");
html = html.replace(DYNAMIC, (_, js) => `import init, * as bindings from '${js}';`);
const imports = [...html.matchAll(IMPORT)];
if (html.split(START).length !== 2 || imports.length !== 1) {
  console.error(`post-build: Trunk's loader in ${indexPath} has no single "${START}" and static import of the app's JS: the wait for the first contentful paint cannot be added`);
  process.exit(1);
}
html = html.replace(IMPORT, "");
html = html.replace(START, WAIT + `const bindings = await import('${imports[0][1]}'); const init = bindings.default;\n` + START);
const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const hashes = inline.map((s) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`);
const csp = [
  "default-src 'self'",
  `script-src 'self' ${hashes.join(" ")} 'wasm-unsafe-eval'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  extraConnect ? `connect-src 'self' ${extraConnect}` : "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");
// --- 6. Comments out of the stylesheet (they explain style/main.css to its
// readers). The file is served as immutable under its hashed name, so it
// gets the name of what it now holds (Trunk hashed the file with its
// comments), and the integrity attribute is remade. A comment marker
// inside a CSS string would make this unsafe: then it is left alone.
for (const name of readdirSync(dir).filter((f) => f.endsWith(".css"))) {
  const css = readFileSync(join(dir, name), "utf8");
  if (/["'][^"'\n]*\/\*/.test(css)) continue;
  const lean = css.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\n\s*\n+/g, "\n");
  if (lean === css) continue;
  const leanName = name.replace(/-[0-9a-f]{16}\.css$/, `-${createHash("sha256").update(lean, "utf8").digest("hex").slice(0, 16)}.css`);
  const sri = `sha384-${createHash("sha384").update(lean, "utf8").digest("base64")}`;
  const tag = new RegExp(`(href="[^"]*/)${name.replace(/\./g, "\\.")}"( integrity="sha384-[^"]*")?`);
  if (!tag.test(html)) throw new Error(`post-build: no <link> to ${name} in the shell`);
  html = html.replace(tag, (_, href, integrity) => `${href}${leanName}"${integrity ? ` integrity="${sri}"` : ""}`);
  writeFileSync(join(dir, leanName), lean);
  if (leanName !== name) unlinkSync(join(dir, name));
}
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, "");
html = html.replace(/<meta name="pufa-search-worker"[^>]*>\s*/g, "");
html = html.replace(/<meta name="pufa-version"[^>]*>\s*/g, "");
html = html.replace(/(<meta charset="utf-8" \/>)/, `$1\n    <meta name="pufa-search-worker" content="${workerScript}" />`);
html = html.replace(/(<meta charset="utf-8" \/>)/, `$1\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);
writeFileSync(shellPath, html);

// --- 1. Service worker precache list and version.
// The shell only: data and images are versioned by path and cached by the
// worker as they are used (only the current site and home files up front).
const precache = files(dir)
  .filter((f) => f !== "sw.js" && !f.endsWith(".map"))
  // Pre-rendered pages are for first visits and crawlers; the worker
  // answers navigations with the shell.
  .filter((f) => !f.endsWith(".html") || f === "shell.html")
  // Feeds, sitemaps and robots.txt change with every publish, and are not
  // for the app: a data-only publish must not make a new app version.
  .filter((f) => !/^(feed\.xml|sitemap\.xml|robots\.txt)$|^(feeds|sitemaps)\//.test(f))
  .filter((f) => !f.startsWith("data/") && !f.startsWith("media/"))
  .sort((a, b) => (a === "shell.html" ? -1 : b === "shell.html" ? 1 : a.localeCompare(b)));
const version = createHash("sha256");
for (const f of precache) {
  // Only code and shell changes make a new version (and the 有新版本
  // prompt); a publish of new data reaches readers through version.json.
  version.update(f).update(readFileSync(join(dir, f)));
}
const shellVersion = version.digest("hex").slice(0, 16);
// The shell, and so every page rendered from it, names its version: the
// worker serves a page from the site only when it is of its own version
// (public/sw.js), and the shell otherwise. Hashed above without this line.
html = html.replace(/(<meta charset="utf-8" \/>)/, `$1\n    <meta name="pufa-version" content="${shellVersion}" />`);
writeFileSync(shellPath, html);

// --- 3. Pre-rendered pages, by the content tool of this checkout ($PUFA_BIN
// when a test names one). It reads shell.html and this build's data/.
const render = process.env.PUFA_BIN
  ? [process.env.PUFA_BIN, ["render", "--dist", dir]]
  : ["cargo", ["run", "--quiet", "--locked", "--profile", "tool", "-p", "pufa-cli", "--", "render", "--dist", dir]];
execFileSync(render[0], render[1], { stdio: "inherit" });

const swPath = join(dir, "sw.js");
const sw = withoutComments(readFileSync(swTemplate, "utf8"))
  .replace('"__PUFA_VERSION__"', JSON.stringify(shellVersion))
  .replace("__PUFA_PRECACHE__", JSON.stringify(precache));
writeFileSync(swPath, sw);
console.log(
  `post-build: ${precache.length} files precached, CSP with ${hashes.length} script hash(es)` +
    `${extraConnect ? ` and connect-src ${extraConnect}` : ""}, shell.html written`,
);
