#!/usr/bin/env node
// A second independent EU DCC verifier: the PathCheck Foundation's SDK (@pathcheck/dcc-sdk, used
// by several national verifier apps). It is strict about the container: it inflates only a
// standard zlib stream (first byte 0x78) and otherwise reports `invalid_signing_format`.
//   node --import ./sdk_register.mjs dcc_pathcheck.mjs HC1_TEXT DSC_PEM_FILE
//     -> JSON {status, fnt?, dn?}; exit 0 when verified
// The DSC is handed to the SDK's key cache under its kid (first 8 bytes of the certificate's
// SHA-256), so the SDK never reaches for its online trust registry.
import crypto from 'node:crypto';
import fs from 'node:fs';

import * as sdk from '@pathcheck/dcc-sdk/lib/main.js';

async function main() {
  const [hc1, pemFile] = process.argv.slice(2);
  if (!hc1 || !pemFile) {
    console.error('usage: dcc_pathcheck.mjs HC1_TEXT DSC_PEM_FILE');
    process.exit(2);
  }
  const cert = new crypto.X509Certificate(fs.readFileSync(pemFile));
  const kid = crypto.createHash('sha256').update(cert.raw).digest().subarray(0, 8);
  sdk.addCachedCerts({ [kid.toString('base64')]: cert.raw.toString('base64') });
  // The SDK logs its diagnostics with console.log; keep stdout for the verdict alone.
  const log = console.log;
  console.log = (...args) => console.error(...args);
  const result = await sdk.unpackAndVerify(hc1);
  console.log = log;
  const out = { status: result.status };
  const hcert = result.contents instanceof Map ? result.contents.get(-260) : undefined;
  const dcc = hcert instanceof Map ? hcert.get(1) : undefined;
  if (dcc) {
    out.fnt = dcc.nam && dcc.nam.fnt;
    if (dcc.v && dcc.v[0]) out.dn = dcc.v[0].dn;
  }
  console.log(JSON.stringify(out));
  process.exit(result.status === 'verified' ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(3);
});
