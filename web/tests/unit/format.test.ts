// Dates, hours and numbers as the portal shows them: Viet Nam time (UTC+7) whatever the
// machine's own time zone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDate, formatDateTime, formatHour, formatNumber, formatPercent, parseDate } from "../../src/format";
import { lang } from "../../src/i18n";

test("an hour is shown in Viet Nam time, across midnight too", () => {
  assert.equal(formatHour("2026-12-05T02:00:00Z"), "09:00");
  assert.equal(formatHour("2026-12-05T17:30:00Z"), "00:30");
  assert.equal(formatHour("not a time"), "not a time");
});

test("a date-time is the calendar day in Viet Nam", () => {
  assert.equal(formatDate("2021-08-01T18:00:00Z"), "02/08/2021");
  assert.equal(formatDate("2021-08-01"), "01/08/2021");
  assert.equal(formatDateTime(Date.UTC(2021, 7, 1, 18, 5) / 1000), "02/08/2021 01:05");
});

test("dd/mm/yyyy is read back, and an impossible day is refused", () => {
  assert.equal(parseDate("1/8/2021"), "2021-08-01");
  assert.equal(parseDate("31/02/2021"), null);
});

test("numbers are grouped as Intl groups them for vi-VN and en-GB", () => {
  const values = [0, 7, 999, 1000, 1234567, -1234567, 2.5, 1234.5678, -2.25, 1e15];
  for (const [code, locale] of [["vi", "vi-VN"], ["en", "en-GB"]] as const) {
    lang.set(code);
    const intl = new Intl.NumberFormat(locale);
    for (const v of values) assert.equal(formatNumber(v).replace("-", "−"), intl.format(v).replace("-", "−"), `${code} ${v}`);
    const pct = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    for (const f of [0, 0.5, 0.12345, 1, 12.3456, 0.9999]) assert.equal(formatPercent(f), pct.format(f * 100) + "%", `${code} ${f}`);
  }
  assert.equal(formatNumber(null), "—");
  assert.equal(formatPercent(Number.NaN), "—");
});
