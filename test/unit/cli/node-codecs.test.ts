// The CLI's Node zlib page decoder: the same bytes as the core's pure-JS one on every zlib page of the
// fixture, and one-line CodecErrors for hostile input (truncated, bit-flipped, a page that inflates too far).
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { nodeCodecs } from "../../../src/cli/node-codecs";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { DiskdumpVmcore } from "../../../src/core/dump/diskdump";
import { CodecError } from "../../../src/core/io/errors";
import { fixture, haveFixtures } from "../../fixtures";

const zlib = nodeCodecs.zlib!;

describe("Node zlib page decoder", () => {
  it("decodes a page and refuses a wrong size, a cut stream, a flipped byte and a bomb", () => {
    const page = new Uint8Array(4096).map((_, i) => (i * 7) & 0xff);
    const z = new Uint8Array(deflateSync(page));
    const out = new Uint8Array(4096);
    zlib(z, out);
    expect(out).toEqual(page);
    expect(() => zlib(z, new Uint8Array(2048))).toThrow(CodecError);
    expect(() => zlib(z.subarray(0, z.length - 3), out)).toThrow(CodecError);
    const flipped = z.slice();
    flipped[Math.floor(z.length / 2)]! ^= 0xff;
    expect(() => zlib(flipped, out)).toThrow(CodecError);
    const bomb = new Uint8Array(deflateSync(new Uint8Array(1 << 20)));
    expect(() => zlib(bomb, out)).toThrow(CodecError);
  });
});

describe.skipIf(!haveFixtures("dump.zlib"))("Node zlib against the pure-JS decoder on dump.zlib", () => {
  it("every page decodes to the same bytes", () => {
    const a = DiskdumpVmcore.open(new NodeFileSource("dump.zlib", fixture("dump.zlib")!));
    const b = DiskdumpVmcore.open(new NodeFileSource("dump.zlib", fixture("dump.zlib")!), { codecs: nodeCodecs });
    let n = 0;
    for (let pfn = 0; pfn < a.maxPfn; pfn++) {
      if (a.pageState(pfn) !== "present") continue;
      const x = a.readPage(pfn);
      const y = b.readPage(pfn);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) expect.fail(`pfn ${pfn}: byte ${i} differs`);
      n++;
    }
    expect(n).toBe(20093);
  });
});
