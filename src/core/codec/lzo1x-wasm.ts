// The fast LZO1X decoder: scripts/wasm/lzo1x.ts (a port of lzo1x.ts to AssemblyScript) compiled to
// WebAssembly. It accepts exactly the streams the reference decoder (lzo1x.ts) accepts and writes the same
// bytes; on a stream it rejects, the reference decoder runs on the same input and its answer (the CodecError
// and its message) is the answer, so both paths fail alike. Without WebAssembly the reference decodes.
import { lzo1xDecompressInto } from "./lzo1x";
import { LZO1X_WASM_BASE64 } from "./lzo1x-wasm-module";
import { loadWasmDecoder, MAX_WASM_BYTES, type WasmPageDecoder } from "./wasm-instance";

let wasm: WasmPageDecoder | null | undefined;

/** True when this host runs the WebAssembly decoder (else lzo1xDecompressFast is the reference decoder). */
export function lzoWasmAvailable(): boolean {
  if (wasm === undefined) wasm = loadWasmDecoder(LZO1X_WASM_BASE64, "decompress");
  return wasm !== null;
}

/** lzo1xDecompressInto through WebAssembly where the host has it: same result, same CodecError. */
export function lzo1xDecompressFast(input: Uint8Array, output: Uint8Array): number {
  if (wasm === undefined) wasm = loadWasmDecoder(LZO1X_WASM_BASE64, "decompress");
  if (wasm !== null && input.length + output.length <= MAX_WASM_BYTES) {
    const n = wasm.run(input, output);
    if (n >= 0) return n;
  }
  return lzo1xDecompressInto(input, output);
}
