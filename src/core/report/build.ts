// Gathers an incident report through the contract's `Call` alone, so any face can make one: the CLI
// in-process, the workbench over IPC, a browser over HTTP. Every query that fails becomes a warning in the
// chain of custody and the report goes on without that part; nothing here reads evidence directly.
import type { BacktraceReply, Call, FilesReply, Finding, LogPage, NetReply, OpenReply, Severity, SysSummary, TaskRow } from "../session/contract";
import { gatherFault } from "./fault";
import { Gatherer, problemOf } from "./gather";
import { logExcerpt, panicLine } from "./log-excerpt";
import { REPORT_FORMAT, REPORT_VERSION, type AnalystTag, type Custody, type FlaggedTask, type HostInfo, type Overview, type ReportData, type TaskResources } from "./schema";

/** Most tasks kept (a host with more is rare; the rest are counted). */
export const MAX_TASKS = 100_000;
/** Most log records kept. */
export const MAX_LOG_RECORDS = 100_000;
/** Most processes whose files and sockets are listed. */
export const MAX_RESOURCE_TASKS = 32;
const TASK_PAGE = 10_000;

export const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

export interface FileHashes {
  dump?: string;
  vmlinux?: string;
}

/** What the face knows that the contract does not: who, where, with what, and the files' hashes. */
export interface ReportMeta {
  /** The reply to the `open` that opened the dump (names, sizes, warnings). */
  opened: OpenReply;
  tool: { version: string; commit?: string };
  analyst?: string;
  caseId?: string;
  notes?: string;
  tags?: AnalystTag[];
  host?: HostInfo;
  /** SHA-256 of the evidence files; a promise lets the host hash while the report gathers. */
  hashes?: FileHashes | Promise<FileHashes>;
  /** When the analysis started (default: when buildReportData is called). */
  startedAt?: Date;
  /** The clock (tests pass a fixed one). */
  now?: () => Date;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export async function buildReportData(call: Call, meta: ReportMeta): Promise<ReportData> {
  const now = meta.now ?? (() => new Date());
  const startedAt = meta.startedAt ?? now();
  const g = new Gatherer(call);
  const steps = ["dump", "system", "tasks", "modules", "findings", "panic", "log", "files", "hashes"];
  let step = 0;
  const progress = (phase: string) => meta.onProgress?.(phase, step++, steps.length);
  g.warn("open", meta.opened.warnings);

  progress("dump");
  const info = await g.ask("custody", "info", {});
  progress("system");
  const sys = await g.ask("system", "sys", {});
  if (sys) g.warn("system", sys.problems);

  progress("tasks");
  const tasks = await allTasks(g);

  progress("modules");
  const modules = await g.ask("modules", "modules", {});
  if (modules) g.warn("modules", modules.problems);

  progress("findings");
  const findings = await g.tryAsk("findings", {});
  const hooks = await g.tryAsk("hooks", {});
  if (findings.ok) g.warn("findings", findings.result.problems);
  else if (findings.problem.code !== "unsupported") g.warn("findings", [findings.problem]);
  if (hooks.ok) g.warn("hooks", hooks.result.problems);
  else if (hooks.problem.code !== "unsupported") g.warn("hooks", [hooks.problem]);
  const findingItems = findings.ok ? findings.result.items : [];

  progress("panic");
  const bt = await g.ask("panic", "backtrace", {});
  if (bt) g.warn("panic", bt.problems);
  const fault = bt ? await gatherFault(g, bt, modules?.items ?? []) : undefined;

  progress("log");
  const log = await g.ask("log", "log", { limit: MAX_LOG_RECORDS });
  if (log) g.warn("log", log.problems);

  progress("files");
  const flagged = flaggedTasks(findingItems);
  const resources = await taskResources(g, bt?.task ?? sys?.panicTask, flagged, tasks.rows);

  progress("hashes");
  let hashes: FileHashes = {};
  try {
    hashes = (await meta.hashes) ?? {};
  } catch (err) {
    g.warn("custody", [{ ...problemOf(err), code: "io" }]);
  }
  if (!hashes.dump) g.warn("custody", [{ code: "io", message: "the dump's SHA-256 was not computed" }]);
  if (meta.opened.vmlinux && !hashes.vmlinux) g.warn("custody", [{ code: "io", message: "the vmlinux's SHA-256 was not computed" }]);

  const opened = meta.opened;
  const custody: Custody = {
    dump: { name: opened.dump.name, path: opened.dump.path, size: opened.dump.size },
    debuginfo: opened.debuginfo,
    tool: { name: "kdw", version: meta.tool.version, contract: opened.version },
    detectors: findings.ok ? { available: true, rulesVersion: findings.result.rulesVersion } : { available: false, reason: findings.problem.message },
    startedAt: startedAt.toISOString(),
    finishedAt: "",
    warnings: g.warnings,
  };
  if (meta.tool.commit) custody.tool.commit = meta.tool.commit;
  if (hashes.dump) custody.dump.sha256 = hashes.dump;
  if (opened.vmlinux) {
    custody.vmlinux = { name: opened.vmlinux.name, path: opened.vmlinux.path, size: opened.vmlinux.size };
    if (hashes.vmlinux) custody.vmlinux.sha256 = hashes.vmlinux;
  }
  if (info) {
    custody.format = info.format;
    if (info.dumpLevel !== undefined) custody.dumpLevel = info.dumpLevel;
    custody.pagesPresent = info.pagesPresent;
    custody.pagesExcluded = info.pagesExcluded;
    const buildId = info.vmcoreinfo["BUILD-ID"];
    if (buildId) custody.buildId = buildId;
    if (info.crashTime) custody.crashTime = info.crashTime;
    const release = info.vmcoreinfo["OSRELEASE"] ?? sys?.release;
    if (release) custody.release = release;
  } else if (sys?.release) custody.release = sys.release;
  if (!custody.crashTime && sys?.crashTime !== undefined) custody.crashTime = new Date(sys.crashTime * 1000).toISOString();
  if (meta.analyst) custody.analyst = meta.analyst;
  if (meta.caseId) custody.caseId = meta.caseId;
  if (meta.host) custody.host = meta.host;

  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findingItems) if (f.severity in counts) counts[f.severity]++;
  const summary = findings.ok ? findings.result.triage : undefined;

