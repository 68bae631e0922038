#!/usr/bin/env node
// An EU DCC implementation independent of vaxreg (npm cbor + pako, node:crypto), for interop
// tests in both directions:
//   node dcc_interop.js verify HC1_TEXT DSC_PEM_FILE        -> JSON {valid, reason, kid, dcc, ...}
//   node dcc_interop.js issue KEY_PEM_FILE CERT_PEM_FILE    -> prints an HC1 text it signed
'use strict';
const fs = require('node:fs');
const crypto = require('node:crypto');
const cbor = require('cbor');
const pako = require('pako');

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

function b45decode(s) {
  const out = [];
  for (let i = 0; i < s.length; i += 3) {
    const chunk = s.slice(i, i + 3);
    const v = [...chunk].map((c) => {
      const n = B45.indexOf(c);
      if (n < 0) throw new Error('base45: bad character');
      return n;
    });
    if (v.length === 3) {
      const x = v[0] + v[1] * 45 + v[2] * 2025;
      if (x > 0xffff) throw new Error('base45: group too large');
      out.push(x >> 8, x & 0xff);
    } else if (v.length === 2) {
      const x = v[0] + v[1] * 45;
      if (x > 0xff) throw new Error('base45: pair too large');
      out.push(x);
    } else {
      throw new Error('base45: dangling character');
    }
  }
  return Buffer.from(out);
}

function b45encode(buf) {
  let s = '';
  for (let i = 0; i < buf.length; i += 2) {
    if (i + 1 < buf.length) {
      let x = buf[i] * 256 + buf[i + 1];
      const e = Math.floor(x / 2025); x %= 2025;
      const d = Math.floor(x / 45); const c = x % 45;
      s += B45[c] + B45[d] + B45[e];
    } else {
      const x = buf[i];
      s += B45[x % 45] + B45[Math.floor(x / 45)];
    }
  }
  return s;
}

function kidOf(certPem) {
  const der = new crypto.X509Certificate(certPem).raw;
  return crypto.createHash('sha256').update(der).digest().subarray(0, 8);
}

function verify(hc1, certPem) {
  const result = { valid: false };
  if (!hc1.startsWith('HC1:')) return { ...result, reason: 'prefix' };
  let cose;
  try {
    cose = Buffer.from(pako.inflate(b45decode(hc1.slice(4))));
  } catch (e) {
    return { ...result, reason: 'decode: ' + e.message };
  }
  let msg = cbor.decodeFirstSync(cose);
  if (msg instanceof cbor.Tagged) msg = msg.value;
  const [protectedBytes, unprotected, payload, signature] = msg;
  const prot = protectedBytes.length ? cbor.decodeFirstSync(protectedBytes) : new Map();
  const kid = prot.get(4) || (unprotected instanceof Map ? unprotected.get(4) : undefined);
  const alg = prot.get(1) || (unprotected instanceof Map ? unprotected.get(1) : undefined);
  result.kid = kid ? Buffer.from(kid).toString('base64') : null;
  if (!kid || !Buffer.from(kid).equals(kidOf(certPem))) return { ...result, reason: 'kid' };
  if (alg !== -7) return { ...result, reason: 'alg ' + alg };
  const sigStructure = cbor.encode(['Signature1', protectedBytes, Buffer.alloc(0), payload]);
  const key = new crypto.X509Certificate(certPem).publicKey;
  const ok = crypto.verify('sha256', sigStructure, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) return { ...result, reason: 'signature' };
  const claims = cbor.decodeFirstSync(payload);
  const now = Math.floor(Date.now() / 1000);
  const dcc = claims.get(-260).get(1);
  result.iss = claims.get(1);
  result.iat = claims.get(6);
  result.exp = claims.get(4);
  result.dcc = dcc;
  if (!(result.iat <= now + 60 && now <= result.exp)) return { ...result, reason: 'time' };
  result.valid = true;
  return result;
}

function issue(keyPem, certPem) {
  const now = Math.floor(Date.now() / 1000);
  const dcc = {
    ver: '1.3.0',
    nam: { fn: 'Đặng', fnt: 'DANG', gn: 'Thị Thu Hà', gnt: 'THI<THU<HA' },
    dob: '1979-12-31',
    v: [{ tg: '840539006', vp: 'J07BX03', mp: 'EU/1/21/1529', ma: 'ORG-100001699', dn: 2, sd: 2,
          dt: '2021-10-15', co: 'VN', is: 'Interop test issuer',
          ci: 'URN:UVCI:01:VN:INTEROP' + crypto.randomBytes(6).toString('hex').toUpperCase() + '#A' }],
  };
  const claims = new Map([[1, 'VN'], [4, now + 20 * 24 * 3600], [6, now], [-260, new Map([[1, dcc]])]]);
  const payload = cbor.encode(claims);
  const prot = cbor.encode(new Map([[1, -7], [4, kidOf(certPem)]]));
  const sigStructure = cbor.encode(['Signature1', prot, Buffer.alloc(0), payload]);
  const sig = crypto.sign('sha256', sigStructure, { key: keyPem, dsaEncoding: 'ieee-p1363' });
  const cose = cbor.encode(new cbor.Tagged(18, [prot, new Map(), payload, sig]));
  return 'HC1:' + b45encode(Buffer.from(pako.deflate(cose)));
}

const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'verify') {
  const r = verify(a, fs.readFileSync(b, 'utf8'));
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(r.valid ? 0 : 1);
} else if (cmd === 'issue') {
  process.stdout.write(issue(fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8')) + '\n');
} else {
  process.stderr.write('usage: dcc_interop.js verify HC1 DSC_PEM | issue KEY_PEM CERT_PEM\n');
  process.exit(2);
}
