// crash's frame-size count (x86_64_get_framesize's fallback: gdb disassembles the function and crash counts
// pushes, pops, `sub`/`add $N,%rsp` and `ret`s up to the return address) without a disassembler, for the
// instructions whose length and meaning are certain: the general-purpose one-byte map and the usual 0F
// opcodes. Anything else (VEX/EVEX, x87, 3DNow!, an opcode that is invalid in 64-bit mode, an interesting
// instruction with a prefix that changes how gdb spells it) gives up, and the caller disassembles as
// before. A backtrace needs this for a handful of functions, and a disassembler costs tens of ms to load.
import type { DecodedInstructionLike } from "./unwind-types";

/** What crash's count does with one instruction (the first word of gdb's text, and its operands). */
const OTHER = 0;
const PUSH = 1;
const POP = 2;
const RET = 3;
const ADD_RSP = 4;
const SUB_RSP = 5;

/** One decoded instruction: its length, its kind, and for ADD_RSP/SUB_RSP the immediate as gdb prints it. */
interface Step {
  length: number;
  kind: number;
  imm: bigint;
}

const LEGACY_PREFIXES = new Set([0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65]);

/** One-byte opcodes: 1 = a ModRM byte follows; immediate sizes apart (immediateSize). Unlisted: give up. */
const MODRM_1 = new Uint8Array(256);
/** One-byte opcodes without ModRM that are valid in 64-bit mode. */
const PLAIN_1 = new Uint8Array(256);
for (let op = 0; op < 0x40; op++) {
  const low = op & 7;
  if (low < 4) MODRM_1[op] = 1; // ALU r/m forms
  else if (low < 6) PLAIN_1[op] = 1; // ALU AL/eAX, imm
}
for (const op of [0x63, 0x69, 0x6b, 0x80, 0x81, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0xc0, 0xc1, 0xc6, 0xc7, 0xd0, 0xd1, 0xd2, 0xd3, 0xf6, 0xf7, 0xfe, 0xff]) MODRM_1[op] = 1;
for (let op = 0x50; op <= 0x5f; op++) PLAIN_1[op] = 1;
for (let op = 0x70; op <= 0x7f; op++) PLAIN_1[op] = 1;
for (let op = 0x90; op <= 0x99; op++) PLAIN_1[op] = 1;
for (let op = 0xa4; op <= 0xbf; op++) PLAIN_1[op] = 1;
for (const op of [0x68, 0x6a, 0x6c, 0x6d, 0x6e, 0x6f, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xc2, 0xc3, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xcf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf4, 0xf5, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd]) PLAIN_1[op] = 1;

/**
 * 0F xx opcodes: 1 = ModRM (any form valid), 2 = ModRM and imm8, 3 = no ModRM, 4 = rel32, 5 = ModRM with
 * forms that are invalid or other instructions (checked in step0F). Unlisted (SSE/MMX among them): give up.
 */
const MAP_0F = new Uint8Array(256);
for (let op = 0x40; op <= 0x4f; op++) MAP_0F[op] = 1; // cmovcc
for (let op = 0x90; op <= 0x9f; op++) MAP_0F[op] = 1; // setcc
for (const op of [0x02, 0x03, 0x1f, 0x20, 0x21, 0x22, 0x23, 0xa3, 0xa5, 0xab, 0xad, 0xaf, 0xb0, 0xb1, 0xb3, 0xb6, 0xb7, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xc0, 0xc1]) MAP_0F[op] = 1;
for (const op of [0xa4, 0xac]) MAP_0F[op] = 2; // shld/shrd imm8
for (const op of [0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0xa0, 0xa1, 0xa2, 0xa8, 0xa9, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf]) MAP_0F[op] = 3;
for (let op = 0x80; op <= 0x8f; op++) MAP_0F[op] = 4; // jcc rel32
for (const op of [0x00, 0x01, 0x0d, 0x18, 0x1e, 0xae, 0xb8, 0xba]) MAP_0F[op] = 5;

/** 0F 01 with mod 3: the register forms this decoder knows (clac, stac, swapgs, rdtscp, xgetbv, xsetbv). */
const GROUP7_REGISTER_FORMS = new Set([0xca, 0xcb, 0xf8, 0xf9, 0xd0, 0xd1]);

