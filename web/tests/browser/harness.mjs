// What the browser tests share: a real vaxreg server on port 0 over a fresh demo database (keys,
// certificates, corrections and a population register included), Debian's chromium driven by
// playwright-core (never a downloaded browser), axe-core, screenshots kept as test artifacts.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const webRoot = path.resolve(here, "../../dist");
export const artifactsDir = process.env.VAXREG_BROWSER_ARTIFACTS ?? path.resolve(here, "../../../build/browser-artifacts");
export const chromiumPath = process.env.VAXREG_CHROMIUM ?? "/usr/bin/chromium";
const axeSource = fs.readFileSync(path.resolve(here, "../../node_modules/axe-core/axe.min.js"), "utf8");

export function vaxregBinary() {
  const bin = process.env.VAXREG_BIN;
  if (!bin || !fs.existsSync(bin)) throw new Error("set VAXREG_BIN to the vaxreg binary");
  if (!fs.existsSync(path.join(webRoot, "index.html"))) throw new Error(`no portal build in ${webRoot}: run (cd web && node build.mjs)`);
  return bin;
}

// A seeded demo server. `codes` collects the one-time codes the demo server logs (DEMO ONLY).
export async function startServer({ people = 300 } = {}) {
  const bin = vaxregBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vaxreg-browser-"));
  const env = {
    ...process.env,
    VAXREG_CORRECTIONS_PHOTO_DIR: path.join(dir, "photos"),
    VAXREG_KEY_DIR: path.join(dir, "keys"),
    VAXREG_KEY_PASSPHRASE: "vaxreg demo keys - not a secret",
    // The tests sign the demo citizen in many times within minutes.
    VAXREG_OTP_CODES_PER_15_MINUTES: "1000",
    VAXREG_OTP_CODES_PER_DAY: "10000",
  };
  const db = `sqlite:${path.join(dir, "demo.db")}`;
  execFileSync(bin, ["--db", db, "demo", "seed", "--people", String(people), "--seed", "1"], { env, stdio: "ignore" });
  const proc = spawn(bin, ["--db", db, "serve", "--demo", "--address", "127.0.0.1", "--port", "0", "--web-root", webRoot], { env });
  const codes = new Map();  // phone -> latest code
  let log = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60000);
    const onData = (chunk) => {
      log += chunk.toString();
      for (const m of log.matchAll(/outbox sms to (\+?\d+): code (\d{6})/g)) codes.set(m[1], m[2]);
      // Ready once the demo data is in place too (certificates are issued after the server
      // starts listening): a test never races the demo's own writes.
      const p = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (p && log.includes("vaxreg is running at")) { clearTimeout(timer); resolve(Number(p[1])); }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`server exited ${code}:\n${log}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    dir,
    log: () => log,
    // The newest code sent to `phone` after `since` codes were seen.
    async codeFor(phone, previous) {
      for (let i = 0; i < 100; i++) {
        const c = codes.get(phone);
        if (c && c !== previous) return c;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no code sent to ${phone}`);
    },
    lastCode: (phone) => codes.get(phone),
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// fetch() against the server's JSON API: {status, body} with the body parsed.
export function jsonApi(base) {
  return async (method, p, body, token) => {
    const res = await fetch(base + p, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

// A session token for an official's username and password (through `api`, a jsonApi).
export async function loginToken(api, who) {
  const r = await api("POST", "/api/v1/auth/login", who);
  if (r.status !== 200) throw new Error(`login of ${who.username}: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-dev-shm-usage", ...extraArgs],
  });
}

// A browser whose camera shows `video` (a Y4M file, media.mjs) and grants camera access.
export function launchCameraBrowser(video) {
  return launchBrowser([
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${video}`,
  ]);
}

// axe-core over the page: WCAG 2.0/2.1 A and AA rules. Returns the violations (empty is good).
export async function axe(page) {
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy stays on.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
}

export async function screenshot(page, name) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

// True when nothing on the page is wider than the viewport (usable at 360 px without sideways
// scrolling).
export async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

// Signs an official in through the login page's username section; resolves on `landing`.
export async function signInWithPassword(page, base, { username, password }, landing) {
  await page.goto(base + "/login");
  await page.locator("details.staff-login summary").click();
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await page.locator("#password").press("Enter");
  await page.waitForURL(`**${landing}`);
}

// A screen once settled: no axe-core violation, nothing wider than the window; a screenshot is
// kept as `name`.
export async function checkScreen(page, name) {
  await page.waitForLoadState("networkidle");
  const violations = await axe(page);
  if (violations.length) throw new Error(`${name}: ${JSON.stringify(violations, null, 1)}`);
  if (!(await fitsWidth(page))) throw new Error(`${name} is wider than the window`);
  await screenshot(page, name);
}

// Sets the portal's language before the page loads (the switch persists it the same way).
export async function useLanguage(context, lang) {
  await context.addInitScript((l) => { try { localStorage.setItem("vaxreg.lang", l); } catch {} }, lang);
}
