// The one conversion of a command's result to JSON (see command.ts): a bigint becomes "0x…" (its 64-bit
// two's complement: addresses and 64-bit values alike), bytes a hex string (at most 1 MiB of them), another
// typed array (a column of a large result, such as the log's) an array of its numbers, or of "0x…" for
// 64-bit elements (at most 2^20 of them), undefined members are left out. Results are plain data; what is
// not (a Map, a Set, an Error) is converted as well as it can be here, and the test that runs every command
// checks that no result needs it. Depth is bounded: results are data from the dump.

export type Hex = `0x${string}`;

export type JsonView<T> = T extends bigint
  ? Hex
  : T extends Uint8Array
    ? string
    : T extends BigUint64Array | BigInt64Array
      ? Hex[]
      : T extends NumberColumn
        ? number[]
        : T extends string | number | boolean | null | undefined
          ? T
          : T extends readonly (infer U)[]
            ? JsonView<U>[]
            : T extends object
              ? { [K in keyof T]: JsonView<T[K]> }
              : never;

/** A typed array of numbers other than bytes: a column of a large result. */
type NumberColumn = Uint8ClampedArray | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** Results nest a few levels (a backtrace's frames' registers); anything deeper is cut. */
const MAX_DEPTH = 32;
/** Bytes shown per Uint8Array (rd of a large count). */
const MAX_BYTES = 1 << 20;

/** Plain JSON of a result: no bigint, no typed arrays. */
export function jsonView<T>(value: T): JsonView<T> {
  return convert(value, 0) as JsonView<T>;
}

function convert(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return "[…]";
  switch (typeof value) {
    case "bigint":
      return `0x${BigInt.asUintN(64, value).toString(16)}`;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "string":
    case "boolean":
      return value;
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return hexBytes(value.subarray(0, MAX_BYTES));
  if (value instanceof BigUint64Array || value instanceof BigInt64Array) return Array.from(value.subarray(0, MAX_BYTES), (v) => convert(v, depth + 1));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from((value as NumberColumn).subarray(0, MAX_BYTES));
  if (Array.isArray(value)) return value.map((v) => convert(v, depth + 1) ?? null);
  if (value instanceof Map) return [...value].map(([k, v]) => [convert(k, depth + 1), convert(v, depth + 1)]);
  if (value instanceof Set) return [...value].map((v) => convert(v, depth + 1));
  if (value instanceof Error) return { error: value.message };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as object)) {
    const c = convert(v, depth + 1);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

function hexBytes(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Where a result is not plain data (a class instance, Map, Set, function), for the test; undefined when it is. */
export function notPlainData(value: unknown, path = "data", depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return `${path}: nests deeper than ${MAX_DEPTH}`;
  if (value === null || ["bigint", "string", "boolean", "number", "undefined"].includes(typeof value)) return undefined;
  if (typeof value !== "object") return `${path}: a ${typeof value}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = notPlainData(value[i], `${path}[${i}]`, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `${path}: a ${(value as object).constructor?.name ?? "class"} instance`;
  for (const [k, v] of Object.entries(value)) {
    const bad = notPlainData(v, `${path}.${k}`, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}