  const data: ReportData = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    custody,
    triage: summary ? { summary, counts: { ...counts, ...summary.counts } } : { counts },
    panic: panicSection(sys, bt, fault, log, summary?.panic?.message),
    findings: findings.ok ? { available: true, rulesVersion: findings.result.rulesVersion, items: findingItems } : { available: false, reason: findings.problem.message, items: [] },
    hooks: hooks.ok ? { available: true, items: hooks.result.items } : { available: false, reason: hooks.problem.message, items: [] },
    processes: { total: tasks.total, tasks: tasks.rows, truncated: tasks.rows.length < tasks.total, flagged },
    overview: overview(tasks.rows, sys),
    modules: { items: modules?.items ?? [] },
    log: logSection(log),
    resources,
    analyst: { tags: meta.tags ?? [] },
  };
  if (sys) data.system = sys;
  if (meta.analyst) data.analyst.name = meta.analyst;
  if (meta.caseId) data.analyst.caseId = meta.caseId;
  if (meta.notes) data.analyst.notes = meta.notes;
  custody.warnings = g.finish();
  custody.finishedAt = now().toISOString();
  meta.onProgress?.("done", steps.length, steps.length);
  return data;
}

async function allTasks(g: Gatherer): Promise<{ rows: TaskRow[]; total: number }> {
  const rows: TaskRow[] = [];
  let total = 0;
  for (let offset = 0; offset < MAX_TASKS; offset += TASK_PAGE) {
    const page = await g.ask("processes", "tasks", { offset, limit: Math.min(TASK_PAGE, MAX_TASKS - offset) });
    if (!page) break;
    g.warn("processes", page.problems);
    total = page.total;
    rows.push(...page.items);
    if (page.items.length === 0 || offset + page.items.length >= page.total) break;
  }
  return { rows, total: Math.max(total, rows.length) };
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Tasks the findings are about, most severe first. */
export function flaggedTasks(findings: readonly Finding[]): FlaggedTask[] {
  const byPid = new Map<number, FlaggedTask>();
  for (const f of findings) {
    if (f.subject.kind !== "task") continue;
    const e = byPid.get(f.subject.pid);
    if (!e) byPid.set(f.subject.pid, { pid: f.subject.pid, severity: f.severity, findings: [f.id], rules: [f.rule] });
    else {
      if (rank(f.severity) > rank(e.severity)) e.severity = f.severity;
      if (!e.findings.includes(f.id)) e.findings.push(f.id);
      if (!e.rules.includes(f.rule)) e.rules.push(f.rule);
    }
  }
  return [...byPid.values()].sort((a, b) => rank(b.severity) - rank(a.severity) || a.pid - b.pid);
}

/** Files and sockets of the panic task and of each flagged process (once per thread group). */
async function taskResources(g: Gatherer, panicTask: TaskRow | undefined, flagged: FlaggedTask[], rows: TaskRow[]): Promise<TaskResources[]> {
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const wanted: { pid: number; comm: string; reason: string }[] = [];
  const groups = new Set<number>();
  const add = (row: TaskRow | undefined, pid: number, reason: string) => {
    const tgid = row?.tgid ?? pid;
    if (groups.has(tgid)) {
      const w = wanted.find((x) => (byPid.get(x.pid)?.tgid ?? x.pid) === tgid);
      if (w && !w.reason.includes(reason)) w.reason += `; ${reason}`;
      return;
    }
    groups.add(tgid);
    wanted.push({ pid, comm: row?.comm ?? "", reason });
  };
  if (panicTask) add(panicTask, panicTask.pid, "panic task");
  for (const f of flagged) {
    if (wanted.length >= MAX_RESOURCE_TASKS) break;
    add(byPid.get(f.pid), f.pid, `flagged: ${f.rules.join(", ")}`);
  }
  const out: TaskResources[] = [];
  for (const w of wanted) {
    const section = `files of pid ${w.pid}`;
    const files: FilesReply | undefined = await g.ask(section, "files", { pid: w.pid });
    const net: NetReply | undefined = await g.ask(section, "net", { pid: w.pid });
    if (files) g.warn(section, files.problems);
    if (net) g.warn(section, net.problems);
    const r: TaskResources = { pid: w.pid, comm: files?.task.comm ?? w.comm, reason: w.reason, files: files?.items ?? [], sockets: net?.items ?? [] };
    if (files?.root !== undefined) r.root = files.root;
    if (files?.cwd !== undefined) r.cwd = files.cwd;
    out.push(r);
  }
  return out;
}

function panicSection(sys: SysSummary | undefined, bt: BacktraceReply | undefined, fault: Awaited<ReturnType<typeof gatherFault>> | undefined, log: LogPage | undefined, triageMessage: string | undefined): ReportData["panic"] {
  const panic: ReportData["panic"] = {};
  const message = triageMessage ?? (log ? panicLine(log.items, log.panicIndex) : undefined) ?? sys?.panic;
  if (message) panic.message = message;
  if (sys?.panic) panic.sysPanic = sys.panic;
  const task = sys?.panicTask ?? bt?.task;
  if (task) {
    panic.task = task;
    panic.cpu = task.cpu;
  }
  if (bt) panic.backtrace = { frames: bt.frames, text: bt.text, incomplete: bt.incomplete };
  if (fault) Object.assign(panic, fault);
  return panic;
}

function logSection(log: LogPage | undefined): ReportData["log"] {
  if (!log) return { total: 0, records: [], truncated: false };
  const section: ReportData["log"] = { total: log.total, records: log.items, truncated: log.items.length < log.total };
  if (log.panicIndex !== undefined && log.panicIndex < log.items.length) section.panicIndex = log.panicIndex;
  const excerpt = logExcerpt(log.items, section.panicIndex);
  if (excerpt) section.excerpt = excerpt;
  return section;
}

/** What ran where: tasks per CPU (idle tasks aside) and per state. */
export function overview(rows: readonly TaskRow[], sys: SysSummary | undefined): Overview {
  const cpuCount = Math.min(4096, Math.max(sys?.cpus ?? 0, ...rows.map((r) => (r.cpu >= 0 && r.cpu < 4096 ? r.cpu + 1 : 0)), 0));
  const panicCpu = sys?.panicTask?.cpu;
  const cpus: Overview["cpus"] = Array.from({ length: cpuCount }, (_, cpu) => ({ cpu, tasks: 0, running: 0, panic: cpu === panicCpu }));
  const states: Record<string, number> = {};
  for (const r of rows) {
    states[r.state] = (states[r.state] ?? 0) + 1;
    const c = cpus[r.cpu];
    if (!c) continue;
    if (r.active && (!c.active || !r.idle)) c.active = { pid: r.pid, comm: r.comm };
    if (r.idle) continue;
    c.tasks++;
    if (r.state === "RU") c.running++;
  }
  return { cpus, states };
}
