// `kdw report [VMLINUX] DUMP -o report.html [--json report.json] [--analyst NAME] [--case ID] [--notes FILE]`:
// the incident report (--notes: a text file, or the workbench's notes export with its tags and comments), one self-contained HTML file (and its JSON), each with its SHA-256 written beside it
// (FILE.sha256, in sha256sum's format). The evidence is hashed in a worker thread while the Session gathers
// the report in this one; nothing is written onto the evidence or into its folder.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { arch, hostname, release, type, userInfo } from "node:os";
import { basename, dirname, resolve } from "node:path";
import type { Call } from "../core/session/contract";
import { ProblemError } from "../core/session/problems";
import { buildReportData, renderReportHtml, workbenchTags, type AnalystTag, type FileHashes } from "../core/session/report";
import { CliUsageError, parse } from "./args";
import { evidenceGuard, FileArgumentError, orderFiles } from "./evidence";
import { chooseDebuginfo } from "./debuginfo-search";
import { hashFiles } from "./hash-files";
import { kdwCommit, kdwVersion } from "./host";
import { prepareCodecsFor } from "./node-codecs";
import { loadSessionCore, localSession } from "./code-cache";

/** Longest notes file taken (the notes are the analyst's text, not evidence). */
const MAX_NOTES = 1 << 20;

/** The notes file: plain text (the analyst's notes), or the workbench's notes export (its tags and comments). */
function readNotes(path: string): { notes?: string; tags?: AnalystTag[] } {
  const body = readNotesText(path);
  if (/^\s*\{/.test(body)) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      return { notes: body };
    }
    const tags = workbenchTags(doc);
    if (tags) return { tags };
  }
  return { notes: body };
}

function readNotesText(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new FileArgumentError(`${path}: no such file`);
  }
  if (!st.isFile()) throw new FileArgumentError(`${path}: not a file`);
  if (st.size > MAX_NOTES) throw new FileArgumentError(`${path}: notes longer than ${MAX_NOTES} bytes`);
  return new TextDecoder("utf-8").decode(readFileSync(path));
}

function hostInfo(): { name: string; os: string; user?: string } {
  const info: { name: string; os: string; user?: string } = { name: hostname(), os: `${type()} ${release()} ${arch()}` };
  try {
    info.user = userInfo().username;
  } catch {
    // No user name on this system (a container without /etc/passwd entry): leave it out.
  }
  return info;
}

function sha256Line(content: string, path: string): string {
  return `${createHash("sha256").update(content).digest("hex")}  ${basename(path)}\n`;
}

