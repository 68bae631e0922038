// The signed envelope vaxreg wraps its trust and revocation lists in (src/certs/trust/
// signed_lists.h):
//   {"content": "<JSON text>", "alg": "ES256", "signer": "<base64 DER of the signer certificate>",
//    "signature": "<base64 raw r||s over the UTF-8 bytes of content>"}
// The content travels as text so that the signed bytes are exactly what is verified. Opening an
// envelope checks its signature with the signer's key only; whether the signer is trusted (issued
// by the CSCA) is the caller's check. Never throws or rejects.

import { base64Decode, utf8 } from "./bytes";
import { subtle, verifyEs256Spki } from "./webcrypto";
import { parseCertificate, type X509Certificate } from "./x509";

// Stable codes for a list that is refused.
export type ListError =
  | "too_large" // beyond MAX_LIST_BYTES
  | "bad_json" // the envelope or its content is not a JSON object
  | "bad_envelope" // a member of the envelope is missing, mistyped or not base64
  | "unsupported_alg" // alg is not ES256
  | "bad_certificate" // a certificate does not parse (or is not P-256 where it must be)
  | "bad_signature" // the envelope signature does not verify
  | "wrong_type" // content.type is not the expected list type
  | "bad_content" // a member of the content is missing or mistyped
  | "kid_mismatch" // a kid is not the one of its certificate
  | "not_pinned" // the CSCA is not the pinned one
  | "not_issued_by_csca" // the list signer or a DSC is not issued by the CSCA
  | "no_csca" // the trust list given to check a revocation list has no CSCA
  | "no_webcrypto"; // this page has no WebCrypto (insecure context)

export type ListResult<T> =
  { ok: true; value: T } | { ok: false; reason: ListError; detail: string };

// The largest list accepted, as vaxreg's kMaxSignedListBytes (counted in UTF-16 code units).
export const MAX_LIST_BYTES = 16 * 1024 * 1024;

export function fail<T>(reason: ListError, detail: string): ListResult<T> {
  return { ok: false, reason, detail };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

export interface Opened {
  signer: X509Certificate;
  content: Record<string, unknown>;
}

// Opens `text` and checks its signature and that content.type is `type`.
export async function openEnvelope(text: string, type: string): Promise<ListResult<Opened>> {
  if (typeof text !== "string") return fail("bad_json", "the list is not text");
  if (text.length > MAX_LIST_BYTES) return fail("too_large", "the list is too large");
  if (subtle() === null) return fail("no_webcrypto", "this page has no WebCrypto");
  const env = parseJsonObject(text);
  if (env === null) return fail("bad_json", "the list is not a JSON object");
  if (typeof env.alg !== "string") return fail("bad_envelope", "alg must be a string");
  if (env.alg !== "ES256") return fail("unsupported_alg", "unsupported alg " + env.alg);
  const { content, signer, signature } = env;
  if (typeof content !== "string") return fail("bad_envelope", "content must be a string");
  if (typeof signer !== "string" || typeof signature !== "string") {
    return fail("bad_envelope", "signer and signature must be strings");
  }
  const signerDer = base64Decode(signer);
  const sig = base64Decode(signature);
  if (signerDer === null || sig === null)
    return fail("bad_envelope", "signer/signature not base64");
  const cert = parseCertificate(signerDer);
  if (cert === null || cert.keyType !== "ec-p256") {
    return fail("bad_certificate", "the signer certificate is not a P-256 certificate");
  }
  if (!(await verifyEs256Spki(cert.spki, sig, utf8(content)))) {
    return fail("bad_signature", "the list signature does not verify");
  }
  const c = parseJsonObject(content);
  if (c === null) return fail("bad_json", "the list content is not a JSON object");
  if (c.type !== type) return fail("wrong_type", "expected a " + type);
  return { ok: true, value: { signer: cert, content: c } };
}
