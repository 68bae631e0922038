// The revocation list as vaxreg publishes it at GET /api/v1/revocation-list
// (src/certs/trust/signed_lists.h):
//
//   envelope (envelope.ts) whose content is
//   {"type": "dcc-revocation-list", "version": 1, "issued_at": "<ISO-8601 UTC>",
//    "hash_type": "UCI-SHA256-16", "hashes": ["<base64 of 16 bytes>", ...]}
//
// Each hash is the first 16 bytes of SHA-256 over the UTF-8 bytes of a revoked certificate's
// UVCI (the "ci" of its DCC entry, e.g. "URN:UVCI:01:VN:...#K"), exactly vaxreg's
// DccRevocationHash. parseRevocationList accepts a list exactly when vaxreg's
// ParseSignedRevocationList does with the trust list's CSCA: the envelope signature verifies,
// its signer is issued by the CSCA and every hash is 16 bytes of base64; in addition a hash_type
// other than UCI-SHA256-16 is refused, since its hashes would silently never match. A
// RevocationList is immutable once built. Functions here never throw or reject.

import { base64Decode, base64Encode, utf8 } from "./bytes";
import { fail, openEnvelope, type ListResult } from "./envelope";
import { parseIsoInstant } from "./isotime";
import type { TrustList } from "./trust";
import { isIssuedBy, sha256 } from "./webcrypto";

export const REVOCATION_HASH_TYPE = "UCI-SHA256-16";

export interface RevocationList {
  issuedAt?: number; // unix seconds
  hashes: ReadonlySet<string>; // canonical padded base64 of each 16-byte hash
}

export function emptyRevocationList(): RevocationList {
  return { hashes: new Set() };
}

// A list of UVCI hashes (base64 of 16 bytes each) known by other means; null when one is not.
export function revocationListFromHashes(hashes: string[]): RevocationList | null {
  const set = new Set<string>();
  for (const h of hashes) {
    const b = base64Decode(h);
    if (b === null || b.length !== 16) return null;
    set.add(base64Encode(b));
  }
  return { hashes: set };
}

// base64 of the first 16 bytes of SHA-256(UTF-8 of `uvci`); null without WebCrypto.
export async function revocationHash(uvci: string): Promise<string | null> {
  const h = await sha256(utf8(uvci));
  return h === null ? null : base64Encode(h.subarray(0, 16));
}

// True when `uvci` is on `list`; null without WebCrypto (revocation could not be checked).
export async function isRevoked(list: RevocationList, uvci: string): Promise<boolean | null> {
  if (list.hashes.size === 0) return false;
  const h = await revocationHash(uvci);
  return h === null ? null : list.hashes.has(h);
}

// Verifies and parses the text of GET /api/v1/revocation-list against `trust`'s CSCA.
export async function parseRevocationList(
  text: string,
  trust: TrustList,
): Promise<ListResult<RevocationList>> {
  if (trust.csca === undefined) return fail("no_csca", "the trust list has no CSCA");
  const opened = await openEnvelope(text, "dcc-revocation-list");
  if (!opened.ok) return opened;
  const { signer, content } = opened.value;
  if (!(await isIssuedBy(signer, trust.csca))) {
    return fail("not_issued_by_csca", "the list signer is not issued by the CSCA");
  }
  if (content.hash_type !== undefined && content.hash_type !== REVOCATION_HASH_TYPE) {
    return fail("bad_content", "unknown hash_type");
  }
  if (!Array.isArray(content.hashes)) return fail("bad_content", "hashes must be an array");
  const hashes = new Set<string>();
  for (const h of content.hashes as unknown[]) {
    const b = typeof h === "string" ? base64Decode(h) : null;
    if (b === null || b.length !== 16)
      return fail("bad_content", "a hash is not 16 bytes of base64");
    hashes.add(base64Encode(b));
  }
  const list: RevocationList = { hashes };
  const issuedAt =
    typeof content.issued_at === "string" ? parseIsoInstant(content.issued_at) : null;
  if (issuedAt !== null) list.issuedAt = issuedAt;
  return { ok: true, value: list };
}
