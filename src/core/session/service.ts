// The contract's one implementation. Every face calls it: in-process (tests, the report), behind a worker
// (the CLI console, `kdw serve`) or an Electron utility process (the workbench) through host.ts. It checks
// every request against the schemas, runs it on the console engine (Session: the opened dump and kernel,
// the console state and the commands), and answers with JSON-safe values or one Problem.
// The host — the file system, the disassembler, faster codecs, the cache folder — is injected: the core
// stays free of Node.
import type { InstructionDecoder } from "../arch/x86_64/disasm";
import type { CodecOverrides } from "../codec";
import { dumpInfo } from "./dump-info";
import { sysInfo } from "../commands/system/sys";
import { ctimeUtc } from "../commands/shared/time";
import { jsonView } from "../commands/json-view";
import type { ModuleFileFinder } from "../commands/command";
import type { SourceReader } from "../program/source-lines";
import { openDump } from "../dump/open";
import type { Dump } from "../dump/dump";
import type { ByteSource } from "../io/byte-source";
import { sha256Source } from "../io/hash";
import { KdwError } from "../io/errors";
import { taints } from "../kernel/system/sysinfo";
import { panicTask, taskTable } from "../kernel/tasks/tasks";
import type { IndexCache } from "../program/open-kernel";
import type { DwarfIndexWorkers } from "../debuginfo/dwarf/index-parallel";
import type { CallOptions, ConsoleReply, KdwService, MethodName, Params, Problem, Result, SysSummary } from "./contract";
import { checkParams, CONTRACT_VERSION, METHOD_NAMES } from "./schema";
import { CancelledError, NotFoundError, ProblemError, problem, toProblem } from "./problems";
import { Session } from "./session";
import { tasksPage, taskDetails, findTask, taskRow } from "./queries/tasks";
import { modulesReply } from "./queries/modules";
import { slabCachesReply, vmallocAreasReply } from "./queries/kmem";
import { logPage } from "./queries/log";
import { filesReply, netReply, vmReply } from "./queries/task-resources";
import { readMemory } from "./queries/memory";
import { searchReply } from "./queries/search";
import { layout, lookup, symbolAt } from "./queries/symbols";
import { disassemble, source } from "./queries/code";
import { backtrace } from "./queries/backtrace";
import { complete } from "./queries/complete";
import { bpfReply } from "./queries/bpf";
import { parseHex } from "./problems";
import { detectContextOf, detectionOf } from "../detect/cached";
import { findingsContractReply } from "../detect/document";
import { hookJson } from "../detect/hooks";
import { severityRank } from "../detect/rule";

/** An open evidence file: read-only bytes, and a way to let go of it. */
export interface HostFile {
  source: ByteSource;
  /** The path as given, and its base name (crash's KERNEL/DUMPFILE lines show what the user typed). */
  path: string;
  close(): void;
}

/** What the core needs from the machine it runs on. */
export interface SessionHost {
  /** kdw's version, for `hello`. */
  version: string;
  /** Opens a file read-only; throws (an fs error or a KdwError) when it cannot. */
  openFile(path: string): HostFile;
  decoder?: InstructionDecoder;
  codecs?: CodecOverrides;
  cache?: IndexCache;
  /** Threads that build parts of the DWARF name index (the CLI's worker threads). */
  indexWorkers?: DwarfIndexWorkers;
  sourceReader?(dir: string): SourceReader;
  moduleFileFinder?(vmlinuxPath: string): ModuleFileFinder;
  /** The path of a sample dump the host ships, if it has one (`hello` names it). */
  sample?: string;
}

interface Opened {
  files: HostFile[];
  dump: Dump;
  dumpFile: HostFile;
  /** The kernel: absent when the dump was opened alone (dumpOnly). */
  engine?: Session;
}

export class SessionService {
  private opened: Opened | undefined;

  constructor(private readonly host: SessionHost) {}

  /** The contract as an object with one function per method. */
  asService(): KdwService {
    const out: Partial<Record<MethodName, unknown>> = {};
    for (const m of METHOD_NAMES) out[m] = (params: unknown, options?: CallOptions) => this.call(m, params as never, options);
    return out as KdwService;
  }

