// CBOR Web Token claims (RFC 8392) carrying an EU DCC: {1: iss, 4: exp, 6: iat, -260: {1: DCC}},
// decoded with the rules of vaxreg's src/certs/codec/cwt.h. Pure; malformed input gives a
// failure result, never an exception.

import { CborError, CborMap, CborTag, decodeCbor, type CborValue } from "./cbor";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface CwtClaims {
  iss?: string;
  iat?: number; // unix seconds
  exp?: number; // unix seconds
  dcc?: { [key: string]: Json }; // claim -260, key 1
}

export type CwtResult =
  | { ok: true; claims: CwtClaims }
  // bad_cbor: not well-formed CBOR, not a map, a wrongly typed claim, or a DCC that does not
  //   convert to JSON (byte strings, non-text map keys, tags other than 0 and 1, undefined,
  //   non-finite floats);
  // bad_payload: well-formed, but without claim -260 or without the DCC at its key 1.
  | { ok: false; reason: "bad_cbor" | "bad_payload"; detail: string };

const CLAIM_ISS = 1;
const CLAIM_EXP = 4;
const CLAIM_IAT = 6;
const CLAIM_HCERT = -260;
const HCERT_EU_DCC = 1;

// Decodes the COSE payload. iat and exp are NumericDates: integers, or floats rounded down (a tag
// 1 around them is tolerated); unknown claims are skipped.
export function decodeCwt(payload: Uint8Array): CwtResult {
  let root: CborValue;
  try {
    root = decodeCbor(payload, 16);
  } catch (e) {
    if (e instanceof CborError) return { ok: false, reason: "bad_cbor", detail: e.message };
    throw e;
  }
  if (!(root instanceof CborMap)) return { ok: false, reason: "bad_cbor", detail: "not a map" };
  const claims: CwtClaims = {};
  let hcert: CborValue | undefined;
  for (const [k, v] of root.entries) {
    if (k === CLAIM_ISS) {
      if (typeof v !== "string")
        return { ok: false, reason: "bad_cbor", detail: "iss is not text" };
      claims.iss = v;
    } else if (k === CLAIM_EXP || k === CLAIM_IAT) {
      const t = numericDate(v);
      if (t === null) return { ok: false, reason: "bad_cbor", detail: "iat/exp not a NumericDate" };
      if (k === CLAIM_EXP) claims.exp = t;
      else claims.iat = t;
    } else if (k === CLAIM_HCERT) {
      hcert = v;
    }
  }
  if (hcert === undefined) return { ok: false, reason: "bad_payload", detail: "no hcert claim" };
  if (!(hcert instanceof CborMap)) {
    return { ok: false, reason: "bad_cbor", detail: "hcert claim is not a map" };
  }
  const dcc = hcert.get(HCERT_EU_DCC);
  if (dcc === undefined) return { ok: false, reason: "bad_payload", detail: "no EU DCC in hcert" };
  if (!(dcc instanceof CborMap)) return { ok: false, reason: "bad_cbor", detail: "DCC not a map" };
  const json = cborObjectToJson(dcc);
  if (json === null) {
    return { ok: false, reason: "bad_cbor", detail: "the DCC does not convert to JSON" };
  }
  claims.dcc = json;
  return { ok: true, claims };
}

function numericDate(v: CborValue): number | null {
  if (v instanceof CborTag && v.tag === 1) v = v.value;
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  const t = Math.floor(v);
  return t > -1e11 && t < 1e11 ? t : null;
}

// The JSON object of a CBOR map (see toJson), or null when it is not a map or does not convert.
export function cborObjectToJson(v: CborValue): { [key: string]: Json } | null {
  if (!(v instanceof CborMap)) return null;
  const json = toJson(v);
  return json === INVALID ? null : (json as { [key: string]: Json });
}

const INVALID = Symbol("invalid");

// CBOR -> JSON for the DCC: integers, finite floats, text, arrays, text-keyed maps, booleans and
// null; a tag 0 (date-time text) or 1 (epoch number) becomes its content. Anything else is
// INVALID. Keys are set with defineProperty so "__proto__" stays an ordinary member.
function toJson(v: CborValue): Json | typeof INVALID {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : INVALID;
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const item of v) {
      const j = toJson(item);
      if (j === INVALID) return INVALID;
      out.push(j);
    }
    return out;
  }
  if (v instanceof CborMap) {
    const out: { [key: string]: Json } = {};
    for (const [k, item] of v.entries) {
      if (typeof k !== "string") return INVALID;
      const j = toJson(item);
      if (j === INVALID) return INVALID;
      Object.defineProperty(out, k, {
        value: j,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (v instanceof CborTag) {
    if (v.tag === 0 && typeof v.value === "string") return v.value;
    if (v.tag === 1 && typeof v.value === "number" && Number.isFinite(v.value)) return v.value;
    return INVALID;
  }
  return INVALID; // byte strings, undefined
}
