// Offline verification of a SMART Health Card QR text ("shc:/" + digits) in the browser, against
// the issuer's JSON Web Key Set and its revocation lists (spec.smarthealth.cards):
//   "shc:/" -> pairs of digits (each + 45 is one character) -> compact JWS
//   {alg: ES256, zip: DEF, kid} . raw DEFLATE of the JWT payload . ES256 signature (r||s)
// then the signature with the JWKS key of that kid, nbf/exp against `now`, the revocation list of
// the kid (rid, optionally "rid.timestamp": revoked when issued before that time), and the
// FHIR bundle's Patient and Immunizations. Like verifyDcc it never throws or rejects; input is
// bounded (the single-QR limit, 16 KiB inflated).

import { utf8 } from "./bytes";
import type { Dose } from "./dcc";
import type { Reason } from "./reasons";
import { subtle } from "./webcrypto";
import type { Verdict } from "./verify";
import { inflateRaw } from "./zlib";

export const SHC_PREFIX = "shc:/";
const MAX_SHC_CHARS = 4 * 1195;  // far above one version-22 QR, far below trouble
const MAX_SHC_PAYLOAD = 16 * 1024;

export interface Jwk { kty: string; crv?: string; x?: string; y?: string; kid?: string; alg?: string; use?: string }
export interface ShcKeys {
  byKid: ReadonlyMap<string, Jwk>;
  revoked: ReadonlyMap<string, ReadonlyMap<string, number | null>>;  // kid -> rid -> cut-off (unix s) or null
}

function fail(reason: Reason, extra: Partial<Verdict> = {}): Verdict {
  return { valid: false, reason, reasons: [reason], ...extra };
}

