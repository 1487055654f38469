/**
 * How cached values and keys are written as JSON: typed arrays exactly (base64 of their bytes),
 * NaN, Infinity, -0 and bigints preserved, object keys sorted for a canonical text.
 */

/** The typed arrays a cached value may hold, by constructor name. */
export const TYPED: Record<string, { new (buf: ArrayBuffer): ArrayBufferView & ArrayLike<number> }> = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array,
};

/** JSON.stringify replacer: numbers JSON cannot hold, bigints and typed arrays as tagged objects. */
export function encodeValue(_k: string, v: unknown): unknown {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return { $num: "NaN" };
    if (v === Infinity) return { $num: "Infinity" };
    if (v === -Infinity) return { $num: "-Infinity" };
    if (v === 0 && 1 / v < 0) return { $num: "-0" };
    return v;
  }
  if (typeof v === "bigint") return { $bigint: v.toString() };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const name = v.constructor.name;
    if (!(name in TYPED)) throw new TypeError(`cache: cannot store a ${name}`);
    return { $typed: name, b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  }
  if (v instanceof Map || v instanceof Set) throw new TypeError("cache: Map and Set values cannot be stored; return plain objects or arrays");
  return v;
}

/** JSON.parse reviver: the inverse of `encodeValue`. */
export function decodeValue(_k: string, v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.$num === "string" && Object.keys(o).length === 1) {
      return o.$num === "NaN" ? NaN : o.$num === "Infinity" ? Infinity : o.$num === "-Infinity" ? -Infinity : -0;
    }
    if (typeof o.$bigint === "string" && Object.keys(o).length === 1) return BigInt(o.$bigint);
    if (typeof o.$typed === "string" && typeof o.b64 === "string" && Object.keys(o).length === 2) {
      const Ctor = TYPED[o.$typed];
      if (!Ctor) throw new TypeError(`unknown typed array ${o.$typed}`);
      const bytes = Buffer.from(o.b64, "base64");
      const buf = new ArrayBuffer(bytes.length);
      new Uint8Array(buf).set(bytes);
      return new Ctor(buf);
    }
  }
  return v;
}

/** JSON with sorted object keys and exact typed arrays: the canonical text of a configuration. */
export function stableStringify(x: unknown): string {
  const norm = (v: unknown, k: string): unknown => {
    const e = encodeValue(k, v);
    if (e === undefined || typeof e === "function") return undefined;
    if (Array.isArray(e)) return e.map((y, i) => norm(y, String(i)) ?? null);
    if (e && typeof e === "object") {
      const src = e as Record<string, unknown>;
      const src2 = typeof (src as { toJSON?: () => unknown }).toJSON === "function" ? (src as { toJSON: () => unknown }).toJSON() : src;
      if (src2 !== src) return norm(src2, k);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(src).sort()) {
        const n = norm(src[key], key);
        if (n !== undefined) out[key] = n;
      }
      return out;
    }
    return e;
  };
  return JSON.stringify(norm(x, ""));
}
