// The few host globals src/core may use besides ECMAScript itself (DESIGN.md: "src/core imports nothing from
// Node, the DOM or Electron"). Declared here so that tsconfig.core.json can leave out every platform's types.

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecodeOptions {
  stream?: boolean;
}
declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}
declare class TextEncoder {
  constructor();
  encode(input?: string): Uint8Array;
  /** Encoding API: UTF-8 of `source` into `destination`, as far as it fits. */
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