function base64UrlDecode(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  try {
    const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

function parseJson(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// The JWKS and the revocation lists (one per kid: {kid, method: "rid", ctr, rids: [...]}) as the
// issuer publishes them at /.well-known/jwks.json and /.well-known/crl/{kid}.json.
export function parseShcKeys(jwksText: string, crlTexts: string[] = []): ShcKeys | null {
  const jwks = parseJson(utf8(jwksText));
  if (!jwks || !Array.isArray(jwks.keys)) return null;
  const byKid = new Map<string, Jwk>();
  for (const k of jwks.keys as Jwk[]) {
    if (k && typeof k.kid === "string" && k.kty === "EC" && k.crv === "P-256" && typeof k.x === "string" && typeof k.y === "string") {
      byKid.set(k.kid, k);
    }
  }
  const revoked = new Map<string, Map<string, number | null>>();
  for (const text of crlTexts) {
    const crl = parseJson(utf8(text));
    if (!crl || typeof crl.kid !== "string" || !Array.isArray(crl.rids)) continue;
    const rids = new Map<string, number | null>();
    for (const r of crl.rids) {
      if (typeof r !== "string") continue;
      const dot = r.indexOf(".");
      rids.set(dot < 0 ? r : r.slice(0, dot), dot < 0 ? null : Number(r.slice(dot + 1)));
    }
    revoked.set(crl.kid, rids);
  }
  return { byKid, revoked };
}

function decodeNumeric(text: string): string | null {
  const digits = text.slice(SHC_PREFIX.length);
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^\d+$/.test(digits)) return null;
  let out = "";
  for (let i = 0; i < digits.length; i += 2) {
    const v = Number(digits.slice(i, i + 2));
    if (v > 77) return null;
    out += String.fromCharCode(v + 45);
  }
  return out;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);

function summarise(payload: Obj): Partial<Verdict> | null {
  const vc = obj(payload.vc);
  const subject = obj(vc?.credentialSubject);
  const bundle = obj(subject?.fhirBundle);
  if (!bundle || !Array.isArray(bundle.entry)) return null;
  const out: Partial<Verdict> = { kind: "vaccination", issuer: typeof payload.iss === "string" ? payload.iss : undefined };
  const doses: Dose[] = [];
  for (const e of bundle.entry) {
    const r = obj(obj(e)?.resource);
    if (!r) continue;
    if (r.resourceType === "Patient") {
      const n = obj(Array.isArray(r.name) ? r.name[0] : null);
      const given = Array.isArray(n?.given) ? (n!.given as unknown[]).filter((g) => typeof g === "string").join(" ") : undefined;
      out.name = { given, family: typeof n?.family === "string" ? n.family : undefined };
      if (typeof r.birthDate === "string") out.birthDate = r.birthDate;
    } else if (r.resourceType === "Immunization" && r.status === "completed") {
      const coding = obj(Array.isArray(obj(r.vaccineCode)?.coding) ? (obj(r.vaccineCode)!.coding as unknown[])[0] : null);
      doses.push({ dn: 0, sd: 0, date: String(r.occurrenceDateTime ?? "").slice(0, 10), product: String(coding?.code ?? "") });
    }
  }
  doses.sort((a, b) => a.date.localeCompare(b.date));
  doses.forEach((d, i) => { d.dn = i + 1; });
  out.doses = doses;
  return out.name ? out : null;
}

export async function verifyShc(text: string, keys: ShcKeys, now: Date = new Date()): Promise<Verdict> {
  try {
    if (text.length > MAX_SHC_CHARS) return fail("too_large");
    if (!text.startsWith(SHC_PREFIX)) return fail("bad_prefix");
    const jws = decodeNumeric(text);
    if (jws === null) return fail("bad_numeric");
    const parts = jws.split(".");
    if (parts.length !== 3) return fail("bad_jws");
    const headerBytes = base64UrlDecode(parts[0]);
    const body = base64UrlDecode(parts[1]);
    const sig = base64UrlDecode(parts[2]);
    const header = headerBytes ? parseJson(headerBytes) : null;
    if (!header || !body || !sig || header.alg !== "ES256" || header.zip !== "DEF" || typeof header.kid !== "string" || sig.length !== 64) {
      return fail("bad_jws");
    }
    const inflated = inflateRaw(body, MAX_SHC_PAYLOAD);
    if (!inflated.ok) return fail(inflated.reason);
    const payload = parseJson(inflated.bytes);
    if (!payload) return fail("bad_payload");
    const summary = summarise(payload) ?? {};
    const kid = header.kid;
    const nbf = typeof payload.nbf === "number" ? payload.nbf : undefined;
    const exp = typeof payload.exp === "number" ? payload.exp : undefined;
    const base: Partial<Verdict> = { ...summary, kid, issuedAt: nbf, expiresAt: exp };
    const reasons: Reason[] = [];
    if (!summary.name || nbf === undefined) reasons.push("bad_payload");
    const jwk = keys.byKid.get(kid);
    if (!jwk) {
      reasons.push("unknown_kid");
    } else {
      const crypto = subtle();
      if (!crypto) return fail("no_webcrypto", base);
      const key = await crypto.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
        { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
      const ok = await crypto.verify({ name: "ECDSA", hash: "SHA-256" }, key, sig as BufferSource, utf8(`${parts[0]}.${parts[1]}`) as BufferSource);
      if (!ok) reasons.push("bad_signature");
    }
    const vcRid = obj(payload.vc)?.rid;
    const rid = typeof vcRid === "string" ? vcRid : undefined;
    const cutoff = rid ? keys.revoked.get(kid)?.get(rid) : undefined;
    if (rid && cutoff !== undefined && (cutoff === null || nbf === undefined || nbf < cutoff)) reasons.push("revoked");
    const t = Math.floor(now.getTime() / 1000);
    if (nbf !== undefined && nbf > t + 300) reasons.push("not_yet_valid");
    if (exp !== undefined && exp < t) reasons.push("expired");
    if (reasons.length) return { valid: false, reason: reasons[0], reasons, ...base };
    return { valid: true, reason: "ok", reasons: [], ...base };
  } catch {
    return fail("internal_error");
  }
}
