// Offline verification of an EU DCC "HC1:" text in the browser, with the rules of vaxreg's
// VerifyHc1 (src/certs/verifier.h) except JSON-schema and value-set validation:
//   "HC1:" -> base45 -> zlib -> COSE_Sign1 -> CWT {1 iss, 4 exp, 6 iat, -260 {1 DCC}}
// then the signature against the trust list, DSC key usage, time validity against `now` and the
// DSC, and revocation. verifyDcc never throws or rejects, on any input: every failure is a
// Verdict with a stable reason (reasons.ts). Input is bounded (8 KiB of text, 64 KiB inflated),
// so hostile input costs at most a few milliseconds.

import { base45Decode } from "./base45";
import { base64Encode } from "./bytes";
import { parseCoseSign1, sigStructure, type CoseSign1 } from "./cose";
import { decodeCwt } from "./cwt";
import {
  dccKinds,
  mayDscSign,
  structureProblem,
  summariseDcc,
  type DccKind,
  type Dose,
} from "./dcc";
import type { Reason } from "./reasons";
import { isRevoked, type RevocationList } from "./revocation";
import { findDscs, type Dsc, type TrustList } from "./trust";
import { subtle, verifyCose } from "./webcrypto";
import { inflateZlib } from "./zlib";

export const MAX_TEXT_CHARS = 8 * 1024;
export const MAX_INFLATED_BYTES = 64 * 1024;
export const HC1_PREFIX = "HC1:";

export interface Verdict {
  valid: boolean;
  reason: Reason; // "ok" when valid, else the most important of `reasons`
  reasons: Reason[]; // every failure found (empty when valid)
  // What the certificate says, present when decoding got that far. Untrusted unless `valid`.
  name?: { given?: string; family?: string; std?: string }; // std: ICAO 9303 "FNT<<GNT"
  birthDate?: string; // dob as written: "1980-05-14", "1980-05" or "1980"
  kind?: DccKind;
  doses?: Dose[];
  status?: "full" | "partial"; // vaccination only: full when some dose has dn >= sd
  issuer?: string; // CWT iss, e.g. "VN"
  issuedAt?: number; // CWT iat, unix seconds
  expiresAt?: number; // CWT exp, unix seconds
  kid?: string; // base64 of the COSE kid
  uvci?: string; // ci of the first entry
  signer?: string; // subject of the DSC that verified the signature
}

// Checks after decoding, most important first: a verdict's reason is the first that failed.
const PRIORITY: Reason[] = [
  "bad_payload",
  "unknown_kid",
  "bad_signature",
  "revoked",
  "key_usage",
  "dsc_not_yet_valid",
  "dsc_expired",
  "not_yet_valid",
  "expired",
];

// Verifies `text` (the QR content; trailing spaces and line breaks are ignored) at `now` (the
// wall clock when absent or invalid).
export async function verifyDcc(
  text: string,
  trust: TrustList,
  revoked: RevocationList,
  now?: Date,
): Promise<Verdict> {
  try {
    const t = now !== undefined && Number.isFinite(now.getTime()) ? now.getTime() : Date.now();
    return await run(text, trust, revoked, t / 1000);
  } catch {
    return failed("internal_error");
  }
}

function failed(reason: Reason): Verdict {
  return { valid: false, reason, reasons: [reason] };
}

// The COSE message in `text`, or the decoding failure.
export function decodeHc1(
  text: string,
): { ok: true; cose: CoseSign1 } | { ok: false; reason: Reason } {
  if (typeof text !== "string") return { ok: false, reason: "bad_prefix" };
  const trimmed = text.replace(/[\r\n ]+$/, "");
  if (trimmed.length > MAX_TEXT_CHARS) return { ok: false, reason: "too_large" };
  if (!trimmed.startsWith(HC1_PREFIX)) return { ok: false, reason: "bad_prefix" };
  const compressed = base45Decode(trimmed.slice(HC1_PREFIX.length));
  if (compressed === null) return { ok: false, reason: "bad_base45" };
  const inflated = inflateZlib(compressed, MAX_INFLATED_BYTES);
  if (!inflated.ok) return { ok: false, reason: inflated.reason };
  const cose = parseCoseSign1(inflated.bytes);
  if (cose === null) return { ok: false, reason: "bad_cose" };
  return { ok: true, cose };
}

