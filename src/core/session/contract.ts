// The one contract every face of kdw speaks: the console, the Electron workbench (over IPC), the browser
// (over HTTP to `kdw serve`), the report and the detectors. Types only: no code runs from this file, so the
// renderer may import it. Every request and reply is plain JSON — addresses are "0x…" strings, bytes are
// hex — so the same values cross a worker boundary, IPC and HTTP unchanged. Requests are validated at every
// boundary by the schemas in ./schema.ts (one schema per method's params).
import type { Finding, TriageSummary, Hook } from "../detect/finding";

export type { Finding, TriageSummary, Hook, Evidence, FindingSubject, Severity, SeenBy } from "../detect/finding";

/** Bumped when a method's params or reply change incompatibly. */
export type ContractVersion = 1;

/** A 64-bit address or value as lower-case hex with its prefix: "0xffffffffa141aa40". */
export type Hex = `0x${string}`;

export type ProblemCode =
  | "bad-request" // params did not match the method's schema
  | "unknown-method"
  | "not-open" // a query before `open` succeeded
  | "not-found" // no such task, symbol, type, …
  | "format" // the dump or a debuginfo file is malformed (file and offset given)
  | "excluded" // the dump left the page out
  | "unmapped" // no translation for the address
  | "missing-debuginfo" // the question needs data the debuginfo lacks (DWARF, a type, a symbol)
  | "mismatch" // vmlinux and dump do not belong together
  | "walk-aborted" // a structure walk stopped early (loop, bad pointer, budget): the items before are good
  | "cancelled"
  | "busy" // too many concurrent requests
  | "io" // the file could not be read
  | "unsupported" // the method or option is not available for this dump or in this build
  | "internal";

/** One serialisable error: what went wrong, and where in the evidence when that is known. */
export interface Problem {
  code: ProblemCode;
  message: string;
  file?: string;
  offset?: number;
  address?: Hex;
}

/** Every result that can be partly read: what was read, and why the rest was not. */
export interface Partial<T> {
  items: T[];
  problems: Problem[];
}

/** Progress of long work (open, a long console command). `total` absent when unknown. */
export interface ProgressEvent {
  phase: string;
  done: number;
  total?: number;
}

// ---------------------------------------------------------------------------------------------- open / info

export interface OpenParams {
  /** Path of the dump, as the host names files (the Session's file opener resolves it). */
  dump: string;
  /** Path of the matching vmlinux; absent: a vmlinux found by build id, else the dump's own BTF and kallsyms. */
  vmlinux?: string;
  /** Open even when the vmlinux does not match the dump. */
  force?: boolean;
  /** Kernel source tree for `list` and `dis -s`. */
  src?: string;
  /** Open the dump alone (no kernel: `kdw info`, `kdw read`); kernel queries then answer "not-open". */
  dumpOnly?: boolean;
}

export interface OpenedFile {
  path: string;
  /** File name as the console shows it (sys's KERNEL/DUMPFILE). */
  name: string;
  size: number;
}

export interface OpenReply {
  version: ContractVersion;
  dump: OpenedFile;
  vmlinux?: OpenedFile;
  /** Where types and symbols come from. */
  debuginfo: "vmlinux" | "btf+kallsyms";
  /** Warnings met while opening (forced mismatch, a cut-short file, …). */
  warnings: Problem[];
}

/** What a dump is, before any debuginfo (`kdw info`; `--json` prints exactly this). */
export interface DumpInfo {
  file: string;
  fileSize: number;
  /** "kdump-compressed (diskdump)", "ELF64 core", … as `kdw info` prints it. */
  format: string;
  kind: string;
  compressions: string[];
  dumpLevel?: number;
  pageSize: number;
  cpus: number;
  memoryRanges: { start: string; end: string; bytes: number }[];
  /** Bytes of physical memory the dump's ranges cover. */
  memoryBytes: number;
  /** The kernel's own "System RAM" total (iomem_resource, found through kallsyms). */
  systemRamBytes?: number;
  systemRam?: string;
  pagesPresent: number;
  pagesExcluded: number;
  pagesByCompression: Record<string, number>;
  vmcoreinfo: Record<string, string>;
  crashTime?: string;
  details: Record<string, string | number | boolean>;
  /** SHA-256 of the whole file, when asked for (info {hash: true}). */
  sha256?: string;
}