/** Whether a form-5 0F opcode with this ModRM (and a repeat prefix or not) is the instruction we think. */
function known0F(op2: number, modrm: number, f3: boolean, plain: boolean): boolean {
  const mod = modrm >> 6;
  const reg = (modrm >> 3) & 7;
  switch (op2) {
    case 0x00:
      return reg < 6; // group 6
    case 0x01:
      return mod !== 3 ? reg !== 5 : plain && GROUP7_REGISTER_FORMS.has(modrm);
    case 0x0d:
      return mod !== 3 && reg === 1; // prefetchw
    case 0x18:
      return mod !== 3 && reg < 4; // prefetchnta, prefetcht0..2
    case 0x1e:
      return f3 && modrm === 0xfa; // endbr64
    case 0xae:
      return mod !== 3 ? !f3 : plain && reg >= 5; // fxsave..clflush; lfence, mfence, sfence
    case 0xb8:
      return f3; // popcnt (0F B8 alone is invalid in 64-bit mode)
    case 0xba:
      return reg >= 4; // bt, bts, btr, btc imm8
    default:
      return false;
  }
}

/**
 * A lock prefix is valid before a read-modify-write of memory only (Intel SDM vol. 2, LOCK): add, or, adc,
 * sbb, and, sub, xor (r/m, r and the 80/81/83 forms but cmp), xchg, not, neg, inc, dec. Otherwise the
 * instruction is invalid, and the disassembler decides its length.
 */
function lockable1(op: number, modrm: number): boolean {
  if (modrm >> 6 === 3) return false;
  const reg = (modrm >> 3) & 7;
  if (op < 0x38) return (op & 7) < 2;
  if (op === 0x80 || op === 0x81 || op === 0x83) return reg !== 7;
  if (op === 0x86 || op === 0x87) return true;
  if (op === 0xf6 || op === 0xf7) return reg === 2 || reg === 3;
  if (op === 0xfe || op === 0xff) return reg < 2;
  return false;
}

/** The same for 0F opcodes: cmpxchg, xadd, bts/btr/btc. */
function lockable0F(op2: number, modrm: number): boolean {
  if (modrm >> 6 === 3) return false;
  const reg = (modrm >> 3) & 7;
  if (op2 === 0xb0 || op2 === 0xb1 || op2 === 0xc0 || op2 === 0xc1 || op2 === 0xab || op2 === 0xb3 || op2 === 0xbb) return true;
  return op2 === 0xba && reg >= 5;
}

/** Bytes of ModRM, SIB and displacement at `at` (the ModRM byte); -1 when past `end`. */
function modrmLength(b: Uint8Array, at: number, end: number): number {
  if (at >= end) return -1;
  const modrm = b[at]!;
  const mod = modrm >> 6;
  const rm = modrm & 7;
  if (mod === 3) return 1;
  let n = 1;
  if (rm === 4) {
    if (at + 1 >= end) return -1;
    const base = b[at + 1]! & 7;
    n++;
    if (mod === 0 && base === 5) return n + 4;
  } else if (mod === 0 && rm === 5) return n + 4; // RIP-relative
  return n + (mod === 1 ? 1 : mod === 2 ? 4 : 0);
}

/** The sign-extended immediate of an add/sub to %rsp, as gdb prints it (unsigned, 64 bits). */
function immediate(b: Uint8Array, at: number, size: number): bigint {
  let v = 0;
  for (let k = size - 1; k >= 0; k--) v = v * 256 + b[at + k]!;
  const signed = v >= 2 ** (size * 8 - 1) ? v - 2 ** (size * 8) : v;
  return BigInt.asUintN(64, BigInt(signed));
}

