// crash 8.0.6's x86_64 backtrace (x86_64.c x86_64_low_budget_back_trace_cmd with ORC): scan the stack
// words upward from the starting SP; a word that is a kernel text address with a non-zero offset in its
// function is a frame; the function's ORC entry (at that address, as crash looks it up) gives the frame size
// to skip. Exception frames (pt_regs) are printed after the entry points that leave them, the IST stacks
// (NMI, #DF, ...) and the IRQ stack are followed back to the task's stack, and the user registers at the top
// of the task stack end the trace. Kept step for step so that the output matches crash's line for line;
// where crash gives up (an SP on the entry trampoline stack), kdw follows the kernel's own layout instead.
import { countPushesInText, countPushesQuick } from "./frame-count";
import { ORC_REG_BP, ORC_REG_PREV_SP, ORC_REG_SP, ORC_REG_UNDEFINED } from "./orc";
import { NMI_STACK_INDEX, StackBuffer, StackPageMissing, inRange, type ExceptionStack, type StackRange } from "./stacks";
import { decodePtRegs, eframeVerify, isUserAddr, type VerifyContext } from "./unwind-eframe";
import type { Backtrace, BacktraceLine, PtRegs, UnwindEnv, UnwindOptions, UnwindStart, UnwindTask } from "./unwind-types";

const COMPLETE = 1;
const IGNORED = 2;
const DISPLAYED = 3;
const EFRAME_DISPLAYED = 4;
const MAX_TRANSITIONS = 8;
const DEFAULT_MAX_FRAMES = 512;
/** Longest function prefix crash's fallback will disassemble (bytes). */
const MAX_FUNCTION_SCAN = 1 << 16;

class TraceEnded extends Error {}

/** One backtrace's state: crash's struct bt_info, reduced to what the ORC path uses. */
class Tracer {
  readonly lines: BacktraceLine[] = [];
  stack: StackBuffer;
  stkptr: bigint;
  instptr: bigint;
  bptr: bigint;
  frameptr = 0n;
  eframeIp = 0n;
  exceptionStack = false;
  irqStack = false;
  framesizeDisable = false;
  incomplete = false;
  private frames = 0;

  constructor(
    readonly env: UnwindEnv,
    readonly task: UnwindTask,
    readonly start: UnwindStart,
    readonly opts: UnwindOptions,
  ) {
    this.stack = new StackBuffer(task.stack, env.read);
    this.stkptr = start.rsp;
    this.instptr = start.rip;
    this.bptr = start.bp;
  }

  inExceptionStack(addr: bigint): ExceptionStack | undefined {
    for (const c of this.env.cpus) for (const e of c.exception) if (inRange(addr, e)) return e;
    return undefined;
  }

  inIrqStack(addr: bigint): StackRange | undefined {
    for (const c of this.env.cpus) if (inRange(addr, c.irq)) return c.irq;
    return undefined;
  }

  sym(addr: bigint): string | undefined {
    return this.env.symbolAt(addr)?.name;
  }

  isText(i: number): boolean {
    return this.stack.hi(i) === 0xffffffff && this.env.isKernelText(this.stack.word(i));
  }

  private verifyContext(): VerifyContext {
    const env = this.env;
    return {
      isKernelText: (a) => env.isKernelText(a),
      isModuleAddr: (a) => env.isModuleAddr(a),
      isMappedVmalloc: (a) => env.isMappedVmalloc(a),
      startEstackIndex: this.inExceptionStack(this.stkptr)?.index ?? -1,
      onExceptionStack: this.exceptionStack,
      wordBelow: (k) => this.readWord(k - 8n),
      symbolNameAt: (a) => this.sym(a),
      ptRegsSize: env.ptRegs.size,
    };
  }

  readWord(addr: bigint): bigint | undefined {
    try {
      const b = this.env.read(addr, 8);
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    } catch {
      return undefined;
    }
  }

  private readRegs(kvaddr: bigint): PtRegs | undefined {
    const size = this.env.ptRegs.size;
    try {
      const bytes = this.stack.contains(kvaddr) && this.stack.contains(kvaddr + BigInt(size) - 1n) ? this.stack.slice(kvaddr, size) : this.env.read(kvaddr, size);
      return decodePtRegs(bytes, this.env.ptRegs);
    } catch {
      return undefined;
    }
  }

