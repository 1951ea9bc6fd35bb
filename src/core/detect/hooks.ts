// Every hook, with its target, handler and the handler's owner: the walkers' sites (kernel/hooks) judged
// by one owner resolver. Registrations (kprobes, kretprobes, ftrace_ops, netfilter, tracepoint probes) are
// hooks whoever made them; tables and code the kernel fills once (the syscall tables, x64_sys_call's calls,
// the IDT, the operations behind /proc) are hooks only where they differ from what the kernel put there:
// code outside core text, a syscall slot on a function that is no syscall, an in-place change to a table
// in the kernel image; with the vmlinux at hand, a syscall table entry that differs from the file's.
// Shared by the hook rules and the `hooks` command.
import { syscallDispatchers } from "../kernel/hooks/dispatch";
import { ftraceOps } from "../kernel/hooks/ftrace";
import { idtGates } from "../kernel/hooks/idt";
import { kprobes } from "../kernel/hooks/kprobes";
import { netfilterHooks } from "../kernel/hooks/netfilter";
import { procOpsTables } from "../kernel/hooks/proc-ops";
import type { HookKind, HookSite } from "../kernel/hooks/site";
import { syscallTables } from "../kernel/hooks/syscalls";
import { BuiltImage } from "../kernel/hooks/image";
import { tracepointProbes } from "../kernel/hooks/tracepoints";
import { KdwError } from "../io/errors";
import type { DetectContext } from "./context";
import type { Hook } from "./finding";
import type { Owner } from "./owner";
import { hex } from "./rule";

export interface HookRecord {
  site: HookSite;
  owner: Owner;
  /** The hooked function's name, where one names it. */
  targetSymbol?: string;
  /** The kernel's own machinery (handler in core text, on a registration list). */
  kernelOwned: boolean;
  /** Why a fixed table's entry counts as a hook ("handler outside core kernel text", ...). */
  reason?: string;
}

export interface HookScan {
  hooks: HookRecord[];
  /** Sources this kernel or run cannot check, and why. */
  absent: { source: string; reason: string }[];
  problems: { source: string; message: string }[];
  /** How much each source checked (entries, gates, call sites, tables ...). */
  checked: Record<string, number>;
}

/** Prefixes of the kernel's syscall entry points across versions and ABIs. */
const SYSCALL_ENTRY = /^(__(x64|ia32|x32|se|do)_)?(compat_)?sys_|^__(x64|ia32|x32|se|do)_compat_sys_|^(ptregs|stub|__sys)_/;

export function collectHooks(ctx: DetectContext): HookScan {
  const scan: HookScan = { hooks: [], absent: [], problems: [], checked: {} };
  const add = (site: HookSite, reason?: string) => {
    const owner = ctx.owner(site.handler);
    const rec: HookRecord = { site, owner, kernelOwned: owner.kind === "kernel" && reason === undefined };
    if (site.targetAddress !== undefined) {
      const t = ctx.symbolize(site.targetAddress);
      if (t) rec.targetSymbol = t;
    }
    if (reason) rec.reason = reason;
    scan.hooks.push(rec);
  };
  const guard = (source: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      scan.problems.push({ source, message: err.message });
    }
  };
  const note = (source: string, r: { absent?: string; problems: { message: string }[] }) => {
    if (r.absent) scan.absent.push({ source, reason: r.absent });
    for (const p of r.problems) scan.problems.push({ source, message: p.message });
  };

  guard("kprobes", () => {
    const r = kprobes(ctx.prog);
    note("kprobes", r);
    scan.checked.kprobes = r.probes.length;
    for (const s of r.sites) add(s);
  });
  guard("ftrace", () => {
    const r = ftraceOps(ctx.prog);
    note("ftrace", r);
    scan.checked.ftrace_ops = r.ops.length;
    for (const s of r.sites) add(s);
  });
  guard("netfilter", () => {
    const r = netfilterHooks(ctx.prog);
    note("netfilter", r);
    scan.checked.netfilter_namespaces = r.namespaces;
    for (const s of r.sites) add(s);
  });
  guard("tracepoints", () => {
    const r = tracepointProbes(ctx.prog, ctx.modules.modules.map((v) => v.module));
    note("tracepoints", r);
    scan.checked.tracepoints = r.tracepoints;
    for (const s of r.sites) add(s);
  });

  const syscallSets = new Map<string, Set<bigint>>();
  const built = BuiltImage.of(ctx.prog, ctx.options.vmlinux);
  guard("syscall tables", () => {
    const r = syscallTables(ctx.prog);
    note("syscall tables", r);
    if (r.tables.length === 0) scan.absent.push({ source: "syscall tables", reason: "this kernel has no sys_call_table symbol" });
    for (const t of r.tables) {
      scan.checked[t.symbol] = t.entries.length;
      syscallSets.set(t.symbol, new Set(t.entries.map((e) => e.handler)));
      // The table as the vmlinux has it: an entry that differs was changed in memory.
      const asBuilt = built?.words(t.address, t.entries.length);
      if (asBuilt) scan.checked[`${t.symbol} entries compared with the vmlinux`] = asBuilt.length;
      for (const e of t.entries) {
        const original = asBuilt?.[e.nr];
        let why: string | undefined;
        if (original !== undefined) {
          if (original === e.handler) continue;
          why = `differs from the vmlinux's ${t.symbol}[${e.nr}] (${hex(original)}${ctx.symbolize(original) ? ` ${ctx.symbolize(original)}` : ""})`;
          const o = fixedEntryReason(ctx, e.handler, false);
          if (o) why = `${o}; ${why}`;
        } else why = fixedEntryReason(ctx, e.handler, true);
        if (why) add({ kind: "syscall-table", target: `${t.symbol}[${e.nr}]`, role: "entry", handler: e.handler, slot: e.slot, slotSize: 8, slotValue: e.handler, holder: t.address, details: `${t.abi} system call ${e.nr}` }, why);
      }
    }
  });
  guard("syscall dispatchers", () => {
    const r = syscallDispatchers(ctx.prog, ctx.options.decoder);
    note("syscall dispatchers", r);
    for (const d of r.dispatchers) {
      scan.checked[`${d.symbol} call sites`] = d.sites.length;
      const table = syscallSets.get(d.table);
      for (const s of d.sites) {
        // A call to a function of the same ABI's table is what the kernel built (the table is checked above).
        if (table?.has(s.target) && ctx.owners.isCoreText(s.target)) continue;
        let why = fixedEntryReason(ctx, s.target, false);
        if (!why && !SYSCALL_ENTRY.test(ctx.symbolize(s.target) ?? "")) why = `target is not an entry of ${d.table} nor a system call function`;
        if (why) {
          const kind: HookKind = d.symbol === "x64_sys_call" ? "x64_sys_call" : "ia32_sys_call";
          add({ kind, target: `${d.symbol}+0x${(s.address - d.address).toString(16)}`, targetAddress: s.address, role: `${s.mnemonic} rel32`, handler: s.target, slot: s.slot, slotSize: 4, slotValue: BigInt(s.rel32 >>> 0), holder: d.address, details: `${s.mnemonic} at ${hex(s.address)} (rel32 ${s.rel32})` }, why);
        }
      }
    }
  });
  guard("idt", () => {
    const r = idtGates(ctx.prog);
    note("idt", r);
    scan.checked.idt_gates = r.gates.length;
    for (const g of r.gates) {
      if (!g.present) continue;
      const why = fixedEntryReason(ctx, g.handler, false);
      if (why) add({ kind: "idt", target: `vector ${g.vector} (0x${g.vector.toString(16)})`, role: "gate", handler: g.handler, slot: g.address, slotSize: 8, slotValue: g.low, holder: g.address, details: `gate_struct ${hex(g.address)}: segment 0x${g.segment.toString(16)}, ist ${g.ist}, dpl ${g.dpl}, type ${g.type}; high quadword ${hex(g.high)}` }, why);
    }
  });
  guard("proc operations", () => {
    const r = procOpsTables(ctx.prog);
    for (const p of r.problems) scan.problems.push({ source: "proc operations", message: p.message });
    scan.checked.proc_entries = r.entries.length;
    scan.checked.operation_pointers = r.sites.length;
    for (const s of r.sites) {
      const why = opsReason(ctx, s);
      if (why) add(s, why);
    }
  });
  return scan;
}

