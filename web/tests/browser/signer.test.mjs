// The central signer's day in a real browser against a real vaxreg on port 0: the signing key's
// validity, the people whose doses a facility signed today and who await a certificate, issuing
// for all of them with a progress bar, and revoking a certificate with a reason (the verifier
// then refuses it). Vietnamese at 1280 px, English on a 768 px tablet; axe-core on each screen.
// Run: VAXREG_BIN=build/debug/src/app/vaxreg node --test web/tests/browser/
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { checkScreen, jsonApi, launchBrowser, loginToken, signInWithPassword, startServer, useLanguage } from "./harness.mjs";

const SIGNER = { username: "dpm.signer", password: "vaxreg-signer-demo" };
const STAFF = { username: "bachmai.staff", password: "vaxreg-staff-demo" };
let server;
let browser;
let api;

function tokenOf(who) {
  return loginToken(api, who);
}

// People vaccinated today at HN-BACHMAI whose doses the facility signed: they await a certificate.
async function vaccinateAndSign(count, firstCccd) {
  const staff = await tokenOf(STAFF);
  for (let i = 0; i < count; i++) {
    const p = await api("POST", "/api/v1/people", { cccd: String(firstCccd + i).padStart(12, "0"), full_name: `Hoàng Văn Ký ${i}`, dob: "1980-02-02", sex: "M", province_code: "01" }, staff);
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const d = await api("POST", "/api/v1/doses", { person_id: p.body.id, vaccine: "COMIRNATY", lot: "FK9", dose_number: 1, administered_at: new Date().toISOString(), idempotency_key: `sign-${firstCccd + i}` }, staff);
    assert.equal(d.status, 201, JSON.stringify(d.body));
  }
  const signed = await api("POST", "/api/v1/facilities/HN-BACHMAI/sign-doses", {}, staff);
  assert.equal(signed.status, 200, JSON.stringify(signed.body));
}

before(async () => {
  server = await startServer({ people: 50 });
  browser = await launchBrowser();
  api = jsonApi(server.base);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const TEXT = {
  vi: { title: "Ký và cấp chứng nhận tiêm chủng", issueAll: /Cấp chứng nhận cho tất cả/, finished: /Hoàn tất: đã cấp \d+ chứng nhận, 0 người/, person: "Mã hồ sơ người được tiêm", search: "Tìm", reason: "Lý do thu hồi", revoke: /Thu hồi chứng nhận/, revoked: "đã thu hồi", trust: /chứng thư ký trong danh sách tin cậy đã công bố/ },
  en: { title: "Sign and issue vaccination certificates", issueAll: /Issue certificates for everyone/, finished: /Done: \d+ certificates issued, 0 people/, person: "Person record number", search: "Search", reason: "Reason for revoking", revoke: /Revoke certificate/, revoked: "revoked", trust: /signer certificates on the published trust list/ },
};

for (const [lang, viewport, first] of [["vi", { width: 1280, height: 900 }, 1080000001], ["en", { width: 768, height: 1024 }, 1080000101]]) {
  test(`signer (${lang}, ${viewport.width} px): issues what awaits with progress, revokes with a reason`, async () => {
    const T = TEXT[lang];
    await vaccinateAndSign(3, first);
    const context = await browser.newContext({ viewport });
    await useLanguage(context, lang);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signInWithPassword(page, server.base, SIGNER, "/sign");
    await page.getByRole("heading", { level: 1, name: T.title }).waitFor();
    // The list shows the first page by person id; the button counts everyone waiting.
    await page.locator("tbody tr").first().waitFor();
    const before = await api("GET", "/api/v1/certificates/awaiting", undefined, await tokenOf(SIGNER));
    assert.ok(before.body.total >= 3, JSON.stringify(before.body));
    await page.getByRole("button", { name: new RegExp(`\\(${before.body.total}\\s`) }).waitFor();
    // The trust list verifiers download, checked as they check it, holds the signing key.
    await page.locator('.stat-cards[aria-busy="false"]').waitFor();
    const trustCard = page.locator(".stat-cards li").filter({ hasText: T.trust });
    assert.match(await trustCard.locator(".stat-value").innerText(), /^[1-9]/);
    await checkScreen(page, `signer-${lang}-${viewport.width}-desk`);

    await page.getByRole("button", { name: T.issueAll }).click();
    await page.getByText(T.finished).waitFor();
    assert.equal(await page.locator("progress").getAttribute("value"), await page.locator("progress").getAttribute("max"));
    const signer = await tokenOf(SIGNER);
    const left = await api("GET", "/api/v1/certificates/awaiting", undefined, signer);
    assert.equal(left.body.total, 0, JSON.stringify(left.body));

    // Revoke the certificate of one of them; the verifier refuses it at once.
    const certs = await api("GET", "/api/v1/certificates?status=active&limit=500", undefined, signer);
    const newest = certs.body.items[certs.body.items.length - 1];
    const hc1 = (await api("GET", `/api/v1/certificates/${newest.id}`, undefined, signer)).body.hc1;
    await page.getByLabel(T.person).fill(String(newest.person_id));
    await page.getByRole("button", { name: T.search, exact: true }).click();
    await page.getByLabel(T.reason).fill("issued on a forged record");
    await page.getByRole("button", { name: T.revoke }).click();
    await page.getByText(T.revoked, { exact: true }).waitFor();
    await checkScreen(page, `signer-${lang}-${viewport.width}-revoked`);
    const verdict = await api("POST", "/api/v1/verify", { hc1 });
    assert.equal(verdict.body.valid, false, JSON.stringify(verdict.body));
    assert.deepEqual(errors, []);
    await context.close();
  });
}
