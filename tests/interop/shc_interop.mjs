#!/usr/bin/env node
// A SMART Health Card implementation independent of vaxreg (npm jose for JWS and JWK, node:zlib
// for raw DEFLATE), for interop tests in both directions:
//   node shc_interop.mjs verify --jwks URL|FILE --iss ISS [--crl URL|DIR] INPUT
//        INPUT: "shc:/..." text, a compact JWS, or a .smart-health-card file.
//        -> JSON {valid, reason?, kid, iss, rid, name, birthDate, doses, codes, cors}
//   node shc_interop.mjs keygen DIR            -> DIR/private.jwk.json, DIR/jwks.json
//   node shc_interop.mjs issue DIR ISS         -> prints a shc:/ text it signed with DIR's key
// What it checks is what the SMART Health Cards specification asks of a verifier: numeric QR
// decoding, header {alg ES256, zip DEF, kid}, the key's kid being its RFC 7638 thumbprint, the
// ES256 signature (jose.compactVerify), raw DEFLATE (no zlib header), iss, nbf/exp, the
// revocation list when the key has a crlVersion, vc.type, and a minimised FHIR bundle.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as jose from 'jose';

const HEALTH_CARD = 'https://smarthealth.cards#health-card';
const MAX_PAYLOAD = 16 * 1024;

function fail(reason, extra = {}) {
  return { valid: false, reason, ...extra };
}

function numericToJws(text) {
  const m = /^shc:\/([0-9]+)$/.exec(text);
  if (!m || m[1].length % 2) throw new Error('numeric: not shc:/ followed by an even digit count');
  let out = '';
  for (let i = 0; i < m[1].length; i += 2) {
    const n = Number(m[1].slice(i, i + 2));
    if (n > 77) throw new Error('numeric: pair above 77');
    out += String.fromCharCode(n + 45);
  }
  return out;
}

function jwsToNumeric(jws) {
  return 'shc:/' + [...jws].map((c) => String(c.charCodeAt(0) - 45).padStart(2, '0')).join('');
}

// Text of a URL (with its response headers) or a file.
async function load(where) {
  if (/^https?:\/\//.test(where)) {
    const res = await fetch(where);
    if (!res.ok) throw new Error(`${where}: HTTP ${res.status}`);
    return { text: await res.text(), cors: res.headers.get('access-control-allow-origin') };
  }
  return { text: fs.readFileSync(where, 'utf8'), cors: null };
}

function jwsList(input) {
  const text = fs.existsSync(input) ? fs.readFileSync(input, 'utf8') : input;
  if (text.startsWith('{')) return JSON.parse(text).verifiableCredential;
  if (text.startsWith('shc:/')) return [numericToJws(text)];
  return [text];
}

// The minimisation rules of the specification, and the shape vaxreg promises.
function checkBundle(bundle) {
  if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'collection') return 'not a collection Bundle';
  if (!Array.isArray(bundle.entry) || bundle.entry.length < 2) return 'no Patient and Immunization';
  const bad = JSON.stringify(bundle).match(/"(id|meta|text)":/);
  if (bad) return `bundle carries ${bad[1]}`;
  for (const [i, e] of bundle.entry.entries()) {
    if (e.fullUrl !== `resource:${i}`) return `fullUrl ${e.fullUrl} at entry ${i}`;
  }
  const [patient, ...rest] = bundle.entry.map((e) => e.resource);
  if (patient.resourceType !== 'Patient' || !patient.name?.[0]?.family || !patient.birthDate) {
    return 'first entry is not a Patient with name and birthDate';
  }
  for (const im of rest) {
    if (im.resourceType !== 'Immunization' || im.status !== 'completed') return 'not an Immunization';
    if (im.patient?.reference !== 'resource:0') return 'Immunization does not reference resource:0';
    const coding = im.vaccineCode?.coding?.[0];
    if (!coding?.system || !coding?.code || 'display' in coding) return 'vaccineCode coding';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(im.occurrenceDateTime ?? '')) return 'occurrenceDateTime';
  }
  return null;
}

