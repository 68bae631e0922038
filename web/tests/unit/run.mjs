// Runs the portal's unit tests: every tests/unit/**/*.test.ts is bundled by esbuild (Node 20,
// ESM, dependencies from web/node_modules inlined) into a temporary folder, then all of them run
// in one `node --test`. No other test tool is needed.
//   node tests/unit/run.mjs [SUBSTRING...]   only test files whose path contains a substring
// Tests find their inputs through the environment: VAXREG_WEB_DIR (this web/ folder) and
// VAXREG_SHARED_DIR (default: the shared/ folder beside the repository, ../shared).
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, "../..");
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") out.push(...findTests(p));
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const tests = findTests(here)
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)))
  .sort();
if (tests.length === 0) {
  console.error("run.mjs: no test files matched");
  process.exit(1);
}

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "vaxreg-web-unit-"));
let status = 1;
try {
  const entryPoints = Object.fromEntries(
    tests.map((p) => [path.relative(here, p).replace(/\.ts$/, "").replace(/[\\/]/g, "__"), p]),
  );
  await esbuild.build({
    entryPoints,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    sourcemap: "inline",
    // Bundled CommonJS code may call require(); give ESM output one.
    banner: {
      js:
        "import { createRequire as __vaxregRequire } from 'node:module';" +
        " const require = __vaxregRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  const files = fs
    .readdirSync(outDir)
    .filter((f) => f.endsWith(".mjs"))
    .sort()
    .map((f) => path.join(outDir, f));
  const env = {
    ...process.env,
    VAXREG_WEB_DIR: webDir,
    VAXREG_SHARED_DIR: process.env.VAXREG_SHARED_DIR || path.resolve(webDir, "../../shared"),
  };
  const r = spawnSync(process.execPath, ["--enable-source-maps", "--test", ...files], {
    stdio: "inherit",
    env,
    cwd: webDir,
  });
  status = r.status ?? 1;
} finally {
  fs.rmSync(outDir, { recursive: true, force: true });
}
process.exit(status);