// ---------------------------------------------------------------------------------------------- sys

export interface SysSummary {
  kernel: string;
  dumpfile: string;
  cpus: number;
  date?: string;
  /** Seconds since the epoch of the crash, when the kernel recorded it. */
  crashTime?: number;
  uptime: string;
  loadAverage: string;
  tasks: number;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  memory?: string;
  panic?: string;
  /** The panic task (crash's startup context). */
  panicTask?: TaskRow;
  taints?: string;
  problems: Problem[];
}

// ---------------------------------------------------------------------------------------------- tasks

export interface TaskRow {
  task: Hex;
  pid: number;
  tgid: number;
  ppid: number;
  comm: string;
  /** crash's state letters: RU, IN, UN, ID, ZO, … */
  state: string;
  cpu: number;
  flags: number;
  kernelThread: boolean;
  idle: boolean;
  active: boolean;
  panic: boolean;
  /** Threads in the thread group (on the leader; 1 on other threads). */
  threads: number;
  /** Kilobytes, as ps shows them. */
  rss: number;
  vsz: number;
  uid?: number;
  gid?: number;
  /** Path of the executable (mm->exe_file), when readable; absent for kernel threads. */
  exe?: string;
  /** Start time in ns since boot, as a decimal string (64 bits). */
  startTime: string;
}

export interface TasksParams {
  /** Index of the first row (rows are in crash's ps order). */
  offset?: number;
  /** Rows per page (default 1000, at most 10000). */
  limit?: number;
  /** Only these pids. */
  pids?: number[];
}

export interface TasksPage extends Partial<TaskRow> {
  offset: number;
  total: number;
}

/** A task named by pid (the thread with that pid) or by task_struct address. */
export type TaskRef = { pid: number } | { task: Hex };

export interface TaskDetails {
  row: TaskRow;
  parent?: TaskRow;
  children: number[];
  /** pids of the other threads of its group. */
  threadGroup: number[];
  credentials?: { uid: number; gid: number };
  /** The task's working directory and root, when readable. */
  cwd?: string;
  root?: string;
  problems: Problem[];
}

// ---------------------------------------------------------------------------------------------- backtrace

export interface BacktraceFrame {
  /** crash's frame number (#N). */
  level: number;
  /** The return address or the exception RIP. */
  pc: Hex;
  sp: Hex;
  symbol?: string;
  offset?: number;
  /** The module owning the address, when not core kernel text ("mzoneinfo"; hidden modules too). */
  module?: string;
  /** "file.c: 123" where line tables have it. */
  line?: string;
  /** The frame is an exception frame (registers follow). */
  exception?: { rip: Hex; registers: Record<string, Hex> };
}

/** `backtrace` of the task with this pid or address, else of the panic (current) task. */
export interface BacktraceParams {
  pid?: number;
  task?: Hex;
  /** Add each frame's source line (opens DWARF line tables on first use). */
  lines?: boolean;
}

export interface BacktraceReply {
  task: TaskRow;
  frames: BacktraceFrame[];
  /** The crash-layout text of `bt` for this task. */
  text: string;
  incomplete: boolean;
  problems: Problem[];
}

// ---------------------------------------------------------------------------------------------- modules

export type ModuleView = "list" | "mod_tree" | "kset" | "carve" | "kallsyms";

export interface ModuleRow {
  address: Hex;
  name: string;
  base: Hex;
  size: number;
  /** Where this module was seen: a module missing from "list" but present elsewhere is hidden. */
  seenBy: ModuleView[];
  hidden: boolean;
  taints: string;
  signed?: boolean;
  outOfTree: boolean;
  state: string;
  srcversion?: string;
}