  /** x86_64_exception_frame: print (if asked, and if verified when asked to verify); returns cs / verified. */
  exceptionFrame(kvaddr: bigint, print: boolean, verify: boolean): { cs: bigint; verified: boolean } | undefined {
    const regs = this.readRegs(kvaddr);
    if (!regs) {
      if (print && !verify) this.stop(`exception frame at ${kvaddr.toString(16)} cannot be read`);
      return undefined;
    }
    const verified = eframeVerify(this.verifyContext(), kvaddr, regs);
    if (print && (verified || !verify)) {
      const kernelMode = (regs.cs & 3n) === 0n;
      const line: BacktraceLine = { kind: "exception", at: kvaddr, regs, kernelMode };
      if (kernelMode) {
        const hit = this.env.symbolAt(regs.ip);
        if (hit) {
          line.rip = hit;
          this.eframeIp = regs.ip;
        } else line.ripMessage = this.env.isModuleAddr(regs.ip) && this.env.isMappedVmalloc(regs.ip) ? "no symbolic reference" : "unknown or invalid address";
      }
      this.lines.push(line);
    }
    this.bptr = regs.bp;
    return { cs: regs.cs, verified };
  }

  stop(text: string): never {
    this.lines.push({ kind: "stop", text });
    this.incomplete = true;
    throw new TraceEnded();
  }

  fatal(text: string): never {
    this.lines.push({ kind: "error", text });
    this.incomplete = true;
    throw new TraceEnded();
  }

  private displayFullFrame(rsp: bigint): void {
    if (rsp < this.frameptr) return;
    if (!this.stack.contains(rsp) || !this.stack.contains(this.frameptr)) return;
    const n = Number((rsp - this.frameptr) / 8n) + 1;
    const words: bigint[] = [];
    for (let k = 0; k < n; k++) {
      const a = this.frameptr + BigInt(k * 8);
      words.push(this.stack.contains(a) ? this.stack.at(a) : 0n);
    }
    this.lines.push({ kind: "words", addr: this.frameptr, words });
  }

  /** x86_64_print_stack_entry. `at` is the stack slot (crash: stackbase + stkindex*8, or stkptr). */
  printStackEntry(level: number, slot: bigint, text: bigint, mode: { start?: boolean; eframe?: boolean; saveEframeIp?: boolean } = {}): number {
    if (!mode.saveEframeIp) this.eframeIp = 0n;
    const hit = this.env.symbolAt(text);
    if (!hit) return IGNORED;
    const name = hit.name;
    let eframeCheck = -1;
    if (hit.offset === 0 && !mode.eframe && !mode.start) {
      if (name === "error_exit") eframeCheck = 8;
      else return IGNORED;
    }
    if (eframeCheck === -1 && hit.offset !== 0 && !mode.eframe && !mode.start) {
      if (this.env.exceptionFunctions.has(name)) eframeCheck = 8;
      if (this.inIrqStack(this.stkptr) && name.includes("_interrupt")) eframeCheck = 0;
    }
    let result = name === "cpu_idle" || name === "system_call_fastpath" ? COMPLETE : DISPLAYED;
    const rsp = mode.eframe || mode.start ? this.stkptr : slot;
    if (this.opts.full) {
      if (this.frameptr) this.displayFullFrame(rsp);
      this.frameptr = rsp + 8n;
    }
    if (++this.frames > (this.opts.maxFrames ?? DEFAULT_MAX_FRAMES)) this.stop(`more than ${this.opts.maxFrames ?? DEFAULT_MAX_FRAMES} frames: stopped`);
    this.lines.push({ kind: "frame", level, sp: rsp, ip: text, name, offset: hit.offset });
    if (eframeCheck >= 0) {
      const r = this.exceptionFrame(slot + BigInt(eframeCheck), true, true);
      if (r?.verified) result = EFRAME_DISPLAYED;
    }
    return result;
  }

