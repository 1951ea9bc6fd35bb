// Node's own zlib for kdump-compressed pages: the core's pure-JS inflate (fflate) decodes about 19k pages/s
// on the fixture, Node's zlib about 50k. The core keeps fflate for every other host; the Node adapters pass
// this in. Output is capped at one byte over the page, so a hostile page cannot inflate into a large buffer.
import { inflateSync } from "node:zlib";
import { CodecError } from "../core/io/errors";
import type { CodecOverrides } from "../core/session/host-types";

function nodeZlib(input: Uint8Array, out: Uint8Array): void {
  let result: Buffer;
  try {
    result = inflateSync(input, { maxOutputLength: out.length + 1 });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new CodecError("zlib", msg.split("\n")[0] ?? "inflate failed");
  }
  if (result.length !== out.length) throw new CodecError("zlib", `page decodes to ${result.length} bytes, expected ${out.length}`);
  out.set(result);
}

export const nodeCodecs: CodecOverrides = { zlib: nodeZlib };
