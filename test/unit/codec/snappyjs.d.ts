// snappyjs ships no types. Only tests use it, for its compressor (the decoder is src/core/codec/snappy.ts).
declare module "snappyjs" {
  export function compress(uncompressed: Uint8Array): Uint8Array;
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
}
