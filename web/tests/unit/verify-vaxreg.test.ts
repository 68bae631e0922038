// The browser verifier against what vaxreg itself publishes and issues (fixtures/verify/README.md):
// the signed trust and revocation lists, three certificates with vaxreg's own verdicts, and
// further certificates and lists signed here with the fixture's test keys.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import {
  REASONS,
  computeKid,
  emptyRevocationList,
  parseRevocationList,
  parseTrustList,
  revocationHash,
  revocationListFromHashes,
  trustListFromCertificates,
  verifyDcc,
  type RevocationList,
  type TrustList,
  type Verdict,
} from "../../src/verify";
import { base64Decode } from "../../src/verify/bytes";
import { CborMap, CborTag, decodeCbor } from "../../src/verify/cbor";
import { parseCertificate } from "../../src/verify/x509";
import {
  Tagged,
  cbor,
  claims,
  fixture,
  fixtureKey,
  hc1Of,
  sharedDir,
  signCose,
  signEnvelope,
  testDcc,
  unixSeconds,
  vaccinationDcc,
} from "./verify-helpers";

const trustText = fixture("trust-list.json");
const revocationText = fixture("revocation-list.json");
const issued = JSON.parse(fixture("certificates.json")).certificates as {
  hc1: string;
  vaxreg_verify_at: string;
  vaxreg_verdict: any;
}[];
const envelope = JSON.parse(trustText);
const content = JSON.parse(envelope.content);
const AT = new Date("2027-01-01T00:00:00Z");

let trust: TrustList;
let revoked: RevocationList;

before(async () => {
  const t = await parseTrustList(trustText);
  assert.ok(t.ok, JSON.stringify(t));
  trust = t.value;
  const r = await parseRevocationList(revocationText, trust);
  assert.ok(r.ok, JSON.stringify(r));
  revoked = r.value;
});

// A copy of the trust list's content changed by `edit`, signed again with the list signer's key.
function resignedTrustList(edit: (c: any) => void): string {
  const c = JSON.parse(envelope.content);
  edit(c);
  return signEnvelope(JSON.stringify(c), envelope.signer, fixtureKey("list-signer.key.pem"));
}

function resignedRevocationList(edit: (c: any) => void): string {
  const env = JSON.parse(revocationText);
  const c = JSON.parse(env.content);
  edit(c);
  return signEnvelope(JSON.stringify(c), env.signer, fixtureKey("list-signer.key.pem"));
}

// A DSC from the EU corpus: a real certificate that vaxreg's CSCA did not issue.
function foreignCertificate(): string {
  const p = path.join(sharedDir, "conformance/dcc-testdata/common/2DCode/raw/CO3.json");
  return JSON.parse(fs.readFileSync(p, "utf8")).TESTCTX.CERTIFICATE;
}