/** One instruction at `at`, or undefined when this decoder is not certain of it. */
function step(b: Uint8Array, at: number, end: number): Step | undefined {
  let p = at;
  let prefixes = 0;
  let opsize16 = false;
  let f3 = false;
  let lock = false;
  while (p < end && LEGACY_PREFIXES.has(b[p]!)) {
    if (b[p] === 0x66) opsize16 = true;
    if (b[p] === 0xf3) f3 = true;
    if (b[p] === 0xf0) lock = true;
    prefixes++;
    p++;
    if (prefixes > 4) return undefined;
  }
  let rex = 0;
  if (p < end && (b[p]! & 0xf0) === 0x40) rex = b[p++]!;
  if (p >= end) return undefined;
  const op = b[p++]!;
  const rexW = (rex & 8) !== 0;
  const plain = prefixes === 0;
  const done = (q: number, kind = OTHER, imm = 0n): Step | undefined => (q <= end ? { length: q - at, kind, imm } : undefined);
  if (lock && op !== 0x0f && !(MODRM_1[op] && p < end && lockable1(op, b[p]!))) return undefined;
  if (op === 0x0f) {
    if (p >= end) return undefined;
    const op2 = b[p++]!;
    const form = MAP_0F[op2]!;
    if (form === 0) return undefined;
    if (op2 === 0xa0 || op2 === 0xa8) return plain && rex === 0 ? done(p, PUSH) : undefined; // push %fs/%gs
    if (op2 === 0xa1 || op2 === 0xa9) return plain && rex === 0 ? done(p, POP) : undefined; // pop %fs/%gs
    if (form === 3) return done(p);
    if (form === 4) return done(p + 4);
    if (op2 >= 0x20 && op2 <= 0x23) return done(p + 1); // mov to/from control and debug registers: always register forms
    const m = modrmLength(b, p, end);
    if (m < 0) return undefined;
    if (lock && !lockable0F(op2, b[p]!)) return undefined;
    if (form === 5 && !known0F(op2, b[p]!, f3, plain)) return undefined;
    // crash's test is on the mnemonic's start: it takes `popcnt` for a pop.
    if (op2 === 0xb8) return prefixes === 1 ? done(p + m, POP) : undefined;
    return done(p + m + (op2 === 0xba || form === 2 ? 1 : 0));
  }
  if (PLAIN_1[op]) {
    // push/pop of a register: a REX but REX.B (r8-r15) is printed as a prefix word by gdb.
    if (op >= 0x50 && op <= 0x5f) return plain && (rex === 0 || rex === 0x41) ? done(p, op < 0x58 ? PUSH : POP) : undefined;
    if (op === 0x68 || op === 0x6a) return plain && rex === 0 ? done(p + (op === 0x6a ? 1 : opsize16 ? 2 : 4), PUSH) : undefined;
    if (op === 0x9c) return plain && rex === 0 ? done(p, PUSH) : undefined; // pushf
    if (op === 0x9d) return plain && rex === 0 ? done(p, POP) : undefined; // popf
    if (op === 0xc3) return plain && rex === 0 ? done(p, RET) : undefined;
    if (op === 0xc2) return plain && rex === 0 ? done(p + 2, RET) : undefined;
    if (op === 0xc9) return plain && rex === 0 ? done(p) : undefined; // leave: gdb 10 prints `leave`, which crash does not count
    if (op < 0x40) return done(p + ((op & 7) === 4 ? 1 : opsize16 ? 2 : 4)); // ALU AL, imm8 / eAX, imm
    if (op >= 0x70 && op <= 0x7f) return done(p + 1);
    if (op >= 0xa4 && op <= 0xaf) return done(p + (op === 0xa8 ? 1 : op === 0xa9 ? (opsize16 ? 2 : 4) : 0));
    if (op >= 0xb0 && op <= 0xb7) return done(p + 1);
    if (op >= 0xb8 && op <= 0xbf) return done(p + (rexW ? 8 : opsize16 ? 2 : 4));
    if (op === 0xc8) return done(p + 3);
    if (op === 0xca) return done(p + 2); // lret $N: `lret`, not a `ret` to crash
    if (op === 0xcb) return done(p);
    if (op === 0xcd || (op >= 0xe0 && op <= 0xe7) || op === 0xeb) return done(p + 1);
    if (op === 0xe8 || op === 0xe9) return done(p + 4);
    return done(p);
  }
  if (!MODRM_1[op]) return undefined;
  if (p >= end) return undefined;
  const modrm = b[p]!;
  const reg = (modrm >> 3) & 7;
  const mod = modrm >> 6;
  const m = modrmLength(b, p, end);
  if (m < 0) return undefined;
  const q = p + m;
  switch (op) {
    case 0x80:
    case 0x83:
    case 0xc0:
    case 0xc1:
    case 0x6b:
    case 0xc6: {
      if (op === 0xc6 && reg !== 0) return undefined; // xabort
      if (op === 0x83 && (reg === 0 || reg === 5) && mod === 3 && (modrm & 7) === 4 && (rex & 1) === 0 && rexW) {
        return plain && rex === 0x48 ? done(q + 1, reg === 0 ? ADD_RSP : SUB_RSP, immediate(b, q, 1)) : undefined;
      }
      return done(q + 1);
    }
    case 0x81:
    case 0x69:
    case 0xc7: {
      if (op === 0xc7 && reg !== 0) return undefined; // xbegin
      const size = opsize16 ? 2 : 4;
      if (op === 0x81 && (reg === 0 || reg === 5) && mod === 3 && (modrm & 7) === 4 && (rex & 1) === 0 && rexW) {
        return plain && rex === 0x48 ? done(q + 4, reg === 0 ? ADD_RSP : SUB_RSP, immediate(b, q, 4)) : undefined;
      }
      return done(q + size);
    }
    case 0xf6:
      return done(q + (reg < 2 ? 1 : 0));
    case 0xf7:
      return done(q + (reg < 2 ? (opsize16 ? 2 : 4) : 0));
    case 0x8d:
      return mod === 3 ? undefined : done(q);
    case 0x8f:
      return reg === 0 && plain && rex === 0 ? done(q, POP) : undefined;
    case 0xfe:
      return reg < 2 ? done(q) : undefined;
    case 0xff:
      if (reg === 7 || (mod === 3 && (reg === 3 || reg === 5))) return undefined; // far call/jmp take memory
      if (reg === 6) return plain && rex === 0 ? done(q, PUSH) : undefined;
      return done(q);
    case 0x8c:
      return reg < 6 ? done(q) : undefined; // segment registers
    case 0x8e:
      return reg < 6 && reg !== 1 ? done(q) : undefined; // not to %cs
    default:
      return done(q);
  }
}

