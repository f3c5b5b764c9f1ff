// Trunk post-build hook (Trunk.toml): finish the build in the staging dir.
//
// 1. sw.js gets this build's precache list (the shell) and version. The hashed file
//    names change on every build, so the list can only be made now.
// 2. index.html gets a Content-Security-Policy <meta>, with the hash of
//    Trunk's inline loader script (which also changes every build).
// 3. 404.html is a copy of the shell, for static hosts without rewrites.
//
// Works for any --public-url: every path written is relative. Idempotent:
// `node scripts/post-build.mjs DIR` redoes it on a finished build (the
// update test uses that to make a second version of a build).

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
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
let html = readFileSync(indexPath, "utf8");
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
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, "");
html = html.replace(/(<meta charset="utf-8" \/>)/, `$1\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);
writeFileSync(indexPath, html);

// --- 3. 404.html fallback.
writeFileSync(join(dir, "404.html"), html);

// --- 1. Service worker precache list and version.
// The shell only: data and images are versioned by path and cached by the
// worker as they are used (only the current site and home files up front).
const precache = files(dir)
  .filter((f) => f !== "sw.js" && f !== "404.html" && !f.endsWith(".map"))
  .filter((f) => !f.startsWith("data/") && !f.startsWith("media/"))
  .sort((a, b) => (a === "index.html" ? -1 : b === "index.html" ? 1 : a.localeCompare(b)));
const version = createHash("sha256");
for (const f of precache) {
  // Only code and shell changes make a new version (and the 有新版本
  // prompt); a publish of new data reaches readers through version.json.
  version.update(f).update(readFileSync(join(dir, f)));
}
const swPath = join(dir, "sw.js");
const sw = readFileSync(swTemplate, "utf8")
  .replace('"__PUFA_VERSION__"', JSON.stringify(version.digest("hex").slice(0, 16)))
  .replace("__PUFA_PRECACHE__", JSON.stringify(precache));
writeFileSync(swPath, sw);
console.log(
  `post-build: ${precache.length} files precached, CSP with ${hashes.length} script hash(es)` +
    `${extraConnect ? ` and connect-src ${extraConnect}` : ""}, 404.html written`,
);
