// The fast zlib page decoder: scripts/wasm/zlib.ts (RFC 1950/1951 in AssemblyScript) compiled to
// WebAssembly. It is at least as strict as the reference (zlib.ts: fflate plus the length and Adler-32
// checks), so a page it decodes the reference decodes to the same bytes; a stream it rejects goes to the
// reference, whose answer (a page, or its CodecError) is the answer. Without WebAssembly the reference decodes.
import { checkExpectedSize } from "./codec-error";
import { zlibDecompress } from "./zlib";
import { ZLIB_WASM_BASE64 } from "./zlib-wasm-module";
import { loadWasmDecoder, MAX_WASM_BYTES, type WasmPageDecoder } from "./wasm-instance";

let wasm: WasmPageDecoder | null | undefined;

export function zlibWasmAvailable(): boolean {
  if (wasm === undefined) wasm = loadWasmDecoder(ZLIB_WASM_BASE64, "zlibDecompress");
  return wasm !== null;
}

/** Inflates a zlib page into `output`, which it must fill exactly (Adler-32 checked); throws CodecError. */
export function zlibDecompressFast(input: Uint8Array, output: Uint8Array): void {
  checkExpectedSize("zlib", output.length);
  if (wasm === undefined) wasm = loadWasmDecoder(ZLIB_WASM_BASE64, "zlibDecompress");
  if (wasm !== null && input.length + output.length <= MAX_WASM_BYTES && wasm.run(input, output) === output.length) return;
  output.set(zlibDecompress(input, output.length));
}
