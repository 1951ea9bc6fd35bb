// eBPF instructions as text (include/uapi/linux/bpf.h, bpf_common.h; kernel/bpf/disasm.c print_bpf_insn),
// as crash's `bpf -t` prints them (bpf.c dump_xlated_plain, print_bpf_insn, adapted by crash from an older
// kernel): one line per instruction, "(OPCODE) text", a 16-byte ld_imm64 as one line. Where crash's table
// stops (32-bit jumps, BPF_JMP32, 5.1; atomic operations other than add, 5.12) the text follows the kernel's
// own disassembler of 6.1 instead of crash's "BUG" lines. Pure: names come from the caller.

export interface BpfInsn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

/** struct bpf_insn at byte `at`: code, dst_reg:4, src_reg:4 (little-endian bitfields), off (s16), imm (s32). */
export function bpfInsnAt(bytes: Uint8Array, at: number): BpfInsn {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
  const regs = dv.getUint8(1);
  return { code: dv.getUint8(0), dst: regs & 0xf, src: regs >> 4, off: dv.getInt16(2, true), imm: dv.getInt32(4, true) };
}

export interface BpfNames {
  /** A 64-bit immediate: "map[id:N]" when it is a map's address, else undefined (printed as 0x...). */
  imm64(value: bigint): string | undefined;
  /** A helper call's name (func_id_str[imm], or the function at __bpf_call_base + imm); undefined: "unknown". */
  helper(insn: BpfInsn): string | undefined;
}

const BPF_LD = 0x00;
const BPF_LDX = 0x01;
const BPF_ST = 0x02;
const BPF_STX = 0x03;
const BPF_ALU = 0x04;
const BPF_JMP = 0x05;
const BPF_JMP32 = 0x06;
const BPF_ALU64 = 0x07;
const BPF_X = 0x08;
const BPF_IMM = 0x00;
const BPF_ABS = 0x20;
const BPF_IND = 0x40;
const BPF_MEM = 0x60;
const BPF_ATOMIC = 0xc0;
const BPF_DW = 0x18;
const BPF_NEG = 0x80;
const BPF_END = 0xd0;
const BPF_CALL = 0x80;
const BPF_EXIT = 0x90;
const BPF_JA = 0x00;
const BPF_PSEUDO_CALL = 1;
/** include/uapi/linux/bpf.h: atomic op flags in imm. */
const BPF_FETCH = 0x01;
const BPF_XCHG = 0xe0 | BPF_FETCH;
const BPF_CMPXCHG = 0xf0 | BPF_FETCH;

const CLASS = ["ld", "ldx", "st", "stx", "alu", "jmp", "BUG", "alu64"];
const ALU: Record<number, string> = { 0x0: "+=", 0x1: "-=", 0x2: "*=", 0x3: "/=", 0x4: "|=", 0x5: "&=", 0x6: "<<=", 0x7: ">>=", 0x8: "neg", 0x9: "%=", 0xa: "^=", 0xb: "=", 0xc: "s>>=", 0xd: "endian" };
const SIZE: Record<number, string> = { 0: "u32", 1: "u16", 2: "u8", 3: "u64" };
const JMP: Record<number, string> = { 0x0: "jmp", 0x1: "==", 0x2: ">", 0xa: "<", 0x3: ">=", 0xb: "<=", 0x4: "&", 0x5: "!=", 0x6: "s>", 0xc: "s<", 0x7: "s>=", 0xd: "s<=", 0x8: "call", 0x9: "exit" };

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");
const signed = (n: number): string => (n < 0 ? `${n}` : `+${n}`);

