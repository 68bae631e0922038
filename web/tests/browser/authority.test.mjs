// A health authority's day in a real browser against a real vaxreg on port 0 (Hà Nội's CDC):
// the correction queue with deadlines, a request's photo zoomed and rotated beside the record
// and rejected with a standard reason; identity review; a row a facility's upload kept back,
// rejected with a reason; a facility's application approved; the people still to vaccinate,
// on screen and as a CSV download; the response centre's live figures. Vietnamese at 1280 px, English on a 768 px tablet; axe-core
// on every screen.
// Run: VAXREG_BIN=build/debug/src/app/vaxreg node --test web/tests/browser/
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { checkScreen, jsonApi, launchBrowser, loginToken, signInWithPassword, startServer, useLanguage } from "./harness.mjs";

const AUTHORITY = { username: "hanoi.cdc", password: "vaxreg-authority-demo" };
const STAFF = { username: "bachmai.staff", password: "vaxreg-staff-demo" };
const CSV_HEAD = "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code";
let server;
let browser;
let api;

function tokenOf(who) {
  return loginToken(api, who);
}

// A CSV row HN-BACHMAI sent with a vaccine nobody knows: kept back for the area's cleaning queue.
async function keptRow(recordId) {
  const res = await fetch(server.base + "/api/v1/doses/csv", {
    method: "POST",
    headers: { "content-type": "text/csv", authorization: `Bearer ${await tokenOf(STAFF)}` },
    body: `${CSV_HEAD}\n${recordId},001085000777,Lý Văn Sai,1985-01-03,M,,01,006,00232,VACXINLA,L1,1,2021-07-01,HN-BACHMAI\n`,
  });
  const body = await res.json();
  assert.equal(body.quarantined, 1, JSON.stringify(body));
}

