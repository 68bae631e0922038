// Hostile input: whatever a QR code, a file or a server sends, the verifier and the list parsers
// resolve with a stable reason (never throw or reject), quickly, and never call it valid. The
// random inputs come from a fixed seed, so a failure reproduces.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  REASONS,
  emptyRevocationList,
  parseRevocationList,
  parseTrustList,
  verifyDcc,
  type TrustList,
  type Verdict,
} from "../../src/verify";
import { base45Decode } from "../../src/verify/base45";
import { CborError, decodeCbor } from "../../src/verify/cbor";
import { parseCoseSign1 } from "../../src/verify/cose";
import { decodeCwt } from "../../src/verify/cwt";
import { MAX_INFLATED_BYTES, decodeHc1 } from "../../src/verify/verify";
import { parseCertificate } from "../../src/verify/x509";
import { inflateZlib } from "../../src/verify/zlib";
import { base45Encode, fixture, hc1Of } from "./verify-helpers";

// xorshift32: deterministic "random" bytes.
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomBytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = next() & 0xff;
  return out;
}

const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const AT = new Date("2027-01-01T00:00:00Z");
const issued = JSON.parse(fixture("certificates.json")).certificates as { hc1: string }[];
const VALID = issued[1].hc1;
let trust: TrustList;

before(async () => {
  const t = await parseTrustList(fixture("trust-list.json"));
  assert.ok(t.ok);
  trust = t.value;
});

// Verifies `text`, requiring a stable reason, no validity and a bounded time.
async function refused(text: unknown, limitMs = 250): Promise<Verdict> {
  const start = performance.now();
  const v = await verifyDcc(text as string, trust, emptyRevocationList(), AT);
  const ms = performance.now() - start;
  assert.equal(v.valid, false, "accepted: " + String(text).slice(0, 80));
  assert.ok((REASONS as readonly string[]).includes(v.reason), v.reason);
  assert.ok(
    v.reasons.length > 0 && v.reasons.every((r) => (REASONS as readonly string[]).includes(r)),
  );
  assert.notEqual(v.reason, "internal_error", "internal_error for " + String(text).slice(0, 80));
  assert.ok(ms < limitMs, `took ${ms} ms`);
  return v;
}

