// Signature checks and hashing through WebCrypto (globalThis.crypto.subtle: browsers in a secure
// context, Node 20). Every function resolves (never rejects): a key that does not import or a
// signature that does not verify gives null or false.

import { DerError, TAG_INTEGER, TAG_SEQUENCE, expectChildren, readWhole, content } from "./der";
import { OID_ECDSA_SHA256, OID_RSA_SHA256, type KeyType, type X509Certificate } from "./x509";
import { bytesEqual } from "./bytes";
import { COSE_ALG_ES256, COSE_ALG_PS256 } from "./cose";

// WebCrypto, or null where the page has none (plain http on a non-local address).
export function subtle(): SubtleCrypto | null {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c !== undefined && c.subtle !== undefined ? c.subtle : null;
}

// WebCrypto's typings want ArrayBuffer-backed views; every view here is one.
function src(bytes: Uint8Array): BufferSource {
  return bytes as unknown as BufferSource;
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array | null> {
  const s = subtle();
  if (s === null) return null;
  try {
    return new Uint8Array(await s.digest("SHA-256", src(bytes)));
  } catch {
    return null;
  }
}

// A verification key for COSE signatures with a DSC's SubjectPublicKeyInfo: ECDSA P-256 for
// ES256, RSA-PSS SHA-256 for PS256. Null for other key types or when the import fails.
export async function importCoseKey(spki: Uint8Array, type: KeyType): Promise<CryptoKey | null> {
  const alg =
    type === "ec-p256"
      ? { name: "ECDSA", namedCurve: "P-256" }
      : type === "rsa"
        ? { name: "RSA-PSS", hash: "SHA-256" }
        : null;
  return alg === null ? null : importSpki(spki, alg);
}

async function importSpki(
  spki: Uint8Array,
  alg: EcKeyImportParams | RsaHashedImportParams,
): Promise<CryptoKey | null> {
  const s = subtle();
  if (s === null) return null;
  try {
    return await s.importKey("spki", src(spki), alg, false, ["verify"]);
  } catch {
    return null;
  }
}

// Verifies a COSE signature over `data`: ES256 needs an ECDSA P-256 key and a 64-byte raw r||s
// signature; PS256 an RSA-PSS key of at least 2048 bits (SHA-256, MGF1-SHA-256, 32-byte salt),
// as vaxreg requires. Other algorithms, or a key of the wrong kind, give false.
export async function verifyCose(
  alg: number | undefined,
  key: CryptoKey | null,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const s = subtle();
  if (s === null || key === null) return false;
  try {
    if (alg === COSE_ALG_ES256 && key.algorithm.name === "ECDSA") {
      if (signature.length !== 64) return false;
      return await s.verify({ name: "ECDSA", hash: "SHA-256" }, key, src(signature), src(data));
    }
    const rsaBits = (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength ?? 0;
    if (alg === COSE_ALG_PS256 && key.algorithm.name === "RSA-PSS" && rsaBits >= 2048) {
      return await s.verify({ name: "RSA-PSS", saltLength: 32 }, key, src(signature), src(data));
    }
  } catch {
    return false;
  }
  return false;
}

// Raw ES256 (r||s) signature check with a P-256 SubjectPublicKeyInfo (the signed lists).
export async function verifyEs256Spki(
  spki: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const key = await importSpki(spki, { name: "ECDSA", namedCurve: "P-256" });
  return verifyCose(COSE_ALG_ES256, key, signature, data);
}

// True when `cert` names `issuer`'s subject as its issuer (same DER bytes) and carries a valid
// signature by `issuer`'s key: ecdsa-with-SHA256 with a P-256 key, or sha256WithRSAEncryption.
export async function isIssuedBy(cert: X509Certificate, issuer: X509Certificate): Promise<boolean> {
  if (!bytesEqual(cert.issuer, issuer.subject)) return false;
  const s = subtle();
  if (s === null) return false;
  try {
    if (cert.signatureAlg === OID_ECDSA_SHA256 && issuer.keyType === "ec-p256") {
      const raw = ecdsaDerToRaw(cert.signature, 32);
      const key = await importSpki(issuer.spki, { name: "ECDSA", namedCurve: "P-256" });
      if (raw === null || key === null) return false;
      return await s.verify({ name: "ECDSA", hash: "SHA-256" }, key, src(raw), src(cert.tbs));
    }
    if (cert.signatureAlg === OID_RSA_SHA256 && issuer.keyType === "rsa") {
      const key = await importSpki(issuer.spki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
      if (key === null) return false;
      return await s.verify("RSASSA-PKCS1-v1_5", key, src(cert.signature), src(cert.tbs));
    }
  } catch {
    return false;
  }
  return false;
}

// Ecdsa-Sig-Value SEQUENCE { r INTEGER, s INTEGER } -> r||s, each left-padded to `size` bytes.
function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  try {
    const seq = readWhole(der, TAG_SEQUENCE);
    const parts = expectChildren(der, seq, [TAG_INTEGER, TAG_INTEGER]);
    if (parts.length !== 2) return null;
    const out = new Uint8Array(size * 2);
    for (let k = 0; k < 2; k++) {
      let v = content(der, parts[k]);
      while (v.length > 0 && v[0] === 0) v = v.subarray(1);
      if (v.length > size) return null;
      out.set(v, size * (k + 1) - v.length);
    }
    return out;
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}
