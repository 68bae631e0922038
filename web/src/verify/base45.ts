// Base45 (RFC 9285) decoding, as used by "HC1:" QR payloads. Pure; never throws.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const VALUE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

// The bytes of `text`, or null when it is not base45: a character outside the alphabet (lower
// case included), a length of 3n+1, a three-character group above 0xFFFF or a final pair above
// 0xFF. The caller bounds the length of `text`.
export function base45Decode(text: string): Uint8Array | null {
  const n = text.length;
  if (n % 3 === 1) return null;
  const out = new Uint8Array(Math.floor(n / 3) * 2 + (n % 3 === 2 ? 1 : 0));
  let at = 0;
  for (let i = 0; i < n; i += 3) {
    const c = digit(text, i);
    const d = digit(text, i + 1);
    if (c < 0 || d < 0) return null;
    if (i + 2 < n) {
      const e = digit(text, i + 2);
      if (e < 0) return null;
      const v = c + d * 45 + e * 45 * 45;
      if (v > 0xffff) return null;
      out[at++] = v >> 8;
      out[at++] = v & 0xff;
    } else {
      const v = c + d * 45;
      if (v > 0xff) return null;
      out[at++] = v;
    }
  }
  return out;
}

function digit(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? VALUE[code] : -1;
}
