// zlib (RFC 1950) inflation with an output cap, on top of fflate's raw DEFLATE stream. Pure; never
// throws.
//
// fflate's own unzlibSync neither checks the Adler-32 trailer nor bounds its output (and accepts
// a 3-byte input as an empty stream), so the wrapper is handled here: the 2-byte header is
// mandatory (raw COSE, raw DEFLATE and gzip are refused, as the EU vectors require), preset
// dictionaries are refused, the DEFLATE stream must end properly, and the Adler-32 of the output
// must equal the last 4 input bytes. That refuses garbage after the trailer, but not bytes
// inserted between the end of the DEFLATE stream and the trailer (fflate does not report where
// the stream ended); they cannot change the inflated bytes, which the signature covers.

import { Inflate } from "fflate";

export type InflateResult =
  { ok: true; bytes: Uint8Array } | { ok: false; reason: "bad_zlib" | "too_large" };

// Input is fed in slices this small so that a "zip bomb" is stopped after at most about a
// thousand times this much output past the cap, not after inflating all of it.
const FEED_BYTES = 256;

class OverCap extends Error {}

// The inflated bytes of the zlib stream `data`, at most `maxOut` of them.
export function inflateZlib(data: Uint8Array, maxOut: number): InflateResult {
  if (data.length < 2 + 1 + 4) return { ok: false, reason: "bad_zlib" };
  const cmf = data[0];
  const flg = data[1];
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || (flg & 0x20) !== 0) {
    return { ok: false, reason: "bad_zlib" };
  }
  const inflated = inflateRaw(data.subarray(2, data.length - 4), maxOut);
  if (!inflated.ok) return inflated;
  const out = inflated.bytes;
  const t = data.length - 4;
  const want = ((data[t] << 24) | (data[t + 1] << 16) | (data[t + 2] << 8) | data[t + 3]) >>> 0;
  if (adler32(out) !== want) return { ok: false, reason: "bad_zlib" };
  return { ok: true, bytes: out };
}

// The inflated bytes of the raw DEFLATE stream `body` (RFC 1951, as SMART Health Cards use it),
// at most `maxOut` of them; the stream must end properly.
export function inflateRaw(body: Uint8Array, maxOut: number): InflateResult {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  try {
    const inflater = new Inflate((chunk, final) => {
      total += chunk.length;
      if (total > maxOut) throw new OverCap();
      chunks.push(chunk);
      if (final) ended = true;
    });
    for (let at = 0; at < body.length; at += FEED_BYTES) {
      const end = Math.min(body.length, at + FEED_BYTES);
      inflater.push(body.subarray(at, end), end === body.length);
    }
  } catch (e) {
    return { ok: false, reason: e instanceof OverCap ? "too_large" : "bad_zlib" };
  }
  if (!ended || total === 0) return { ok: false, reason: "bad_zlib" };
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return { ok: true, bytes: out };
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length;) {
    // Reduce every 3800 bytes: the sums stay far below 2^53, so doubles hold them exactly.
    const end = Math.min(bytes.length, i + 3800);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