describe("trust list (GET /api/v1/trust-list)", () => {
  test("parses vaxreg's list: CSCA, both DSCs with their kids, the active one", () => {
    assert.equal(trust.country, "VN");
    assert.equal(trust.csca?.kid, content.csca.kid);
    assert.deepEqual(
      trust.dscs.map((d) => d.kid),
      content.dscs.map((d: any) => d.kid),
    );
    assert.deepEqual(
      trust.dscs.map((d) => d.active),
      [false, true],
    );
    for (const [i, d] of trust.dscs.entries()) {
      assert.equal(d.certificate.notBefore, unixSeconds(content.dscs[i].not_before));
      assert.equal(d.certificate.notAfter, unixSeconds(content.dscs[i].not_after));
      assert.equal(d.certificate.subjectText, content.dscs[i].subject);
      assert.deepEqual(d.certificate.ekus, ["1.3.6.1.4.1.1847.2021.1.2"]);
      assert.ok(d.key !== null);
    }
    // "2026-12-03T16:10:44.517648655Z": nine fraction digits
    assert.equal(
      Math.floor(trust.issuedAt!),
      unixSeconds(content.issued_at.replace(/\.\d+Z$/, "Z")),
    );
    assert.ok(trust.issuedAt! % 1 > 0);
  });

  test("a pinned CSCA must be the list's", async () => {
    assert.ok((await parseTrustList(trustText, { pinnedCsca: content.csca.certificate })).ok);
    const der = base64Decode(content.csca.certificate)!;
    assert.ok((await parseTrustList(trustText, { pinnedCsca: der })).ok);
    const other = await parseTrustList(trustText, { pinnedCsca: content.dscs[0].certificate });
    assert.deepEqual(other.ok ? "ok" : other.reason, "not_pinned");
  });

  const refused: [string, () => string, string][] = [
    [
      "content changed after signing",
      () => trustText.replace('\\"VN\\"', '\\"XX\\"'),
      "bad_signature",
    ],
    ["a revocation list", () => revocationText, "wrong_type"],
    ["not JSON", () => "<html>", "bad_json"],
    ["alg PS256", () => JSON.stringify({ ...envelope, alg: "PS256" }), "unsupported_alg"],
    [
      "signature not base64",
      () => JSON.stringify({ ...envelope, signature: "!!" }),
      "bad_envelope",
    ],
    [
      "signer not a certificate",
      () => JSON.stringify({ ...envelope, signer: "AAAA" }),
      "bad_certificate",
    ],
    [
      "a wrong kid",
      () => resignedTrustList((c) => (c.dscs[1].kid = c.dscs[0].kid)),
      "kid_mismatch",
    ],
    ["no dscs", () => resignedTrustList((c) => delete c.dscs), "bad_content"],
    ["no issued_at", () => resignedTrustList((c) => delete c.issued_at), "bad_content"],
    ["too large", () => " ".repeat(16 * 1024 * 1024 + 1), "too_large"],
  ];
  for (const [name, make, reason] of refused) {
    test("refused: " + name, async () => {
      const r = await parseTrustList(make());
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.reason, reason, r.detail);
    });
  }

  test("refused: a DSC not issued by the CSCA, with its right kid", async () => {
    const cert = foreignCertificate();
    const kid = await computeKid(base64Decode(cert)!);
    const r = await parseTrustList(
      resignedTrustList((c) => {
        c.dscs[0].certificate = cert;
        c.dscs[0].kid = kid;
      }),
    );
    assert.equal(r.ok ? "ok" : r.reason, "not_issued_by_csca");
  });

  test("a list signed again unchanged is accepted (the test signer matches vaxreg's)", async () => {
    assert.ok((await parseTrustList(resignedTrustList(() => {}))).ok);
  });
});

describe("revocation list (GET /api/v1/revocation-list)", () => {
  test("holds the superseded certificate's UVCI hash, as vaxreg hashes it", async () => {
    const uvci = issued[0].vaxreg_verdict.certificate.uvci as string;
    const hash = await revocationHash(uvci);
    assert.equal(hash, "rumpawmOLSxDT/WOs6Mx3w=="); // openssl dgst -sha256 | head -c 16 | base64
    assert.deepEqual([...revoked.hashes], [hash]);
    assert.equal(typeof revoked.issuedAt, "number");
  });

  test("needs a trust list with a CSCA", async () => {
    const bare = await trustListFromCertificates([trust.dscs[0].certificate.der]);
    assert.ok(bare.ok);
    const r = await parseRevocationList(revocationText, bare.value);
    assert.equal(r.ok ? "ok" : r.reason, "no_csca");
  });

  test("its signer must be issued by that CSCA", async () => {
    const other = parseCertificate(base64Decode(foreignCertificate())!)!;
    const r = await parseRevocationList(revocationText, { ...trust, csca: { ...other, kid: "x" } });
    assert.equal(r.ok ? "ok" : r.reason, "not_issued_by_csca");
  });

  const refused: [string, () => string, string][] = [
    ["a trust list", () => trustText, "wrong_type"],
    [
      "a 15-byte hash",
      () => resignedRevocationList((c) => c.hashes.push("AAAAAAAAAAAAAAAAAAAA")),
      "bad_content",
    ],
    ["a number as hash", () => resignedRevocationList((c) => c.hashes.push(5)), "bad_content"],
    [
      "another hash type",
      () => resignedRevocationList((c) => (c.hash_type = "SIGNATURE-SHA256-16")),
      "bad_content",
    ],
    ["content changed", () => revocationText.replace("rumpawm", "rumpawn"), "bad_signature"],
  ];
  for (const [name, make, reason] of refused) {
    test("refused: " + name, async () => {
      const r = await parseRevocationList(make(), trust);
      assert.equal(r.ok ? "ok" : r.reason, reason);
    });
  }
});