export async function runReport(args: string[]): Promise<number> {
  const startedAt = new Date();
  const { values, positionals } = parse(args, {
    output: { type: "string", short: "o" },
    json: { type: "string" },
    analyst: { type: "string" },
    case: { type: "string" },
    notes: { type: "string" },
    force: { type: "boolean" },
    src: { type: "string" },
    "no-debuginfo": { type: "boolean" },
    debuginfo: { type: "string", multiple: true },
  });
  if (!values.output) throw new CliUsageError("report: -o FILE is required (where to write the HTML report)");
  const files = orderFiles(positionals);
  // With the dump alone: the vmlinux by build id, else the dump's own kallsyms, BTF and ORC (as the console).
  await prepareCodecsFor(files.dump); // a zstd archive: the faster decoder, for the search by build id
  for (const n of chooseDebuginfo(files, values["no-debuginfo"] ?? false, values.debuginfo ?? [])) process.stderr.write(`kdw: ${n}\n`);
  const outputs = [values.output, `${values.output}.sha256`, ...(values.json ? [values.json, `${values.json}.sha256`] : [])];
  if (values.json && resolve(values.json) === resolve(values.output)) throw new CliUsageError("report: -o and --json name the same file");
  for (const o of outputs) {
    const folder = dirname(resolve(o));
    if (!existsSync(folder)) throw new FileArgumentError(`${o}: no such folder: ${folder}`);
  }
  const guard = evidenceGuard([files.dump, ...(files.vmlinux ? [files.vmlinux] : [])]);
  for (const o of outputs) {
    const why = guard.refuse(o);
    if (why) throw new FileArgumentError(why);
  }
  const notes = values.notes !== undefined ? readNotes(values.notes) : {};

  const tty = process.stderr.isTTY;
  const say = (text: string) => {
    if (tty) process.stderr.write(`\r\x1b[Kkdw report: ${text}`);
  };
  const hashing = hashFiles<"dump" | "vmlinux">({ dump: files.dump, ...(files.vmlinux ? { vmlinux: files.vmlinux } : {}) } as Record<"dump" | "vmlinux", string>);
  const hashes: Promise<FileHashes> = hashing.done.then((r) => {
    const out: FileHashes = {};
    if (r.dump?.sha256) out.dump = r.dump.sha256;
    if (r.vmlinux?.sha256) out.vmlinux = r.vmlinux.sha256;
    const failed = Object.entries(r).filter(([, v]) => v.error);
    if (failed.length && !out.dump) throw new Error(failed.map(([k, v]) => `${k}: ${v.error}`).join("; "));
    return out;
  });
  hashes.catch(() => undefined);

  // The Session's code through V8's code cache, as the console's scripts run it (code-cache.ts): compiling the
  // core anew was a tenth of a report's time on the main thread. Loaded once the hashing has started: the
  // hash of a 600 MB vmlinux is what a report waits for last.
  let loaded: Awaited<ReturnType<typeof loadSessionCore>>;
  try {
    loaded = await loadSessionCore();
    await loaded.core.prepareCodecsFor(files.dump); // the core's own decoders (its bundle has its own modules)
  } catch (err) {
    hashing.stop();
    throw err;
  }
  const session = localSession(loaded.core, { settle: false });
  try {
    say("opening");
    const call: Call = session.call;
    const opened = await call("open", { dump: files.dump, ...(files.vmlinux ? { vmlinux: files.vmlinux } : {}), ...(values.force ? { force: true } : {}), ...(values.src ? { src: values.src } : {}) });
    const commit = kdwCommit();
    const data = await buildReportData(call, {
      opened,
      tool: { version: kdwVersion(), ...(commit ? { commit } : {}) },
      ...(values.analyst ? { analyst: values.analyst } : {}),
      ...(values.case ? { caseId: values.case } : {}),
      ...(notes.notes ? { notes: notes.notes } : {}),
      ...(notes.tags ? { tags: notes.tags } : {}),
      host: hostInfo(),
      hashes,
      startedAt,
      onProgress: (phase) => say(phase === "hashes" ? "hashing the evidence" : `reading ${phase}`),
    });
    const html = renderReportHtml(data);
    writeFileSync(values.output, html);
    writeFileSync(`${values.output}.sha256`, sha256Line(html, values.output));
    if (values.json) {
      const json = JSON.stringify(data, null, 2) + "\n";
      writeFileSync(values.json, json);
      writeFileSync(`${values.json}.sha256`, sha256Line(json, values.json));
    }
    if (tty) process.stderr.write("\r\x1b[K");
    const kb = (Buffer.byteLength(html) / 1024).toFixed(0);
    const warned = data.custody.warnings.length;
    process.stdout.write(`kdw report: wrote ${values.output} (${kb} KiB)${values.json ? ` and ${values.json}` : ""}; ${data.findings.available ? `${data.findings.items.length} findings` : "detectors not available"}; ${warned} warning${warned === 1 ? "" : "s"} while reading\n`);
    return 0;
  } catch (err) {
    if (tty) process.stderr.write("\r\x1b[K");
    if (err instanceof ProblemError) {
      process.stderr.write(`kdw: ${err.problem.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    hashing.stop();
    await session.close();
    loaded.save(["open", "report"]);
  }
}
