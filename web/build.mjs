// Builds the portal into dist/: one hashed JavaScript bundle and stylesheet under dist/assets/
// (with the QR decoder as a chunk loaded on first use, and the verifier's worker script),
// index.html that names them, the service worker (dist/sw.js, unhashed so its scope is "/"), the
// files of public/, and a .gz and .br beside every text file so vaxreg serves them precompressed.
// Nothing is fetched at build or run time: every byte comes from this folder and node_modules.
//   node build.mjs [--out DIR] [--dev]
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(here, "dist"));
const dev = args.includes("--dev");

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, "assets"), { recursive: true });

// The verifier's worker (src/verify/worker.ts) is a script of its own: the app names it by its
// hashed path, so the page downloads none of the verification code.
const worker = await esbuild.build({
  entryPoints: { "verify-worker": path.join(here, "src/verify/worker.ts") },
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: !dev,
  sourcemap: false,
  outdir: path.join(out, "assets"),
  entryNames: "[name]-[hash]",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});
const workerScript = Object.keys(worker.metafile.outputs).map((p) => path.relative(out, path.resolve(p)))[0];

const app = await esbuild.build({
  entryPoints: { app: path.join(here, "src/main.tsx") },
  bundle: true,
  format: "esm",
  splitting: true,
  target: ["es2020"],
  minify: !dev,
  sourcemap: false,
  outdir: path.join(out, "assets"),
  entryNames: "[name]-[hash]",
  chunkNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  jsx: "automatic",
  jsxImportSource: "preact",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
  define: { __VERIFY_WORKER__: JSON.stringify("/" + workerScript) },
});

const outputs = [...Object.keys(app.metafile.outputs), ...Object.keys(worker.metafile.outputs)].map((p) => path.relative(out, path.resolve(p)));
const entry = outputs.find((p) => /^assets\/app-[^/]+\.js$/.test(p));
const css = outputs.find((p) => /^assets\/app-[^/]+\.css$/.test(p));
if (!entry || !css) throw new Error(`build: no app bundle among ${outputs.join(", ")}`);

for (const file of fs.readdirSync(path.join(here, "public"))) {
  fs.copyFileSync(path.join(here, "public", file), path.join(out, file));
}

const template = fs.readFileSync(path.join(here, "src/index.html"), "utf8");
const html = template
  .replace("%APP_JS%", "/" + entry)
  .replace("%APP_CSS%", "/" + css);
fs.writeFileSync(path.join(out, "index.html"), html);

// The service worker precaches the app shell; its version is the hash of what it caches, so a
// new build replaces the old cache.
const shell = ["/", "/index.html", "/manifest.webmanifest", "/icon.svg", ...outputs.map((p) => "/" + p)];
const version = createHash("sha256").update(shell.join("\n")).digest("hex").slice(0, 12);
await esbuild.build({
  entryPoints: [path.join(here, "src/sw.ts")],
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: !dev,
  outfile: path.join(out, "sw.js"),
  define: { __SHELL__: JSON.stringify(shell), __VERSION__: JSON.stringify(version) },
  logLevel: "warning",
});

// Precompressed variants of every text file, kept only when smaller.
const textual = /\.(js|css|html|svg|json|webmanifest|txt)$/;
let raw = 0;
let brotli = 0;
function walk(dir) {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isDirectory()) { walk(file); continue; }
    if (!textual.test(name)) continue;
    const data = fs.readFileSync(file);
    const gz = gzipSync(data, { level: 9 });
    const br = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    if (gz.length < data.length) fs.writeFileSync(file + ".gz", gz);
    if (br.length < data.length) fs.writeFileSync(file + ".br", br);
    raw += data.length;
    brotli += Math.min(br.length, data.length);
  }
}
walk(out);
console.log(`portal: ${path.relative(process.cwd(), out) || "."} (${(raw / 1024).toFixed(1)} KiB, ` +
  `${(brotli / 1024).toFixed(1)} KiB brotli) ${entry}`);