  /** x86_64_get_framesize on the ORC path; the instruction-scan fallback is the env's, when it has one. */
  framesize(textaddr: bigint, rsp: bigint, stackPtr: bigint | undefined): number {
    if (this.opts.oldMethod) return 0;
    const hit = this.env.symbolAt(textaddr);
    if (!hit) {
      this.framesizeDisable = true;
      return 0;
    }
    const fnStart = textaddr - BigInt(hit.offset);
    if (this.env.initText && inRange(fnStart, this.env.initText)) return 0;
    const orc = this.env.orcFind(textaddr);
    if (orc && orc.type === "call") {
      let framesize = -1;
      let prevSp = 0n;
      if (orc.spReg === ORC_REG_SP) {
        framesize = orc.spOffset - 8;
        prevSp = rsp + 8n + BigInt(orc.spOffset);
      } else if (orc.spReg === ORC_REG_BP && this.bptr && this.stack.contains(this.bptr)) {
        prevSp = this.bptr + BigInt(orc.spOffset);
        framesize = Number(prevSp - (rsp + 8n) - 8n);
      }
      if (orc.bpReg === ORC_REG_PREV_SP && prevSp) {
        const prevBp = prevSp + BigInt(orc.bpOffset);
        // crash reads at stack_ptr + (prev_bp - rsp): after an exception frame stack_ptr still names the
        // entry point's slot while rsp has moved past the frame; kept as crash does it.
        const at = stackPtr !== undefined ? stackPtr + (prevBp - rsp) : undefined;
        this.bptr = at !== undefined && this.stack.contains(prevBp) && this.stack.contains(at) ? this.stack.at(at) : 0n;
      } else if (orc.bpReg !== ORC_REG_UNDEFINED) this.bptr = 0n;
      if (framesize >= 0) return framesize;
    }
    return this.countedFramesize(textaddr, fnStart);
  }

  /**
   * crash's fallback when ORC gives no CALL frame at textaddr (x86_64_get_framesize after the ORC block):
   * gdb disassembles the function from its start and crash counts, up to textaddr, `push*` (+8), `pop*` and
   * `leaveq` (-8; gdb 10 prints `leave`, which crash's test misses), `sub $N,%rsp` (+N), `add $N,%rsp` (-N),
   * and resets to the deepest count at each `ret`. With no decoder, the ORC entry of the call instruction
   * (textaddr - 1) gives the same depth where it is a CALL entry; otherwise 0.
   */
  private countedFramesize(textaddr: bigint, fnStart: bigint): number {
    const decoder = this.env.decoder;
    if (!decoder) {
      const orc = this.env.orcFind(textaddr - 1n);
      if (orc && orc.type === "call" && orc.spReg === ORC_REG_SP && orc.spOffset >= 8) return orc.spOffset - 8;
      return 0;
    }
    const exception = this.eframeIp === textaddr;
    const span = Number(textaddr - fnStart);
    if (span < 0 || span > MAX_FUNCTION_SCAN) {
      this.framesizeDisable = true;
      return 0;
    }
    const cache = (this.env.framesizeCache ??= { call: new Map(), exception: new Map() });
    const byAddress = exception ? cache.exception : cache.call;
    const cached = byAddress.get(textaddr);
    if (cached !== undefined) return cached;
    const size = this.countPushes(decoder, textaddr, fnStart, span, exception);
    if (!this.framesizeDisable) byAddress.set(textaddr, size);
    return size;
  }

  private countPushes(decoder: NonNullable<UnwindEnv["decoder"]>, textaddr: bigint, fnStart: bigint, span: number, exception: boolean): number {
    let insns;
    try {
      const bytes = this.env.read(fnStart, span + 16);
      // The same count without the disassembler where every instruction on the way is a plain one
      // (frame-count.ts): a backtrace then does not load it.
      const quick = countPushesQuick(bytes, fnStart, textaddr, exception);
      if (quick !== undefined) return quick;
      insns = decoder.decode(bytes, fnStart, span + 1);
    } catch {
      this.framesizeDisable = true;
      return 0;
    }
    return countPushesInText(insns, textaddr, exception);
  }

  /**
   * The scan loop over one stack, shared by the exception, IRQ and process stacks. The stack pointer only
   * grows here, so it is kept as a byte offset into the stack (a number) and made a BigInt only where a frame
   * needs it: the loop visits every word of every task's stack.
   */
  scan(from: bigint, stacktop: bigint, level: number, processStack: boolean): { rsp: bigint; level: number; done: boolean; lastEframe: bigint } {
    this.framesizeDisable = false;
    let done = false;
    let lastEframe = 0n;
    if (!(from < stacktop)) return { rsp: from, level, done, lastEframe };
    const base = this.stack.base;
    if (from < base) this.stop(`stack pointer ${from.toString(16)} is below its stack (${base.toString(16)})`);
    const size = this.env.ptRegs.size;
    let off = Number(from - base);
    const end = Number(stacktop - base);
    while (!done && off < end) {
      const i = off >>> 3;
      if (this.isText(i)) {
        const slot = base + BigInt(off);
        const text = this.stack.word(i);
        let r = this.printStackEntry(level, slot, text);
        if (r === EFRAME_DISPLAYED) {
          if (processStack) lastEframe = slot + 8n;
          off += size;
          if (!this.eframeIp) {
            level++;
            r = IGNORED;
          } else r = DISPLAYED;
        }
        if (r === DISPLAYED) {
          level++;
          const fs = this.framesize(this.eframeIp ? this.eframeIp : text, base + BigInt(off), processStack ? slot : undefined);
          if (fs >= 0) off += fs & ~7;
        } else if (r === COMPLETE) done = true;
      }
      off += 8;
    }
    return { rsp: base + BigInt(off), level, done, lastEframe };
  }
}

