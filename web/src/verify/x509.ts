// The parts of an X.509 certificate (RFC 5280) a DCC verifier needs: the signed TBS bytes and
// signature, issuer and subject names, validity, SubjectPublicKeyInfo and extended key usage.
// Nothing here checks a signature (see webcrypto.ts). Pure; malformed input gives null, never an
// exception.

import {
  DerError,
  TAG_BIT_STRING,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  bitStringBytes,
  children,
  content,
  expectChildren,
  oidText,
  readWhole,
  whole,
  type Tlv,
} from "./der";

// The largest certificate accepted (DSCs are well under 2 KiB).
export const MAX_CERTIFICATE_BYTES = 16 * 1024;

export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
export const OID_P256 = "1.2.840.10045.3.1.7";
export const OID_RSA = "1.2.840.113549.1.1.1";
export const OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2";
export const OID_RSA_SHA256 = "1.2.840.113549.1.1.11";
const OID_EXT_KEY_USAGE = "2.5.29.37";

export type KeyType = "ec-p256" | "rsa" | "unsupported";

export interface X509Certificate {
  der: Uint8Array;
  tbs: Uint8Array; // the signed bytes (tbsCertificate element)
  signatureAlg: string; // dotted OID
  signature: Uint8Array; // BIT STRING content
  issuer: Uint8Array; // Name element, DER
  subject: Uint8Array; // Name element, DER
  subjectText: string; // "CN=...,O=...,C=..." (RFC 2253 order), for display
  notBefore: number; // unix seconds
  notAfter: number; // unix seconds
  spki: Uint8Array; // SubjectPublicKeyInfo element, DER
  keyType: KeyType;
  ekus: string[]; // dotted OIDs of extended key usage; empty when absent
}

// Parses one DER certificate filling all of `der`; null when it is not one (or is too large).
export function parseCertificate(der: Uint8Array): X509Certificate | null {
  if (der.length > MAX_CERTIFICATE_BYTES) return null;
  try {
    const cert = readWhole(der, TAG_SEQUENCE);
    const [tbs, sigAlg, sigValue] = expectChildren(der, cert, [
      TAG_SEQUENCE,
      TAG_SEQUENCE,
      TAG_BIT_STRING,
    ]);
    if (children(der, cert).length !== 3) return null;
    const fields = children(der, tbs);
    let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
    const want = [
      TAG_INTEGER,
      TAG_SEQUENCE,
      TAG_SEQUENCE,
      TAG_SEQUENCE,
      TAG_SEQUENCE,
      TAG_SEQUENCE,
    ];
    if (fields.length < i + want.length) return null;
    want.forEach((tag, k) => {
      if (fields[i + k].tag !== tag) throw new DerError("unexpected TBS field");
    });
    const [, , issuer, validity, subject, spki] = fields.slice(i, i + want.length);
    i += want.length;
    let ekus: string[] = [];
    for (; i < fields.length; i++) {
      if (fields[i].tag === 0xa3) ekus = extendedKeyUsages(der, fields[i]);
    }
    const [nb, na] = children(der, validity);
    if (nb === undefined || na === undefined) return null;
    const notBefore = asn1Time(der, nb);
    const notAfter = asn1Time(der, na);
    if (notBefore === null || notAfter === null) return null;
    return {
      der,
      tbs: whole(der, tbs),
      signatureAlg: oidText(der, expectChildren(der, sigAlg, [TAG_OID])[0]),
      signature: bitStringBytes(der, sigValue),
      issuer: whole(der, issuer),
      subject: whole(der, subject),
      subjectText: nameText(der, subject),
      notBefore,
      notAfter,
      spki: whole(der, spki),
      keyType: keyType(der, spki),
      ekus,
    };
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

function keyType(der: Uint8Array, spki: Tlv): KeyType {
  const [alg] = expectChildren(der, spki, [TAG_SEQUENCE, TAG_BIT_STRING]);
  const [oid, params] = expectChildren(der, alg, [TAG_OID]);
  const algOid = oidText(der, oid);
  if (algOid === OID_RSA) return "rsa";
  if (
    algOid === OID_EC_PUBLIC_KEY &&
    params?.tag === TAG_OID &&
    oidText(der, params) === OID_P256
  ) {
    return "ec-p256";
  }
  return "unsupported";
}

// The OIDs of the extended key usage extension in the [3] extensions element.
function extendedKeyUsages(der: Uint8Array, explicit: Tlv): string[] {
  const [list] = expectChildren(der, explicit, [TAG_SEQUENCE]);
  for (const ext of children(der, list)) {
    const parts = expectChildren(der, ext, [TAG_OID]);
    if (oidText(der, parts[0]) !== OID_EXT_KEY_USAGE) continue;
    const value = parts[parts.length - 1];
    if (value.tag !== TAG_OCTET_STRING) throw new DerError("bad extension value");
    const inner = content(der, value);
    const seq = readWhole(inner, TAG_SEQUENCE);
    return children(inner, seq).map((t) => oidText(inner, t));
  }
  return [];
}

// UTCTime (YYMMDDHHMMSSZ, years 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ) in unix seconds.
function asn1Time(der: Uint8Array, t: Tlv): number | null {
  if (t.end - t.contentStart > 32) return null;
  const s = String.fromCharCode(...content(der, t));
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)) !== null) {
    year = Number(m[1]) + (Number(m[1]) < 50 ? 2000 : 1900);
  } else if (t.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)) !== null) {
    year = Number(m[1]);
  } else {
    return null;
  }
  const [mo, d, h, mi, sec] = m.slice(2, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return null;
  return Date.UTC(year, mo - 1, d, h, mi, sec) / 1000;
}

const NAME_KEYS: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
};

// "CN=..,O=..,C=.." from a Name, most specific first like OpenSSL's RFC 2253 output; attributes
// other than the common ones above and non-text values are left out.
function nameText(der: Uint8Array, name: Tlv): string {
  const parts: string[] = [];
  for (const set of children(der, name)) {
    for (const atv of children(der, set)) {
      const [oid, value] = expectChildren(der, atv, [TAG_OID]);
      const key = NAME_KEYS[oidText(der, oid)];
      if (key === undefined || value === undefined) continue;
      if (value.tag !== 0x0c && value.tag !== 0x13 && value.tag !== 0x16) continue;
      const text = new TextDecoder().decode(content(der, value));
      parts.push(key + "=" + text);
    }
  }
  return parts.reverse().join(",");
}
