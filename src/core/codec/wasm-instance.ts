// Running a page decoder compiled to WebAssembly (scripts/build-wasm.mjs) from its embedded base64 bytes.
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

const WASM_PAGE_SIZE = 1 << 16;
/** The decoders may read and write this far past the end of their input and output buffers (word copies). */
const SLACK = 32;
/** Streams and pages larger than this are left to the reference decoder rather than grow the module's memory. */
export const MAX_WASM_BYTES = 4 << 20;

/** The exported decoder: (inPtr, inLen, outPtr, outCap) -> bytes written, or < 0 for a malformed stream. */
type Decode = (inPtr: number, inLen: number, outPtr: number, outCap: number) => number;

/**
 * One instance of a decoder module: copies the input in, runs it, copies the output out. The output goes
 * first in the module's memory, at a fixed place, so that the view it is copied out of is made once per size.
 */
export class WasmPageDecoder {
  private view: Uint8Array;
  private outView: Uint8Array = new Uint8Array(0);
  constructor(
    private readonly decode: Decode,
    private readonly memory: WasmMemory,
    private readonly base: number,
  ) {
    this.view = new Uint8Array(memory.buffer);
  }

  /** Bytes written into `output`, or -1 when the decoder rejects the stream (the caller asks the reference). */
  run(input: Uint8Array, output: Uint8Array): number {
    const outPtr = this.base;
    const inPtr = outPtr + ((output.length + SLACK + 7) & ~7);
    const need = inPtr + input.length + SLACK;
    if (need > this.view.length) {
      this.memory.grow(Math.ceil((need - this.view.length) / WASM_PAGE_SIZE));
      this.view = new Uint8Array(this.memory.buffer);
      this.outView = new Uint8Array(0);
    }
    const view = this.view;
    view.set(input, inPtr);
    const n = this.decode(inPtr, input.length, outPtr, output.length);
    if (n < 0) return -1;
    if (this.outView.length !== n) this.outView = view.subarray(outPtr, outPtr + n);
    output.set(this.outView);
    return n;
  }
}

/** Instantiates the module and wraps its export `name`; null when this host cannot run it. */
export function loadWasmDecoder(base64: string, name: string): WasmPageDecoder | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const { exports } = new api.Instance(new api.Module(decodeBase64(base64)), {});
    const memory = exports.memory as WasmMemory | undefined;
    const decode = exports[name];
    const heapBase = exports.heapBase;
    if (memory === undefined || !(memory.buffer instanceof ArrayBuffer) || typeof decode !== "function" || typeof heapBase !== "function") return null;
    const base = ((heapBase as () => number)() + 7) & ~7;
    return new WasmPageDecoder(decode as Decode, memory, base);
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
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
