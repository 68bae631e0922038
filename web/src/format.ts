// Formatting for people: dates as dd/mm/yyyy (as on Vietnamese documents), numbers with the
// language's grouping, percentages with one decimal.
import { lang } from "./i18n";

// "2021-08-01" or "2021-08-01T02:00:00Z" -> "01/08/2021" (the calendar day as written; ISO
// date-times are shown in Viet Nam time, UTC+7).
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  let y: string, m: string, d: string;
  if (iso.length > 10) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    const local = new Date(t + 7 * 3600 * 1000);
    y = String(local.getUTCFullYear());
    m = String(local.getUTCMonth() + 1).padStart(2, "0");
    d = String(local.getUTCDate()).padStart(2, "0");
  } else {
    [y, m, d] = iso.split("-");
    if (!y || !m || !d) return iso;
  }
  return `${d}/${m}/${y}`;
}

// Unix seconds -> "dd/mm/yyyy hh:mm" in Viet Nam time.
export function formatDateTime(unixSeconds: number | string | null | undefined): string {
  if (unixSeconds === null || unixSeconds === undefined || unixSeconds === "") return "";
  const ms = typeof unixSeconds === "number" ? unixSeconds * 1000 : Date.parse(unixSeconds);
  if (Number.isNaN(ms)) return String(unixSeconds);
  const local = new Date(ms + 7 * 3600 * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ` +
    `${p(local.getUTCHours())}:${p(local.getUTCMinutes())}`;
}

// An ISO date-time -> "hh:mm" in Viet Nam time. Plain arithmetic: building an Intl formatter
// with a time zone per call costs milliseconds, and charts label dozens of hours at once.
export function formatHour(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const local = new Date(ms + 7 * 3600 * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(local.getUTCHours())}:${p(local.getUTCMinutes())}`;
}

// "dd/mm/yyyy" (or "d/m/yyyy") -> "yyyy-mm-dd"; null when it is not a real date.
export function parseDate(text: string): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? text.trim() : null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

// Numbers are grouped by hand rather than with Intl.NumberFormat: the portal shows only whole
// numbers and one-decimal percentages, and building the first Intl formatter of a page costs
// 35-70 ms of main thread on this machine (several times that on a low-end phone), enough to
// make a dashboard of figures feel stuck. Vietnamese writes 1.234.567 and 12,5; English 1,234,567
// and 12.5 (what Intl gives for vi-VN and en-GB).
function separators(): { group: string; decimal: string } {
  return lang.get() === "vi" ? { group: ".", decimal: "," } : { group: ",", decimal: "." };
}

function groupDigits(digits: string, group: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, group);
}

// Up to three decimals, trailing zeros dropped (Intl's default): 1234 -> "1.234", 2.5 -> "2,5".
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const { group, decimal } = separators();
  const [whole, fraction = ""] = Math.abs(n).toFixed(3).split(".");
  const kept = fraction.replace(/0+$/, "");
  const sign = n < 0 && (whole !== "0" || kept !== "") ? "-" : "";
  return sign + groupDigits(whole, group) + (kept ? decimal + kept : "");
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "—";
  const { group, decimal } = separators();
  const fixed = Math.abs(fraction * 100).toFixed(1);
  const [whole, tenths] = fixed.split(".");
  const sign = fraction < 0 && fixed !== "0.0" ? "-" : "";
  return `${sign}${groupDigits(whole, group)}${decimal}${tenths}%`;
}

// Built on first use (an Intl object costs milliseconds to build; most screens never sort names).
let collator: Intl.Collator | null = null;
// Orders names as Vietnamese readers expect (Đ after D, tones after the base letter).
export function compareNames(a: string, b: string): number {
  collator ??= new Intl.Collator("vi");
  return collator.compare(a, b);
}

// Today in Viet Nam as yyyy-mm-dd.
export function todayIso(): string {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}
