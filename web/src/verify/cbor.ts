// A small CBOR (RFC 8949) decoder limited to what COSE_Sign1, CWT and the DCC need. Hand-written
// rather than taken from npm because a verifier of hostile QR codes needs what general decoders
// do not promise together: byte strings always as Uint8Array views of the input, duplicate map
// keys refused, a nesting limit, declared lengths checked against the bytes left before anything
// is allocated, tags kept as data (no Date conversion) and no code generation (strict CSP).
//
// decodeCbor throws only CborError. Pure; the returned byte strings are views into `bytes`.

export class CborError extends Error {}

// An item with a tag (e.g. 18 around a COSE_Sign1); the tag number is at most 2^53 - 1.
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

// A map in the order its entries were encoded; keys are unique (integers and texts compared by
// value, byte strings by content).
export class CborMap {
  constructor(readonly entries: ReadonlyArray<readonly [CborValue, CborValue]>) {}

  get(key: number | string): CborValue | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }
}

// Integers are JavaScript numbers: values beyond +-(2^53 - 1) are refused (no DCC use).
// `undefined` stands for the CBOR simple value undefined.
export type CborValue =
  number | string | Uint8Array | boolean | null | undefined | CborValue[] | CborMap | CborTag;

// Decodes exactly one item filling all of `bytes`, nested at most `maxDepth` levels (arrays,
// maps and tags count). Throws CborError when the input is malformed, has trailing bytes, breaks
// a limit or holds what is refused above (unassigned simple values, huge integers, invalid UTF-8).
export function decodeCbor(bytes: Uint8Array, maxDepth = 16): CborValue {
  const r = new Reader(bytes, maxDepth);
  const v = r.item(0);
  if (r.pos !== bytes.length) throw new CborError("trailing bytes after the CBOR item");
  return v;
}

const BREAK = 0xff;
const TWO_32 = 4294967296;

class Reader {
  pos = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly maxDepth: number,
  ) {}

  private left(): number {
    return this.b.length - this.pos;
  }

  private byte(): number {
    if (this.pos >= this.b.length) throw new CborError("unexpected end of CBOR");
    return this.b[this.pos++];
  }

  private take(n: number): Uint8Array {
    if (n > this.left()) throw new CborError("CBOR length exceeds the input");
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private uint(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.byte();
    return v;
  }

  // The argument of a head with additional information `ai` (< 28), at most 2^53 - 1.
  private arg(ai: number): number {
    if (ai < 24) return ai;
    if (ai === 24) return this.byte();
    if (ai === 25) return this.uint(2);
    if (ai === 26) return this.uint(4);
    if (ai === 27) {
      const hi = this.uint(4);
      const lo = this.uint(4);
      if (hi > 0x1fffff) throw new CborError("CBOR integer or length too large");
      return hi * TWO_32 + lo;
    }
    throw new CborError("reserved CBOR additional information");
  }

  item(depth: number): CborValue {
    if (depth > this.maxDepth) throw new CborError("CBOR nested too deeply");
    const ib = this.byte();
    const major = ib >> 5;
    const ai = ib & 31;
    if (major === 7) return this.simple(ai);
    if (ai === 31) return this.indefinite(major, depth);
    const n = this.arg(ai);
    switch (major) {
      case 0:
        return n;
      case 1:
        return -1 - n;
      case 2:
        return this.take(n);
      case 3:
        return text(this.take(n));
      case 4: {
        if (n > this.left()) throw new CborError("CBOR array longer than the input");
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5: {
        if (n * 2 > this.left()) throw new CborError("CBOR map longer than the input");
        const m = new MapBuilder();
        for (let i = 0; i < n; i++) m.add(this.item(depth + 1), this.item(depth + 1));
        return m.build();
      }
      default:
        return new CborTag(n, this.item(depth + 1));
    }
  }

  private indefinite(major: number, depth: number): CborValue {
    switch (major) {
      case 2:
      case 3: {
        const parts: Uint8Array[] = [];
        let total = 0;
        while (this.peek() !== BREAK) {
          const ib = this.byte();
          if (ib >> 5 !== major || (ib & 31) === 31) throw new CborError("bad CBOR string chunk");
          const chunk = this.take(this.arg(ib & 31));
          if (major === 3) text(chunk); // every chunk must be valid UTF-8 on its own
          parts.push(chunk);
          total += chunk.length;
        }
        this.pos++;
        const all = new Uint8Array(total);
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.length;
        }
        return major === 3 ? text(all) : all;
      }
      case 4: {
        const out: CborValue[] = [];
        while (this.peek() !== BREAK) out.push(this.item(depth + 1));
        this.pos++;
        return out;
      }
      case 5: {
        const m = new MapBuilder();
        while (this.peek() !== BREAK) m.add(this.item(depth + 1), this.item(depth + 1));
        this.pos++;
        return m.build();
      }
      default:
        throw new CborError("indefinite length not allowed here");
    }
  }

  private peek(): number {
    if (this.pos >= this.b.length) throw new CborError("unexpected end of CBOR");
    return this.b[this.pos];
  }

  private simple(ai: number): CborValue {
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25:
        return half(this.uint(2));
      case 26: {
        const v = new DataView(this.take(4).slice().buffer).getFloat32(0);
        return v;
      }
      case 27: {
        const v = new DataView(this.take(8).slice().buffer).getFloat64(0);
        return v;
      }
      case 31:
        throw new CborError("unexpected CBOR break");
      default:
        throw new CborError("unsupported CBOR simple value");
    }
  }
}

class MapBuilder {
  private readonly entries: [CborValue, CborValue][] = [];
  private readonly seen = new Set<string>();

  add(k: CborValue, v: CborValue): void {
    const id = keyId(k);
    if (id !== null) {
      if (this.seen.has(id)) throw new CborError("CBOR map repeats a key");
      this.seen.add(id);
    }
    this.entries.push([k, v]);
  }

  build(): CborMap {
    return new CborMap(this.entries);
  }
}

function keyId(k: CborValue): string | null {
  if (typeof k === "number") return "n" + k;
  if (typeof k === "string") return "s" + k;
  if (k instanceof Uint8Array) return "b" + Array.from(k).join(",");
  return null;
}

function text(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CborError("CBOR text is not valid UTF-8");
  }
}

function half(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
