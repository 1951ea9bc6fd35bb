// The incident report as data: what `kdw report --json` writes and what the HTML is rendered from. Versioned
// and documented in docs/report.md; every value is plain JSON (addresses as "0x…" strings, times as ISO 8601
// UTC or decimal strings of nanoseconds), and strings read from the dump are kept as read (JSON escapes
// them); the HTML shows them escaped and with control characters made visible.
import type {
  BacktraceFrame,
  FileRow,
  Finding,
  Hex,
  Hook,
  Instruction,
  LogRecord,
  ModuleRow,
  Problem,
  Severity,
  SocketRow,
  SourceReply,
  SysSummary,
  TaskRow,
  TriageSummary,
} from "../session/contract";

export const REPORT_FORMAT = "kdw-report";
/** Bumped when a field changes meaning or is removed; adding a field keeps the version. */
export const REPORT_VERSION = 1;

export interface ReportData {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  custody: Custody;
  triage: TriageSection;
  /** The `sys` block; absent when the kernel could not be read. */
  system?: SysSummary;
  panic: PanicSection;
  findings: FindingsSection;
  hooks: HooksSection;
  processes: ProcessSection;
  overview: Overview;
  modules: ModulesSection;
  log: LogSection;
  /** Open files and sockets of the panic task and of every flagged process. */
  resources: TaskResources[];
  analyst: AnalystSection;
}

/** One evidence file: what was examined. */
export interface EvidenceFile {
  /** The name as the user gave it. */
  name: string;
  path: string;
  size: number;
  /** Lower-case hex SHA-256 of the whole file; absent when it could not be computed (see custody.warnings). */
  sha256?: string;
}

/** Who examined what, with what, where and when. */
export interface Custody {
  dump: EvidenceFile;
  vmlinux?: EvidenceFile;
  /** The dump's format as `kdw info` names it ("kdump-compressed (diskdump) version 6"). */
  format?: string;
  dumpLevel?: number;
  pagesPresent?: number;
  pagesExcluded?: number;
  /** VMCOREINFO's OSRELEASE, else the kernel's utsname. */
  release?: string;
  /** The kernel's build id (VMCOREINFO BUILD-ID); the vmlinux was checked against it when opened. */
  buildId?: string;
  /** When the kernel crashed (ISO 8601 UTC), from the dump. */
  crashTime?: string;
  /** Where types and symbols came from. */
  debuginfo: "vmlinux" | "btf+kallsyms";
  tool: { name: "kdw"; version: string; commit?: string; contract: number };
  detectors: DetectorState;
  analyst?: string;
  caseId?: string;
  /** When the analysis ran, ISO 8601 UTC. */
  startedAt: string;
  finishedAt: string;
  host?: HostInfo;
  /** Everything that did not read cleanly: excluded pages met, walks cut short, queries that failed. */
  warnings: ReportProblem[];
}

export interface HostInfo {
  name?: string;
  /** Operating system, release and architecture of the analysing machine. */
  os?: string;
  user?: string;
}

/** Whether the detectors ran, and which rule set. */
export interface DetectorState {
  available: boolean;
  rulesVersion?: string;
  /** Why they are not available (the service's Problem message). */
  reason?: string;
}

/** A Problem with the part of the report it belongs to. */
export interface ReportProblem extends Problem {
  section: string;
}

export interface TriageSection {
  /** The detectors' summary (paragraph and counts), when they ran. */
  summary?: TriageSummary;
  /** Findings per severity (zero everywhere without detectors). */
  counts: Record<Severity, number>;
}

/** The faulting instruction: where the kernel died. */
export interface FaultSite {
  address: Hex;
  symbol?: string;
  offset?: number;
  module?: string;
  moduleHidden?: boolean;
  moduleOutOfTree?: boolean;
  moduleTaints?: string;
  line?: string;
}

export interface PanicSection {
  /** The first line of the oops or panic in the log ("BUG: kernel NULL pointer dereference, …"), else sys's PANIC. */
  message?: string;
  /** sys's PANIC field. */
  sysPanic?: string;
  task?: TaskRow;
  cpu?: number;
  /** The panic task's backtrace (crash's `bt`). */
  backtrace?: { frames: BacktraceFrame[]; text: string; incomplete: boolean };
  /** Index in backtrace.frames of the frame that faulted (the first kernel-mode exception frame). */
  faultingFrame?: number;
  fault?: FaultSite;
  /** Instructions around the faulting one; source lines where line tables have them. */
  disassembly?: { instructions: Instruction[]; faultIndex: number };
  /** Source lines around the fault, when a source tree was given. */
  source?: SourceReply;
}

export interface FindingsSection extends DetectorState {
  items: Finding[];
}

export interface HooksSection {
  available: boolean;
  reason?: string;
  items: Hook[];
}

/** Why a task is marked in the tree and gets its files and sockets listed. */
export interface FlaggedTask {
  pid: number;
  /** The most severe finding about it. */
  severity: Severity;
  /** The findings' ids, and their rules. */
  findings: string[];
  rules: string[];
}

export interface ProcessSection {
  /** Tasks the kernel holds (threads included). */
  total: number;
  /** Every task in crash's ps order, up to the cap (MAX_TASKS); `truncated` says when more exist. */
  tasks: TaskRow[];
  truncated: boolean;
  flagged: FlaggedTask[];
}

export interface CpuOverview {
  cpu: number;
  /** Tasks last run on this CPU, and how many of them are runnable (RU). */
  tasks: number;
  running: number;
  /** The task on the CPU when the dump was taken. */
  active?: { pid: number; comm: string };
  panic: boolean;
}

export interface Overview {
  cpus: CpuOverview[];
  /** Tasks per crash state (RU, IN, UN, ID, ZO, …). */
  states: Record<string, number>;
}

export interface ModulesSection {
  items: ModuleRow[];
}

export interface LogSection {
  total: number;
  /** Every record up to the cap (MAX_LOG_RECORDS). */
  records: LogRecord[];
  truncated: boolean;
  /** Index in records of the record with the panic message. */
  panicIndex?: number;
  /** The records shown around the panic: [from, to). */
  excerpt?: { from: number; to: number };
}

export interface TaskResources {
  pid: number;
  comm: string;
  /** "panic task" or the flagging rules ("flagged: respawn-swarm, name-masquerade"). */
  reason: string;
  root?: string;
  cwd?: string;
  files: FileRow[];
  sockets: SocketRow[];
}

/** A tag an analyst put on something in the workbench, with a comment. */
export interface AnalystTag {
  /** What is tagged, as the workbench names it: "pid 324", "module mzoneinfo", "0xffffffffc05dc05e". */
  subject: string;
  tag: string;
  comment?: string;
  /** When (ISO 8601 UTC). */
  at?: string;
}

export interface AnalystSection {
  name?: string;
  caseId?: string;
  notes?: string;
  tags: AnalystTag[];
}
