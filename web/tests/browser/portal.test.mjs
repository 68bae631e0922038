// The portal in a real browser (Debian's chromium) against a real vaxreg on port 0, in both
// languages: public pages (axe-core, 360 px, first-load weight), a citizen's sign-in by one-time
// code with the keyboard alone, record, certificate, self-declared dose and correction with
// photos, bookings, and the verifier (paste, picture, camera, revoked, offline).
// Run: VAXREG_BIN=build/debug/src/app/vaxreg node --test web/tests/browser/
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { axe, fitsWidth, launchBrowser, launchCameraBrowser, jsonApi, screenshot, startServer, useLanguage } from "./harness.mjs";
import { cardPhoto, qrPng, qrVideo } from "./media.mjs";

const CITIZEN = { cccd: "001090012345", phone: "0912345678" };
const STAFF = { username: "bachmai.staff", password: "vaxreg-staff-demo" };
const PUBLIC_PAGES = ["/", "/stats", "/facilities", "/verify", "/login", "/signup"];
const H1 = {
  vi: { "/": "Tiêm chủng và chứng nhận tiêm chủng", "/stats": "Số liệu tiêm chủng", "/verify": "Kiểm tra chứng nhận tiêm chủng" },
  en: { "/": "Vaccination and vaccination certificates", "/stats": "Vaccination figures", "/verify": "Check a vaccination certificate" },
};

let server;
let browser;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vaxreg-media-"));

function apiJson(method, p, body, token) {
  return jsonApi(server.base)(method, p, body, token);
}

async function citizenToken() {
  const previous = server.lastCode(CITIZEN.phone);
  await apiJson("POST", "/api/v1/auth/otp", { cccd: CITIZEN.cccd });
  const code = await server.codeFor(CITIZEN.phone, previous);
  const r = await apiJson("POST", "/api/v1/auth/login", { cccd: CITIZEN.cccd, code });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.token;
}

// Signs the citizen in through the page, with the keyboard alone.
async function signInWithKeyboard(page, lang) {
  await page.goto(server.base + "/login");
  await page.keyboard.press("Tab");  // skip link
  const cccd = page.locator("#cccd");
  await cccd.focus();
  await page.keyboard.type(CITIZEN.cccd);
  const previous = server.lastCode(CITIZEN.phone);
  await page.keyboard.press("Enter");
  await page.locator("#code").waitFor();
  const code = await server.codeFor(CITIZEN.phone, previous);
  await page.locator("#code").focus();
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
  await page.waitForURL("**/me");
  await page.getByRole("heading", { level: 1, name: lang === "vi" ? "Hồ sơ tiêm chủng của tôi" : "My vaccination record" }).waitFor();
}

async function newPage(lang, viewport = { width: 1280, height: 900 }, options = {}) {
  const context = await (options.browser ?? browser).newContext({ viewport, ...options.context });
  await useLanguage(context, lang);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error" && /Content Security Policy/.test(m.text())) errors.push(m.text()); });
  return { context, page, errors };
}

