// The stable reason codes of a verdict, for UI texts, logs and tests. Never rename one: the UI's
// translations are keyed by them.

export const REASONS = [
  "ok",
  // Decoding, in pipeline order; each ends verification.
  "too_large", // the text is over 8 KiB, or it inflates beyond 64 KiB
  "bad_prefix", // not "HC1:"
  "bad_base45", // not base45
  "bad_zlib", // not a zlib stream, corrupt or truncated
  "bad_cose", // not a COSE_Sign1 (bad CBOR, wrong tag or shape, mistyped alg or kid)
  "bad_numeric", // SMART Health Card: "shc:/" not followed by pairs of digits 00-77
  "bad_jws", // SMART Health Card: not a compact JWS with an ES256, zip=DEF header and a kid
  "bad_cbor", // the signed payload is not a CWT claims map, or a claim or the DCC is mistyped
  // Checks after decoding: all run, and `reasons` lists every failure, most important first.
  "bad_payload", // no DCC, no iat or exp, or not exactly one non-empty v/t/r group
  "unknown_kid", // no kid, or no trusted DSC has it
  "bad_signature", // no trusted DSC with that kid verifies the signature
  "revoked", // a UVCI of the DCC is on the revocation list
  "key_usage", // the DSC's extended key usage does not allow this type of DCC
  "dsc_not_yet_valid", // signed (iat) before the DSC's notBefore
  "dsc_expired", // valid (exp) beyond the DSC's notAfter
  "not_yet_valid", // now is before iat
  "expired", // now is after exp
  // The environment.
  "no_webcrypto", // this page has no WebCrypto (plain http on a non-local address)
  "internal_error", // a bug in the verifier; never expected
] as const;

export type Reason = (typeof REASONS)[number];
