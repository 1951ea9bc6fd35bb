// `kdw console VMLINUX DUMP` (also `kdw VMLINUX DUMP`, either order, as with crash): the interactive
// console, or `-c "cmd; cmd"` / `-i FILE` to run commands and exit. Output redirection (`> FILE`) is
// written here, never into the evidence folder's files (the dump and vmlinux are opened read-only).
// `kdw console DUMP`: the vmlinux is found by the dump's build id (debuginfo-search.ts), else the dump's own
// kallsyms and BTF stand in for it; --no-debuginfo uses the dump alone even when a vmlinux is at hand.
import { appendFileSync, readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Session, type LineResult } from "../core/session/session";
import { DumpFormatError } from "../core/io/errors";
import { CliUsageError, parse } from "./args";
import { NodeFileSource } from "./node-file-source";
import { IcedDecoder } from "./iced-decoder";
import { fileCache } from "./cache";
import { nodeCodecs } from "./node-codecs";
import { sourceTreeReader } from "./source-tree";
import { moduleFileFinder } from "./module-files";
import { debuginfoPlaces, dumpIdentity, resolveDebuginfo } from "./debuginfo-search";

const HISTORY_FILE = join(homedir(), ".kdw_history");
const HISTORY_MAX = 1000;

/** Which of two files is the dump: sniffed by content (ET_CORE, KDUMP, DISKDUMP, makedumpfile), not name. */
function isDumpFile(source: NodeFileSource): boolean {
  const head = source.read(0, Math.min(source.size, 64));
  const sig = String.fromCharCode(...head.subarray(0, 12));
  if (sig.startsWith("KDUMP   ") || sig.startsWith("DISKDUMP") || sig === "makedumpfile") return true;
  if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46 && head.length >= 18) {
    const eType = head[5] === 2 ? (head[16]! << 8) | head[17]! : head[16]! | (head[17]! << 8);
    return eType === 4; // ET_CORE
  }
  return false;
}

interface OpenOptions {
  force: boolean;
  src?: string;
  /** Use the dump alone (kallsyms, BTF), even with a vmlinux given or at hand. */
  noDebuginfo: boolean;
  /** --debuginfo folders, searched before KDW_DEBUGINFO_PATH's. */
  debuginfo: string[];
}

/** The dump and the vmlinux among the files given (sniffed by content), the vmlinux found by build id when only the dump is. */
function openSession(paths: string[], o: OpenOptions): { session: Session; close: () => void; notes: string[] } {
  if (paths.length !== 1 && paths.length !== 2) throw new CliUsageError(`console: expected DUMP or VMLINUX DUMP, got ${paths.length} file(s)`);
  const opened = paths.map((p) => new NodeFileSource(p));
  const closeAll = () => {
    for (const s of opened) s.close();
  };
  try {
    const [a, b] = opened;
    const aDump = isDumpFile(a!);
    let dump: NodeFileSource;
    let vmlinux: NodeFileSource | undefined;
    if (b) {
      const bDump = isDumpFile(b);
      if (aDump === bDump) {
        throw new DumpFormatError(aDump ? b.name : a!.name, 0, aDump ? "two dumps given: one must be the vmlinux" : "neither file is a vmcore (ELF core, KDUMP/DISKDUMP or makedumpfile flattened)");
      }
      [dump, vmlinux] = aDump ? [a!, b] : [b, a!];
    } else {
      if (!aDump) throw new DumpFormatError(a!.name, 0, "not a vmcore (ELF core, KDUMP/DISKDUMP or makedumpfile flattened): give DUMP, or VMLINUX DUMP");
      dump = a!;
    }
    const notes: string[] = [];
    if (o.noDebuginfo) {
      notes.push(`debuginfo: ${vmlinux ? `${vmlinux.name} not used` : "not searched"} (--no-debuginfo): symbols, types and ORC come from the dump (kallsyms, BTF)`);
      vmlinux = undefined;
    } else if (!vmlinux) {
      const choice = resolveDebuginfo(dump.name, dumpIdentity(dump), debuginfoPlaces(o.debuginfo));
      notes.push(...choice.notes);
      if (choice.path) opened.push((vmlinux = new NodeFileSource(choice.path)));
    }
    const session = Session.open(dump, vmlinux, { force: o.force, cache: fileCache(), codecs: nodeCodecs, vmlinuxName: vmlinux?.name, dumpName: dump.name, decoder: new IcedDecoder(), readSource: o.src === undefined ? undefined : sourceTreeReader(o.src), findModuleFile: moduleFileFinder(vmlinux?.name ?? dump.name) });
    return { session, close: closeAll, notes };
  } catch (err) {
    closeAll();
    throw err;
  }
}

function emit(result: LineResult): void {
  if (result.redirect) {
    const path = resolve(result.redirect.path);
    if (result.redirect.append) appendFileSync(path, result.text);
    else writeFileSync(path, result.text);
  } else process.stdout.write(result.text);
  for (const e of result.errors) process.stderr.write(e + "\n");
}

/** `cmd; cmd` as crash's -c splits them (a ; inside quotes stays). */
function splitCommands(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
      cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === ";" || c === "\n") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("#"));
}

export async function runConsole(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    command: { type: "string", short: "c" },
    input: { type: "string", short: "i" },
    force: { type: "boolean" },
    silent: { type: "boolean", short: "s" },
    src: { type: "string" },
    "no-debuginfo": { type: "boolean" },
    debuginfo: { type: "string", multiple: true },
  });
  const { session, close, notes } = openSession(positionals, { force: values.force ?? false, src: values.src, noDebuginfo: values["no-debuginfo"] ?? false, debuginfo: values.debuginfo ?? [] });
  try {
    for (const n of notes) process.stderr.write(`kdw: ${n}\n`);
    for (const d of session.kernel.degraded) process.stderr.write(`WARNING: ${d}\n`);
    if (session.kernel.mismatch) process.stderr.write(`WARNING: forced past a mismatch: ${session.kernel.mismatch}\n`);
    const scripted = values.command !== undefined || values.input !== undefined;
    if (scripted) {
      const lines = [...(values.command !== undefined ? splitCommands(values.command) : []), ...(values.input !== undefined ? splitCommands(readFileSync(values.input, "latin1")) : [])];
      for (const line of lines) {
        if (line === "q" || line === "quit" || line === "exit") break;
        emit(session.run(line));
      }
      return 0;
    }
    if (!values.silent) emit(session.startup());
    return await interactive(session);
  } finally {
    close();
  }
}

async function interactive(session: Session): Promise<number> {
  let history: string[] = [];
  try {
    if (existsSync(HISTORY_FILE)) history = readFileSync(HISTORY_FILE, "utf8").split("\n").filter(Boolean).reverse().slice(0, HISTORY_MAX);
  } catch {
    history = [];
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "kdw> ", history, historySize: HISTORY_MAX, terminal: process.stdin.isTTY });
  rl.prompt();
  for await (const line of rl) {
    const t = line.trim();
    if (t === "q" || t === "quit" || t === "exit") break;
    emit(session.run(t));
    rl.prompt();
  }
  rl.close();
  try {
    mkdirSync(dirname(HISTORY_FILE), { recursive: true });
    writeFileSync(HISTORY_FILE, [...(rl as unknown as { history: string[] }).history].reverse().join("\n") + "\n");
  } catch {
    // History is a convenience: an unwritable home must not fail the session.
  }
  return 0;
}
