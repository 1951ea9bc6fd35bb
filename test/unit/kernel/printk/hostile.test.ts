// Hostile log memory: random byte overwrites in each layout's structures must end in a result (possibly
// marked partial) or a typed KdwError — never another exception, never a hang (fast-check, fixed seed).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatLog } from "../../../../src/core/commands/system/log-format";
import { KdwError } from "../../../../src/core/io/errors";
import { readPrintkLog } from "../../../../src/core/kernel/printk/printk";
import type { Program } from "../../../../src/core/program/program";
import { FlatLogBuf, type FlatSpace, LocklessRing, RecordLogBuf } from "./image";

const patches = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), run: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 12 });

function hostile(build: () => { space: FlatSpace; program: () => Program; regions: [number, number][] }): void {
  fc.assert(
    fc.property(patches, (ps) => {
      const img = build();
      for (const p of ps) {
        const [start, len] = img.regions[p.at % img.regions.length]!;
        const off = start + (p.at % len);
        for (let i = 0; i < p.run && off + i < img.space.bytes.length; i++) img.space.bytes[off + i] = p.run === 8 ? 0xff : p.value;
      }
      try {
        const log = readPrintkLog(img.program());
        formatLog(log, { level: true, dict: true, caller: true }, { pidMaxChars: 8 });
        expect(log.records.length).toBeLessThanOrEqual(1 << 16);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
    }),
    { seed: 20260826, numRuns: 300 },
  );
}

describe("printk readers on hostile memory", () => {
  it("lockless ring", () => {
    hostile(() => {
      const ring = new LocklessRing(4, 10);
      for (let i = 0; i < 12; i++) ring.push({ text: `record ${i} `.repeat(1 + (i % 5)), subsystem: "pci", device: "+pci:0" });
      return { space: ring.space, program: () => ring.program(), regions: [[ring.rb, 88], [ring.descs, 16 * 24], [ring.infos, 16 * 88], [ring.data, 1024]] };
    });
  });

  it("printk_log records", () => {
    hostile(() => {
      const log = new RecordLogBuf(512, { callerId: true });
      for (let i = 0; i < 20; i++) log.push({ text: `message ${i}`, dict: i % 3 ? "" : "SUBSYSTEM=x" });
      log.firstIdx = 60;
      log.sync();
      return { space: log.space, program: () => log.program(), regions: [[log.buf, 512], [Number(log.symbols.addressOf("log_first_idx")! - 0xffff888000000000n), 12]] };
    });
  });

  it("flat log_buf", () => {
    hostile(() => {
      const log = new FlatLogBuf(256);
      for (let i = 0; i < 20; i++) log.write(`<${i % 8}>line ${i}\n`);
      return { space: log.space, program: () => log.program(), regions: [[log.buf, 256], [Number(log.symbols.addressOf("log_end")! - 0xffff888000000000n), 32]] };
    });
  });
});