before(async () => {
  server = await startServer({ people: 300 });
  browser = await launchBrowser();
  cardPhoto(path.join(tmp, "card.png"));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

for (const lang of ["vi", "en"]) {
  describe(`public pages (${lang})`, () => {
    for (const width of [360, 1280]) {
      test(`every public page passes axe-core and fits ${width} px`, async () => {
        const { context, page, errors } = await newPage(lang, { width, height: 800 });
        for (const p of PUBLIC_PAGES) {
          await page.goto(server.base + p, { waitUntil: "networkidle" });
          assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
          if (H1[lang][p]) assert.equal((await page.locator("h1").textContent()).trim(), H1[lang][p]);
          const violations = await axe(page);
          assert.deepEqual(violations, [], `${p} at ${width}px: ${JSON.stringify(violations, null, 1)}`);
          assert.ok(await fitsWidth(page), `${p} is wider than ${width}px`);
          await screenshot(page, `${lang}-${width}${p === "/" ? "-home" : p.replace(/\//g, "-")}`);
        }
        assert.deepEqual(errors, []);
        await context.close();
      });
    }
  });
}

test("the first load of each public page transfers at most 150 KB compressed", async () => {
  for (const p of ["/", "/stats", "/facilities", "/verify"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    let bytes = 0;
    cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
    await page.goto(server.base + p, { waitUntil: "networkidle" });
    assert.ok(bytes <= 150 * 1024, `${p}: ${bytes} bytes`);
    console.log(`first load ${p}: ${(bytes / 1024).toFixed(1)} KiB`);
    await context.close();
  }
});

test("the language switch persists across reloads", async () => {
  const context = await browser.newContext();  // no language preset: Vietnamese by default
  const page = await context.newPage();
  await page.goto(server.base + "/stats");
  assert.equal((await page.locator("h1").textContent()).trim(), H1.vi["/stats"]);
  await page.getByRole("button", { name: "English" }).click();
  await page.locator("h1", { hasText: H1.en["/stats"] }).waitFor();
  // A new page in the same browser profile (the init script would force Vietnamese again).
  const again = await context.newPage();
  await again.goto(server.base + "/stats");
  await again.locator("h1", { hasText: H1.en["/stats"] }).waitFor();
  assert.equal(await again.evaluate(() => document.documentElement.lang), "en");
  await again.getByRole("button", { name: "Tiếng Việt" }).click();
  await again.locator("h1", { hasText: H1.vi["/stats"] }).waitFor();
  await context.close();
});

test("statistics: tables have as-of times and CSV downloads that answer", async () => {
  const { context, page } = await newPage("vi");
  await page.goto(server.base + "/stats", { waitUntil: "networkidle" });
  // Sections further down load when scrolled to.
  for (let i = 0; i < 6; i++) {
    await page.mouse.wheel(0, 3000);
    await page.waitForTimeout(300);
  }
  await page.waitForLoadState("networkidle");
  const links = await page.locator("a[download]").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.length >= 4, `CSV links: ${links}`);
  for (const href of links) {
    const res = await fetch(server.base + href);
    assert.equal(res.status, 200, href);
    assert.match(res.headers.get("content-type"), /text\/csv/, href);
  }
  assert.ok((await page.getByText(/Số liệu tính đến \d\d\/\d\d\/\d{4}/).count()) >= 1);
  // Sorting the coverage table by a column flips aria-sort.
  const header = page.locator("th[aria-sort] button").first();
  await header.click();
  await context.close();
});

test("facility finder: province, district and name filters, capacity per day", async () => {
  const { context, page } = await newPage("en");
  await page.goto(server.base + "/facilities");
  await page.locator("#fac-province").selectOption("01");
  await page.waitForURL(/province=01/);
  await page.locator(".facility").first().waitFor();
  await page.locator("#fac-q").fill("Bạch Mai");
  await page.keyboard.press("Enter");
  await page.waitForURL(/q=/);
  await page.getByText("HN-BACHMAI").first().waitFor();
  await page.locator(".capacity li").first().waitFor();  // remaining places per day are shown
  await screenshot(page, "en-1280-facilities-search");
  await context.close();
});

for (const lang of ["vi", "en"]) {
  test(`citizen (${lang}): keyboard sign-in, record, certificate full screen`, async () => {
    const { context, page, errors } = await newPage(lang, { width: 360, height: 780 }, { context: { acceptDownloads: true } });
    await signInWithKeyboard(page, lang);
    await page.locator(".status-banner.status--green").waitFor();
    assert.deepEqual(await axe(page), []);
    assert.ok(await fitsWidth(page));
    await screenshot(page, `${lang}-360-me`);
    await page.getByRole("link", { name: lang === "vi" ? "Xem chứng nhận tiêm chủng (mã QR)" : "See your vaccination certificate (QR code)" }).click();
    await page.locator("img.qr").waitFor();
    assert.deepEqual(await axe(page), []);
    await screenshot(page, `${lang}-360-certificate`);
    // The printable PDF and the SMART Health Card file download.
    const [pdf] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: lang === "vi" ? "Tải giấy chứng nhận (PDF để in)" : "Download the certificate (PDF to print)" }).click(),
    ]);
    assert.equal(fs.readFileSync(await pdf.path()).subarray(0, 5).toString(), "%PDF-");
    const [shc] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: lang === "vi" ? "Tải tệp SMART Health Card" : "Download the SMART Health Card file" }).click(),
    ]);
    const card = JSON.parse(fs.readFileSync(await shc.path(), "utf8"));
    assert.equal(card.verifiableCredential.length, 1);
    assert.match(card.verifiableCredential[0], /^[\w-]+\.[\w-]+\.[\w-]+$/);
    await page.getByRole("button", { name: lang === "vi" ? "Hiện mã QR toàn màn hình" : "Show the QR code full screen" }).click();
    await page.getByRole("dialog").waitFor();
    // Focus moves into the dialog, as a keyboard user sees it, before Escape closes it.
    await page.waitForFunction(() => document.activeElement?.closest("[role=dialog]") != null);
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("citizen: self-declares a dose with a photo and follows it", async () => {
  const { context, page } = await newPage("vi", { width: 360, height: 780 });
  await signInWithKeyboard(page, "vi");
  await page.goto(server.base + "/me/declare");
  // The error summary first: nothing filled in.
  await page.getByRole("button", { name: "Tiếp tục" }).click();
  await page.locator(".error-summary").waitFor();
  assert.deepEqual(await axe(page), []);
  // The demo citizen already declared dose 3 (20/02/2022); dose 4 comes at least 90 days later.
  await page.locator("#date").fill("01/06/2022");
  await page.locator("#vaccine").fill("Pfizer");
  await page.locator("#noLot").check();
  await page.locator("#dose").fill("4");
  await page.locator("#where-abroad").check();
  await page.locator("#country").fill("JP");
  await page.locator("[data-testid=photo-files]").setInputFiles(path.join(tmp, "card.png"));
  await page.locator(".photo-list img").waitFor();
  await page.getByRole("button", { name: "Tiếp tục" }).click();
  await page.getByRole("heading", { name: "Kiểm tra lại thông tin" }).waitFor();
  await page.getByRole("button", { name: "Gửi khai báo" }).click();
  const tracking = (await page.locator(".tracking").textContent()).trim();
  assert.match(tracking, /^VR[0-9A-Z]{10}$/);
  await screenshot(page, "vi-360-declared");
  await page.getByRole("link", { name: "Theo dõi đề nghị" }).click();
  await page.getByText(tracking).first().waitFor();
  await page.getByText("Đang xử lý").first().waitFor();
  await page.getByText(/Hạn xử lý: còn 4[78] giờ/).waitFor();
  assert.deepEqual(await axe(page), []);
  // The pending dose is on the record, and does not count.
  await page.goto(server.base + "/me");
  await page.getByText("Đang chờ xác minh").first().waitFor();
  await context.close();
});

