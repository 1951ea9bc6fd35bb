// The `kdw` command. A thin adapter: it opens files read-only, hands them to src/core as ByteSources, prints
// what the core returns, and turns every KdwError into one line on stderr and a non-zero exit.
// Each subcommand is imported when it runs (scripts/build-cli.mjs): this file and the console are one
// CommonJS bundle, the other subcommands ES modules imported from it, so `kdw console` loads no code of
// `report` or `serve`, and its main thread none of the core's but the bundle it runs the Session from.
// The two parts each have their own copy of the error classes: errors are known by isKdwError and
// isCliUsageError (a registered symbol), not instanceof.
import { isKdwError } from "../core/io/errors";
import { existsSync } from "node:fs";
import { CliUsageError, isCliUsageError } from "./args";

declare const KDW_VERSION: string;

const USAGE = `usage:
  kdw demo [-o report.html]              kdw on its own sample dump (samples/: a 6.12 kernel crashed by a
                                         hidden rootkit), with no vmlinux: sys, bt, findings, the report
  kdw console [VMLINUX] DUMP [-c "cmd; cmd"] [-i FILE] [--force] [-s] [--src DIR]
             [--debuginfo DIR]... [--no-debuginfo]
  kdw [VMLINUX] DUMP ...                 the same (either order, as with crash)
                                         an interactive console speaking crash's commands; -c/-i run
                                         commands and exit; --force opens a vmlinux that does not match;
                                         --src names the kernel source tree for list and dis -s.
                                         With DUMP alone, the vmlinux is found by the dump's build id (next
                                         to the dump, --debuginfo DIRs, KDW_DEBUGINFO_PATH, /usr/lib/debug,
                                         the debuginfod cache), else the dump's own kallsyms, BTF and ORC
                                         stand in; --no-debuginfo uses the dump alone
  kdw findings [VMLINUX] DUMP [--json] [--min-severity LEVEL] [--no-evidence] [--force]
                                         what looks malicious or broken, with evidence: the triage
                                         summary, then the findings by subject, most severe first
  kdw serve [--port N] [--listen ADDR] [VMLINUX DUMP]
                                         the workbench in a browser: the contract over HTTP, on
                                         loopback, with a token printed in the URL to open
  kdw report [VMLINUX] DUMP -o report.html [--json report.json] [--analyst NAME] [--case ID] [--notes FILE]
                                         the incident report: one self-contained HTML file (and JSON),
                                         each with its SHA-256 beside it (FILE.sha256)
  kdw info DUMP [--json] [--hash]        describe a vmcore: format, compression, memory, CPUs, VMCOREINFO
  kdw read DUMP --phys ADDR [--count N | --length BYTES] [-8|-16|-32|-64]
                                         physical memory in the layout of crash's "rd -p"
                                         (--count counts entries, default 8; --length counts bytes)
  kdw --version | --help`;

/** Each subcommand's own help (`kdw SUBCOMMAND --help`). */
const HELP: Record<string, string> = {
  demo: `usage: kdw demo [-o FILE]
  Opens kdw's sample (samples/dump.kdump.zst: Debian 13's 6.12 cloud kernel, panicked in a rootkit module that
  hid itself) with no vmlinux, prints the console's "sys", "bt" and "findings -s high", then writes the incident
  report to FILE (default report.html in the current folder).`,
  console: `usage: kdw console [VMLINUX] DUMP [options]   (also: kdw VMLINUX DUMP, either order)
  An interactive console speaking crash's commands with crash's output ("help" lists them).
  -c "cmd; cmd"   run these commands and exit (-c may be repeated; each command echoed when there are
                  several; exit 1 if one failed)
  -i FILE         run the commands in FILE and exit
  --json          print each command's typed result as one JSON document per line
  -s              no start-up summary
  --force         open a vmlinux that does not match the dump (build id, release)
  --src DIR       the kernel source tree, for list and dis -s
  --debuginfo DIR look for the vmlinux (by the dump's build id) in DIR first; may be given more than once
                  (KDW_DEBUGINFO_PATH: more folders, separated by ':')
  --no-debuginfo  use the dump alone: symbols, types and ORC from its kallsyms, BTF and kernel image
  --allow-evidence-folder   let "cmd > FILE" write into the evidence's folder (never onto evidence)
  --builtin-pipes run "cmd | grep …" with kdw's own grep, head, tail, wc, sort, uniq (as on Windows)
                  instead of handing the pipe to $SHELL (else /bin/sh), as crash does
  Ctrl-C cancels the running command; Ctrl-D or q ends.`,
  serve: `usage: kdw serve [--port N] [--listen ADDR] [--force] [--src DIR] [VMLINUX DUMP]
  Serves the analysis service over HTTP (and the workbench UI, where it is built) and prints the URL to
  open, with its token. Binds to 127.0.0.1 unless --listen names another address.`,
  findings: `usage: kdw findings [VMLINUX] DUMP [--json] [--min-severity LEVEL] [--no-evidence] [--force]
  Runs kdw's detectors (the console's "findings"): the triage paragraph, then the findings grouped by
  subject, most severe first, each with its evidence (addresses whose values "rd" shows).
  --json                 the versioned JSON document (schema kdw-findings; docs/findings.md)
  --min-severity LEVEL   only findings at info, low, medium, high or critical and above
  --no-evidence          no evidence lines
  --force                open a vmlinux that does not match the dump (build id, release)
  --debuginfo DIR, --no-debuginfo   as for the console: the vmlinux found by build id, or the dump alone`,
  report: `usage: kdw report [VMLINUX] DUMP -o report.html [--json report.json] [--analyst NAME] [--case ID] [--notes FILE]
  The incident report: one self-contained HTML file (no script, no external asset) and, with --json, its
  JSON; each with its SHA-256 beside it (FILE.sha256). Never written beside the evidence.
  -o FILE          the HTML report
  --json FILE      the report's data as JSON (schema in docs/report.md)
  --analyst NAME, --case ID   the chain of custody's analyst and case
  --notes FILE     the analyst's notes (text, or the workbench's exported notes JSON)
  --force          open a vmlinux that does not match the dump (build id, release)
  --src DIR        the kernel source tree, for the code around the faulting frame
  --debuginfo DIR, --no-debuginfo   as for the console: the vmlinux found by build id, or the dump alone`,
  info: `usage: kdw info DUMP [--json] [--hash]
  Describes a vmcore without debuginfo: format, compression (pages per codec), dump level, page size,
  CPUs, the kernel's System RAM, the physical ranges held, pages present/excluded, VMCOREINFO.
  --json   the same as one JSON document
  --hash   add the file's SHA-256`,
  read: `usage: kdw read DUMP --phys ADDR [--count N | --length BYTES] [-8|-16|-32|-64]
  Physical memory in the layout of crash's "rd -p -64" (entry width -8/-16/-32/-64, default -64).
  --phys ADDR      hexadecimal physical address
  --count N        entries to show (default 8)
  --length BYTES   bytes to show (instead of --count)`,
};

