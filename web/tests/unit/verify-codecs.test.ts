// Table tests of the verifier's codecs: base45 (RFC 9285 examples), the zlib wrapper rules,
// ISO-8601 clocks as vaxreg and the EU vectors write them, CBOR details and base64.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deflateSync, gzipSync, zlibSync } from "fflate";
import { base45Decode } from "../../src/verify/base45";
import { base64Decode, base64Encode, utf8 } from "../../src/verify/bytes";
import { CborError, CborMap, CborTag, decodeCbor } from "../../src/verify/cbor";
import { parseIsoInstant } from "../../src/verify/isotime";
import { inflateZlib } from "../../src/verify/zlib";

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

describe("base45", () => {
  const good: [string, string][] = [
    ["BB8", "AB"],
    ["%69 VD92EX0", "Hello!!"],
    ["UJCLQE7W581", "base-45"],
    ["QED8WEX0", "ietf!"],
    ["", ""],
  ];
  for (const [enc, dec] of good)
    test(`"${enc}" decodes`, () => assert.equal(text(base45Decode(enc)), dec));
  const bad: [string, string][] = [
    ["GGW", "a group above 0xFFFF"],
    ["GGX", "a group above 0xFFFF"],
    [":;", "a character outside the alphabet"],
    ["bb8", "lower case"],
    ["BB8B", "a dangling character (3n+1)"],
    ["Z9", "a final pair above 0xFF"],
    ["BB8\u00e9\u00e9", "non-ASCII"],
  ];
  for (const [enc, why] of bad)
    test(`refused: ${why}`, () => assert.equal(base45Decode(enc), null));
});

describe("zlib wrapper", () => {
  const data = utf8("a COSE message, or anything else ".repeat(50));
  test("a zlib stream inflates", () => {
    const r = inflateZlib(zlibSync(data), 1 << 16);
    assert.ok(r.ok && text(r.bytes) === text(data));
  });
  const z = zlibSync(data);
  const cases: [string, Uint8Array, "bad_zlib" | "too_large", number?][] = [
    ["raw DEFLATE (no zlib header)", deflateSync(data), "bad_zlib"],
    ["gzip", gzipSync(data), "bad_zlib"],
    ["uncompressed bytes", data, "bad_zlib"],
    ["a wrong Adler-32", z.map((b, i, a) => (i === a.length - 1 ? b ^ 1 : b)), "bad_zlib"],
    ["garbage after the trailer", new Uint8Array([...z, 1, 2, 3]), "bad_zlib"],
    ["truncated", z.subarray(0, z.length - 6), "bad_zlib"],
    ["a preset dictionary (FDICT)", new Uint8Array([0x78, 0xbb, ...z.subarray(2)]), "bad_zlib"],
    ["an empty stream", zlibSync(new Uint8Array(0)), "bad_zlib"],
    ["3 bytes", new Uint8Array([0x78, 0x9c, 0x03]), "bad_zlib"],
    ["beyond the cap", z, "too_large", 100],
  ];
  for (const [name, bytes, reason, cap] of cases) {
    test("refused: " + name, () => {
      const r = inflateZlib(bytes, cap ?? 1 << 16);
      assert.equal(r.ok ? "ok" : r.reason, reason);
    });
  }
});

describe("ISO-8601 instants", () => {
  const t = Date.UTC(2021, 4, 24, 13, 20, 0) / 1000;
  const good: [string, number][] = [
    ["2021-05-24T13:20:00Z", t],
    ["2021-05-24T15:20:00+02:00", t],
    ["2021-05-24T15:20:00+0200", t],
    ["2021-05-24T15:20:00+02", t],
    ["2021-05-24T10:20:00-03:00", t],
    ["2021-05-24T13:20:00", t], // no offset: UTC, never local time
    ["2021-05-24 13:20", t],
    ["2021-05-24T13:20:00.5Z", t + 0.5],
    ["2021-05-24T13:20:00.500000000Z", t + 0.5], // vaxreg writes nine digits
  ];
  for (const [s, want] of good) test(s, () => assert.equal(parseIsoInstant(s), want));
  for (const s of ["2021-05-24", "2021-02-30T00:00:00Z", "2021-13-01T00:00:00Z", "yesterday", ""]) {
    test("refused: " + JSON.stringify(s), () => assert.equal(parseIsoInstant(s), null));
  }
});

describe("CBOR", () => {
  test("tags, maps in order, byte strings as views, floats", () => {
    const v = decodeCbor(hex("d28443a10126a104420102f97e00fb3ff8000000000000"));
    assert.ok(v instanceof CborTag && v.tag === 18 && Array.isArray(v.value));
    const [p, m, nan, f] = v.value as unknown[];
    assert.deepEqual([...(p as Uint8Array)], [0xa1, 0x01, 0x26]);
    assert.ok(m instanceof CborMap && (m.get(4) as Uint8Array).length === 2);
    assert.ok(Number.isNaN(nan));
    assert.equal(f, 1.5);
  });
  test("indefinite lengths", () => {
    assert.equal(decodeCbor(hex("7f626869626a6bff")), "hijk");
    assert.deepEqual(decodeCbor(hex("9f0102ff")), [1, 2]);
  });
  const bad: [string, string][] = [
    ["a20101 0102".replace(" ", ""), "a repeated map key"],
    ["6161 00".replace(" ", ""), "trailing bytes"],
    ["62c328", "invalid UTF-8"],
    ["1b0020000000000000", "an integer beyond 2^53"],
    ["f0", "an unassigned simple value"],
    ["1c", "reserved additional information"],
    ["ff", "a break outside an indefinite item"],
    ["7f6161 4161 ff".replace(/ /g, ""), "a byte chunk inside an indefinite text"],
    ["81".repeat(20) + "00", "nesting beyond the limit"],
  ];
  for (const [h, why] of bad) {
    test("refused: " + why, () => assert.throws(() => decodeCbor(hex(h)), CborError));
  }
});

describe("base64", () => {
  test("round trip and strictness", () => {
    for (let n = 0; n < 20; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      assert.deepEqual(base64Decode(base64Encode(b)), b);
    }
    assert.deepEqual(base64Decode("AQI"), new Uint8Array([1, 2])); // padding optional
    for (const s of ["A", "AQI=x", "AQ==AQ==", "A?==", "AQI==", " AQI="]) {
      assert.equal(base64Decode(s), null, s);
    }
  });
});