test("citizen: asks for an identity correction with a photo (English)", async () => {
  const { context, page } = await newPage("en");
  await signInWithKeyboard(page, "en");
  await page.goto(server.base + "/me/corrections/new");
  await page.locator("#kind-identity").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.locator("#claim-full_name").fill("Nguyễn Văn Ân");
  await page.locator("[data-testid=photo-files]").setInputFiles(path.join(tmp, "card.png"));
  await page.locator(".photo-list img").waitFor();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Send the request" }).click();
  await page.waitForURL(/\/me\/corrections\/VR/);
  await page.getByText("Wrong personal details").first().waitFor();
  await page.getByText("Being handled").first().waitFor();
  await page.goto(server.base + "/me/corrections");
  // The list loads after the page: wait for this request and the earlier self-declared dose.
  await page.locator(".request").nth(1).waitFor();
  assert.ok((await page.locator(".request").count()) >= 2);
  assert.deepEqual(await axe(page), []);
  await context.close();
});

test("citizen: books, cannot hold two bookings for one dose, moves and cancels", async () => {
  const { context, page } = await newPage("vi");
  await signInWithKeyboard(page, "vi");
  const day = new Date(Date.now() + 3 * 86400e3 + 7 * 3600e3);
  const later = new Date(Date.now() + 5 * 86400e3 + 7 * 3600e3);
  const ddmmyyyy = (d) => `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
  await page.goto(server.base + "/me/bookings?facility=HN-BACHMAI");
  await page.locator("#book-day").fill(ddmmyyyy(day));
  await page.getByRole("button", { name: "Đặt lịch" }).click();
  await page.getByText("Đã đặt lịch.").waitFor();
  await page.locator(".booking .qr-inline svg").first().waitFor();
  // A second booking for the same dose is refused, in Vietnamese.
  await page.locator("#book-day").fill(ddmmyyyy(later));
  await page.getByRole("button", { name: "Đặt lịch" }).click();
  await page.locator(".error-summary").waitFor();
  assert.equal((await page.locator(".booking").filter({ hasText: "Đã đặt" }).count()), 1);
  // Move it, then cancel it.
  await page.getByRole("button", { name: "Đổi lịch" }).click();
  await page.locator(".panel #book-day").fill(ddmmyyyy(later));
  await page.getByRole("button", { name: "Lưu lịch mới" }).click();
  await page.getByText("Đã đổi lịch.").waitFor();
  await page.getByText(ddmmyyyy(later)).first().waitFor();
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Huỷ lịch" }).click();
  await page.getByText("Đã huỷ lịch.").waitFor();
  assert.deepEqual(await axe(page), []);
  await screenshot(page, "vi-1280-bookings");
  await context.close();
});

test("sign-up: a new citizen signs up and signs in with the code sent to their phone", async () => {
  const { context, page } = await newPage("vi", { width: 360, height: 780 });
  await page.goto(server.base + "/signup");
  await page.locator("#cccd").fill("079195012399");
  await page.locator("#birth").fill("01/02/1995");
  await page.locator("#phone").fill("0987 654 321");
  await page.getByRole("button", { name: "Tiếp tục" }).click();
  await page.getByRole("heading", { name: "Kiểm tra lại thông tin" }).waitFor();
  const previous = server.lastCode("0987654321");
  await page.getByRole("button", { name: "Đăng ký và nhận mã" }).click();
  await page.locator("#code").waitFor();
  const code = await server.codeFor("0987654321", previous);
  await page.locator("#code").fill(code);
  await page.getByRole("button", { name: "Đăng nhập" }).last().click();
  await page.waitForURL("**/me");
  // No registry record has this CCCD and birth date yet: the page says what to do.
  await page.getByText("Chưa tìm thấy hồ sơ tiêm chủng").waitFor();
  assert.deepEqual(await axe(page), []);
  await context.close();
});

// The numeric QR text of a compact JWS (SMART Health Cards: two digits per character, c - 45).
function shcNumeric(jws) {
  return "shc:/" + [...jws].map((c) => String(c.charCodeAt(0) - 45).padStart(2, "0")).join("");
}

describe("verifier", () => {
  let hc1;
  let shc;
  let token;
  before(async () => {
    token = await citizenToken();
    const cert = await apiJson("GET", "/api/v1/me/certificate", undefined, token);
    assert.equal(cert.status, 200, JSON.stringify(cert.body));
    hc1 = cert.body.hc1;
    const card = await apiJson("GET", "/api/v1/me/certificate.smart-health-card", undefined, token);
    assert.equal(card.status, 200, JSON.stringify(card.body));
    shc = shcNumeric(card.body.verifiableCredential[0]);
  });

  test("a SMART Health Card, pasted and shown to the camera, is valid", async () => {
    const { context, page } = await newPage("en");
    await page.goto(server.base + "/verify");
    await page.getByText(/keys/).waitFor();
    await page.locator("#hc1").fill(shc);
    await page.getByRole("button", { name: "Check", exact: true }).click();
    await page.locator(".verdict--valid").waitFor();
    await page.getByText("Nguyễn").or(page.getByText("NGUYEN")).first().waitFor();
    await context.close();
    const video = path.join(tmp, "shc.y4m");
    qrVideo(video, shc);
    const camBrowser = await launchCameraBrowser(video);
    try {
      const cam = await camBrowser.newContext({ permissions: ["camera"] });
      await useLanguage(cam, "vi");
      const p2 = await cam.newPage();
      await p2.goto(server.base + "/verify");
      await p2.getByText(/khoá/).waitFor();
      await p2.getByRole("button", { name: "Quét bằng camera" }).click();
      await p2.locator(".verdict--valid").waitFor({ timeout: 20000 });
      await cam.close();
    } finally {
      await camBrowser.close();
    }
  });

  test("pasted certificate: valid, with name and status, in both languages", async () => {
    for (const [lang, word] of [["vi", "HỢP LỆ"], ["en", "VALID"]]) {
      const { context, page } = await newPage(lang, { width: 360, height: 780 });
      await page.goto(server.base + "/verify");
      await page.getByText(/khoá|keys/).waitFor();
      await page.locator("#hc1").fill(hc1);
      await page.locator("#hc1").press("Tab");
      await page.keyboard.press("Enter");
      await page.locator(".verdict--valid").waitFor();
      assert.equal((await page.locator(".verdict-word").textContent()).trim(), word);
      await page.getByText("NGUYEN").or(page.getByText("Nguyễn")).first().waitFor();
      assert.deepEqual(await axe(page), []);
      await screenshot(page, `${lang}-360-verify-valid`);
      await context.close();
    }
  });

  test("a picture of the QR and a damaged code", async () => {
    const file = path.join(tmp, "qr.png");
    qrPng(file, hc1);
    const { context, page } = await newPage("en");
    await page.goto(server.base + "/verify");
    await page.getByText(/keys/).waitFor();
    await page.locator("[data-testid=verify-image]").setInputFiles(file);
    await page.locator(".verdict--valid").waitFor();
    await page.getByRole("button", { name: "Check another certificate" }).click();
    await page.locator("#hc1").fill(hc1.slice(0, 60) + "$$$" + hc1.slice(63));
    await page.getByRole("button", { name: "Check", exact: true }).click();
    await page.locator(".verdict--invalid").waitFor();
    await context.close();
  });

  test("the camera scans a QR shown to it", async () => {
    const video = path.join(tmp, "qr.y4m");
    qrVideo(video, hc1);
    const camBrowser = await launchCameraBrowser(video);
    try {
      const context = await camBrowser.newContext({ permissions: ["camera"] });
      await useLanguage(context, "vi");
      const page = await context.newPage();
      await page.goto(server.base + "/verify");
      await page.getByText(/khoá/).waitFor();
      const started = Date.now();
      await page.getByRole("button", { name: "Quét bằng camera" }).click();
      await page.locator(".verdict--valid").waitFor({ timeout: 20000 });
      console.log(`camera scan to verdict: ${Date.now() - started} ms`);
      await context.close();
    } finally {
      await camBrowser.close();
    }
  });

  test("offline: once loaded, the verifier works with the network cut", async () => {
    const { context, page } = await newPage("vi");
    await page.goto(server.base + "/verify");
    await page.getByText(/khoá/).waitFor();
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload();  // now controlled by the service worker
    await page.evaluate(async () => {
      for (let i = 0; i < 50 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 100));
    });
    await page.getByText(/khoá/).waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.getByText("Đang ngoại tuyến: kiểm tra bằng danh sách đã lưu.").waitFor();
    await page.locator("#hc1").fill(hc1);
    await page.getByRole("button", { name: "Kiểm tra", exact: true }).click();
    await page.locator(".verdict--valid").waitFor();
    await screenshot(page, "vi-1280-verify-offline");
    await context.close();
  });

  test("a revoked certificate is refused with the reason in plain words", async () => {
    // Staff void one of the citizen's doses: the certificate that listed it is revoked at once.
    const staff = await apiJson("POST", "/api/v1/auth/login", STAFF);
    assert.equal(staff.status, 200);
    const record = await apiJson("GET", "/api/v1/me/record", undefined, token);
    const dose = record.body.doses.find((d) => d.status === "active" && d.display === "counted" && d.dose_number === 2);
    const voided = await apiJson("POST", `/api/v1/doses/${dose.id}/void`, { reason: "entered twice" }, staff.body.token);
    assert.equal(voided.status, 200, JSON.stringify(voided.body));
    for (let i = 0; i < 50; i++) {
      const rl = await fetch(server.base + "/api/v1/revocation-list").then((r) => r.text());
      if (rl.length > 0 && (await apiJson("GET", "/api/v1/me/certificate", undefined, token)).body?.hc1 !== hc1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const { context, page } = await newPage("vi");
    await page.goto(server.base + "/verify");
    await page.getByText(/khoá/).waitFor();
    await page.locator("#hc1").fill(hc1);
    await page.getByRole("button", { name: "Kiểm tra", exact: true }).click();
    await page.locator(".verdict--invalid").waitFor();
    await page.getByText("Chứng nhận đã bị thu hồi").first().waitFor();
    await screenshot(page, "vi-1280-verify-revoked");
    // The SMART Health Card of the same certificate is revoked with it (by rid).
    await page.getByRole("button", { name: "Kiểm tra chứng nhận khác" }).click();
    await page.reload();  // the revocation lists as they are now
    await page.getByText(/khoá/).waitFor();
    await page.locator("#hc1").fill(shc);
    await page.getByRole("button", { name: "Kiểm tra", exact: true }).click();
    await page.locator(".verdict--invalid").waitFor();
    await page.getByText("Chứng nhận đã bị thu hồi").first().waitFor();
    await context.close();
  });
});
