// The fast LZO1X decoder: scripts/wasm/lzo1x.ts (a port of lzo1x.ts to AssemblyScript) compiled to
// WebAssembly. It accepts exactly the streams the reference decoder (lzo1x.ts) accepts and writes the same
// bytes; on a malformed stream it answers only "no", and the reference decoder is run on the same input for
// the CodecError and its message, so both paths fail alike. Without WebAssembly the reference decodes.
import { CodecError } from "../io/errors";
import { lzo1xDecompressInto } from "./lzo1x";
import { LZO1X_WASM_BASE64 } from "./lzo1x-wasm-module";
import { instantiateWasm, WASM_PAGE_SIZE } from "./wasm-instance";

/** The decoder may read and write this far past the end of its input and output buffers (word copies). */
const SLACK = 32;
/** Streams and pages larger than this go to the reference decoder rather than growing the module's memory. */
const MAX_WASM_BYTES = 4 << 20;

type Decompress = (inPtr: number, inLen: number, outPtr: number, outCap: number) => number;

class WasmLzo {
  private view: Uint8Array;
  constructor(
    private readonly decompress: Decompress,
    private readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number },
    private readonly base: number,
  ) {
    this.view = new Uint8Array(memory.buffer);
  }

  /** Bytes written, or -1 when the stream is malformed. */
  run(input: Uint8Array, output: Uint8Array): number {
    const inPtr = this.base;
    const outPtr = inPtr + ((input.length + SLACK + 7) & ~7);
    const need = outPtr + output.length + SLACK;
    if (need > this.view.length) {
      this.memory.grow(Math.ceil((need - this.view.length) / WASM_PAGE_SIZE));
      this.view = new Uint8Array(this.memory.buffer);
    }
    const view = this.view;
    view.set(input, inPtr);
    const n = this.decompress(inPtr, input.length, outPtr, output.length);
    if (n < 0) return -1;
    output.set(view.subarray(outPtr, outPtr + n));
    return n;
  }
}

let wasm: WasmLzo | null | undefined;

function load(): WasmLzo | null {
  const inst = instantiateWasm(LZO1X_WASM_BASE64);
  if (inst === null) return null;
  const { decompress, heapBase } = inst.exports;
  if (typeof decompress !== "function" || typeof heapBase !== "function") return null;
  const base = (heapBase as () => number)();
  return new WasmLzo(decompress as Decompress, inst.memory, (base + 7) & ~7);
}

/** True when this host runs the WebAssembly decoder (else lzo1xDecompressFast is the reference decoder). */
export function lzoWasmAvailable(): boolean {
  if (wasm === undefined) wasm = load();
  return wasm !== null;
}

/**
 * lzo1xDecompressInto through WebAssembly where the host has it: same result, same CodecError. Returns the
 * number of bytes written.
 */
export function lzo1xDecompressFast(input: Uint8Array, output: Uint8Array): number {
  if (wasm === undefined) wasm = load();
  if (wasm === null || input.length + output.length > MAX_WASM_BYTES) return lzo1xDecompressInto(input, output);
  const n = wasm.run(input, output);
  if (n >= 0) return n;
  // Malformed: the reference decoder names the fault. It must fail too; if it did not, the two disagree.
  const m = lzo1xDecompressInto(input, output);
  throw new CodecError("lzo", `the WebAssembly decoder rejected a stream the reference decoded (${m} bytes)`);
}