/** The subcommand being run, so a usage error can point at its own help. */
let subcommand: string | undefined;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  subcommand = command !== undefined && HELP[command] ? command : undefined;
  if (command !== undefined && HELP[command] && (rest.includes("--help") || rest.includes("-h"))) {
    process.stdout.write(HELP[command] + "\n");
    return 0;
  }
  switch (command) {
    case "info":
      return (await import("./info")).runInfo(rest);
    case "read":
      return (await import("./read")).runRead(rest);
    case "console":
      return (await import("./console")).runConsole(rest);
    case "serve":
      return (await import("./serve")).runServe(rest);
    case "report":
      return (await import("./report")).runReport(rest);
    case "findings":
      return (await import("./findings")).runFindings(rest);
    case "demo":
      return (await import("./demo")).runDemo(rest);
    case "--version":
    case "-v":
      process.stdout.write(`kdw ${typeof KDW_VERSION === "string" ? KDW_VERSION : "dev"}\n`);
      return 0;
    case undefined:
    case "--help":
    case "-h":
    case "help":
      process.stdout.write(USAGE + "\n");
      return command === undefined ? 2 : 0;
    default:
      // `kdw VMLINUX DUMP`: anything that looks like a path is a file for the console, which names a
      // missing one ("no such file") instead of calling it an unknown command.
      if (existsSync(command) || /[/\\.]/.test(command)) return (await import("./console")).runConsole(argv);
      throw new CliUsageError(`unknown command "${command}"`);
  }
}

/** One line for the user; a stack trace only when KDW_DEBUG is set. */
function report(err: unknown): number {
  if (isCliUsageError(err)) {
    process.stderr.write(`kdw: ${err.message}\n${subcommand ? `(kdw ${subcommand} --help shows its usage)` : USAGE}\n`);
    return 2;
  }
  if (isKdwError(err)) {
    process.stderr.write(`kdw: ${err.message}\n`);
    return 1;
  }
  const e = err as { code?: string; path?: string; message?: string };
  if (e && typeof e.code === "string" && typeof e.path === "string") {
    process.stderr.write(`kdw: ${e.path}: ${e.message ?? e.code}\n`);
    return 1;
  }
  process.stderr.write(`kdw: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.KDW_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ""}\n`);
  return 70;
}

// `kdw … | head`: once the reader has gone, the rest of the output has nowhere to go; end quietly, as a Unix
// tool does on SIGPIPE, instead of an unhandled EPIPE.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

/**
 * Ends the process once what it wrote has left (an asynchronous pipe, as on Windows, is waited for): every
 * subcommand has finished its work when main() settles, and process.exit skips the teardown Node does on
 * its own, freeing the session's heap and its helper threads one by one (20-40 ms of a console script's
 * run here, a tenth of it).
 */
function finish(code: number): void {
  process.exitCode = code;
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  if (pending.length === 0) process.exit(code);
  let left = pending.length;
  for (const s of pending) {
    s.once("drain", () => {
      if (--left === 0) process.exit(code);
    });
  }
}

main(process.argv.slice(2)).then(finish, (err: unknown) => finish(report(err)));