/** Follows one task's kernel stack from `start`, as crash's `bt` does. Never throws for bad stack data. */
export function backtrace(env: UnwindEnv, task: UnwindTask, start: UnwindStart, opts: UnwindOptions = {}): Backtrace {
  let t: Tracer;
  try {
    t = new Tracer(env, task, start, opts);
  } catch (err) {
    if (!(err instanceof StackPageMissing)) throw err;
    return { task, start, lines: [{ kind: "stop", text: `cannot read the task's stack: ${err.message}` }], incomplete: true };
  }
  try {
    run(t);
  } catch (err) {
    if (err instanceof StackPageMissing) {
      t.lines.push({ kind: "stop", text: err.message });
      t.incomplete = true;
    } else if (!(err instanceof TraceEnded)) throw err;
  }
  return { task, start, lines: t.lines, incomplete: t.incomplete };
}

function run(t: Tracer): void {
  const env = t.env;
  const size = BigInt(env.ptRegs.size);
  let level = 0;
  let done = false;
  let irqEframe = 0n;
  let rsp = t.stkptr;

  if (t.start.space === "user") {
    if (t.start.noteRegs) t.lines.push({ kind: "exception", at: undefined, regs: t.start.noteRegs, kernelMode: false });
    return;
  }
  if (t.start.space === "kernel" && t.start.noteRegs) {
    const regs = t.start.noteRegs;
    const hit = env.symbolAt(t.instptr);
    t.lines.push({ kind: "exception", at: undefined, regs, kernelMode: true, rip: hit, ripMessage: hit ? undefined : "no symbolic reference" });
  }

  let estack = t.inExceptionStack(t.stkptr);
  for (let transitions = 0; ; transitions++) {
    if (transitions > MAX_TRANSITIONS) t.stop("too many stack transitions: stopped");
    if (estack) {
      t.exceptionStack = true;
      t.stack = new StackBuffer(estack, env.read);
      if (irqEframe) {
        t.printStackEntry(level, irqEframe, t.instptr, { eframe: true });
        t.exceptionFrame(irqEframe, true, false);
        rsp += size;
        if (t.eframeIp) {
          const fs = t.framesize(t.eframeIp, rsp, undefined);
          if (fs >= 0) rsp += BigInt(fs);
        }
        level++;
      }
      let stacktop = estack.top - size;
      if (env.nestedNmi && estack.index === NMI_STACK_INDEX) stacktop -= 12n * 8n;
      // The scan's own "done" is overwritten by the frame's CS below, as in crash.
      level = t.scan(rsp, stacktop, level, false).level;
      const frame = t.exceptionFrame(stacktop, true, false);
      t.lines.push({ kind: "transition", text: `--- <${estack.name} exception stack> ---` });
      // The registers the CPU pushed on entry (crash: up[0..4] from the top, or the NMI's saved copy).
      let up = estack.top - 5n * 8n;
      if (env.nestedNmi && estack.index === NMI_STACK_INDEX && t.stkptr <= estack.top - 17n * 8n) {
        up -= 12n * 8n;
        const repeatNmi = env.symbolAddress("repeat_nmi");
        if (repeatNmi !== undefined && t.stack.at(up) === repeatNmi) up += 5n * 8n;
      }
      rsp = t.stkptr = t.stack.at(up + 3n * 8n);
      t.instptr = t.stack.at(up);
      done = frame ? (frame.cs & 3n) !== 0n : true;
      t.frameptr = 0n;
      if (!done) {
        t.printStackEntry(level, 0n, t.instptr, { start: true, saveEframeIp: true });
        if (t.inExceptionStack(t.stkptr) === estack) {
          t.lines.push({ kind: "transition", text: `    [ ${estack.name} exception stack recursion: prior stack location overwritten ]` });
          return;
        }
        level++;
        const fs = t.framesize(t.instptr, rsp, undefined);
        if (fs >= 0) rsp += BigInt(fs);
      }
    }
    const irq = done ? undefined : t.inIrqStack(t.stkptr);
    if (irq) {
      t.irqStack = true;
      t.stack = new StackBuffer(irq, env.read);
      level = t.scan(rsp, irq.top, level, false).level;
      t.lines.push({ kind: "transition", text: "--- <IRQ stack> ---" });
      irqEframe = rsp = t.stkptr = irqEframeLink(t, t.stack.at(irq.top - 8n));
      t.instptr = t.stack.at(irq.top - 16n);
      const name = t.sym(t.instptr);
      if (name === "do_softirq" || name === "do_softirq_own_stack" || name === "call_softirq") irqEframe = 0n;
      t.frameptr = 0n;
      done = false;
    } else irqEframe = 0n;
    if (!done && (estack = t.inExceptionStack(t.stkptr))) continue;
    break;
  }

  if (!done && (t.exceptionStack || t.irqStack)) {
    t.stack = new StackBuffer(t.task.stack, env.read);
    if (!t.stack.contains(rsp)) {
      const entry = env.cpus.find((c) => c.cpu === t.task.cpu)?.entry;
      if (entry && inRange(rsp, entry)) {
        // crash 8.0.6 knows only the per-CPU entry_stack_storage, not its cpu_entry_area mapping, and stops
        // here; the frame the CPU pushed on the trampoline stack is at its top, as in crash's KPTI case.
        t.exceptionFrame(entry.top - size, true, false);
        t.lines.push({ kind: "transition", text: "--- <entry trampoline stack> ---" });
        return;
      }
      const hex = (v: bigint) => v.toString(16);
      if (t.exceptionStack && t.irqStack) {
        t.fatal(`cannot transition from exception stack to IRQ stack to current process stack:\n    exception stack pointer: ${hex(t.start.rsp)}\n          IRQ stack pointer: ${hex(t.stkptr)}\n      process stack pointer: ${hex(rsp)}\n         current stack base: ${hex(t.stack.base)}`);
      } else if (t.exceptionStack) {
        if (isUserAddr(rsp)) done = true;
        else t.fatal(`cannot transition from exception stack to current process stack:\n    exception stack pointer: ${hex(t.start.rsp)}\n      process stack pointer: ${hex(rsp)}\n         current stack base: ${hex(t.stack.base)}`);
      } else {
        t.fatal(`cannot transition from IRQ stack to current process stack:\n        IRQ stack pointer: ${hex(t.start.rsp)}\n    process stack pointer: ${hex(rsp)}\n       current stack base: ${hex(t.stack.base)}`);
      }
    }
  }

  // A blocked task starts at its switch frame: skip to inactive_task_frame.ret_addr (ORC kernels).
  if (!done && !t.exceptionStack && !t.irqStack) {
    const name = t.sym(t.instptr);
    if ((name === "thread_return" || name === "schedule" || name === "__schedule") && env.inactiveRetAddrOffset !== undefined) rsp += BigInt(env.inactiveRetAddrOffset);
  }

  if (irqEframe) {
    let slot = irqEframe;
    if (env.symbolAddress("asm_common_interrupt") !== undefined) {
      slot -= 8n;
      t.instptr = t.stack.contains(slot) ? t.stack.at(slot) : 0n;
    }
    t.printStackEntry(level, slot, t.instptr, { eframe: true });
    const frame = t.exceptionFrame(irqEframe, true, false);
    if (!frame || (frame.cs & 3n) !== 0n) done = true;
    else {
      rsp += size;
      irqEframe = 0n;
      if (t.eframeIp) {
        const fs = t.framesize(t.eframeIp, rsp, undefined);
        if (fs >= 0) rsp += BigInt(fs);
      }
    }
    level++;
  }

  let lastEframe = 0n;
  if (!done) {
    const s = t.scan(rsp, t.stack.top, level, true);
    lastEframe = s.lastEframe;
  }
  const onTaskStack = t.stack.base === t.task.stack.base;
  if (!irqEframe && !t.task.kernelThread && onTaskStack) {
    const userFrame = t.stack.top - size;
    if (lastEframe < userFrame) t.exceptionFrame(userFrame, true, false);
  }
}

/** x86_64_irq_eframe_link: the pt_regs an IRQ stack's top word leads to (asm_common_interrupt: 32 bytes on). */
function irqEframeLink(t: Tracer, stkref: bigint): bigint {
  const verifies = (a: bigint) => t.exceptionFrame(a, false, true)?.verified === true;
  if (verifies(stkref)) return stkref;
  const link = t.env.symbolAddress("asm_common_interrupt") !== undefined ? -32n : 0n;
  const eframe = stkref - link;
  if (verifies(eframe)) return eframe;
  for (const d of [8n, -8n, 16n, -16n]) if (verifies(eframe + d)) return eframe + d;
  return eframe;
}
