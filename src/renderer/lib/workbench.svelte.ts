// The analysis the window shows: connection, opening with progress, and the data every panel starts from
// (sys, dump info, findings, tasks, modules), each with its own loading and error state. Panels get these
// as props; none reaches into another's state.
import type { Call, DumpInfo, FindingsReply, Hello, LogPage, ModulesReply, OpenParams, OpenReply, Problem, ProgressEvent, Severity, SysSummary, TaskRow } from "../../core/session/contract";
import { severityRank } from "./format";
import type { DumpChoice, Transport } from "./transport/transport";
import { asProblem } from "./transport/transport";
import { loadTaskPages } from "./task-pages";

export type Loadable<T> = { status: "idle" } | { status: "loading" } | { status: "ready"; value: T } | { status: "error"; problem: Problem };

/** Most task rows fetched (a damaged task list must not fill the renderer). */
const MAX_TASKS = 1 << 20;
/** The first page of the task tree is small, so it shows at once; the rest comes in larger pages. */
const FIRST_TASK_PAGE = 1000;
const TASK_PAGE = 10_000;
/** Dumps smaller than this are hashed (SHA-256) right after opening. */
const HASH_AT_OPEN = 1 << 30;

export type Phase = "connecting" | "welcome" | "opening" | "ready" | "failed";

export class Workbench {
  phase = $state<Phase>("connecting");
  hello = $state<Hello>();
  opened = $state<OpenReply>();
  progress = $state<ProgressEvent>();
  openProblem = $state<Problem>();
  /** The connection itself failed (no server, refused token). */
  connectProblem = $state<Problem>();
  sys = $state<Loadable<SysSummary>>({ status: "idle" });
  info = $state<Loadable<DumpInfo>>({ status: "idle" });
  findings = $state<Loadable<FindingsReply>>({ status: "idle" });
  /** Replaced, never changed in place (a new array per page): not made deeply reactive, 10^5 rows. */
  tasks = $state.raw<Loadable<TaskRow[]>>({ status: "idle" });
  tasksProblems = $state<Problem[]>([]);
  /** While the pages after the first are fetched: how many rows are in `tasks`, of how many. */
  tasksMore = $state<{ loaded: number; total: number }>();
  modules = $state<Loadable<ModulesReply>>({ status: "idle" });
  /** The kernel log around the panic record (the summary reads the oops from it; the overview shows it). */
  panicLog = $state<Loadable<LogPage>>({ status: "idle" });
  private openAbort?: AbortController;

  constructor(readonly transport: Transport) {}

  get call(): Call {
    return this.transport.call;
  }

  /** The most severe finding's severity per pid. */
  severityByPid = $derived.by(() => {
    const map = new Map<number, Severity>();
    if (this.findings.status !== "ready") return map;
    for (const f of this.findings.value.items) {
      if (f.subject.kind !== "task") continue;
      const prev = map.get(f.subject.pid);
      if (!prev || severityRank(f.severity) > severityRank(prev)) map.set(f.subject.pid, f.severity);
    }
    return map;
  });

  async start(): Promise<void> {
    try {
      this.hello = await this.call("hello", {});
    } catch (err) {
      this.connectProblem = asProblem(err);
      this.phase = "failed";
      return;
    }
    if (this.hello.open) {
      this.phase = "opening";
      await this.loadAll();
      return;
    }
    const info = await this.transport.host.info().catch(() => undefined);
    if (info?.initial) await this.open(info.initial);
    else this.phase = "welcome";
  }

  async open(choice: DumpChoice, force = false): Promise<void> {
    this.openAbort?.abort();
    const abort = new AbortController();
    this.openAbort = abort;
    this.phase = "opening";
    this.openProblem = undefined;
    this.progress = undefined;
    const params: OpenParams = { dump: choice.dump, ...(choice.vmlinux ? { vmlinux: choice.vmlinux } : {}), ...(force ? { force: true } : {}) };
    try {
      this.opened = await this.call("open", params, { signal: abort.signal, onProgress: (e) => (this.progress = e) });
    } catch (err) {
      if (this.openAbort !== abort) return;
      this.openProblem = asProblem(err);
      this.phase = "failed";
      return;
    }
    await this.loadAll();
  }

  cancelOpen(): void {
    this.openAbort?.abort();
  }

  private async loadAll(): Promise<void> {
    this.phase = "ready";
    // The summary first (the first paint), then the rest side by side.
    await Promise.all([load(this.call("sys", {}), (v) => (this.sys = v)), load(this.call("info", {}), (v) => (this.info = v)), load(this.loadPanicLog(), (v) => (this.panicLog = v))]);
    await Promise.all([load(this.call("findings", {}), (v) => (this.findings = v)), this.loadTasks(), load(this.call("modules", {}), (v) => (this.modules = v))]);
    // The evidence's hash last (it reads the whole file): at once for dumps under 1 GiB, else on demand.
    if (this.info.status === "ready" && this.info.value.fileSize < HASH_AT_OPEN) await this.hashDump();
  }

  async hashDump(): Promise<void> {
    try {
      const v = await this.call("info", { hash: true });
      this.info = { status: "ready", value: v };
    } catch {
      // the summary keeps the build id instead
    }
  }

  private async loadPanicLog(): Promise<LogPage> {
    const head = await this.call("log", { offset: 0, limit: 1 });
    const at = head.panicIndex ?? head.total;
    const from = Math.max(0, at - 12);
    return this.call("log", { offset: from, limit: Math.max(0, Math.min(52, head.total - from)) });
  }

  /** The task rows, page by page: the first (small) shown as soon as it arrives, each later one added as it comes. */
  async loadTasks(): Promise<void> {
    this.tasks = { status: "loading" };
    this.tasksMore = undefined;
    try {
      await loadTaskPages(
        (params) => this.call("tasks", params),
        (p) => {
          this.tasks = { status: "ready", value: p.rows };
          this.tasksProblems = p.problems;
          this.tasksMore = p.more;
        },
        { firstPage: FIRST_TASK_PAGE, page: TASK_PAGE, max: MAX_TASKS },
      );
    } catch (err) {
      this.tasks = { status: "error", problem: asProblem(err) };
      this.tasksMore = undefined;
    }
  }
}

async function load<T>(promise: Promise<T>, set: (v: Loadable<T>) => void): Promise<void> {
  set({ status: "loading" });
  try {
    set({ status: "ready", value: await promise });
  } catch (err) {
    set({ status: "error", problem: asProblem(err) });
  }
}