/**
 * crash's count (unwind.ts countPushes) over `bytes` (the function from `fnStart`), from the instructions
 * before `textaddr` (and at it, for an exception frame); undefined when an instruction on the way is one
 * this decoder is not certain of.
 */
export function countPushesQuick(bytes: Uint8Array, fnStart: bigint, textaddr: bigint, exception: boolean): number | undefined {
  const span = Number(textaddr - fnStart);
  let framesize = 0;
  let max = 0;
  let off = 0;
  while (off < bytes.length && (off < span || (off === span && exception))) {
    const s = step(bytes, off, bytes.length);
    if (!s) return undefined;
    switch (s.kind) {
      case PUSH:
        framesize += 8;
        max = framesize;
        break;
      case POP:
        if (framesize > 0) framesize -= 8;
        break;
      case ADD_RSP:
        if (framesize > 0) framesize = Number(BigInt.asIntN(32, BigInt(framesize) - s.imm));
        break;
      case SUB_RSP:
        framesize = Number(BigInt.asIntN(32, BigInt(framesize) + s.imm));
        max = framesize;
        break;
      case RET:
        if (!exception) framesize = max;
        break;
    }
    off += s.length;
  }
  return framesize;
}

/** One instruction's length and kind, for the tests that hold this decoder against a disassembler. */
export function stepForTest(bytes: Uint8Array, at: number, end: number): { length: number; kind: number } | undefined {
  return step(bytes, at, end);
}

/**
 * crash's count over disassembled text (x86_64_get_framesize's fallback: gdb's listing): pushes add 8 and
 * set the maximum, pops and `leave` take 8 back, `sub`/`add $N,%rsp` move it by N, a `ret` before the
 * address (not in an exception frame) restores the maximum. The unwinder's path when countPushesQuick
 * gives up, and the reference the tests hold that one to.
 */
export function countPushesInText(insns: readonly DecodedInstructionLike[], textaddr: bigint, exception: boolean): number {
  let framesize = 0;
  let max = 0;
  for (const insn of insns) {
    if (insn.address > textaddr || (insn.address === textaddr && !exception)) break;
    const words = `${insn.mnemonic} ${insn.operands}`.trim().split(/\s+/);
    const op = words[0] ?? "";
    const arg = words[1] ?? "";
    if (op.startsWith("push")) {
      framesize += 8;
      max = framesize;
    } else if (op.startsWith("pop") || op.startsWith("leaveq")) {
      if (framesize > 0) framesize -= 8;
    } else if ((op.startsWith("add") || op.startsWith("sub")) && arg.includes(",%rsp")) {
      const imm = /^\$(0x[0-9a-f]+|\d+)/.exec(arg.slice(0, arg.indexOf(",%rsp")));
      if (!imm) continue;
      const n = BigInt(imm[1]!);
      if (op.startsWith("add")) {
        if (framesize > 0) framesize = Number(BigInt.asIntN(32, BigInt(framesize) - n));
      } else {
        framesize = Number(BigInt.asIntN(32, BigInt(framesize) + n));
        max = framesize;
      }
    } else if (op.startsWith("ret")) {
      if (!exception) framesize = max;
    }
  }
  return framesize;
}