before(async () => {
  server = await startServer({ people: 200 });
  browser = await launchBrowser();
  api = jsonApi(server.base);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const TEXT = {
  vi: {
    queue: "Yêu cầu chỉnh sửa trên địa bàn", zoomIn: "Phóng to", rotate: "Xoay 90°", reason: "Lý do từ chối", reject: "Từ chối yêu cầu",
    rejected: "Đã từ chối yêu cầu", identityTab: "Đối chiếu danh tính", identity: "Đối chiếu với cơ sở dữ liệu dân cư",
    cleaningTab: "Làm sạch dữ liệu", rowReason: "Lý do loại bỏ dòng", rejectRow: "Loại bỏ dòng", rowRejected: /đã được loại bỏ/,
    facilitiesTab: "Cơ sở tiêm", approve: /Phê duyệt/, approved: /Đã phê duyệt/, peopleTab: "Người cần tiêm", people: "Người cần tiêm trên địa bàn",
    csv: "Tải về CSV", overdue: "Quá hạn tiêm mũi tiếp theo",
    qualityTab: "Chất lượng dữ liệu", quality: "Chất lượng dữ liệu trên địa bàn", ranked: "Cơ sở tiêm, xếp theo số dòng giữ lại trên 1.000 mũi đã gửi", merge: /Gộp hai hồ sơ/, undo: "Hoàn tác lần gộp vừa rồi", undone: /Đã hoàn tác/,
    staffTab: "Tài khoản cán bộ", allocTab: "Phân bổ vắc xin", alloc: "Phân bổ vắc xin",
    opsTab: "Điều hành", ops: "Trung tâm điều hành", opsTable: "Xem dạng bảng", health: "Tình trạng máy chủ", silent: /Cơ sở chưa gửi dữ liệu hôm nay: \d+/,
  },
  en: {
    queue: "Correction requests in the area", zoomIn: "Zoom in", rotate: "Rotate 90°", reason: "Reason for rejecting", reject: "Reject the request",
    rejected: "Request rejected", identityTab: "Identity review", identity: "Checking records against the population register",
    cleaningTab: "Data cleaning", rowReason: "Reason for rejecting the line", rejectRow: "Reject the line", rowRejected: /was rejected/,
    facilitiesTab: "Facilities", approve: /Approve/, approved: /approved\./, peopleTab: "People to reach", people: "People to reach in the area",
    csv: "Download CSV", overdue: "Overdue for their next dose",
    qualityTab: "Data quality", quality: "Data quality in the area", ranked: "Facilities, most rows kept per 1,000 doses sent first", merge: /Merge the records/, undo: "Undo the last merge", undone: /Undone:/,
    staffTab: "Staff accounts", allocTab: "Allocations", alloc: "Vaccine allocations",
    opsTab: "Operations", ops: "Response centre", opsTable: "Show as a table", health: "Server health", silent: /Facilities that have sent nothing today: \d+/,
  },
};

for (const [lang, viewport] of [["vi", { width: 1280, height: 900 }], ["en", { width: 768, height: 1024 }]]) {
  test(`health authority (${lang}, ${viewport.width} px): queue, photo, decision, cleaning, facilities, people`, async () => {
    const T = TEXT[lang];
    await keptRow(`kept-${lang}`);
    const code = `HN-NEW-${lang.toUpperCase()}`;
    const applied = await api("POST", "/api/v1/facilities", { code, name: `Trạm y tế mới ${lang}`, province_code: "01", district_code: "006", commune_code: "00232", daily_capacity: 100 }, await tokenOf(AUTHORITY));
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    // Someone of Hà Nội registered and not vaccinated yet.
    const person = await api("POST", "/api/v1/people", { cccd: lang === "vi" ? "001190000555" : "001190000556", full_name: `Đỗ Thị Chưa Tiêm ${lang}`, dob: "1990-06-06", sex: "F", province_code: "01" }, await tokenOf(AUTHORITY));
    assert.equal(person.status, 201, JSON.stringify(person.body));
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    await useLanguage(context, lang);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const nav = (name) => page.getByRole("navigation", { name: /Công việc của cơ quan y tế|Health authority work/ }).getByRole("link", { name, exact: true });

    await signInWithPassword(page, server.base, AUTHORITY, "/area");
    await page.getByRole("heading", { level: 1, name: T.queue }).waitFor();
    const first = page.locator(".request-list h2 a").first();
    await first.waitFor();
    await checkScreen(page, `authority-${lang}-${viewport.width}-queue`);

    await first.click();
    const photo = page.locator(".photo-frame img");
    await photo.waitFor();
    await page.getByRole("button", { name: T.zoomIn }).click();
    await page.getByRole("button", { name: T.rotate }).click();
    assert.equal(await photo.getAttribute("data-zoom"), "1.5");
    assert.equal(await photo.getAttribute("data-turn"), "90");
    await checkScreen(page, `authority-${lang}-${viewport.width}-request`);
    await page.getByLabel(T.reason).selectOption({ index: 1 });
    await page.getByRole("button", { name: T.reject }).click();
    await page.getByRole("status").filter({ hasText: T.rejected }).waitFor();

    await nav(T.identityTab).click();
    await page.getByRole("heading", { level: 1, name: T.identity }).waitFor();
    await checkScreen(page, `authority-${lang}-${viewport.width}-identity`);

    await nav(T.cleaningTab).click();
    const row = page.locator(".request", { hasText: `kept-${lang}` });
    await row.waitFor();
    await checkScreen(page, `authority-${lang}-${viewport.width}-cleaning`);
    await row.getByLabel(T.rowReason).fill("not a real vaccine; the facility will send the row again");
    await row.getByRole("button", { name: T.rejectRow }).click();
    await page.getByText(T.rowRejected).waitFor();

    // Data quality: the area's figures, what facilities sent (Bạch Mai ranked by rows kept per
    // 1,000), and one of the demo's two proposed duplicates merged and the merge undone.
    await nav(T.qualityTab).click();
    await page.getByRole("heading", { level: 1, name: T.quality }).waitFor();
    await page.locator(".stat-cards li").first().waitFor();
    await page.getByRole("table", { name: T.ranked }).getByRole("rowheader", { name: "Bệnh viện Bạch Mai" }).waitFor();
    await checkScreen(page, `authority-${lang}-${viewport.width}-quality`);
    await page.getByRole("button", { name: T.merge }).first().click();
    await page.getByRole("button", { name: T.undo }).click();
    await page.getByRole("status").filter({ hasText: T.undone }).waitFor();

    await nav(T.facilitiesTab).click();
    const facility = page.getByRole("row", { name: new RegExp(`Trạm y tế mới ${lang}`) });
    await facility.waitFor();
    await checkScreen(page, `authority-${lang}-${viewport.width}-facilities`);
    await facility.getByRole("button", { name: T.approve }).click();
    await page.getByRole("status").filter({ hasText: T.approved }).waitFor();
    const after = await api("GET", `/api/v1/facilities/${code}`);
    assert.equal(after.body.status, "active");

    await nav(T.peopleTab).click();
    await page.getByRole("heading", { level: 1, name: T.people }).waitFor();
    await page.locator("tbody tr").first().waitFor();
    await checkScreen(page, `authority-${lang}-${viewport.width}-people`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: T.csv }).click()]);
    const text = fs.readFileSync(await download.path(), "utf8");
    assert.match(text, /^id,full_name,dob,cccd,phone,/);
    assert.ok(text.split("\n").length > 2, text.slice(0, 200));
    await page.getByLabel(T.overdue).check();
    await page.waitForLoadState("networkidle");

    // Allocations: one dose of the first vaccine in the province's stock, on to a facility.
    await nav(T.allocTab).click();
    await page.getByRole("heading", { level: 1, name: T.alloc }).waitFor();
    await page.locator("tbody tr").first().waitFor();
    await checkScreen(page, `authority-${lang}-${viewport.width}-allocations`);
    await page.locator("#alloc-vaccine").selectOption({ index: 1 });
    await page.locator("#alloc-to").fill("HN-BACHMAI");
    await page.locator("#alloc-quantity").fill("1");
    // A lot the province never received is refused with the reason; without a lot it goes.
    await page.locator("#alloc-lot").fill("KHONGCO1");
    await page.locator("#alloc-quantity").press("Enter");
    await page.getByRole("alert").filter({ hasText: /KHONGCO1/ }).first().waitFor();
    await page.locator("#alloc-lot").fill("");
    await page.locator("#alloc-quantity").press("Enter");
    await page.getByRole("status").filter({ hasText: /HN-BACHMAI/ }).waitFor();

    // The facility staff accounts of the area (and only those).
    await nav(T.staffTab).click();
    await page.getByRole("row", { name: /bachmai\.staff/ }).waitFor();
    assert.equal(await page.getByRole("row", { name: /dpm\.signer|admin/ }).count(), 0);
    await checkScreen(page, `authority-${lang}-${viewport.width}-staff`);

    // The response centre: today's doses per hour, silent facilities, server health, live.
    await nav(T.opsTab).click();
    await page.getByRole("heading", { level: 1, name: T.ops }).waitFor();
    await page.getByRole("heading", { level: 2, name: T.health }).waitFor();
    await page.getByRole("heading", { level: 2, name: T.silent }).waitFor();
    // The doses per hour as a table (built when opened): a header row and one row per hour.
    await page.getByText(T.opsTable).first().click();
    const hourRows = page.locator("section[aria-labelledby=doses-title] table tbody tr");
    await hourRows.first().waitFor();
    assert.equal(await hourRows.count(), 25);  // the 24 hours before this one, and this one
    await checkScreen(page, `authority-${lang}-${viewport.width}-ops`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
