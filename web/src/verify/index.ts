// Offline verification of EU Digital COVID Certificates ("HC1:" QR texts) in the browser, against
// vaxreg's published trust list (GET /api/v1/trust-list) and revocation list
// (GET /api/v1/revocation-list). No network access: the caller fetches (and may cache) the two
// lists' texts, parses them once, and verifies any number of certificates with them.
//
//   const trust = await parseTrustList(trustText);            // ListResult<TrustList>
//   const revoked = trust.ok ? await parseRevocationList(revText, trust.value) : ...;
//   const verdict = await verifyDcc(qrText, trust.value, revoked.value);
//
// Nothing here throws or rejects on any input; failures are stable codes (Reason, ListError).
// Needs WebCrypto (a secure context: https or localhost); without it the codes say no_webcrypto.

export { verifyDcc, MAX_TEXT_CHARS, MAX_INFLATED_BYTES, type Verdict } from "./verify";
export { REASONS, type Reason } from "./reasons";
export type { DccKind, Dose } from "./dcc";
export {
  parseTrustList,
  trustListFromCertificates,
  computeKid,
  type TrustList,
  type TrustListOptions,
  type Dsc,
} from "./trust";
export {
  parseRevocationList,
  revocationListFromHashes,
  emptyRevocationList,
  revocationHash,
  REVOCATION_HASH_TYPE,
  type RevocationList,
} from "./revocation";
export { MAX_LIST_BYTES, type ListError, type ListResult } from "./envelope";
export { verifyShc, parseShcKeys, SHC_PREFIX, type ShcKeys, type Jwk } from "./shc";