export type ModulesReply = Partial<ModuleRow>;

// ---------------------------------------------------------------------------------------------- kernel memory

/** Which slab allocator the kernel was built with; kdw reads SLUB's caches (SLAB's and SLOB's are reported). */
export type SlabAllocatorName = "slub" | "slab" | "slob" | "none";

/** One kmem_cache on slab_caches, with crash's `kmem -s` counts. */
export interface SlabCacheRow {
  address: Hex;
  name: string;
  /** object_size: what callers asked for (crash's OBJSIZE). */
  objectSize: number;
  /** size: the stride of objects in a slab, metadata included. */
  size: number;
  objectsPerSlab: number;
  /** Bytes per slab (PAGE_SIZE << order). */
  slabSize: number;
  /** kmem_cache.flags (SLAB_*). */
  flags: Hex;
  /** Objects in use, free, their sum and the slabs, as crash counts them; absent (with a problem) when unreadable. */
  allocated?: number;
  free?: number;
  total?: number;
  slabs?: number;
}

export interface SlabCachesParams {
  /** Only the cache of this name. */
  name?: string;
}

export interface SlabCachesReply extends Partial<SlabCacheRow> {
  allocator: SlabAllocatorName;
}

/** One busy vmalloc area (struct vmap_area) and its vm_struct, as `kmem -v` lists them. */
export interface VmallocArea {
  address: Hex;
  vm: Hex;
  start: Hex;
  end: Hex;
  /** end - start, the guard page included. */
  size: number;
  /** vm_struct.flags (VM_IOREMAP, VM_ALLOC, VM_MAP, ...), caller, nr_pages and phys_addr where readable. */
  flags?: Hex;
  caller?: Hex;
  /** The kernel symbol of the caller ("module_alloc+70", "__vmalloc_node+94"): who asked for the area. */
  callerSymbol?: string;
  nrPages?: number;
  physAddr?: Hex;
}

export interface VmallocAreasReply extends Partial<VmallocArea> {
  /** vmap_area_list (up to 6.8) or vmap_nodes (6.9+). */
  source: "vmap_area_list" | "vmap_nodes";
}

// ---------------------------------------------------------------------------------------------- log

export interface LogRecord {
  seq: string;
  /** ns since boot as a decimal string. */
  timeNs: string;
  level?: number;
  facility?: number;
  /** "T123" (thread) or "C1" (CPU). */
  caller?: string;
  /** The record's text, Latin-1 decoded; escape at output. */
  text: string;
  subsystem?: string;
  device?: string;
}

export interface LogParams {
  offset?: number;
  limit?: number;
}

export interface LogPage extends Partial<LogRecord> {
  offset: number;
  total: number;
  layout: string;
  /** Index of the record holding the panic message, when found. */
  panicIndex?: number;
}

// ---------------------------------------------------------------------------------------------- files/vm/net

export interface FileRow {
  fd: number;
  file: Hex;
  dentry: Hex;
  inode: Hex;
  type: string;
  path: string;
  deleted: boolean;
}

export interface FilesReply extends Partial<FileRow> {
  task: TaskRow;
  root?: string;
  cwd?: string;
}

export interface VmaRow {
  vma: Hex;
  start: Hex;
  end: Hex;
  flags: Hex;
  /** r/w/x/s letters from vm_flags. */
  perms: string;
  file?: string;
}

export interface VmReply extends Partial<VmaRow> {
  task: TaskRow;
  mm?: Hex;
  pgd?: Hex;
  rss: number;
  vsz: number;
}

export interface SocketRow {
  fd: number;
  socket: Hex;
  sock: Hex;
  family: string;
  type: string;
  local?: string;
  remote?: string;
  state?: string;
}

export interface NetReply extends Partial<SocketRow> {
  task: TaskRow;
}

// ---------------------------------------------------------------------------------------------- memory

export type AddressSpaceName = "kernel" | "physical" | "user";