/** print_bpf_insn: the text after "(OPCODE) " for one instruction (`next`: the second half of an ld_imm64). */
export function formatBpfInsn(insn: BpfInsn, next: BpfInsn | undefined, names: BpfNames): string {
  const cls = insn.code & 0x07;
  const op = insn.code & 0xf0;
  const c = `(${hex2(insn.code)})`;
  const size = SIZE[(insn.code & 0x18) >> 3]!;
  const mode = insn.code & 0xe0;
  if (cls === BPF_ALU || cls === BPF_ALU64) {
    const u32 = cls === BPF_ALU ? "(u32) " : "";
    if (op === BPF_END) return cls === BPF_ALU64 ? `BUG_alu64_${hex2(insn.code)}` : `${c} r${insn.dst} = ${insn.code & BPF_X ? "be" : "le"}${insn.imm} r${insn.dst}`;
    if (op === BPF_NEG) return `${c} r${insn.dst} = ${u32}-r${insn.dst}`;
    if (insn.code & BPF_X) return `${c} ${u32}r${insn.dst} ${ALU[op >> 4]} ${u32}r${insn.src}`;
    return `${c} ${u32}r${insn.dst} ${ALU[op >> 4]} ${u32}${insn.imm}`;
  }
  if (cls === BPF_STX) {
    if (mode === BPF_MEM) return `${c} *(${size} *)(r${insn.dst} ${signed(insn.off)}) = r${insn.src}`;
    if (mode === BPF_ATOMIC) {
      // imm 0 is BPF_ADD, the old BPF_XADD crash knows; the others as kernel/bpf/disasm.c prints them.
      const target = `*(${size} *)(r${insn.dst} ${signed(insn.off)})`;
      if (insn.imm === 0) return `${c} lock ${target} += r${insn.src}`;
      if (insn.imm === BPF_XCHG) return `${c} r${insn.src} = atomic${size === "u64" ? "64" : ""}_xchg((${size} *)(r${insn.dst} ${signed(insn.off)}), r${insn.src})`;
      if (insn.imm === BPF_CMPXCHG) return `${c} r0 = atomic${size === "u64" ? "64" : ""}_cmpxchg((${size} *)(r${insn.dst} ${signed(insn.off)}), r0, r${insn.src})`;
      const aluOp = ALU[(insn.imm & 0xf0) >> 4];
      if (aluOp && (insn.imm & ~(0xf0 | BPF_FETCH)) === 0) {
        if (insn.imm & BPF_FETCH) return `${c} r${insn.src} = atomic${size === "u64" ? "64" : ""}_fetch_${["add", "", "", "", "or", "and", "", "", "", "", "xor"][(insn.imm & 0xf0) >> 4]}((${size} *)(r${insn.dst} ${signed(insn.off)}), r${insn.src})`;
        return `${c} lock ${target} ${aluOp} r${insn.src}`;
      }
    }
    return `BUG_${hex2(insn.code)}`;
  }
  if (cls === BPF_ST) {
    if (mode !== BPF_MEM) return `BUG_st_${hex2(insn.code)}`;
    return `${c} *(${size} *)(r${insn.dst} ${signed(insn.off)}) = ${insn.imm}`;
  }
  if (cls === BPF_LDX) {
    if (mode !== BPF_MEM) return `BUG_ldx_${hex2(insn.code)}`;
    return `${c} r${insn.dst} = *(${size} *)(r${insn.src} ${signed(insn.off)})`;
  }
  if (cls === BPF_LD) {
    if (mode === BPF_ABS) return `${c} r0 = *(${size} *)skb[${insn.imm}]`;
    if (mode === BPF_IND) return `${c} r0 = *(${size} *)skb[r${insn.src} + ${insn.imm}]`;
    if (mode === BPF_IMM && (insn.code & 0x18) === BPF_DW) {
      const value = (BigInt.asUintN(32, BigInt(next?.imm ?? 0)) << 32n) | BigInt.asUintN(32, BigInt(insn.imm));
      return `${c} r${insn.dst} = ${names.imm64(value) ?? `0x${value.toString(16)}`}`;
    }
    return `BUG_ld_${hex2(insn.code)}`;
  }
  if (cls === BPF_JMP || cls === BPF_JMP32) {
    // BPF_JMP32 (5.1) compares the low 32 bits: the kernel names its registers w0..w10.
    const r = cls === BPF_JMP32 ? "w" : "r";
    if (cls === BPF_JMP && op === BPF_CALL) {
      if (insn.src === BPF_PSEUDO_CALL) return `${c} call pc${signed(insn.imm)}`;
      return `${c} call ${names.helper(insn) ?? "unknown"}#${insn.imm}`;
    }
    if (cls === BPF_JMP && insn.code === (BPF_JMP | BPF_JA)) return `${c} goto pc${signed(insn.off)}`;
    if (cls === BPF_JMP && insn.code === (BPF_JMP | BPF_EXIT)) return `${c} exit`;
    const cmp = JMP[op >> 4];
    if (cmp === undefined || op === BPF_CALL || op === BPF_EXIT) return `${c} ${CLASS[cls]}`;
    if (insn.code & BPF_X) return `${c} if ${r}${insn.dst} ${cmp} ${r}${insn.src} goto pc${signed(insn.off)}`;
    return `${c} if ${r}${insn.dst} ${cmp} 0x${(insn.imm >>> 0).toString(16)} goto pc${signed(insn.off)}`;
  }
  return `${c} ${CLASS[cls]}`;
}

/** fprint_hex: bytes as "bf 16 00 ...", a wider gap every 8 bytes. */
function hexBytes(bytes: Uint8Array): string {
  let s = "";
  bytes.forEach((b, i) => {
    s += (i === 0 ? "" : i % 16 === 0 ? "\n" : i % 8 === 0 ? "  " : " ") + hex2(b);
  });
  return s;
}

/** dump_xlated_plain: each instruction "% 4d: text", with -T its bytes below (a ld_imm64's 16 on one line). */
export function formatXlated(bytes: Uint8Array, names: BpfNames, opcodes: boolean): string {
  const count = Math.floor(bytes.length / 8);
  let out = "";
  for (let i = 0; i < count; i++) {
    const insn = bpfInsnAt(bytes, i * 8);
    const wide = insn.code === (BPF_LD | BPF_IMM | BPF_DW);
    const next = wide && i + 1 < count ? bpfInsnAt(bytes, (i + 1) * 8) : undefined;
    out += `${(" " + i).padStart(4)}: ${formatBpfInsn(insn, next, names)}\n`; // printf("% 4d")
    if (opcodes) {
      out += "       " + hexBytes(bytes.subarray(i * 8, i * 8 + 8));
      if (wide && i + 1 < count) out += " " + hexBytes(bytes.subarray(i * 8 + 8, i * 8 + 16));
      out += "\n";
    }
    if (wide) i++;
  }
  return out;
}
