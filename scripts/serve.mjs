// A small static file server for dist/, the way a real static host with an
// SPA rewrite behaves: files are served as they are, a pre-rendered page at
// its URL + .html, a navigation to a path with no file gets the shell, and a missing asset or data file is a real
// 404 (Trunk's dev server answers those with index.html, which hides bugs).
//
// Usage: node scripts/serve.mjs DIR PORT [BASE] [--counter URL]
//   BASE is the public URL path the build was made for (default "/").
//   --counter URL: a development convenience (like Trunk's proxy). Requests
//   under BASE/api/ go to the view-counter service at URL, and the site file
//   (data/v/<version>/site.json) is served with "counter": "api/views" set,
//   so the default content shows live counts without editing it.
// Listens on 127.0.0.1 only. The e2e tests import `serve` directly.

import { createServer, request as httpRequest } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";


const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".pdf": "application/pdf",
};

async function fileAt(path) {
  try {
    const s = await stat(path);
    if (s.isFile()) return path;
    if (s.isDirectory()) {
      const index = join(path, "index.html");
      if ((await stat(index)).isFile()) return index;
    }
  } catch {}
  return null;
}

/** Text-like types worth compressing, as any production server does. */
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|wasm|manifest\+json|xml|octet-stream)|image\/svg)/;

function send(res, status, type, body, head, req) {
  const headers = { "content-type": type, "cache-control": "no-cache", vary: "accept-encoding" };
  if (req && body.length > 1024 && COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
    body = gzipSync(body, { level: 6 });
    headers["content-encoding"] = "gzip";
  }
  res.writeHead(status, headers);
  res.end(head ? undefined : body);
}

/** Forward one request to the counter service; 502 when it is down. */
function proxy(req, res, target) {
  const headers = { ...req.headers, host: target.host, "x-forwarded-for": req.socket.remoteAddress };
  const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end('{"error":"counter unavailable"}');
  });
  req.pipe(upstream);
}

/** Serve `dir` under `baseArg` on 127.0.0.1:`port` (0 picks a free port).
 *  Resolves to the listening server once it accepts connections;
 *  `server.setRoot(dir)` swaps in another build (a new deployment). */
export function serve(dir, port = 0, baseArg = "/", { counter } = {}) {
  let root = resolve(dir);
  const base = baseArg.endsWith("/") ? baseArg : `${baseArg}/`;
  const server = createServer(async (req, res) => {
    const head = req.method === "HEAD";
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      return send(res, 400, "text/plain", "bad request", head);
    }
    if (counter && pathname.startsWith(`${base}api/`)) {
      return proxy(req, res, new URL(req.url.slice(base.length - 1), counter));
    }
    if (req.method !== "GET" && !head) return send(res, 405, "text/plain", "method not allowed");
    if (!pathname.startsWith(base) && `${pathname}/` !== base) {
      return send(res, 404, "text/plain; charset=utf-8", "not found", head);
    }
    const rel = normalize(pathname.slice(base.length) || ".");
    const full = resolve(root, rel);
    if (full !== root && !full.startsWith(root + sep)) {
      return send(res, 403, "text/plain", "forbidden", head);
    }
    let file = await fileAt(full);
    // A pre-rendered page: /article/x is article/x.html (as nginx's
    // try_files $uri.html and most static hosts do).
    if (!file && !extname(pathname)) file = await fileAt(`${full}.html`);
    const navigation = !extname(pathname) && (req.headers.accept || "").includes("text/html");
    // Any other route goes to the app's shell (index.html before pre-rendering existed).
    if (!file && navigation) file = (await fileAt(join(root, "shell.html"))) || join(root, "index.html");
    if (!file) return send(res, 404, "text/plain; charset=utf-8", "not found", head);
    let body = await readFile(file);
    if (counter && /^data\/v\/[0-9a-f]+\/site\.json$/.test(rel.split(sep).join("/"))) {
      const data = JSON.parse(body.toString("utf8"));
      data.site.counter ??= "api/views";
      body = Buffer.from(JSON.stringify(data));
    }
    send(res, 200, TYPES[extname(file)] || "application/octet-stream", body, head, req);
  });
  server.setRoot = (next) => {
    root = resolve(next);
  };
  return new Promise((done) => server.listen(port, "127.0.0.1", () => done(server)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--counter");
  const counter = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const [dir = "dist", port = "8080", base = "/"] = args;
  const server = await serve(dir, Number(port), base, { counter });
  const shown = base.endsWith("/") ? base : `${base}/`;
  console.log(`serving ${resolve(dir)} at http://127.0.0.1:${server.address().port}${shown}`);
}