describe("verifyDcc on hostile text", () => {
  test("the valid fixture is valid (the baseline of the mutations below)", async () => {
    assert.equal((await verifyDcc(VALID, trust, emptyRevocationList(), AT)).reason, "ok");
  });

  test("not text at all", async () => {
    for (const x of [null, undefined, 42, {}, [], new Uint8Array(3)]) {
      assert.equal((await refused(x)).reason, "bad_prefix");
    }
  });

  test("random text of random length", async () => {
    const next = rng(1);
    for (let i = 0; i < 300; i++) {
      const n = next() % 9000;
      let s = "";
      for (let k = 0; k < n; k++) s += String.fromCharCode(next() % 0x3000);
      const v = await refused(s);
      assert.ok(["bad_prefix", "too_large"].includes(v.reason));
    }
  });

  test("HC1: and random base45 text", async () => {
    const next = rng(2);
    for (let i = 0; i < 300; i++) {
      const n = next() % 3000;
      let s = "HC1:";
      for (let k = 0; k < n; k++) s += B45[next() % 45];
      const v = await refused(s);
      assert.ok(["bad_base45", "bad_zlib"].includes(v.reason), v.reason);
    }
  });

  test("HC1: and random bytes, raw and zlib-compressed", async () => {
    const next = rng(3);
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(next, next() % 4000);
      await refused("HC1:" + base45Encode(bytes));
      const v = await refused(hc1Of(bytes));
      assert.ok(
        ["bad_cose", "too_large"].includes(v.reason) || v.reason.startsWith("bad_"),
        v.reason,
      );
    }
  });

  test("every truncation of a valid certificate", async () => {
    for (let n = 0; n < VALID.length; n++) await refused(VALID.slice(0, n));
  });

  test("random byte flips inside a valid certificate's COSE message", async () => {
    const decoded = decodeHc1(VALID);
    assert.ok(decoded.ok);
    const z = base45Decode(VALID.slice(4))!;
    const cose = inflateZlib(z, MAX_INFLATED_BYTES);
    assert.ok(cose.ok);
    const next = rng(4);
    for (let i = 0; i < 600; i++) {
      const m = cose.bytes.slice();
      const at = next() % m.length;
      m[at] ^= 1 << (next() % 8);
      await refused(hc1Of(m));
    }
  });

  test("random character edits of a valid text", async () => {
    const next = rng(5);
    for (let i = 0; i < 300; i++) {
      const at = 4 + (next() % (VALID.length - 4));
      const c = B45[next() % 45];
      if (VALID[at] === c) continue;
      await refused(VALID.slice(0, at) + c + VALID.slice(at + 1));
    }
  });

  test("too long: refused before any decoding", async () => {
    assert.equal((await refused("HC1:" + "0".repeat(8 * 1024))).reason, "too_large");
    assert.equal((await refused("HC1:" + "A".repeat(10_000_000), 1000)).reason, "too_large");
  });

  test("a zip bomb stops at the inflation cap", async () => {
    const bomb = hc1Of(new Uint8Array(4 * 1024 * 1024)); // 4 MiB of zeros in about 6 KB of text
    assert.ok(bomb.length < 8 * 1024, String(bomb.length));
    assert.equal((await refused(bomb)).reason, "too_large");
  });

  test("CBOR built to exhaust: deep nesting, huge lengths, endless items", async () => {
    const inputs: Uint8Array[] = [
      new Uint8Array(60_000).fill(0x81), // [[[[...
      new Uint8Array(200_000).fill(0x81), // the same, beyond the inflation cap
      new Uint8Array(60_000).fill(0x9f), // indefinite arrays, never closed
      new Uint8Array([0xd2, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // 2^64-1 items
      new Uint8Array([0xd2, 0x84, 0x5a, 0xff, 0xff, 0xff, 0xff]), // a 4 GiB byte string
      new Uint8Array([0xd2, 0x84, 0x5f, ...new Array(50_000).fill(0x40)]), // 50,000 empty chunks
      new Uint8Array([
        0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x5b, 0x00, 0x20, 0, 0, 0, 0, 0, 0,
      ]),
      new Uint8Array(30_000).fill(0xd8).map((b, i) => (i % 2 ? 18 : b)), // tag 18 of tag 18 of ...
    ];
    for (const bytes of inputs) {
      const text = hc1Of(bytes);
      if (text.length > 8 * 1024) continue;
      const want = bytes.length > MAX_INFLATED_BYTES ? "too_large" : "bad_cose";
      assert.equal((await refused(text)).reason, want);
    }
  });

  test("a signed payload that is hostile CBOR", async () => {
    // Only the payload is hostile: the COSE envelope around it is well formed (and unsigned).
    for (const payload of [
      new Uint8Array(5000).fill(0x81),
      new Uint8Array([0xbf, 0x01]),
      new Uint8Array([0xa1, 0x01, 0x7f, 0x61]),
    ]) {
      const cose = new Uint8Array([
        0x84,
        0x40,
        0xa0,
        0x59,
        payload.length >> 8,
        payload.length & 0xff,
        ...payload,
        0x40,
      ]);
      assert.equal((await refused(hc1Of(cose))).reason, "bad_cbor");
    }
  });
});

describe("decoders on random bytes throw nothing but their own errors", () => {
  test("CBOR, COSE, CWT, X.509, zlib, base45", () => {
    const next = rng(6);
    const ders = [fixture("trust-list.json")].flatMap((t) => {
      const c = JSON.parse(JSON.parse(t).content);
      return [c.csca, ...c.dscs].map((e: any) => Buffer.from(e.certificate, "base64"));
    });
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(next, next() % 600);
      try {
        decodeCbor(bytes);
      } catch (e) {
        assert.ok(e instanceof CborError, String(e));
      }
      assert.equal(
        parseCoseSign1(bytes) === null || typeof parseCoseSign1(bytes) === "object",
        true,
      );
      const cwt = decodeCwt(bytes);
      assert.ok(cwt.ok || ["bad_cbor", "bad_payload"].includes(cwt.reason));
      assert.equal(parseCertificate(bytes), null);
      const z = inflateZlib(bytes, 1024);
      assert.ok(!z.ok || z.bytes.length <= 1024);
      // Certificates cut short or with one byte flipped.
      const der = new Uint8Array(ders[i % ders.length]);
      const cut = der.subarray(0, next() % der.length);
      assert.equal(parseCertificate(cut), null);
      der[next() % der.length] ^= 1 << (next() % 8);
      const flipped = parseCertificate(der); // may still parse: then it is just a different cert
      assert.ok(flipped === null || flipped.der === der);
    }
    let s = "";
    for (let i = 0; i < 2000; i++) s += String.fromCharCode(next() % 256);
    assert.equal(base45Decode(s), null);
  });
});

describe("list parsers on hostile documents", () => {
  const docs: [string, unknown][] = [
    ["not text", 12],
    ["null", null],
    ["empty", ""],
    ["JSON null", "null"],
    ["an array", "[1,2]"],
    ["deep nesting", "[".repeat(1_000_000) + "]".repeat(1_000_000)],
    ["alg missing", JSON.stringify({ content: "{}", signer: "", signature: "" })],
    ["content an object", JSON.stringify({ content: {}, alg: "ES256", signer: "", signature: "" })],
    [
      "random base64",
      JSON.stringify({ content: "{}", alg: "ES256", signer: "AAAA", signature: "AAAA" }),
    ],
    [
      "unicode everywhere",
      JSON.stringify({ content: "\u{1F600}", alg: "ES256", signer: "\u0000", signature: "é" }),
    ],
    ["over 16 MiB", "{" + " ".repeat(16 * 1024 * 1024) + "}"],
  ];
  for (const [name, doc] of docs) {
    test(name, async () => {
      const t = await parseTrustList(doc as string);
      assert.equal(t.ok, false);
      const r = await parseRevocationList(doc as string, trust);
      assert.equal(r.ok, false);
    });
  }

  test("random mutations of the real lists never pass unnoticed", async () => {
    const text = fixture("trust-list.json");
    const next = rng(7);
    for (let i = 0; i < 200; i++) {
      const at = next() % text.length;
      const mutated =
        text.slice(0, at) + String.fromCharCode(32 + (next() % 95)) + text.slice(at + 1);
      if (mutated === text) continue;
      const t = await parseTrustList(mutated);
      // A change may hit an unsigned part that decodes to the same thing (e.g. base64 padding);
      // then the list must still be exactly the signed one.
      if (t.ok)
        assert.deepEqual(
          t.value.dscs.map((d) => d.kid),
          ["VDjN6ngVQUE=", "itqo6CY6LKY="],
        );
    }
  });
});
