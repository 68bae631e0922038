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

// "dd/mm/yyyy" (or "d/m/yyyy") -> "yyyy-mm-dd"; null when it is not a real date.
export function parseDate(text: string): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? text.trim() : null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

// Intl formatters are costly to build: one of each per language, made on first use.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(kind: "int" | "pct"): Intl.NumberFormat {
  const key = `${lang.get()}-${kind}`;
  let f = numberFormats.get(key);
  if (!f) {
    const locale = lang.get() === "vi" ? "vi-VN" : "en-GB";
    f = kind === "int"
      ? new Intl.NumberFormat(locale)
      : new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    numberFormats.set(key, f);
  }
  return f;
}

export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "—";
  return numberFormat("int").format(n);
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "—";
  return numberFormat("pct").format(fraction * 100) + "%";
}

const collator = new Intl.Collator("vi");
// Orders names as Vietnamese readers expect (Đ after D, tones after the base letter).
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b);
}

// Today in Viet Nam as yyyy-mm-dd.
export function todayIso(): string {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}
