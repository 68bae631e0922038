// An administrator's day in a real browser against a real vaxreg on port 0: create a staff
// account, find it by role, disable and enable it, reset its password, move it to another role,
// end its sessions, then find those changes in the audit log by actor and action. Vietnamese at
// 1280 px, English on a 768 px tablet; axe-core on every screen.
// Run: VAXREG_BIN=build/debug/src/app/vaxreg node --test web/tests/browser/
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { checkScreen, signInWithPassword, launchBrowser, startServer, useLanguage } from "./harness.mjs";

const ADMIN = { username: "admin", password: "vaxreg-admin-demo" };
let server;
let browser;

before(async () => {
  server = await startServer({ people: 50 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});


function signIn(page) {
  return signInWithPassword(page, server.base, ADMIN, "/admin");
}

const TEXT = {
  vi: {
    title: "Tài khoản người dùng", create: "Tạo tài khoản mới", username: "Tên tài khoản", displayName: "Họ tên hiển thị",
    facility: "Mã cơ sở tiêm chủng", password: "Mật khẩu", createButton: "Tạo tài khoản", created: "Đã tạo tài khoản",
    filter: "Vai trò", staffRole: "Cán bộ cơ sở tiêm", manage: "Quản lý", reason: "Lý do khóa tài khoản",
    disable: "Khóa tài khoản", disabled: "Đã khóa tài khoản", enable: "Mở khóa tài khoản", enabled: "Đã mở khóa tài khoản",
    newPassword: "Mật khẩu mới", reset: "Đặt lại mật khẩu", passwordSet: "Đã đặt mật khẩu mới", signerRole: "Cơ quan ký chứng nhận",
    changeRole: "Đổi vai trò", roleChanged: "Đã đổi vai trò", endSessions: "Kết thúc mọi phiên đăng nhập", ended: "Đã kết thúc mọi phiên",
    statusTab: "Cấu hình và khóa", auditTab: "Nhật ký kiểm toán", actor: "Người thực hiện", action: "Thao tác", search: "Tìm",
  },
  en: {
    title: "User accounts", create: "Create an account", username: "Username", displayName: "Display name",
    facility: "Facility code", password: "Password", createButton: "Create account", created: "created.",
    filter: "Role", staffRole: "Facility staff", manage: "Manage", reason: "Reason for disabling",
    disable: "Disable account", disabled: "disabled;", enable: "Enable account", enabled: "enabled.",
    newPassword: "New password", reset: "Reset password", passwordSet: "New password set", signerRole: "Certificate signer",
    changeRole: "Change role", roleChanged: "changed.", endSessions: "End all sessions", ended: "All sessions of",
    statusTab: "Configuration and keys", auditTab: "Audit log", actor: "Actor", action: "Action", search: "Search",
  },
};

for (const [lang, viewport] of [["vi", { width: 1280, height: 900 }], ["en", { width: 768, height: 1024 }]]) {
  test(`admin (${lang}, ${viewport.width} px): accounts from creation to role change, then the audit log`, async () => {
    const T = TEXT[lang];
    const user = `new.staff.${lang}`;
    const context = await browser.newContext({ viewport });
    await useLanguage(context, lang);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page);
    await page.getByRole("heading", { level: 1, name: T.title }).waitFor();

    await page.getByText(T.create).click();
    await page.getByLabel(T.username, { exact: true }).first().fill(user);
    await page.getByLabel(T.displayName).fill("Nguyễn Thị Mới");
    await page.getByLabel(T.facility).fill("HN-BACHMAI");
    await page.getByLabel(T.password, { exact: true }).fill("a long new password");
    await page.getByRole("button", { name: T.createButton }).click();
    await page.getByRole("status").filter({ hasText: T.created }).waitFor();
    await checkScreen(page, `admin-${lang}-${viewport.width}-accounts`);

    await page.locator("#role-filter").selectOption("facility_staff");
    const row = page.getByRole("row", { name: new RegExp(user.replace(/\./g, "\\.")) });
    await row.waitFor();
    await row.getByRole("button", { name: new RegExp(T.manage) }).click();
    await page.getByLabel(T.reason).fill("left the facility");
    await page.getByRole("button", { name: T.disable }).click();
    await page.getByRole("status").filter({ hasText: T.disabled }).waitFor();
    const login = await fetch(server.base + "/api/v1/auth/login", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user, password: "a long new password" }),
    });
    assert.equal(login.status, 401, "a disabled account cannot sign in");

    await row.getByRole("button", { name: new RegExp(T.manage) }).click();
    await page.getByRole("button", { name: T.enable }).click();
    await page.getByRole("status").filter({ hasText: T.enabled }).waitFor();
    await row.getByRole("button", { name: new RegExp(T.manage) }).click();
    await page.getByLabel(T.newPassword).fill("another long password");
    await page.getByRole("button", { name: T.reset }).click();
    await page.getByRole("status").filter({ hasText: T.passwordSet }).waitFor();
    await row.getByRole("button", { name: new RegExp(T.manage) }).click();
    await row.locator("select").selectOption("signer");
    await page.getByRole("button", { name: T.changeRole }).click();
    await page.getByRole("status").filter({ hasText: T.roleChanged }).waitFor();
    await page.locator("#role-filter").selectOption("signer");
    await row.getByText(T.signerRole).waitFor();
    await row.getByRole("button", { name: new RegExp(T.manage) }).click();
    await page.getByRole("button", { name: T.endSessions }).click();
    await page.getByRole("status").filter({ hasText: T.ended }).waitFor();

    await page.getByRole("navigation", { name: /Quản trị hệ thống|Administration/ }).getByRole("link", { name: T.auditTab }).click();
    await page.getByLabel(T.actor).fill("admin:admin");
    await page.getByLabel(T.action).fill("user.");
    await page.getByRole("button", { name: T.search }).click();
    await page.getByRole("cell", { name: "user.create" }).first().waitFor();
    await page.getByRole("cell", { name: "user.disable" }).first().waitFor();
    const actions = await page.locator("tbody tr td:nth-child(4)").allTextContents();
    assert.ok(actions.length > 0 && actions.every((a) => a.startsWith("user.")), actions.join(","));
    await checkScreen(page, `admin-${lang}-${viewport.width}-audit`);

    // Configuration and keys, read-only, secrets left out.
    await page.getByRole("navigation", { name: /Quản trị hệ thống|Administration/ }).getByRole("link", { name: T.statusTab }).click();
    const config = page.locator("pre.config");
    await config.waitFor();
    assert.match(await config.textContent(), /\[server\][\s\S]*\[database\]/);
    assert.doesNotMatch(await config.textContent(), /passphrase/i);
    await checkScreen(page, `admin-${lang}-${viewport.width}-status`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
