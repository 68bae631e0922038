// Test-only helpers for the verifier's tests: paths, fixtures, and an issuer of "HC1:" texts and
// signed lists with the fixture keys (a CBOR encoder, base45, zlib, node:crypto signatures).
// Never bundled into the portal.

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { zlibSync } from "fflate";

export const webDir = process.env.VAXREG_WEB_DIR ?? process.cwd();
export const sharedDir = process.env.VAXREG_SHARED_DIR ?? path.resolve(webDir, "../../shared");
const fixtureDir = path.join(webDir, "tests/unit/fixtures/verify");

export function fixture(name: string): string {
  return fs.readFileSync(path.join(fixtureDir, name), "utf8");
}

export function fixtureKey(name: string): crypto.KeyObject {
  return crypto.createPrivateKey(fixture(name));
}

// A CBOR tag for cbor().
export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: unknown,
  ) {}
}

// Deterministic CBOR: integers, floats (as float64), text, bytes, arrays, Maps (any keys, in
// order), plain objects (text keys), booleans, null, undefined and Tagged.
export function cbor(v: unknown): Uint8Array {
  const out: number[] = [];
  const head = (major: number, n: number) => {
    const m = major << 5;
    if (n < 24) out.push(m | n);
    else if (n < 0x100) out.push(m | 24, n);
    else if (n < 0x10000) out.push(m | 25, n >> 8, n & 0xff);
    else if (n < 0x100000000)
      out.push(m | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    else {
      const hi = Math.floor(n / 0x100000000);
      out.push(m | 27, hi >>> 24, (hi >> 16) & 0xff, (hi >> 8) & 0xff, hi & 0xff);
      const lo = n >>> 0;
      out.push(lo >>> 24, (lo >> 16) & 0xff, (lo >> 8) & 0xff, lo & 0xff);
    }
  };
  const enc = (x: unknown): void => {
    if (typeof x === "number" && Number.isInteger(x)) {
      if (x >= 0) head(0, x);
      else head(1, -1 - x);
    } else if (typeof x === "number") {
      out.push(0xfb);
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, x);
      for (let i = 0; i < 8; i++) out.push(b.getUint8(i));
    } else if (typeof x === "string") {
      const b = new TextEncoder().encode(x);
      head(3, b.length);
      out.push(...b);
    } else if (x instanceof Uint8Array) {
      head(2, x.length);
      for (const byte of x) out.push(byte);
    } else if (Array.isArray(x)) {
      head(4, x.length);
      x.forEach(enc);
    } else if (x instanceof Map) {
      head(5, x.size);
      for (const [k, val] of x) {
        enc(k);
        enc(val);
      }
    } else if (x instanceof Tagged) {
      head(6, x.tag);
      enc(x.value);
    } else if (x === false) out.push(0xf4);
    else if (x === true) out.push(0xf5);
    else if (x === null) out.push(0xf6);
    else if (x === undefined) out.push(0xf7);
    else if (typeof x === "object") {
      const entries = Object.entries(x as Record<string, unknown>);
      head(5, entries.length);
      for (const [k, val] of entries) {
        enc(k);
        enc(val);
      }
    } else throw new Error("cbor: cannot encode " + typeof x);
  };
  enc(v);
  return new Uint8Array(out);
}

const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

export function base45Encode(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    for (let k = 0; k < 3; k++) {
      s += B45[n % 45];
      n = Math.floor(n / 45);
    }
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1];
    s += B45[n % 45] + B45[Math.floor(n / 45)];
  }
  return s;
}

// "HC1:" + base45(zlib(bytes)).
export function hc1Of(coseBytes: Uint8Array): string {
  return "HC1:" + base45Encode(zlibSync(coseBytes));
}

export interface SignOptions {
  claims: unknown; // the CWT claims (a Map with integer keys)
  key: crypto.KeyObject; // P-256 (ES256) or RSA (PS256)
  kid: Uint8Array;
  alg?: number; // the header's alg: -7 ES256 (default) or -37 PS256
  signAs?: number; // how to sign, when not as the header says
  kidIn?: "protected" | "unprotected";
  tag?: boolean; // tag 18 around the message (default true)
}

// The COSE_Sign1 bytes of `claims`, signed as the options say.
export function signCose(o: SignOptions): Uint8Array {
  const alg = o.alg ?? -7;
  const prot = new Map<number, unknown>([[1, alg]]);
  const unprot = new Map<number, unknown>();
  if ((o.kidIn ?? "protected") === "protected") prot.set(4, o.kid);
  else unprot.set(4, o.kid);
  const protectedBytes = cbor(prot);
  const payload = cbor(o.claims);
  const tbs = cbor(["Signature1", protectedBytes, new Uint8Array(0), payload]);
  const signature =
    (o.signAs ?? alg) === -7
      ? crypto.sign("sha256", tbs, { key: o.key, dsaEncoding: "ieee-p1363" })
      : crypto.sign("sha256", tbs, {
          key: o.key,
          padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        });
  const msg = [protectedBytes, unprot, payload, new Uint8Array(signature)];
  return cbor(o.tag === false ? msg : new Tagged(18, msg));
}

export function claims(c: {
  iss?: string;
  iat?: number;
  exp?: number;
  dcc?: unknown;
}): Map<number, unknown> {
  const m = new Map<number, unknown>();
  if (c.iss !== undefined) m.set(1, c.iss);
  if (c.exp !== undefined) m.set(4, c.exp);
  if (c.iat !== undefined) m.set(6, c.iat);
  if (c.dcc !== undefined) m.set(-260, new Map([[1, c.dcc]]));
  return m;
}

// A vaccination DCC like the ones vaxreg issues.
export function vaccinationDcc(dn: number, sd: number, ci: string): Record<string, unknown> {
  return {
    ver: "1.3.0",
    nam: { fn: "Đặng", fnt: "DANG", gn: "Thị Hồng", gnt: "THI<HONG" },
    dob: "1990-07-01",
    v: [
      {
        tg: "840539006",
        vp: "1119349007",
        mp: "EU/1/20/1528",
        ma: "ORG-100030215",
        dn,
        sd,
        dt: "2021-10-01",
        co: "VN",
        is: "Ministry of Health of Viet Nam",
        ci,
      },
    ],
  };
}

export function testDcc(ci: string): Record<string, unknown> {
  return {
    ver: "1.3.0",
    nam: { fn: "Đặng", fnt: "DANG", gn: "Thị Hồng", gnt: "THI<HONG" },
    dob: "1990-07-01",
    t: [
      {
        tg: "840539006",
        tt: "LP6464-4",
        sc: "2021-10-01T08:00:00Z",
        tr: "260415000",
        tc: "Bệnh viện Bạch Mai",
        co: "VN",
        is: "Ministry of Health of Viet Nam",
        ci,
      },
    ],
  };
}

// A signed list envelope exactly as vaxreg writes it (src/certs/trust/signed_lists.cc).
export function signEnvelope(
  content: string,
  signerDerBase64: string,
  key: crypto.KeyObject,
): string {
  const signature = crypto.sign("sha256", Buffer.from(content, "utf8"), {
    key,
    dsaEncoding: "ieee-p1363",
  });
  return JSON.stringify({
    content,
    alg: "ES256",
    signer: signerDerBase64,
    signature: signature.toString("base64"),
  });
}

export function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