export interface ReadMemoryParams {
  space: AddressSpaceName;
  address: Hex;
  /** Bytes, at most 1 MiB per request. */
  length: number;
  /** The task whose user space is read (space "user"). */
  pid?: number;
}

export type PageState = "present" | "excluded" | "unmapped";

export interface MemoryChunk {
  address: Hex;
  length: number;
  state: PageState;
  /** Lower-case hex of the bytes, only for present chunks. */
  hex?: string;
  /** Why the chunk could not be read (excluded or unmapped). */
  problem?: Problem;
}

export interface ReadMemoryReply {
  space: AddressSpaceName;
  address: Hex;
  length: number;
  /** Consecutive chunks covering the range, split at page boundaries where the state changes. */
  chunks: MemoryChunk[];
}

// ---------------------------------------------------------------------------------------------- search

/**
 * Where `search` looks, as crash's options choose it: kernel virtual memory (-k: every range crash searches,
 * in its order — the direct map, vmalloc and module memory, the vmemmap, the kernel text mapping), physical
 * memory (-p), a task's user space (-u), every task's kernel stack (-t) or the active tasks' (-T).
 */
export type SearchSpace = "kernel" | "physical" | "user" | "stacks" | "active-stacks";

export interface SearchParams {
  space?: SearchSpace;
  /** Kernel space only: "unity" leaves out vmalloc, module and vmemmap memory (crash's -K); "vmalloc" the direct map and kernel text mapping (-V). */
  kernelRanges?: "all" | "unity" | "vmalloc";
  /** Values to look for, as crash takes them: hexadecimal ("0xffffffffc05de080" or without 0x), a symbol, or an expression ("(init_task+0x10)"). */
  values?: string[];
  /** Strings to look for instead (crash's -c). */
  strings?: string[];
  /** Bytes per compared item: 8 (unsigned long, the default), 4 (-w) or 2 (-h). */
  width?: 8 | 4 | 2;
  /** Bits that do not matter (crash's -m). */
  mask?: Hex;
  /** Where to start and end (a hexadecimal address or a symbol), or a length in bytes; crash's defaults otherwise. */
  start?: string;
  end?: string;
  length?: number;
  /** The task whose user space is searched (space "user"; default: the console's current task). */
  pid?: number;
  /** Matches returned at most (default 1000). */
  limit?: number;
}

export interface SearchHit {
  /** Where the match is (a virtual address, or physical for space "physical"). */
  address: Hex;
  /** The item in memory (value searches). */
  value?: Hex;
  /** What crash shows of a string match: up to 56 characters from its address, '.' for unprintable ones. */
  text?: string;
  /** Which of the values (or strings) matched. */
  index: number;
  /** The kernel or module symbol the match lies in (a hidden module's own symbols included). */
  symbol?: SymbolInfo;
  offset?: number;
  /** For value matches: the symbol the value points into. */
  valueSymbol?: SymbolInfo;
  valueOffset?: number;
  /** The task whose kernel stack holds the match (spaces "stacks", "active-stacks"). */
  task?: { pid: number; task: Hex; comm: string };
}

