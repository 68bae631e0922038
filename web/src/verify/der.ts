// A minimal DER (X.690) reader for X.509 certificates: one-byte tags, definite lengths of at most
// four length bytes, every length checked against its enclosing element. Only the functions
// below throw, and only DerError. Pure.

export class DerError extends Error {}

// One element of `bytes`: its tag byte, where its content starts and where it ends (exclusive).
export interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;

// The element starting at `pos`, which must end at or before `limit`.
export function readTlv(bytes: Uint8Array, pos: number, limit: number): Tlv {
  if (pos + 2 > limit) throw new DerError("truncated DER");
  const tag = bytes[pos];
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte DER tag");
  let len = bytes[pos + 1];
  let at = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + n > limit) throw new DerError("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[at++];
  }
  if (len > limit - at) throw new DerError("DER length exceeds its container");
  return { tag, start: pos, contentStart: at, end: at + len };
}

// The element filling all of `bytes`, with tag `tag`.
export function readWhole(bytes: Uint8Array, tag: number): Tlv {
  const t = readTlv(bytes, 0, bytes.length);
  if (t.tag !== tag || t.end !== bytes.length) throw new DerError("unexpected DER element");
  return t;
}

// The elements that make up the content of `parent` (at most `max` of them).
export function children(bytes: Uint8Array, parent: Tlv, max = 64): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < parent.end) {
    if (out.length === max) throw new DerError("too many DER elements");
    const t = readTlv(bytes, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

// `parent`'s children, requiring the given tag of the first ones.
export function expectChildren(bytes: Uint8Array, parent: Tlv, tags: number[]): Tlv[] {
  const kids = children(bytes, parent);
  if (kids.length < tags.length) throw new DerError("missing DER elements");
  tags.forEach((tag, i) => {
    if (kids[i].tag !== tag) throw new DerError("unexpected DER element");
  });
  return kids;
}

export function content(bytes: Uint8Array, t: Tlv): Uint8Array {
  return bytes.subarray(t.contentStart, t.end);
}

export function whole(bytes: Uint8Array, t: Tlv): Uint8Array {
  return bytes.subarray(t.start, t.end);
}

// Dotted text of an OBJECT IDENTIFIER element.
export function oidText(bytes: Uint8Array, t: Tlv): string {
  if (t.tag !== TAG_OID || t.end === t.contentStart) throw new DerError("not an OID");
  const arcs: number[] = [];
  let v = 0;
  for (let i = t.contentStart; i < t.end; i++) {
    v = v * 128 + (bytes[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError("OID arc too large");
    if ((bytes[i] & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    } else if (i === t.end - 1) {
      throw new DerError("truncated OID");
    }
  }
  return arcs.join(".");
}

// The bytes of a BIT STRING element without unused bits.
export function bitStringBytes(bytes: Uint8Array, t: Tlv): Uint8Array {
  if (t.tag !== TAG_BIT_STRING || t.end === t.contentStart || bytes[t.contentStart] !== 0) {
    throw new DerError("bad BIT STRING");
  }
  return bytes.subarray(t.contentStart + 1, t.end);
}
