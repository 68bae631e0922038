// The browser verifier against the official EU DCC test vectors in
// $VAXREG_SHARED_DIR/conformance/dcc-testdata (see its README for the format and the flags).
//
// Every *.json below that folder that is an object with EXPECTEDRESULTS is a case; nothing
// depends on file or folder names. For each flag this verifier can check, the check described in
// the corpus README is run with the verifier's own functions and compared with the expectation;
// a flag whose input field is absent is skipped. The flags it cannot check are in NOT_CHECKED
// with the reason. Unknown (e.g. misspelled) flags are ignored. In addition every case with a
// PREFIX, a CERTIFICATE and a VALIDATIONCLOCK runs through verifyDcc, whose verdict must agree
// with the flags that cover the PREFIX chain.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { base45Decode } from "../../src/verify/base45";
import { base64Decode, bytesEqual, hexDecode } from "../../src/verify/bytes";
import { CborMap, decodeCbor } from "../../src/verify/cbor";
import { parseCoseSign1 } from "../../src/verify/cose";
import { cborObjectToJson, decodeCwt, type Json } from "../../src/verify/cwt";
import { dccKinds } from "../../src/verify/dcc";
import { parseIsoInstant } from "../../src/verify/isotime";
import type { Reason } from "../../src/verify/reasons";
import { emptyRevocationList } from "../../src/verify/revocation";
import { trustListFromCertificates, type TrustList } from "../../src/verify/trust";
import {
  HC1_PREFIX,
  MAX_INFLATED_BYTES,
  decodeHc1,
  findSigner,
  keyUsageFailures,
  timeFailures,
  verifyDcc,
} from "../../src/verify/verify";
import { inflateZlib } from "../../src/verify/zlib";
import { sharedDir } from "./verify-helpers";

// The expectations this verifier legitimately cannot check, one list, by flag.
const NOT_CHECKED: Record<string, string> = {
  EXPECTEDSCHEMAVALIDATION:
    "JSON-schema and value-set validation stay on the server (vaxreg's /api/v1/verify and " +
    "`vaxreg conformance dcc` check them); the browser verifier checks only the structure its " +
    "verdict depends on (exactly one non-empty v/t/r group), so its answer is not this flag's",
  EXPECTEDPICTUREDECODE:
    "this module takes the QR text; decoding the PNG is the scanner's job (jsQR in the page)",
  EXPECTEDVALIDOBJECT: "issuer side: whether the JSON loads as an object, nothing to verify",
  EXPECTEDENCODE: "issuer side: whether CBOR can be produced from the JSON, nothing to verify",
};

type Flag =
  | "EXPECTEDUNPREFIX"
  | "EXPECTEDB45DECODE"
  | "EXPECTEDCOMPRESSION"
  | "EXPECTEDVERIFY"
  | "EXPECTEDDECODE"
  | "EXPECTEDVALIDJSON"
  | "EXPECTEDEXPIRATIONCHECK"
  | "EXPECTEDKEYUSAGE";

// The verdict reasons that a failing flag explains (for the end-to-end comparison).
const CHAIN_REASONS: Partial<Record<Flag, Reason[]>> = {
  EXPECTEDUNPREFIX: ["bad_prefix"],
  EXPECTEDB45DECODE: ["bad_base45"],
  EXPECTEDCOMPRESSION: ["bad_zlib", "too_large"],
  EXPECTEDVERIFY: ["bad_cose", "unknown_kid", "bad_signature"],
  EXPECTEDDECODE: ["bad_cose", "bad_cbor", "bad_payload"],
  EXPECTEDVALIDJSON: ["bad_cose", "bad_cbor", "bad_payload"],
  EXPECTEDEXPIRATIONCHECK: [
    "expired",
    "not_yet_valid",
    "dsc_expired",
    "dsc_not_yet_valid",
    "bad_payload",
  ],
  EXPECTEDKEYUSAGE: ["key_usage"],
};

interface Case {
  file: string;
  data: Record<string, unknown>;
  expected: Record<string, boolean>;
}

function findCases(dir: string): Case[] {
  const out: Case[] = [];
  const walk = (d: string) => {
    for (const e of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".json")) {
        let data: unknown;
        try {
          data = JSON.parse(fs.readFileSync(p, "utf8"));
        } catch {
          continue;
        }
        if (typeof data !== "object" || data === null || Array.isArray(data)) continue;
        const obj = data as Record<string, unknown>;
        const er = obj.EXPECTEDRESULTS;
        if (typeof er !== "object" || er === null) continue;
        const expected: Record<string, boolean> = {};
        const merge = (o: Record<string, unknown>) => {
          for (const [k, v] of Object.entries(o)) {
            if (typeof v === "boolean") expected[k] = v;
            else if (k === "EXPECTEDRESULTS" && typeof v === "object" && v !== null) {
              merge(v as Record<string, unknown>);
            }
          }
        };
        merge(er as Record<string, unknown>);
        out.push({ file: path.relative(dir, p), data: obj, expected });
      }
    }
  };
  walk(dir);
  return out;
}

