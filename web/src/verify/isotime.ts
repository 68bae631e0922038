// Lenient ISO-8601 instants, as vaxreg writes them ("2026-12-03T16:10:44.517648655Z": nine
// fraction digits, which Date.parse does not accept everywhere) and as the EU test vectors write
// their clocks. Pure; never throws.

const ISO = new RegExp(
  "^(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?" +
    "(Z|z|[+-]\\d{2}(?::?\\d{2})?)?$",
);

// Unix seconds (with fraction) of "YYYY-MM-DD(T| )HH:MM[:SS[.f{1,9}]][Z|+hh:mm|+hhmm|+hh]"; an
// absent offset means UTC, never local time. Null for anything else or out-of-range fields.
export function parseIsoInstant(text: string): number | null {
  const m = ISO.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] !== undefined ? Number(m[6]) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return null;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls 31 February over into March: reject days the month does not have.
  if (new Date(ms).getUTCDate() !== day) return null;
  let t = ms / 1000 + (second === 60 ? 1 : 0);
  if (m[7] !== undefined) t += Number("0." + m[7]);
  const off = m[8];
  if (off !== undefined && off !== "Z" && off !== "z") {
    const sign = off[0] === "-" ? -1 : 1;
    const digits = off.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    t -= sign * (oh * 3600 + om * 60);
  }
  return t;
}
