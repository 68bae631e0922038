// COSE_Sign1 (RFC 9052) as the EU DCC uses it: parsing, and the bytes the signature covers.
// Same rules as vaxreg's src/certs/codec/cose.h. Pure; malformed input gives null, never an
// exception.

import { CborError, CborMap, CborTag, decodeCbor, type CborValue } from "./cbor";
import { concatBytes, utf8 } from "./bytes";

export const COSE_ALG_ES256 = -7;
export const COSE_ALG_PS256 = -37;
const TAG_COSE_SIGN1 = 18;
const TAG_CWT = 61;
const HEADER_ALG = 1;
const HEADER_KID = 4;

export interface CoseSign1 {
  // The protected header exactly as received (possibly empty): the Sig_structure is built from
  // these bytes, since re-encoding the decoded map could change them.
  protectedBytes: Uint8Array;
  // From the protected header, else from the unprotected one.
  alg?: number;
  // From the protected header, else from the unprotected one; empty when neither has one.
  kid: Uint8Array;
  kidProtected: boolean;
  payload: Uint8Array;
  signature: Uint8Array;
}

// Parses a COSE_Sign1: tag 18, no tag, or tag 61 (CWT) around tag 18; other tags are refused.
// The message is [bstr protected, map unprotected, bstr payload, bstr signature]; a non-empty
// protected header must encode a map. alg (label 1) must be an integer and kid (label 4) a
// byte string where present. Null when any of this does not hold (or the CBOR is malformed).
export function parseCoseSign1(bytes: Uint8Array): CoseSign1 | null {
  try {
    let v: CborValue = decodeCbor(bytes, 8);
    if (v instanceof CborTag && v.tag === TAG_CWT) {
      v = v.value;
      if (!(v instanceof CborTag) || v.tag !== TAG_COSE_SIGN1) return null;
    }
    if (v instanceof CborTag) {
      if (v.tag !== TAG_COSE_SIGN1) return null;
      v = v.value;
    }
    if (!Array.isArray(v) || v.length !== 4) return null;
    const [prot, unprot, payload, signature] = v;
    if (!(prot instanceof Uint8Array) || !(unprot instanceof CborMap)) return null;
    if (!(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) return null;
    let protMap = new CborMap([]);
    if (prot.length > 0) {
      const decoded = decodeCbor(prot, 8);
      if (!(decoded instanceof CborMap)) return null;
      protMap = decoded;
    }
    const p = readHeaders(protMap);
    const u = readHeaders(unprot);
    if (p === null || u === null) return null;
    const alg = p.alg ?? u.alg;
    return {
      protectedBytes: prot,
      ...(alg !== undefined ? { alg } : {}),
      kid: p.kid ?? u.kid ?? new Uint8Array(0),
      kidProtected: p.kid !== undefined,
      payload,
      signature,
    };
  } catch (e) {
    if (e instanceof CborError) return null;
    throw e;
  }
}

function readHeaders(m: CborMap): { alg?: number; kid?: Uint8Array } | null {
  const out: { alg?: number; kid?: Uint8Array } = {};
  const alg = m.get(HEADER_ALG);
  if (alg !== undefined || hasKey(m, HEADER_ALG)) {
    if (typeof alg !== "number" || !Number.isInteger(alg)) return null;
    out.alg = alg;
  }
  const kid = m.get(HEADER_KID);
  if (kid !== undefined || hasKey(m, HEADER_KID)) {
    if (!(kid instanceof Uint8Array)) return null;
    out.kid = kid;
  }
  return out;
}

// True when `m` has the integer key `key` (CborMap.get cannot tell an absent key from a CBOR
// undefined value).
function hasKey(m: CborMap, key: number): boolean {
  return m.entries.some(([k]) => k === key);
}

// The to-be-signed bytes ["Signature1", protected, h'', payload], definite lengths, shortest
// heads.
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const context = utf8("Signature1");
  return concatBytes([
    new Uint8Array([0x84]),
    head(3, context.length),
    context,
    head(2, protectedBytes.length),
    protectedBytes,
    new Uint8Array([0x40]),
    head(2, payload.length),
    payload,
  ]);
}

function head(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return new Uint8Array([m | n]);
  if (n < 0x100) return new Uint8Array([m | 24, n]);
  if (n < 0x10000) return new Uint8Array([m | 25, n >> 8, n & 0xff]);
  return new Uint8Array([m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}
