// The browser's SMART Health Card verifier against the official examples of the SHC spec
// ($VAXREG_SHARED_DIR/conformance/shc, see its README): the plain card, the revoked and expired
// one, tampering, malformed numeric text, unknown keys and time limits.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { parseShcKeys, verifyShc, type ShcKeys } from "../../src/verify";
import { sharedDir } from "./verify-helpers";

const dir = path.join(sharedDir, "conformance/shc");
const read = (p: string) => fs.readFileSync(path.join(dir, p), "utf8").trim();
const KID = "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s";
const ISSUED = new Date(1687450800 * 1000);  // just after the examples' nbf

function keys(): ShcKeys {
  const k = parseShcKeys(read("issuer/.well-known/jwks.json"), [read(`issuer/.well-known/crl/${KID}.json`)]);
  assert.ok(k);
  return k;
}

test("example 00 (three doses, with a rid not on the list) is valid", async () => {
  const v = await verifyShc(read("examples/example-00-f-qr-code-numeric-value-0.txt"), keys(), ISSUED);
  assert.equal(v.reason, "ok", JSON.stringify(v.reasons));
  assert.equal(v.valid, true);
  assert.equal(v.kid, KID);
  assert.equal(v.doses?.length, 3);
  assert.ok(v.name?.family);
  assert.ok(v.birthDate);
});

test("example 03 is revoked by rid (its list entry postdates its nbf) and later expired", async () => {
  const at = await verifyShc(read("examples/example-03-f-qr-code-numeric-value-0.txt"), keys(), ISSUED);
  assert.equal(at.valid, false);
  assert.equal(at.reason, "revoked");
  const now = await verifyShc(read("examples/example-03-f-qr-code-numeric-value-0.txt"), keys(), new Date());
  assert.deepEqual(now.reasons, ["revoked", "expired"]);
});

test("a changed payload character breaks the signature; a wrong key is unknown", async () => {
  const qr = read("examples/example-00-f-qr-code-numeric-value-0.txt");
  const jwsStart = qr.indexOf("5");  // any digit pair inside the JWS body changes it
  const at = qr.length - 200 - ((qr.length - jwsStart) % 2);
  const pair = qr.slice(at, at + 2);
  const other = pair === "10" ? "11" : "10";
  const tampered = qr.slice(0, at) + other + qr.slice(at + 2);
  const v = await verifyShc(tampered, keys(), ISSUED);
  assert.equal(v.valid, false);
  assert.ok(["bad_signature", "bad_jws", "bad_zlib", "bad_payload"].includes(v.reason), v.reason);
  const empty = parseShcKeys('{"keys":[]}')!;
  assert.equal((await verifyShc(qr, empty, ISSUED)).reason, "unknown_kid");
});

test("time: not yet valid before nbf", async () => {
  const v = await verifyShc(read("examples/example-00-f-qr-code-numeric-value-0.txt"), keys(), new Date(1687440000 * 1000));
  assert.equal(v.reason, "not_yet_valid");
});

test("malformed texts give reasons, never exceptions", async () => {
  const k = keys();
  const cases: [string, string][] = [
    ["HC1:ABC", "bad_prefix"],
    ["shc:/123", "bad_numeric"],
    ["shc:/99", "bad_numeric"],
    ["shc:/1/3/5656", "bad_numeric"],  // chunked cards are not supported (deprecated by the spec)
    ["shc:/" + "56".repeat(10), "bad_jws"],
    ["shc:/" + "5".repeat(10000), "too_large"],
  ];
  for (const [text, reason] of cases) assert.equal((await verifyShc(text, k, ISSUED)).reason, reason, text.slice(0, 20));
  assert.equal(parseShcKeys("not json"), null);
});
