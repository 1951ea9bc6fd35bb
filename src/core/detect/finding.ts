// What a detector says, in JSON-safe values (addresses as "0x…" strings) so a finding crosses every
// boundary unchanged: the console, `kdw findings --json`, the workbench and the report all show these.
// The contract (session/contract.ts) re-exports these types.

export type Severity = "info" | "low" | "medium" | "high" | "critical";

/** The views of the kernel a subject was seen in (volatility3's modxview idea): what hides shows here. */
export type SeenBy =
  | "task-list" // init_task.tasks
  | "pid-idr" // the pid namespace's IDR
  | "runqueue" // a CPU's runqueue or rq->curr
  | "thread-group" // signal->thread_head / thread_group
  | "module-list" // the `modules` list
  | "mod_tree" // the module address tree
  | "kset" // /sys/module (module_kset)
  | "carve" // a struct module found by scanning module memory
  | "kallsyms" // the kernel's symbol table
  | "core-text" // core kernel text
  | "unknown";

export type FindingSubject =
  | { kind: "task"; pid: number; comm: string; task: `0x${string}` }
  | { kind: "module"; name: string; address: `0x${string}`; hidden: boolean }
  | { kind: "address"; address: `0x${string}`; symbol?: string; owner?: string }
  | { kind: "kernel" };

/** One checkable fact behind a finding: where to look and what is there. */
export interface Evidence {
  label: string;
  /** Where the value lives in kernel memory (read it back with `rd`). */
  address?: `0x${string}`;
  /** The value found there (hex for numbers and pointers, text for strings). */
  value?: string;
  /**
   * Bytes the value occupies at `address` when it is a number (1, 2, 4 or 8, little-endian: `rd -8/-16/-32/-64
   * ADDRESS 1` shows it); absent for text (`rd -a ADDRESS`).
   */
  size?: 1 | 2 | 4 | 8;
  /** Symbol of `value` (for pointers) or of `address`. */
  symbol?: string;
  /** Who owns the pointed-to code: "kernel", a module name, or "unknown". */
  owner?: string;
}

export interface Finding {
  /** Stable within one run: `${rule}:${subject key}`. */
  id: string;
  rule: string;
  ruleVersion: number;
  severity: Severity;
  /** 0..1: how sure the rule is that this is malicious rather than odd. */
  confidence: number;
  /** MITRE ATT&CK technique ids ("T1014", "T1036.005"). */
  mitre: string[];
  subject: FindingSubject;
  /** One sentence a person reads first. */
  summary: string;
  evidence: Evidence[];
  seenBy: SeenBy[];
  notes?: string;
}

/** One hook: something that diverts the kernel's control flow, with its target, handler and owner. */
export interface Hook {
  /** "kprobe", "kretprobe", "ftrace", "syscall-table", "x64_sys_call", "idt", "seq_ops", "file_ops", "netfilter", "tracepoint". */
  kind: string;
  /** What is hooked: a function, a table slot, a vector. */
  target: string;
  targetAddress?: `0x${string}`;
  /** The handler that runs instead or in addition. */
  handler: `0x${string}`;
  handlerSymbol?: string;
  /** "kernel" (core text), a module's name, or "unknown". */
  owner: string;
  ownerHidden: boolean;
  /** Where the hook itself is recorded (the kprobe, the ftrace_ops, the table slot). */
  address?: `0x${string}`;
  /** The kernel's own machinery (kprobes' ftrace ops, the function tracer, live patching). */
  kernelOwned: boolean;
  details?: string;
}

/** The paragraph an analyst writes first, as data; `text` is that paragraph. */
export interface TriageSummary {
  text: string;
  panic?: {
    message: string;
    function?: string;
    module?: string;
    moduleOutOfTree?: boolean;
    moduleUnsigned?: boolean;
    moduleHidden?: boolean;
    hooksOwned: number;
    task?: { pid: number; comm: string; flagged: boolean };
    cpu?: number;
  };
  taints?: string;
  counts: Record<Severity, number>;
}