// The trusted DSC whose key verifies `cose`, or why there is none.
export async function findSigner(
  cose: CoseSign1,
  trust: TrustList,
): Promise<{ ok: true; dsc: Dsc } | { ok: false; reason: "unknown_kid" | "bad_signature" }> {
  if (cose.kid.length === 0) return { ok: false, reason: "unknown_kid" };
  const candidates = findDscs(trust, cose.kid);
  if (candidates.length === 0) return { ok: false, reason: "unknown_kid" };
  const tbs = sigStructure(cose.protectedBytes, cose.payload);
  for (const dsc of candidates) {
    if (await verifyCose(cose.alg, dsc.key, cose.signature, tbs)) return { ok: true, dsc };
  }
  return { ok: false, reason: "bad_signature" };
}

// The time failures of a certificate valid from `iat` to `exp` at `now` (unix seconds), also
// against the validity of its signer when known.
export function timeFailures(
  iat: number | undefined,
  exp: number | undefined,
  now: number,
  dsc?: Dsc,
): Reason[] {
  const out: Reason[] = [];
  if (iat !== undefined && now < iat) out.push("not_yet_valid");
  if (exp !== undefined && now > exp) out.push("expired");
  if (dsc !== undefined && iat !== undefined && iat < dsc.certificate.notBefore) {
    out.push("dsc_not_yet_valid");
  }
  if (dsc !== undefined && exp !== undefined && exp > dsc.certificate.notAfter) {
    out.push("dsc_expired");
  }
  return out;
}

// The DCC kinds in `kinds` that `dsc` may not sign.
export function keyUsageFailures(kinds: DccKind[], dsc: Dsc): DccKind[] {
  return kinds.filter((k) => !mayDscSign(dsc.certificate.ekus, k));
}

async function run(
  text: string,
  trust: TrustList,
  revoked: RevocationList,
  now: number,
): Promise<Verdict> {
  if (subtle() === null) return failed("no_webcrypto");
  const decoded = decodeHc1(text);
  if (!decoded.ok) return failed(decoded.reason);
  const { cose } = decoded;
  const cwt = decodeCwt(cose.payload);
  if (!cwt.ok) return failed(cwt.reason);
  const { iss, iat, exp, dcc } = cwt.claims;
  if (dcc === undefined) return failed("bad_payload");

  const summary = summariseDcc(dcc);
  const verdict: Verdict = { valid: false, reason: "ok", reasons: [] };
  if (Object.keys(summary.name).length > 0) verdict.name = summary.name;
  if (summary.birthDate !== undefined) verdict.birthDate = summary.birthDate;
  if (summary.kind !== undefined) verdict.kind = summary.kind;
  if (summary.doses !== undefined) verdict.doses = summary.doses;
  if (summary.status !== undefined) verdict.status = summary.status;
  if (iss !== undefined) verdict.issuer = iss;
  if (iat !== undefined) verdict.issuedAt = iat;
  if (exp !== undefined) verdict.expiresAt = exp;
  if (cose.kid.length > 0) verdict.kid = base64Encode(cose.kid);
  if (summary.uvci !== undefined) verdict.uvci = summary.uvci;

  const failures = new Set<Reason>();
  if (structureProblem(dcc) !== null || iat === undefined || exp === undefined) {
    failures.add("bad_payload");
  }
  const signer = await findSigner(cose, trust);
  if (signer.ok) {
    verdict.signer = signer.dsc.certificate.subjectText;
    if (keyUsageFailures(dccKinds(dcc), signer.dsc).length > 0) failures.add("key_usage");
  } else {
    failures.add(signer.reason);
  }
  for (const r of timeFailures(iat, exp, now, signer.ok ? signer.dsc : undefined)) failures.add(r);
  for (const uvci of summary.uvcis) {
    const r = await isRevoked(revoked, uvci);
    if (r === null) failures.add("no_webcrypto");
    if (r === true) failures.add("revoked");
  }

  verdict.reasons = [...PRIORITY, "no_webcrypto" as Reason].filter((r) => failures.has(r));
  verdict.valid = verdict.reasons.length === 0;
  verdict.reason = verdict.valid ? "ok" : verdict.reasons[0];
  return verdict;
}
