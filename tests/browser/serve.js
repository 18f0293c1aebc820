// A tiny static file server for the browser tests: serves one directory on
// 127.0.0.1 on an ephemeral port, with proper content types, and keeps a
// log of every request and its status. No dependencies.
//   as a module: const s = await require("./serve").start(dir); s.port; s.log; await s.close()
//   from a shell: node tests/browser/serve.js DIR [PORT]   (prints "listening on http://...")
"use strict";
const http = require("http");
const fs = require("fs");
const path = require("path");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".pdf": "application/pdf",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".zip": "application/zip",
};

function contentType(file) {
  if (path.basename(file) === "feed.xml") return "application/atom+xml; charset=utf-8";
  return TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
}

function start(dir, port) {
  const root = path.resolve(dir);
  const log = [];
  const server = http.createServer((req, res) => {
    const done = (status, headers, body) => {
      log.push({ method: req.method, url: req.url, status });
      res.writeHead(status, Object.assign({ "X-Content-Type-Options": "nosniff" }, headers));
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      return done(405, { Allow: "GET, HEAD" }, "method not allowed\n");
    }
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch (e) {
      return done(400, { "Content-Type": "text/plain" }, "bad request\n");
    }
    let file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      return done(403, { "Content-Type": "text/plain" }, "forbidden\n");
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!rel.endsWith("/")) {
          return done(301, { Location: rel + "/" }, "");
        }
        file = path.join(file, "index.html");
      }
      fs.readFile(file, (e2, data) => {
        if (e2) return done(404, { "Content-Type": "text/plain" }, "not found\n");
        done(200, { "Content-Type": contentType(file), "Content-Length": data.length }, data);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port || 0, "127.0.0.1", () => {
      const p = server.address().port;
      resolve({
        port: p,
        base: "http://127.0.0.1:" + p + "/",
        log,
        close: () => new Promise((r) => {
          server.close(() => r());
          if (server.closeAllConnections) server.closeAllConnections();
        }),
      });
    });
  });
}

module.exports = { start, contentType };

if (require.main === module) {
  const dir = process.argv[2] || "out";
  start(dir, Number(process.argv[3]) || 0).then((s) => {
    console.log("serving " + path.resolve(dir) + " on " + s.base);
  }, (e) => {
    console.error(String(e));
    process.exit(1);
  });
}