/**
 * Why an entry of a table the kernel fills itself (syscall table, IDT, a dispatcher's call) is a hook:
 * code outside core text, or (syscall tables) a core function that is no system call.
 */
function fixedEntryReason(ctx: DetectContext, handler: bigint, syscall: boolean): string | undefined {
  const o = ctx.owner(handler);
  if (o.kind !== "kernel") return `handler outside core kernel text (${o.kind === "unknown" ? `unknown owner${o.region ? `, ${o.region}` : ""}` : `${o.kind} ${o.name}`})`;
  if (syscall && !SYSCALL_ENTRY.test(o.symbol ?? "") && o.symbol !== undefined && !/ni_syscall/.test(o.symbol)) return `points into core text but at ${o.symbol}, which is no system call entry`;
  return undefined;
}

/**
 * Why a function pointer of an operations table is a hook: the table is the kernel's own (in the kernel
 * image) and points outside core text — an in-place overwrite; or the code belongs to a module that hid
 * itself, to no module at all, or to an out-of-tree or unsigned one.
 */
function opsReason(ctx: DetectContext, s: HookSite): string | undefined {
  const o = ctx.owner(s.handler);
  if (o.kind === "kernel") return undefined;
  const holderInKernel = s.holder !== undefined && ctx.prog.symbols.addressOf("_text") !== undefined && s.holder >= ctx.prog.symbols.addressOf("_text")! && s.holder < (ctx.prog.symbols.addressOf("_end") ?? 0n);
  if (holderInKernel) return `a table in the kernel image points outside core kernel text (${o.name})`;
  if (o.hidden) return `code of the hidden module ${o.name}`;
  if (o.kind === "unknown") return "code outside core text and outside every known module";
  if (o.outOfTree || o.unsigned) return `code of the ${o.outOfTree ? "out-of-tree" : "unsigned"} module ${o.name}`;
  return undefined;
}

/** The JSON form of a hook (contract type). */
export function hookJson(r: HookRecord): Hook {
  const h: Hook = {
    kind: r.site.kind,
    target: r.targetSymbol && r.site.kind !== "syscall-table" && r.site.kind !== "idt" ? `${r.targetSymbol}` : r.site.target,
    handler: hex(r.site.handler),
    owner: r.owner.name,
    ownerHidden: r.owner.hidden,
    address: hex(r.site.slot),
    kernelOwned: r.kernelOwned,
  };
  if (r.site.targetAddress !== undefined) h.targetAddress = hex(r.site.targetAddress);
  if (r.owner.symbol) h.handlerSymbol = r.owner.symbol;
  const details = [r.site.role, r.reason, r.site.details].filter((x) => x);
  if (details.length) h.details = details.join("; ");
  return h;
}