export interface SearchReply extends Partial<SearchHit> {
  space: SearchSpace;
  /** Matches found (equal to items' length unless the limit cut them). */
  matches: number;
  /** The limit (or the search's page budget) ended the search early. */
  truncated: boolean;
  /** crash's INFO lines ("rounding down start address to: …"). */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------- symbols/types

export interface SymbolInfo {
  name: string;
  address: Hex;
  /** nm-style type letter where known. */
  type?: string;
  size?: number;
  /** The module the symbol belongs to; absent for core kernel symbols. */
  module?: string;
  /** The module is not on the module list (found through mod_tree, sysfs or a carve). */
  hiddenModule?: boolean;
}

export interface SymbolAtReply {
  address: Hex;
  symbol?: SymbolInfo;
  offset?: number;
  /** "file.c: 123" where line tables have it. */
  line?: string;
}

export interface LookupReply {
  symbols: SymbolInfo[];
}

export interface LayoutMember {
  name: string;
  /** Byte offset; bitfields give bitOffset/bitSize too. */
  offset: number;
  bitOffset?: number;
  bitSize?: number;
  size: number;
  type: string;
}

export interface LayoutReply {
  name: string;
  kind: "struct" | "union" | "enum" | "typedef" | "base" | "pointer" | "array" | "function";
  size: number;
  members: LayoutMember[];
  /** The C declaration as crash's `struct -o` prints it. */
  text: string;
}

// ---------------------------------------------------------------------------------------------- code

export interface DisassembleParams {
  /** An address, or a symbol name with an optional +offset. */
  target: string;
  /** Instructions to show (default: the whole function for a symbol, 16 for an address). */
  count?: number;
  /** Add source lines where line tables have them (crash's dis -l). */
  lines?: boolean;
}

export interface Instruction {
  address: Hex;
  /** "<func+off>" as crash prints it. */
  location: string;
  bytes: string;
  mnemonic: string;
  operands: string;
  /** Symbol a branch or call target resolves to. */
  target?: SymbolInfo;
  line?: string;
}

export interface DisassembleReply {
  instructions: Instruction[];
  /** crash's `dis` text. */
  text: string;
  problems: Problem[];
}

export interface SourceParams {
  /** An address (its line), or a file path with a line. */
  address?: Hex;
  file?: string;
  line?: number;
  /** Lines of context on each side (default 10, at most 500). */
  context?: number;
}

export interface SourceReply {
  file: string;
  line: number;
  /** Lines around it: [number, text]. Empty when the source tree is not available. */
  lines: { line: number; text: string }[];
  problems: Problem[];
}

// ---------------------------------------------------------------------------------------------- console

export interface ConsoleParams {
  /** One console line, as typed at crash's prompt (pipes and redirects included). */
  line: string;
  /**
   * Whether the reply carries the command's typed result (`data`; default true). A face that shows the
   * text only (the terminal console) says false: the result is then not converted to JSON for nothing
   * (`log`'s thousands of records, `ps`'s rows).
   */
  data?: boolean;
}

export interface ConsoleReply {
  /** The whole output (also streamed to `onOutput` as it is produced). */
  output: string;
  errors: string[];
  /** The command ran to its end without an error line. */
  ok: boolean;
  cancelled: boolean;
  /** A redirect the adapter must write (`cmd > FILE`); the core never writes files. */
  redirect?: { path: string; append: boolean };
  /** The command's typed result, when it has one (JSON-safe). */
  data?: unknown;
}

export interface CompleteParams {
  line: string;
  /** Cursor position in `line` (default: its end). */
  cursor?: number;
}

export interface CompleteReply {
  /** The word being completed starts here. */
  from: number;
  candidates: string[];
}

// ---------------------------------------------------------------------------------------------- findings

export interface FindingsParams {
  minSeverity?: "info" | "low" | "medium" | "high" | "critical";
}

export interface FindingsReply extends Partial<Finding> {
  triage: TriageSummary;
  /** Version of the rule set that produced the findings. */
  rulesVersion: string;
}

export type HooksReply = Partial<Hook>;

// ---------------------------------------------------------------------------------------------- bpf

/** A loaded eBPF program (prog_idr): crash's `bpf -P` row, with what an analyst follows from it. */
export interface BpfProgramInfo {
  id: number;
  /** struct bpf_prog and struct bpf_prog_aux. */
  address: Hex;
  aux: Hex;
  /** enum bpf_prog_type without its prefix ("KPROBE", "XDP"); "" when the kernel names no such value. */
  type: string;
  typeValue: number;
  /** bpf_prog.tag: 16 hex digits. */
  tag: string;
  /** Ids of the maps it uses. */
  usedMaps: number[];
  /** Translated instructions (8 bytes each). */
  insnCount: number;
  jited: boolean;
  jitedLen: number;
  /** The JIT image (bpf_func) and its bpf_kallsyms name (bpf_prog_<tag>_<name>). */
  bpfFunc: Hex;
  jitSymbol?: string;
  /** Bytes charged (pages × page size), where the kernel records it. */
  memlock?: number;
  /** CLOCK_BOOTTIME ns at load, decimal; and that instant in UTC (ISO 8601) from the dump's own clock. */
  loadTimeNs?: string;
  loadedAt?: string;
  gplCompatible?: boolean;
  name?: string;
  /** The loading uid, on kernels that keep it (before 5.11). */
  uid?: number;
  /** What a tracing program attaches to. */
  attachFuncName?: string;
}

/** A BPF map (map_idr). */
export interface BpfMapInfo {
  id: number;
  address: Hex;
  type: string;
  typeValue: number;
  flags: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  name?: string;
  uid?: number;
}

export interface BpfReply {
  programs: BpfProgramInfo[];
  maps: BpfMapInfo[];
  /** Objects or walks that could not be read; the rest are listed. */
  problems: Problem[];
  /** Why this kernel has no BPF to list (CONFIG_BPF_SYSCALL off). */
  absent?: string;
}

// ---------------------------------------------------------------------------------------------- the methods

export interface Hello {
  version: ContractVersion;
  kdw: string;
  methods: MethodName[];
  open: boolean;
  /** A sample dump the host ships (kdw's samples/), for a first look: a path to pass to `open`. */
  sample?: string;
}

/** Every method of the contract: its params and its reply. */
export interface Methods {
  hello: { params: Record<string, never>; result: Hello };
  open: { params: OpenParams; result: OpenReply };
  close: { params: Record<string, never>; result: { closed: boolean } };
  info: { params: { hash?: boolean }; result: DumpInfo };
  sys: { params: Record<string, never>; result: SysSummary };
  tasks: { params: TasksParams; result: TasksPage };
  task: { params: TaskRef; result: TaskDetails };
  backtrace: { params: BacktraceParams; result: BacktraceReply };
  modules: { params: Record<string, never>; result: ModulesReply };
  log: { params: LogParams; result: LogPage };
  files: { params: TaskRef; result: FilesReply };
  vm: { params: TaskRef; result: VmReply };
  net: { params: TaskRef; result: NetReply };
  readMemory: { params: ReadMemoryParams; result: ReadMemoryReply };
  search: { params: SearchParams; result: SearchReply };
  symbolAt: { params: { address: Hex; /** Add the source line (opens DWARF line tables on first use). */ lines?: boolean }; result: SymbolAtReply };
  lookup: { params: { name: string; limit?: number }; result: LookupReply };
  layout: { params: { type: string }; result: LayoutReply };
  disassemble: { params: DisassembleParams; result: DisassembleReply };
  source: { params: SourceParams; result: SourceReply };
  console: { params: ConsoleParams; result: ConsoleReply };
  complete: { params: CompleteParams; result: CompleteReply };
  findings: { params: FindingsParams; result: FindingsReply };
  hooks: { params: Record<string, never>; result: HooksReply };
  slabCaches: { params: SlabCachesParams; result: SlabCachesReply };
  vmallocAreas: { params: Record<string, never>; result: VmallocAreasReply };
  bpf: { params: Record<string, never>; result: BpfReply };
}


export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Methods[M]["params"];
export type Result<M extends MethodName> = Methods[M]["result"];

/** Polled by long work; AbortSignal satisfies it. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export interface CallOptions {
  signal?: CancelSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Console output as it is produced (console). */
  onOutput?: (chunk: string) => void;
}

/** One call of the contract, whatever carries it (in-process, worker, IPC, HTTP). Rejects with a Problem. */
export type Call = <M extends MethodName>(method: M, params: Params<M>, options?: CallOptions) => Promise<Result<M>>;

/** The contract as an object with one function per method, as the preload and the HTTP client expose it. */
export type KdwService = { [M in MethodName]: (params: Params<M>, options?: CallOptions) => Promise<Result<M>> };

/** What crosses a wire: a reply is a result or a Problem. */
export type Reply<M extends MethodName> = { ok: true; result: Result<M> } | { ok: false; problem: Problem };
