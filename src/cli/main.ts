// The `kdw` command. A thin adapter: it opens files read-only, hands them to src/core as ByteSources, prints
// what the core returns, and turns every KdwError into one line on stderr and a non-zero exit.
import { KdwError } from "../core/io/errors";
import { runInfo } from "./info";
import { runRead } from "./read";
import { runConsole } from "./console";
import { existsSync } from "node:fs";
import { CliUsageError } from "./args";

declare const KDW_VERSION: string;

const USAGE = `usage:
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
  kdw info DUMP [--json] [--hash]        describe a vmcore: format, compression, memory, CPUs, VMCOREINFO
  kdw read DUMP --phys ADDR [--count N | --length BYTES] [-8|-16|-32|-64]
                                         physical memory in the layout of crash's "rd -p"
                                         (--count counts entries, default 8; --length counts bytes)
  kdw --version | --help`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "info":
      return runInfo(rest);
    case "read":
      return runRead(rest);
    case "console":
      return runConsole(rest);
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
      if (existsSync(command)) return runConsole(argv);
      throw new CliUsageError(`unknown command "${command}"`);
  }
}

/** One line for the user; a stack trace only when KDW_DEBUG is set. */
function report(err: unknown): number {
  if (err instanceof CliUsageError) {
    process.stderr.write(`kdw: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (err instanceof KdwError) {
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err);
  },
);