  /** One call: params checked, the answer or a rejection carrying a Problem (ProblemError). */
  async call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions = {}): Promise<Result<M>> {
    // info with the evidence's SHA-256: the summary at once, then the file streamed through the hasher.
    if (method === "info" && (params as { hash?: unknown } | undefined)?.hash === true) {
      const summary = this.callSync("info", { ...(params as object), hash: false }, options);
      if (!summary.ok) throw new ProblemError(summary.problem);
      const sha256 = await this.hashDump((done, total) => options.onProgress?.({ phase: "sha256", done, total }));
      return { ...(summary.result as Result<"info">), sha256 } as Result<M>;
    }
    const reply = this.callSync(method, params, options);
    if (!reply.ok) throw new ProblemError(reply.problem);
    return reply.result;
  }

  /**
   * Idle-time work of a host with time to spare after an open (the console's worker, while its prompt is
   * up): the buffers the dump's pages are read into are mapped now (Dump.prefault). Not a method of the
   * contract: it answers nothing and reads nothing.
   */
  idle(): void {
    this.opened?.dump.prefault?.();
  }

  /** The same, synchronously, as `{ok, result}` or `{ok: false, problem}` (what hosts put on the wire). */
  callSync<M extends MethodName>(method: M, params: unknown, options: CallOptions = {}): { ok: true; result: Result<M> } | { ok: false; problem: Problem } {
    if (!METHOD_NAMES.includes(method)) return { ok: false, problem: problem("unknown-method", `unknown method: ${String(method)}`) };
    const checked = checkParams(method, params);
    if (!checked.ok) return checked;
    try {
      return { ok: true, result: this.dispatch(method, checked.params, options) };
    } catch (err) {
      return { ok: false, problem: toProblem(err) };
    } finally {
      // What the call learned of the vmlinux (names asked of its symtab and .BTF) is kept for the next session.
      this.opened?.engine?.kernel.keepLearned?.();
    }
  }

  private dispatch<M extends MethodName>(method: M, params: Params<M>, options: CallOptions): Result<M> {
    const handler = this.handlers[method] as (p: Params<M>, o: CallOptions) => Result<M>;
    return handler(params, options);
  }

  private engine(): Session {
    const e = this.opened?.engine;
    if (!e) throw new ProblemError(problem("not-open", this.opened ? "the dump was opened without its kernel (dumpOnly)" : "no dump is open: call open first"));
    return e;
  }

  /** Runs `fn` with the caller's cancel signal polled by long walks. */
  private cancellable<T>(options: CallOptions, fn: () => T): T {
    const engine = this.opened?.engine;
    if (!engine || !options.signal) return fn();
    const signal = options.signal;
    const check = () => {
      if (signal.aborted) throw new CancelledError();
    };
    const prog = engine.context.prog as { interrupt?: () => void };
    const before = { ctx: engine.context.interrupt, prog: prog.interrupt };
    engine.context.interrupt = check;
    prog.interrupt = check;
    try {
      check();
      return fn();
    } finally {
      engine.context.interrupt = before.ctx;
      prog.interrupt = before.prog;
    }
  }

  private close(): void {
    for (const f of this.opened?.files ?? []) f.close();
    this.opened = undefined;
  }

  private readonly handlers: { [M in MethodName]: (params: Params<M>, options: CallOptions) => Result<M> } = {
    hello: () => ({ version: CONTRACT_VERSION, kdw: this.host.version, methods: [...METHOD_NAMES], open: this.opened !== undefined, ...(this.host.sample !== undefined ? { sample: this.host.sample } : {}) }),

    open: (p, options) => {
      this.close();
      const progress = (phase: string, done: number, total?: number) => options.onProgress?.(total === undefined ? { phase, done } : { phase, done, total });
      const files: HostFile[] = [];
      try {
        progress("headers", 0, 3);
        const dumpFile = this.host.openFile(p.dump);
        files.push(dumpFile);
        const dump = openDump(dumpFile.source, { codecs: this.host.codecs });
        if (p.dumpOnly) {
          this.opened = { files, dump, dumpFile };
          progress("headers", 3, 3);
          return { version: CONTRACT_VERSION, dump: fileInfo(dumpFile), debuginfo: "btf+kallsyms", warnings: [] };
        }
        // No vmlinux: the dump's own kallsyms, BTF and ORC (the host looks for one by build id first).
        progress("symbols and types", 1, 3);
        const vmlinuxFile = p.vmlinux === undefined ? undefined : this.host.openFile(p.vmlinux);
        if (vmlinuxFile) files.push(vmlinuxFile);
        const engine = Session.openFrom(dump, vmlinuxFile?.source, {
          force: p.force,
          cache: this.host.cache,
          indexWorkers: this.host.indexWorkers,
          codecs: this.host.codecs,
          vmlinuxName: vmlinuxFile?.source.name,
          dumpName: dumpFile.source.name,
          decoder: this.host.decoder,
          readSource: p.src !== undefined ? this.host.sourceReader?.(p.src) : undefined,
          findModuleFile: this.host.moduleFileFinder?.(p.vmlinux ?? p.dump),
        });
        progress("tasks", 2, 3);
        const warnings: Problem[] = [];
        if (engine.kernel.mismatch) warnings.push(problem("mismatch", `forced past a mismatch: ${engine.kernel.mismatch}`));
        // A damaged dump: what could not be read while opening, and what stands in for it.
        for (const d of engine.kernel.degraded) warnings.push(problem("excluded", d));
        try {
          const table = taskTable(engine.context.prog);
          warnings.push(...table.problems.map(toProblem));
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          warnings.push(toProblem(err));
        }
        this.opened = { files, dump, dumpFile, engine };
        progress("tasks", 3, 3);
        return { version: CONTRACT_VERSION, dump: fileInfo(dumpFile), ...(vmlinuxFile ? { vmlinux: fileInfo(vmlinuxFile) } : {}), debuginfo: vmlinuxFile ? "vmlinux" : "btf+kallsyms", warnings };
      } catch (err) {
        for (const f of files) f.close();
        throw err;
      }
    },

    close: () => {
      const was = this.opened !== undefined;
      this.close();
      return { closed: was };
    },

    info: (p) => {
      const o = this.opened;
      if (!o) throw new ProblemError(problem("not-open", "no dump is open: call open first"));
      // With the kernel open, its symbols name iomem_resource: no need to decode the dump's own kallsyms.
      const prog = o.engine?.context.prog;
      const iomem = prog?.symbols.addressOf("iomem_resource");
      const info = dumpInfo(o.dump, o.dumpFile.source.size, prog && iomem !== undefined ? { space: prog.kernel, iomemResource: iomem } : undefined);
      if (p.hash) {
        // The hash streams the whole file through hash-wasm (asynchronous): call() answers info({hash}).
        throw new ProblemError(problem("bad-request", "info: the hash is computed asynchronously: use call(), not callSync()"));
      }
      return info;
    },

    sys: () => {
      const e = this.engine();
      const s = sysInfo(e.context);
      const prog = e.context.prog;
      // A field a damaged dump lost reads "(lost)" and says why among the problems.
      const lost = (v: string | undefined) => v ?? "(lost)";
      const summary: SysSummary = {
        kernel: s.kernel,
        dumpfile: s.dumpfile,
        cpus: s.cpus,
        uptime: lost(s.uptime),
        loadAverage: lost(s.loadAverage),
        tasks: s.tasks ?? 0,
        nodename: lost(s.nodename),
        release: lost(s.release),
        version: lost(s.version),
        machine: lost(s.machine),
        problems: Object.entries(s.lost ?? {}).map(([field, why]) => problem("excluded", `${field}: ${why}`)),
      };
      if (s.date !== undefined) {
        summary.crashTime = s.date;
        summary.date = ctimeUtc(s.date);
      }
      if (s.memory !== undefined) summary.memory = s.memory;
      if (s.panic !== undefined) summary.panic = s.panic;
      try {
        const t = panicTask(prog);
        if (t) summary.panicTask = taskRow(prog, taskTable(prog), t);
        summary.taints = taints(prog).letters;
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        summary.problems.push(toProblem(err));
      }
      return summary;
    },

    tasks: (p, o) => this.cancellable(o, () => tasksPage(this.engine().context.prog, p)),
    task: (p) => taskDetails(this.engine().context.prog, p),
    backtrace: (p, o) => this.cancellable(o, () => backtrace(this.engine(), p.pid !== undefined ? { pid: p.pid } : p.task !== undefined ? { task: p.task } : undefined, p.lines ?? false)),
    modules: () => modulesReply(this.engine().context.prog),
    log: (p, o) => this.cancellable(o, () => logPage(this.engine().context.prog, p)),
    files: (p) => filesReply(this.engine().context.prog, p),
    vm: (p, o) => this.cancellable(o, () => vmReply(this.engine().context.prog, p)),
    net: (p) => netReply(this.engine().context.prog, p),
    readMemory: (p) => {
      if (p.space === "physical" && this.opened && !this.opened.engine) return readPhysicalOnly(this.opened.dump, p);
      return readMemory(this.engine().context.prog, p);
    },
    search: (p, o) => this.cancellable(o, () => searchReply(this.engine().context, p)),
    symbolAt: (p) => symbolAt(this.engine().context, parseHex(p.address), p.lines ?? false),
    lookup: (p) => lookup(this.engine().context, p.name, p.limit),
    layout: (p) => {
      const e = this.engine();
      return layout(e.context, p.type, (name) => e.run(`struct -o ${name}`).text);
    },
    disassemble: (p) => {
      const e = this.engine();
      return disassemble(e.context, this.host.decoder, p, (target, count) => {
        const r = e.run(`dis ${p.lines ? "-l " : ""}${target} ${count}`);
        return r.text;
      });
    },
    source: (p) => source(this.engine().context, p),
    console: (p, o) => this.consoleLine(p.line, p.data ?? true, o),
    complete: (p) => complete(this.engine(), p.line, p.cursor ?? p.line.length),
    findings: (p, o) =>
      this.cancellable(o, () => {
        const c = this.engine().context;
        const r = detectionOf(c.prog, { symbols: () => c.symbols, decoder: c.decoder, vmlinux: c.vmlinux });
        const min = severityRank(p.minSeverity ?? "info");
        return findingsContractReply({ ...r, findings: r.findings.filter((f) => severityRank(f.severity) >= min) });
      }),
    hooks: (_p, o) =>
      this.cancellable(o, () => {
        const c = this.engine().context;
        const scan = detectContextOf(c.prog, { symbols: () => c.symbols, decoder: c.decoder, vmlinux: c.vmlinux }).hooks;
        return { items: scan.hooks.map(hookJson), problems: scan.problems.map((x) => problem("walk-aborted", `${x.source}: ${x.message}`)) };
      }),
    slabCaches: (p, o) =>
      this.cancellable(o, () => {
        const c = this.engine().context;
        return slabCachesReply(c.prog, c.addressSpace, p);
      }),
    vmallocAreas: (_p, o) =>
      this.cancellable(o, () => {
        const c = this.engine().context;
        return vmallocAreasReply(c.prog, c.symbols);
      }),
    bpf: (_p, o) =>
      this.cancellable(o, () => {
        const e = this.engine();
        return bpfReply(e.context.prog, e.context.interrupt);
      }),
  };

  private consoleLine(line: string, withData: boolean, options: CallOptions): ConsoleReply {
    const e = this.engine();
    try {
      const r = this.cancellable(options, () => e.run(line));
      if (r.text && !r.redirect) options.onOutput?.(r.text);
      const reply: ConsoleReply = { output: r.text, errors: r.errors, ok: r.errors.length === 0, cancelled: false };
      if (r.redirect) reply.redirect = r.redirect;
      if (withData && r.data !== undefined) reply.data = jsonView(r.data);
      return reply;
    } catch (err) {
      if (err instanceof CancelledError) return { output: "", errors: ["kdw: command cancelled"], ok: false, cancelled: true };
      throw err;
    }
  }

  /** SHA-256 of the open dump (streamed, with progress); for the report and `kdw info --hash`. */
  async hashDump(onProgress?: (done: number, total: number) => void): Promise<string> {
    const o = this.opened;
    if (!o) throw new ProblemError(problem("not-open", "no dump is open: call open first"));
    return sha256Source(o.dumpFile.source, onProgress);
  }

  /** The console engine, for adapters that need the console state (tests, the report). */
  get session(): Session | undefined {
    return this.opened?.engine;
  }
}

function fileInfo(f: HostFile): { path: string; name: string; size: number } {
  return { path: f.path, name: f.source.name, size: f.source.size };
}

/** Physical reads with no kernel open (`kdw read`): the dump's own page states. */
function readPhysicalOnly(dump: Dump, p: Params<"readMemory">): Result<"readMemory"> {
  const fake = { dump, kernel: undefined } as unknown as Parameters<typeof readMemory>[0];
  return readMemory(fake, p);
}

export { NotFoundError, findTask };