describe("certificates vaxreg issued", () => {
  test("the verdicts agree with vaxreg's, field by field", async () => {
    for (const c of issued) {
      const v = await verifyDcc(c.hc1, trust, revoked, new Date(c.vaxreg_verify_at));
      const want = c.vaxreg_verdict;
      assert.equal(v.valid, want.valid);
      assert.deepEqual(
        v.reasons,
        want.failures.map((f: any) => f.code),
      );
      assert.equal(v.name?.family, want.holder.family_name);
      assert.equal(v.name?.given, want.holder.given_name);
      assert.equal(v.birthDate, want.holder.date_of_birth);
      assert.equal(v.kind, "vaccination");
      assert.equal(v.uvci, want.certificate.uvci);
      assert.equal(v.issuer, want.certificate.issuer);
      assert.equal(v.kid, want.certificate.kid);
      assert.equal(v.issuedAt, unixSeconds(want.certificate.issued_at));
      assert.equal(v.expiresAt, unixSeconds(want.certificate.expires_at));
      assert.equal(v.signer, want.signer.subject);
      assert.deepEqual(
        v.doses,
        want.certificate.vaccinations.map((d: any) => ({
          dn: d.dose,
          sd: d.of,
          date: d.date,
          product: d.product,
        })),
      );
      assert.equal(v.status, "full");
    }
  });

  test("revoked only while its hash is on the list", async () => {
    const v = await verifyDcc(issued[0].hc1, trust, revoked, AT);
    assert.equal(v.reason, "revoked");
    assert.equal((await verifyDcc(issued[0].hc1, trust, emptyRevocationList(), AT)).reason, "ok");
  });

  test("before iat and after exp", async () => {
    const hc1 = issued[1].hc1;
    assert.equal(
      (await verifyDcc(hc1, trust, revoked, new Date("2026-01-01T00:00:00Z"))).reason,
      "not_yet_valid",
    );
    const late = await verifyDcc(hc1, trust, revoked, new Date("2028-01-01T00:00:00Z"));
    assert.deepEqual([late.valid, late.reason], [false, "expired"]);
    assert.equal(late.name?.family, "Nguyễn"); // the decoded content is still shown
  });

  test("a kid no trusted DSC has", async () => {
    const onlyOld = await trustListFromCertificates([trust.dscs[0].certificate.der]);
    assert.ok(onlyOld.ok);
    const v = await verifyDcc(issued[1].hc1, onlyOld.value, revoked, AT);
    assert.deepEqual([v.valid, v.reason], [false, "unknown_kid"]);
  });

  test("trailing line breaks are ignored; other edits are not", async () => {
    assert.equal((await verifyDcc(issued[1].hc1 + "\r\n", trust, revoked, AT)).reason, "ok");
    assert.equal((await verifyDcc(" " + issued[1].hc1, trust, revoked, AT)).reason, "bad_prefix");
    assert.equal(
      (await verifyDcc(issued[1].hc1.toLowerCase(), trust, revoked, AT)).reason,
      "bad_prefix",
    );
  });
});

