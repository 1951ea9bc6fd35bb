// Instantiating a decoder compiled to WebAssembly (scripts/build-wasm.mjs) from its embedded base64 bytes.
// src/core sees no platform types, so the few WebAssembly calls used are declared here by shape, and a host
// without WebAssembly (or one that refuses to compile) gets null: the caller keeps its pure-JS decoder.

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

export const WASM_PAGE_SIZE = 1 << 16;

/** The exports of an instantiated module, or null when this host cannot run it. */
export function instantiateWasm(base64: string): { exports: Record<string, unknown>; memory: WasmMemory } | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const instance = new api.Instance(new api.Module(decodeBase64(base64)), {});
    const memory = instance.exports.memory as WasmMemory | undefined;
    if (memory === undefined || !(memory.buffer instanceof ArrayBuffer)) return null;
    return { exports: instance.exports, memory };
  } catch {
    return null;
  }
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** RFC 4648 base64 (padding optional); the input is our own generated constant. */
export function decodeBase64(text: string): Uint8Array {
  const value = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) value[ALPHABET.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? value[c]! : -1;
    if (v < 0) throw new Error(`base64: bad character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
