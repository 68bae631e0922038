// Reading a decoded EU DCC (schema 1.x) for display, its structure, and which DCC types a DSC
// may sign. The DCC is untrusted data: every member is type-checked before use. Pure; never
// throws.

import type { Json } from "./cwt";

export type DccKind = "vaccination" | "test" | "recovery";

const GROUP_KEYS: ReadonlyArray<readonly [string, DccKind]> = [
  ["v", "vaccination"],
  ["t", "test"],
  ["r", "recovery"],
];

export interface Dose {
  dn: number; // dose number
  sd: number; // doses in the series
  date: string; // dt, as written
  product: string; // mp, e.g. "EU/1/20/1528"
}

export interface DccSummary {
  name: { given?: string; family?: string; std?: string };
  birthDate?: string;
  kind?: DccKind; // when exactly one group is present
  doses?: Dose[]; // vaccination entries with numeric dn and sd
  status?: "full" | "partial"; // vaccination: full when some entry has dn >= sd
  uvci?: string; // ci of the first entry
  uvcis: string[]; // ci of every entry of every group (for revocation)
}

type Obj = { [key: string]: Json };

function isObj(v: Json | undefined): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function own(o: Obj, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function str(o: Obj, key: string): string | undefined {
  const v = own(o, key);
  return typeof v === "string" ? v : undefined;
}

// The groups (v, t, r) present in `dcc`.
export function dccKinds(dcc: Obj): DccKind[] {
  return GROUP_KEYS.filter(([k]) => own(dcc, k) !== undefined).map(([, kind]) => kind);
}

function entries(dcc: Obj, kind: DccKind): Obj[] {
  const key = GROUP_KEYS.find(([, k]) => k === kind)![0];
  const arr = own(dcc, key);
  return Array.isArray(arr) ? arr.filter(isObj) : [];
}

// Null when `dcc` holds exactly one of v, t and r, as a non-empty array of objects (the part of
// the schema a verdict depends on); else why not.
export function structureProblem(dcc: Obj): string | null {
  const kinds = dccKinds(dcc);
  if (kinds.length !== 1) return "the DCC must hold exactly one of v, t and r";
  const key = GROUP_KEYS.find(([, k]) => k === kinds[0])![0];
  const arr = own(dcc, key);
  if (!Array.isArray(arr) || arr.length === 0 || !arr.every(isObj)) {
    return "the " + key + " group must be a non-empty array of objects";
  }
  return null;
}

export function summariseDcc(dcc: Obj): DccSummary {
  const out: DccSummary = { name: {}, uvcis: [] };
  const nam = own(dcc, "nam");
  if (isObj(nam)) {
    const fn = str(nam, "fn");
    const gn = str(nam, "gn");
    const fnt = str(nam, "fnt");
    const gnt = str(nam, "gnt");
    const family = fn || fnt;
    const given = gn || gnt;
    if (family) out.name.family = family;
    if (given) out.name.given = given;
    // The ICAO 9303 machine-readable form, "FNT<<GNT", as on a passport.
    if (fnt || gnt) out.name.std = (fnt ?? "") + "<<" + (gnt ?? "");
  }
  const dob = str(dcc, "dob");
  if (dob !== undefined) out.birthDate = dob;
  const kinds = dccKinds(dcc);
  if (kinds.length === 1) out.kind = kinds[0];
  for (const kind of kinds) {
    for (const e of entries(dcc, kind)) {
      const ci = str(e, "ci");
      if (ci) out.uvcis.push(ci);
    }
  }
  if (out.uvcis.length > 0) out.uvci = out.uvcis[0];
  if (out.kind === "vaccination") {
    out.doses = [];
    for (const e of entries(dcc, "vaccination")) {
      const dn = own(e, "dn");
      const sd = own(e, "sd");
      if (typeof dn !== "number" || typeof sd !== "number") continue;
      out.doses.push({ dn, sd, date: str(e, "dt") ?? "", product: str(e, "mp") ?? "" });
    }
    out.status = out.doses.some((d) => d.sd > 0 && d.dn >= d.sd) ? "full" : "partial";
  }
  return out;
}

// Extended-key-usage OIDs restricting a DSC to DCC types, each in its registered spelling and
// the widespread variant with ".0" after 1.3.6.1.4.1 (as vaxreg's x509.h).
const KIND_OIDS: Record<DccKind, readonly string[]> = {
  test: ["1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"],
  vaccination: ["1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"],
  recovery: ["1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3"],
};

// True when a DSC with extended key usages `ekus` may sign DCCs of `kind`: it lists no DCC OID at
// all, or one of the two for `kind`.
export function mayDscSign(ekus: readonly string[], kind: DccKind): boolean {
  const all = Object.values(KIND_OIDS).flat();
  if (!ekus.some((o) => all.includes(o))) return true;
  return ekus.some((o) => KIND_OIDS[kind].includes(o));
}