describe("a page without WebCrypto (plain http on a non-local address)", () => {
  test("says so instead of verifying", async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, "crypto")!;
    Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true });
    try {
      const v = await verifyDcc(issued[1].hc1, trust, revoked, AT);
      assert.deepEqual([v.valid, v.reason], [false, "no_webcrypto"]);
      const t = await parseTrustList(trustText);
      assert.equal(t.ok ? "ok" : t.reason, "no_webcrypto");
    } finally {
      Object.defineProperty(globalThis, "crypto", saved);
    }
    assert.equal((await verifyDcc(issued[1].hc1, trust, revoked, AT)).reason, "ok");
  });
});

describe("certificates signed with the fixture DSC (DSC 2)", () => {
  const key = fixtureKey("dsc-0002.key.pem");
  const dsc2Kid = () => base64Decode(trust.dscs[1].kid)!;
  const iat = unixSeconds("2026-12-10T00:00:00Z");
  const exp = unixSeconds("2027-12-10T00:00:00Z");
  const ci = "URN:UVCI:01:VN:TESTONLY1#X";
  const sign = (c: unknown, extra: Partial<Parameters<typeof signCose>[0]> = {}) =>
    hc1Of(signCose({ claims: c, key, kid: dsc2Kid(), ...extra }));
  const verify = (hc1: string, rl: RevocationList = emptyRevocationList()) =>
    verifyDcc(hc1, trust, rl, AT);
  const dcc = vaccinationDcc(1, 2, ci);

  const cases: [string, () => string, Verdict["reason"], Partial<Verdict>?][] = [
    [
      "1 of 2 doses: valid, partial",
      () => sign(claims({ iss: "VN", iat, exp, dcc })),
      "ok",
      { status: "partial", doses: [{ dn: 1, sd: 2, date: "2021-10-01", product: "EU/1/20/1528" }] },
    ],
    [
      "2 of 2 doses: full",
      () => sign(claims({ iss: "VN", iat, exp, dcc: vaccinationDcc(2, 2, ci) })),
      "ok",
      { status: "full" },
    ],
    [
      "ICAO name form",
      () => sign(claims({ iss: "VN", iat, exp, dcc })),
      "ok",
      { name: { family: "Đặng", given: "Thị Hồng", std: "DANG<<THI<HONG" } },
    ],
    [
      "kid only in the unprotected header",
      () => sign(claims({ iat, exp, dcc }), { kidIn: "unprotected" }),
      "ok",
    ],
    ["no COSE tag", () => sign(claims({ iat, exp, dcc }), { tag: false }), "ok"],
    ["CWT tag 61 around tag 18", () => hc1Of(cbor(new Tagged(61, new Tagged(18, [])))), "bad_cose"],
    [
      "a test certificate from a vaccination-only DSC",
      () => sign(claims({ iat, exp, dcc: testDcc(ci) })),
      "key_usage",
      { kind: "test" },
    ],
    [
      "exp beyond the DSC's notAfter",
      () => sign(claims({ iat, exp: unixSeconds("2030-06-01T00:00:00Z"), dcc })),
      "dsc_expired",
    ],
    [
      "iat before the DSC's notBefore",
      () => sign(claims({ iat: unixSeconds("2026-01-01T00:00:00Z"), exp, dcc })),
      "dsc_not_yet_valid",
    ],
    ["no exp", () => sign(claims({ iat, dcc })), "bad_payload"],
    [
      "v and t at once",
      () => sign(claims({ iat, exp, dcc: { ...dcc, t: testDcc(ci).t } })),
      "bad_payload",
    ],
    ["an empty v", () => sign(claims({ iat, exp, dcc: { ...dcc, v: [] } })), "bad_payload"],
    ["no hcert claim", () => sign(claims({ iat, exp })), "bad_payload"],
    ["claims not a map", () => sign([1, 2, 3]), "bad_cbor"],
    [
      "a byte string in the DCC",
      () => sign(claims({ iat, exp, dcc: { ...dcc, dob: new Uint8Array(3) } })),
      "bad_cbor",
    ],
    [
      "iss not text",
      () => sign(new Map<number, unknown>([[1, 5], ...claims({ iat, exp, dcc })])),
      "bad_cbor",
    ],
    [
      "alg PS256 in the header, signed ES256 with the EC key",
      () => sign(claims({ iat, exp, dcc }), { alg: -37, signAs: -7 }),
      "bad_signature",
    ],
    [
      "a protected header changed after signing",
      () =>
        hc1Of(
          withAlg(signCose({ claims: claims({ iat, exp, dcc }), key, kid: dsc2Kid() }), dsc2Kid()),
        ),
      "bad_signature",
    ],
    [
      "an unsupported alg (ES384)",
      () => sign(claims({ iat, exp, dcc }), { alg: -35, signAs: -7 }),
      "bad_signature",
    ],
    [
      "a 3-byte signature",
      () =>
        hc1Of(
          withSignature(
            signCose({ claims: claims({ iat, exp, dcc }), key, kid: dsc2Kid() }),
            new Uint8Array(3),
          ),
        ),
      "bad_signature",
    ],
  ];
  for (const [name, make, reason, fields] of cases) {
    test(name, async () => {
      const v = await verify(make());
      assert.equal(v.reason, reason, JSON.stringify(v.reasons));
      assert.equal(v.valid, reason === "ok");
      assert.ok(v.reasons.every((r) => (REASONS as readonly string[]).includes(r)));
      for (const [k, want] of Object.entries(fields ?? {}))
        assert.deepEqual((v as any)[k], want, k);
    });
  }

  test("CWT tag 61 around a signed tag-18 message is valid", async () => {
    const cose = signCose({ claims: claims({ iat, exp, dcc }), key, kid: dsc2Kid() });
    const wrapped = new Uint8Array([0xd8, 61, ...cose]);
    assert.equal((await verify(hc1Of(wrapped))).reason, "ok");
  });

  test("every UVCI of the DCC is checked against the revocation list", async () => {
    const hc1 = sign(claims({ iat, exp, dcc }));
    const rl = revocationListFromHashes([(await revocationHash(ci))!])!;
    const v = await verify(hc1, rl);
    assert.deepEqual([v.valid, v.reasons], [false, ["revoked"]]);
  });

  test("several failures are all reported, most important first", async () => {
    const hc1 = sign(claims({ iat, exp: unixSeconds("2030-06-01T00:00:00Z"), dcc: testDcc(ci) }));
    const rl = revocationListFromHashes([(await revocationHash(ci))!])!;
    const v = await verifyDcc(hc1, trust, rl, new Date("2031-01-01T00:00:00Z"));
    assert.deepEqual(v.reasons, ["revoked", "key_usage", "dsc_expired", "expired"]);
    assert.equal(v.reason, "revoked");
  });

  test("a __proto__ member of the DCC stays data", async () => {
    const hostile = new Map<unknown, unknown>(Object.entries(dcc));
    hostile.set("__proto__", { polluted: true });
    const v = await verify(sign(claims({ iat, exp, dcc: hostile })));
    assert.equal(v.reason, "ok");
    assert.equal(({} as any).polluted, undefined);
  });
});

// The COSE message with alg -37 in a re-encoded protected header (signature left as it was).
function withAlg(cose: Uint8Array, kid: Uint8Array): Uint8Array {
  const prot = cbor(
    new Map<number, unknown>([
      [1, -37],
      [4, kid],
    ]),
  );
  return replaceElement(cose, 0, prot);
}

function withSignature(cose: Uint8Array, sig: Uint8Array): Uint8Array {
  return replaceElement(cose, 3, sig);
}

// Re-encodes a tag-18 COSE_Sign1 with element `i` replaced by the byte string `value`.
function replaceElement(cose: Uint8Array, i: number, value: Uint8Array): Uint8Array {
  // Decoded with the verifier's own CBOR reader: the elements are byte strings and a map.
  const t = decodeCbor(cose) as CborTag;
  const arr: unknown[] = (t.value as unknown[]).slice();
  arr[i] = value;
  arr[1] = new Map((arr[1] as CborMap).entries.map(([k, v]) => [k, v]));
  return cbor(new Tagged(18, arr));
}
