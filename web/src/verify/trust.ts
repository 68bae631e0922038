// The trust list: the document signer certificates (DSCs) a DCC may be signed with, looked up by
// kid, as vaxreg publishes them at GET /api/v1/trust-list (src/certs/trust/signed_lists.h):
//
//   envelope (envelope.ts) whose content is
//   {"type": "dcc-trust-list", "version": 1, "country": "VN", "issued_at": "<ISO-8601 UTC>",
//    "csca": {"kid", "not_before", "not_after", "subject", "certificate"},
//    "dscs": [{"kid", "not_before", "not_after", "subject", "certificate", "active"}]}
//   kids and certificates in standard base64 (DER); kid = first 8 bytes of SHA-256(DER).
//
// parseTrustList accepts a list exactly when vaxreg's ParseSignedTrustList does: the envelope
// signature verifies, its signer and every DSC are issued by the list's CSCA, every kid matches
// its certificate, and (when a CSCA is pinned) the CSCA is the pinned one. Without a pin the
// document itself is the anchor, so it must come over a trusted channel (the portal's own HTTPS
// origin). A TrustList is immutable once built. Functions here never throw or reject.

import { base64Decode, base64Encode, bytesEqual } from "./bytes";
import { fail, isObject, openEnvelope, type ListResult } from "./envelope";
import { parseIsoInstant } from "./isotime";
import { importCoseKey, isIssuedBy, sha256, subtle } from "./webcrypto";
import { parseCertificate, type X509Certificate } from "./x509";

export interface Dsc {
  kid: string; // base64 of the 8-byte kid
  certificate: X509Certificate;
  key: CryptoKey | null; // null when its key type cannot sign a DCC (neither P-256 nor RSA)
  active?: boolean; // from the list: the DSC vaxreg signs new certificates with
}

export interface TrustList {
  country?: string;
  issuedAt?: number; // unix seconds
  csca?: X509Certificate & { kid: string };
  dscs: Dsc[];
  byKid: ReadonlyMap<string, Dsc[]>; // kids can collide: every DSC with the kid is a candidate
}

export interface TrustListOptions {
  // The CSCA the list must carry: DER bytes, base64 of them, or PEM.
  pinnedCsca?: Uint8Array | string;
}

// The DCC kid of a certificate: base64 of the first 8 bytes of SHA-256 over its DER.
export async function computeKid(der: Uint8Array): Promise<string | null> {
  const h = await sha256(der);
  return h === null ? null : base64Encode(h.subarray(0, 8));
}

// The DSCs whose kid equals `kid` (raw bytes); empty when none.
export function findDscs(trust: TrustList, kid: Uint8Array): Dsc[] {
  return trust.byKid.get(base64Encode(kid)) ?? [];
}

// A trust list of the given DSC certificates with no CSCA and no checks beyond parsing: for a
// verifier given its DSCs over a trusted channel, tools and tests (the EU test vectors).
export async function trustListFromCertificates(
  ders: Uint8Array[],
): Promise<ListResult<TrustList>> {
  if (subtle() === null) return fail("no_webcrypto", "this page has no WebCrypto");
  const dscs: Dsc[] = [];
  for (const der of ders) {
    const dsc = await makeDsc(der);
    if (dsc === null) return fail("bad_certificate", "a certificate does not parse");
    dscs.push(dsc);
  }
  return { ok: true, value: { dscs, byKid: indexByKid(dscs) } };
}

// Verifies and parses the text of GET /api/v1/trust-list (see the file comment).
export async function parseTrustList(
  text: string,
  options: TrustListOptions = {},
): Promise<ListResult<TrustList>> {
  const opened = await openEnvelope(text, "dcc-trust-list");
  if (!opened.ok) return opened;
  const { signer, content } = opened.value;
  const csca = await certFromEntry(content.csca);
  if (!csca.ok) return csca;
  if (options.pinnedCsca !== undefined) {
    const pin = derOf(options.pinnedCsca);
    if (pin === null || !bytesEqual(pin, csca.value.cert.der)) {
      return fail("not_pinned", "the list's CSCA is not the pinned one");
    }
  }
  if (!(await isIssuedBy(signer, csca.value.cert))) {
    return fail("not_issued_by_csca", "the list signer is not issued by the CSCA");
  }
  if (!Array.isArray(content.dscs)) return fail("bad_content", "dscs must be an array");
  const dscs: Dsc[] = [];
  for (const entry of content.dscs as unknown[]) {
    const c = await certFromEntry(entry);
    if (!c.ok) return c;
    if (!(await isIssuedBy(c.value.cert, csca.value.cert))) {
      return fail("not_issued_by_csca", "DSC " + c.value.kid + " is not issued by the CSCA");
    }
    const dsc = await makeDsc(c.value.cert.der, c.value.cert);
    if (dsc === null) return fail("bad_certificate", "a DSC does not parse");
    if (isObject(entry) && typeof entry.active === "boolean") dsc.active = entry.active;
    dscs.push(dsc);
  }
  const issuedAt =
    typeof content.issued_at === "string" ? parseIsoInstant(content.issued_at) : null;
  if (issuedAt === null) return fail("bad_content", "issued_at must be an ISO-8601 instant");
  const list: TrustList = {
    issuedAt,
    csca: { ...csca.value.cert, kid: csca.value.kid },
    dscs,
    byKid: indexByKid(dscs),
  };
  if (typeof content.country === "string") list.country = content.country;
  return { ok: true, value: list };
}

// {"kid": base64, "certificate": base64 DER}: the certificate, whose kid must be `kid`.
async function certFromEntry(
  entry: unknown,
): Promise<ListResult<{ cert: X509Certificate; kid: string }>> {
  if (!isObject(entry)) return fail("bad_content", "a certificate entry is not an object");
  if (typeof entry.certificate !== "string" || typeof entry.kid !== "string") {
    return fail("bad_content", "a certificate entry lacks kid or certificate");
  }
  const der = base64Decode(entry.certificate);
  const kid = base64Decode(entry.kid);
  if (der === null || kid === null) return fail("bad_content", "kid/certificate is not base64");
  const cert = parseCertificate(der);
  if (cert === null) return fail("bad_certificate", "a certificate does not parse");
  const computed = await computeKid(der);
  if (computed === null) return fail("no_webcrypto", "this page has no WebCrypto");
  if (computed !== base64Encode(kid))
    return fail("kid_mismatch", "a kid does not match its certificate");
  return { ok: true, value: { cert, kid: computed } };
}

async function makeDsc(der: Uint8Array, parsed?: X509Certificate): Promise<Dsc | null> {
  const certificate = parsed ?? parseCertificate(der);
  if (certificate === null) return null;
  const kid = await computeKid(der);
  if (kid === null) return null;
  const key = await importCoseKey(certificate.spki, certificate.keyType);
  return { kid, certificate, key };
}

function indexByKid(dscs: Dsc[]): Map<string, Dsc[]> {
  const m = new Map<string, Dsc[]>();
  for (const d of dscs) m.set(d.kid, [...(m.get(d.kid) ?? []), d]);
  return m;
}

// DER from bytes, base64 or PEM text; null when it is none of them.
function derOf(pin: Uint8Array | string): Uint8Array | null {
  if (typeof pin !== "string") return pin;
  const body = pin.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return base64Decode(body);
}
