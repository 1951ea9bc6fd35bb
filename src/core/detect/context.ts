// What the rules share during one run: the program, the views of tasks and modules, the owner resolver,
// the hooks found, the facts of each process — each computed on first use and kept for the other rules —
// and helpers that read evidence so that every address a finding names reads back the value it states.
import type { InstructionDecoderLike } from "../arch/x86_64/unwind-types";
import type { SymbolTable } from "../debuginfo/symbols";
import type { ElfFile } from "../dump/elf";
import { ExcludedPageError, KdwError } from "../io/errors";
import { moduleViews, type ModuleView, type ModuleViews } from "../kernel/modules/views";
import { taskViews, type TaskViews } from "../kernel/tasks/views";
import type { Task } from "../kernel/tasks/tasks";
import { readUserRange, taskUserSpace } from "../kernel/tasks/user";
import { forEachVma } from "../kernel/mm/vma";
import type { Program } from "../program/program";
import type { Evidence, FindingSubject } from "./finding";
import { collectHooks, type HookScan } from "./hooks";
import { OwnerResolver, type Owner } from "./owner";
import { processFacts, type ProcessFacts } from "./processes";
import { hex } from "./rule";
import { latin1String } from "../io/latin1";

export interface DetectOptions {
  /** The kernel's symbols, for naming kernel addresses (a getter may build them on first use). */
  symbols?: () => SymbolTable | undefined;
  /** An x86-64 decoder (iced-x86 in the CLI), for x64_sys_call's call sites and the panic backtrace. */
  decoder?: InstructionDecoderLike;
  /** The vmlinux (its ORC tables help the panic backtrace). */
  vmlinux?: ElfFile;
}

/** Something that went wrong while detecting: a view that could not be read, a rule that failed. */
export interface DetectProblem {
  rule?: string;
  view?: string;
  message: string;
}

export class DetectContext {
  readonly problems: DetectProblem[] = [];
  private ownerResolver?: OwnerResolver;
  private hookScan?: HookScan;
  private procs?: ProcessFacts[];
  private userPageState?: { excluded: boolean | undefined; note: string };

  constructor(
    readonly prog: Program,
    readonly options: DetectOptions = {},
  ) {}

  get owners(): OwnerResolver {
    return (this.ownerResolver ??= new OwnerResolver(this.prog, (a) => this.options.symbols?.()?.symbolAt(a)));
  }

  get modules(): ModuleViews {
    return moduleViews(this.prog);
  }

  get tasks(): TaskViews {
    return taskViews(this.prog);
  }

  get hooks(): HookScan {
    return (this.hookScan ??= collectHooks(this));
  }

  get processes(): ProcessFacts[] {
    return (this.procs ??= processFacts(this.prog, this.tasks));
  }

  /** A kernel symbol's name and offset for any address (core or module), or undefined. */
  symbolize(addr: bigint): string | undefined {
    return this.owners.symbolize(addr);
  }

  owner(addr: bigint): Owner {
    return this.owners.resolve(addr);
  }

  /**
   * Whether the dump kept user pages: makedumpfile's dump level says so (bit 8, user data), else a read of
   * a user process's first mapped page answers it.
   */
  get userPages(): { excluded: boolean | undefined; note: string } {
    if (this.userPageState) return this.userPageState;
    const level = this.prog.dump.format.dumpLevel;
    if (level !== undefined) {
      const excluded = (level & 8) !== 0;
      return (this.userPageState = { excluded, note: excluded ? `dump level ${level} excludes user pages (user data, bit 8)` : `dump level ${level} keeps user pages` });
    }
    for (const p of this.processes) {
      const vma = firstVma(this.prog, p.leader);
      if (!vma) continue;
      try {
        const r = readUserRange(taskUserSpace(this.prog, p.leader), vma, vma + 8n);
        if (r.ok) return (this.userPageState = { excluded: false, note: "user pages are readable" });
        if (/excluded/.test(r.reason)) return (this.userPageState = { excluded: true, note: `user pages are excluded from the dump (pid ${p.leader.pid}'s first mapping cannot be read)` });
      } catch (err) {
        if (err instanceof ExcludedPageError) return (this.userPageState = { excluded: true, note: "user pages are excluded from the dump" });
        if (!(err instanceof KdwError)) throw err;
      }
    }
    return (this.userPageState = { excluded: undefined, note: "whether user pages were kept is not known" });
  }

  taskSubject(t: Task): FindingSubject {
    return { kind: "task", pid: t.pid, comm: t.comm, task: hex(t.address) };
  }

  moduleSubject(v: ModuleView): FindingSubject {
    return { kind: "module", name: v.module.name, address: hex(v.module.address), hidden: !v.seenBy.includes("module-list") };
  }

  addressSubject(addr: bigint): FindingSubject {
    const o = this.owner(addr);
    const s: FindingSubject = { kind: "address", address: hex(addr), owner: o.name };
    if (o.symbol) s.symbol = o.symbol;
    return s;
  }

  /** Evidence of the word at `address`, read now: the value `rd -64/-32/-16/-8 ADDRESS 1` shows. */
  word(label: string, address: bigint, size: 1 | 2 | 4 | 8, extra: { symbolOfValue?: boolean; symbol?: string; owner?: string } = {}): Evidence {
    try {
      const b = this.prog.read(address, size);
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
      const e: Evidence = { label, address: hex(address), value: hex(v), size };
      if (extra.symbolOfValue && size === 8) {
        const o = this.owner(v);
        if (o.symbol) e.symbol = o.symbol;
        e.owner = o.name;
      }
      if (extra.symbol) e.symbol = extra.symbol;
      if (extra.owner) e.owner = extra.owner;
      return e;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return { label: `${label} (unreadable: ${err.message})`, address: hex(address) };
    }
  }

  /** Evidence of the C string at `address` (`rd -a ADDRESS` shows it). */
  text(label: string, address: bigint, max = 64): Evidence {
    try {
      return { label, address: hex(address), value: latin1String(this.prog.readCString(address, max)) };
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return { label: `${label} (unreadable: ${err.message})`, address: hex(address) };
    }
  }
}

function firstVma(prog: Program, task: Task): bigint | undefined {
  try {
    for (const v of forEachVma(prog, task.mm, { budget: 4 })) return v.start;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return undefined;
}
