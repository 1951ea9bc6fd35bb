// The interrupt descriptor table (arch/x86/kernel/idt.c idt_table[IDT_ENTRIES], struct gate_struct of
// arch/x86/include/asm/desc_defs.h): 256 16-byte gates, each with the handler's address split in three
// (offset_low, offset_middle, offset_high), a segment, and bits (ist:3, zero:5, type:5, dpl:2, p:1).
// A rootkit that points a vector at its own code (volatility3's check_idt) shows here.
import { KdwError, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";
import { optionalType } from "../../program/optional-types";

export const IDT_ENTRIES = 256;
const GATE_SIZE = 16;
// struct gate_struct (x86-64, unchanged since 4.15).
const OFFSET_LOW = 0;
const SEGMENT = 2;
const BITS = 4;
const OFFSET_MIDDLE = 6;
const OFFSET_HIGH = 8;

export interface IdtGate {
  vector: number;
  /** &idt_table[vector]. */
  address: bigint;
  handler: bigint;
  segment: number;
  present: boolean;
  ist: number;
  dpl: number;
  type: number;
  /** The gate's two quadwords as stored (what `rd -64 ADDRESS 2` shows). */
  low: bigint;
  high: bigint;
}

export interface IdtScan {
  gates: IdtGate[];
  problems: WalkAborted[];
  absent?: string;
}

/** Every present gate of idt_table. */
export function idtGates(prog: Program): IdtScan {
  const out: IdtScan = { gates: [], problems: [] };
  if (!prog.hasSymbol("idt_table")) {
    out.absent = "this kernel has no idt_table symbol";
    return out;
  }
  const base = prog.symbolAddress("idt_table");
  const t = optionalType(prog, "struct gate_struct");
  const size = t ? prog.sizeOf(t) : GATE_SIZE;
  if (size !== GATE_SIZE) {
    out.absent = `struct gate_struct is ${size} bytes, not the x86-64 gate of 16`;
    return out;
  }
  let bytes: Uint8Array;
  try {
    bytes = prog.read(base, IDT_ENTRIES * GATE_SIZE);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    out.problems.push(new WalkAborted("idt_table", err.message, 0));
    return out;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let v = 0; v < IDT_ENTRIES; v++) {
    const o = v * GATE_SIZE;
    const bits = dv.getUint16(o + BITS, true);
    const handler = (BigInt(dv.getUint32(o + OFFSET_HIGH, true)) << 32n) | (BigInt(dv.getUint16(o + OFFSET_MIDDLE, true)) << 16n) | BigInt(dv.getUint16(o + OFFSET_LOW, true));
    const present = (bits & 0x8000) !== 0;
    if (!present && handler === 0n) continue;
    out.gates.push({
      vector: v,
      address: base + BigInt(o),
      handler,
      segment: dv.getUint16(o + SEGMENT, true),
      present,
      ist: bits & 7,
      type: (bits >> 8) & 0x1f,
      dpl: (bits >> 13) & 3,
      low: dv.getBigUint64(o, true),
      high: dv.getBigUint64(o + 8, true),
    });
  }
  return out;
}