async function verifyOne(jws, opts) {
  const parts = jws.split('.');
  if (parts.length !== 3) return fail('jws: not three parts');
  const header = jose.decodeProtectedHeader(jws);
  if (header.alg !== 'ES256' || header.zip !== 'DEF' || !header.kid) return fail('header');
  const { text: jwksText, cors } = await load(opts.jwks);
  const jwk = JSON.parse(jwksText).keys.find((k) => k.kid === header.kid);
  if (!jwk) return fail('unknown kid ' + header.kid);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.use !== 'sig' || jwk.alg !== 'ES256' || 'd' in jwk) {
    return fail('key rules');
  }
  if ((await jose.calculateJwkThumbprint(jwk, 'sha256')) !== jwk.kid) return fail('kid is not the thumbprint');
  let verified;
  try {
    verified = await jose.compactVerify(jws, await jose.importJWK(jwk, 'ES256'));
  } catch (e) {
    return fail('signature: ' + e.message);
  }
  let claims;
  try {
    claims = JSON.parse(zlib.inflateRawSync(Buffer.from(verified.payload), { maxOutputLength: MAX_PAYLOAD }));
  } catch (e) {
    return fail('deflate/json: ' + e.message);
  }
  const vc = claims.vc ?? {};
  const bundle = vc.credentialSubject?.fhirBundle;
  const patient = bundle?.entry?.[0]?.resource;
  const result = {
    valid: false,
    kid: header.kid,
    iss: claims.iss,
    rid: vc.rid ?? null,
    name: patient?.name?.[0] ? [patient.name[0].family, ...(patient.name[0].given ?? [])].join(' ') : null,
    birthDate: patient?.birthDate ?? null,
    doses: (bundle?.entry ?? []).filter((e) => e.resource?.resourceType === 'Immunization').length,
    codes: (bundle?.entry ?? []).slice(1).map((e) => e.resource?.vaccineCode?.coding?.[0]?.code),
    cors,
  };
  if (claims.iss !== opts.iss) return { ...result, reason: `iss ${claims.iss}` };
  const now = Date.now() / 1000;
  if (!(typeof claims.nbf === 'number' && claims.nbf <= now + 60)) return { ...result, reason: 'nbf' };
  if (claims.exp !== undefined && !(claims.exp > now)) return { ...result, reason: 'expired' };
  if (!Array.isArray(vc.type) || !vc.type.includes(HEALTH_CARD)) return { ...result, reason: 'vc.type' };
  if (vc.credentialSubject?.fhirVersion !== '4.0.1') return { ...result, reason: 'fhirVersion' };
  const shape = checkBundle(bundle);
  if (shape) return { ...result, reason: 'fhir: ' + shape };
  if (jwk.crlVersion !== undefined) {
    if (!opts.crl) return { ...result, reason: 'crl: key has crlVersion, no --crl given' };
    const where = /^https?:/.test(opts.crl) ? `${opts.crl}/${jwk.kid}.json` : path.join(opts.crl, `${jwk.kid}.json`);
    const crl = JSON.parse((await load(where)).text);
    if (crl.kid !== jwk.kid || crl.method !== 'rid' || crl.ctr !== jwk.crlVersion) {
      return { ...result, reason: 'crl: stale or malformed' };
    }
    for (const entry of crl.rids) {
      const [rid, at] = entry.split('.');
      if (rid === vc.rid && (at === undefined || claims.nbf < Number(at))) return { ...result, reason: 'revoked' };
    }
  }
  return { ...result, valid: true };
}

async function verify(args) {
  const opts = {};
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    if (['--jwks', '--iss', '--crl'].includes(args[i])) opts[args[i].slice(2)] = args[++i];
    else rest.push(args[i]);
  }
  let list;
  try {
    list = jwsList(rest[0]);
  } catch (e) {
    return fail(e.message);
  }
  const results = [];
  for (const jws of list) results.push(await verifyOne(jws, opts));
  return results.length === 1 ? results[0] : { valid: results.every((r) => r.valid), cards: results };
}

async function keygen(dir) {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const pub = await jose.exportJWK(publicKey);
  const kid = await jose.calculateJwkThumbprint(pub, 'sha256');
  const priv = { ...(await jose.exportJWK(privateKey)), kid, use: 'sig', alg: 'ES256' };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'private.jwk.json'), JSON.stringify(priv));
  fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...pub, kid, use: 'sig', alg: 'ES256' }] }));
}

async function issue(dir, iss) {
  const priv = JSON.parse(fs.readFileSync(path.join(dir, 'private.jwk.json'), 'utf8'));
  const claims = {
    iss,
    nbf: Math.floor(Date.now() / 1000) - 60,
    vc: {
      type: [HEALTH_CARD, 'https://smarthealth.cards#immunization'],
      credentialSubject: {
        fhirVersion: '4.0.1',
        fhirBundle: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            { fullUrl: 'resource:0', resource: { resourceType: 'Patient', name: [{ family: 'Đặng', given: ['Thị', 'Thu', 'Hà'] }], birthDate: '1979-12-31' } },
            ...['2021-07-01', '2021-09-01'].map((day, i) => ({
              fullUrl: `resource:${i + 1}`,
              resource: {
                resourceType: 'Immunization',
                status: 'completed',
                vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '210' }] },
                patient: { reference: 'resource:0' },
                occurrenceDateTime: day,
                lotNumber: `NODE${i + 1}`,
              },
            })),
          ],
        },
      },
    },
  };
  const payload = zlib.deflateRawSync(Buffer.from(JSON.stringify(claims)));
  const jws = await new jose.CompactSign(payload)
    .setProtectedHeader({ alg: 'ES256', zip: 'DEF', kid: priv.kid })
    .sign(await jose.importJWK(priv, 'ES256'));
  return jwsToNumeric(jws);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'verify') {
  const r = await verify(args);
  console.log(JSON.stringify(r));
  process.exit(r.valid ? 0 : 1);
} else if (cmd === 'keygen') {
  await keygen(args[0]);
} else if (cmd === 'issue') {
  console.log(await issue(args[0], args[1]));
} else {
  console.error('usage: shc_interop.mjs verify|keygen|issue ...');
  process.exit(2);
}
