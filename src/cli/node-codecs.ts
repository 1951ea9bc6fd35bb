// Page decoders the Node adapters pass to the core in place of its own (CodecOverrides). None at present:
// the core's WebAssembly zlib decoder reads the fixture's zlib pages faster than Node's zlib does through
// inflateSync (about 54k against 44k pages/s of CPU time, dump.zlib, test/bench), which also allocates a
// Buffer per page. The hook stays for codecs where a host has something faster.
import type { CodecOverrides } from "../core/session/host-types";

export const nodeCodecs: CodecOverrides = {};