// Structural equality of decoded DCCs: numbers by value, date-time strings as instants.
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") {
    if (a === b) return true;
    if (!a.includes("T") || !b.includes("T")) return false;
    const ta = parseIsoInstant(a);
    return ta !== null && ta === parseIsoInstant(b);
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  const ka = Object.keys(a as object).sort();
  const kb = Object.keys(b as object).sort();
  return (
    ka.length === kb.length &&
    ka.every(
      (k, i) =>
        k === kb[i] &&
        sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

function hexField(c: Case, name: string): Uint8Array | null {
  const v = c.data[name];
  return typeof v === "string" ? hexDecode(v) : null;
}

function ctx(c: Case): Record<string, unknown> {
  const t = c.data.TESTCTX;
  return typeof t === "object" && t !== null ? (t as Record<string, unknown>) : {};
}

// The DCC of the CBOR field: a whole claims map (with -260) or a bare DCC.
function dccOfCborField(bytes: Uint8Array): Json | null {
  let v;
  try {
    v = decodeCbor(bytes, 16);
  } catch {
    return null;
  }
  if (v instanceof CborMap && v.get(-260) !== undefined) {
    const cwt = decodeCwt(bytes);
    return cwt.ok ? (cwt.claims.dcc ?? null) : null;
  }
  return cborObjectToJson(v);
}

async function trustOf(c: Case): Promise<TrustList | null> {
  const b64 = ctx(c).CERTIFICATE;
  const der = typeof b64 === "string" ? base64Decode(b64) : null;
  if (der === null) return null;
  const t = await trustListFromCertificates([der]);
  return t.ok ? t.value : null;
}

// The result of one flag's check, or null when its input is absent.
async function check(flag: Flag, c: Case): Promise<boolean | null> {
  const d = c.data;
  switch (flag) {
    case "EXPECTEDUNPREFIX": {
      if (typeof d.PREFIX !== "string") return null;
      return (
        d.PREFIX.startsWith(HC1_PREFIX) &&
        (typeof d.BASE45 !== "string" || d.PREFIX.slice(HC1_PREFIX.length) === d.BASE45)
      );
    }
    case "EXPECTEDB45DECODE": {
      if (typeof d.BASE45 !== "string") return null;
      const bytes = base45Decode(d.BASE45);
      const want = hexField(c, "COMPRESSED");
      return bytes !== null && (want === null || bytesEqual(bytes, want));
    }
    case "EXPECTEDCOMPRESSION": {
      const z = hexField(c, "COMPRESSED");
      if (z === null) return null;
      const r = inflateZlib(z, MAX_INFLATED_BYTES);
      const want = hexField(c, "COSE");
      return r.ok && (want === null || bytesEqual(r.bytes, want));
    }
    case "EXPECTEDVERIFY": {
      const coseBytes = hexField(c, "COSE");
      if (coseBytes === null || typeof ctx(c).CERTIFICATE !== "string") return null;
      const cose = parseCoseSign1(coseBytes);
      const trust = await trustOf(c);
      if (cose === null || trust === null) return false;
      return (await findSigner(cose, trust)).ok;
    }
    case "EXPECTEDDECODE": {
      const coseBytes = hexField(c, "COSE");
      const cborBytes = hexField(c, "CBOR");
      let dcc: Json | null = null;
      if (coseBytes !== null) {
        const cose = parseCoseSign1(coseBytes);
        const cwt = cose === null ? null : decodeCwt(cose.payload);
        dcc = cwt !== null && cwt.ok ? (cwt.claims.dcc ?? null) : null;
      } else if (cborBytes !== null) {
        dcc = dccOfCborField(cborBytes);
      } else {
        return null;
      }
      if (dcc === null) return false;
      if (d.JSON !== undefined && !sameJson(dcc, d.JSON)) return false;
      if (cborBytes !== null && !sameJson(dcc, dccOfCborField(cborBytes))) return false;
      return true;
    }
    case "EXPECTEDVALIDJSON": {
      if (typeof d.PREFIX !== "string" || d.JSON === undefined) return null;
      const h = decodeHc1(d.PREFIX);
      if (!h.ok) return false;
      const cwt = decodeCwt(h.cose.payload);
      return cwt.ok && sameJson(cwt.claims.dcc, d.JSON);
    }
    case "EXPECTEDEXPIRATIONCHECK": {
      const coseBytes = hexField(c, "COSE");
      const clock = ctx(c).VALIDATIONCLOCK;
      if (coseBytes === null || typeof ctx(c).CERTIFICATE !== "string" || typeof clock !== "string")
        return null;
      const now = parseIsoInstant(clock);
      const cose = parseCoseSign1(coseBytes);
      const trust = await trustOf(c);
      if (now === null || cose === null || trust === null) return false;
      const cwt = decodeCwt(cose.payload);
      if (!cwt.ok || cwt.claims.iat === undefined || cwt.claims.exp === undefined) return false;
      return timeFailures(cwt.claims.iat, cwt.claims.exp, now, trust.dscs[0]).length === 0;
    }
    case "EXPECTEDKEYUSAGE": {
      const coseBytes = hexField(c, "COSE");
      if (coseBytes === null || typeof ctx(c).CERTIFICATE !== "string") return null;
      const cose = parseCoseSign1(coseBytes);
      const trust = await trustOf(c);
      const cwt = cose === null ? null : decodeCwt(cose.payload);
      if (trust === null || cwt === null || !cwt.ok || cwt.claims.dcc === undefined) return false;
      return keyUsageFailures(dccKinds(cwt.claims.dcc), trust.dscs[0]).length === 0;
    }
  }
}

const CHECKED: Flag[] = [
  "EXPECTEDUNPREFIX",
  "EXPECTEDB45DECODE",
  "EXPECTEDCOMPRESSION",
  "EXPECTEDVERIFY",
  "EXPECTEDDECODE",
  "EXPECTEDVALIDJSON",
  "EXPECTEDEXPIRATIONCHECK",
  "EXPECTEDKEYUSAGE",
];

const corpus = path.join(sharedDir, "conformance/dcc-testdata");
const cases = fs.existsSync(corpus) ? findCases(corpus) : [];
const tally = {
  cases: { passed: 0, failed: 0 },
  flags: {} as Record<
    string,
    { agree: number; disagree: number; skipped: number; notChecked: number }
  >,
  endToEnd: { agree: 0, disagree: 0, notRun: 0, validDespiteUncheckedFlag: 0 },
  verdicts: {} as Record<string, number>,
};
const flagTally = (f: string) =>
  (tally.flags[f] ??= { agree: 0, disagree: 0, skipped: 0, notChecked: 0 });

describe("EU DCC conformance vectors", () => {
  test("the corpus is there", () => {
    assert.ok(fs.existsSync(corpus), "missing " + corpus + " (set VAXREG_SHARED_DIR)");
    assert.ok(cases.length > 0, "no cases under " + corpus);
  });

  for (const c of cases) {
    test(c.file, async () => {
      const problems: string[] = [];
      for (const flag of CHECKED) {
        if (!(flag in c.expected)) continue;
        const got = await check(flag, c);
        if (got === null) flagTally(flag).skipped++;
        else if (got === c.expected[flag]) flagTally(flag).agree++;
        else {
          flagTally(flag).disagree++;
          problems.push(`${flag}: expected ${c.expected[flag]}, got ${got}`);
        }
      }
      for (const flag of Object.keys(NOT_CHECKED))
        if (flag in c.expected) flagTally(flag).notChecked++;

      const clock = ctx(c).VALIDATIONCLOCK;
      const trust = await trustOf(c);
      const now = typeof clock === "string" ? parseIsoInstant(clock) : null;
      if (typeof c.data.PREFIX !== "string" || trust === null || now === null) {
        tally.endToEnd.notRun++;
      } else {
        const verdict = await verifyDcc(
          c.data.PREFIX,
          trust,
          emptyRevocationList(),
          new Date(now * 1000),
        );
        tally.verdicts[verdict.reason] = (tally.verdicts[verdict.reason] ?? 0) + 1;
        const falseFlags = (Object.keys(CHAIN_REASONS) as Flag[]).filter(
          (f) => c.expected[f] === false,
        );
        let agrees: boolean;
        if (falseFlags.length === 0) {
          agrees = verdict.valid;
          // Only the structure part of the schema is checked: a structure failure must be one the
          // vector also calls a schema failure.
          if (!verdict.valid && verdict.reasons.every((r) => r === "bad_payload")) {
            agrees = c.expected.EXPECTEDSCHEMAVALIDATION === false;
          }
          if (verdict.valid && c.expected.EXPECTEDSCHEMAVALIDATION === false) {
            tally.endToEnd.validDespiteUncheckedFlag++;
          }
        } else {
          const explained = falseFlags.flatMap((f) => CHAIN_REASONS[f] ?? []);
          agrees = !verdict.valid && verdict.reasons.some((r) => explained.includes(r));
        }
        if (agrees) tally.endToEnd.agree++;
        else {
          tally.endToEnd.disagree++;
          problems.push(
            `verifyDcc: ${JSON.stringify(verdict.reasons)} for flags ${JSON.stringify(c.expected)}`,
          );
        }
      }
      if (problems.length === 0) tally.cases.passed++;
      else tally.cases.failed++;
      assert.deepEqual(problems, []);
    });
  }

  after(() => {
    console.log("# dcc-testdata: " + JSON.stringify(tally.cases));
    for (const [flag, t] of Object.entries(tally.flags).sort())
      console.log(`# ${flag} ${JSON.stringify(t)}`);
    console.log("# verifyDcc end to end: " + JSON.stringify(tally.endToEnd));
    console.log("# verifyDcc verdicts: " + JSON.stringify(tally.verdicts));
    console.log("# not checked: " + JSON.stringify(NOT_CHECKED, null, 1));
  });
});
