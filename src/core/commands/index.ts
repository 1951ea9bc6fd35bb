// Every console command, by subsystem folder (one command per file; its text in <cmd>-format.ts). Add new
// ones here: the registry's type follows this list, so each command keeps its result type.
import { CommandRegistry } from "./registry";
import { helpCommand } from "./console/help";
import { kmemCommand } from "./memory/kmem";
import { swapCommand } from "./memory/swap";
import { ptovCommand, vtopCommand } from "./memory/vtop";
import { logCommand } from "./system/log";
import { psCommand } from "./tasks/ps";
import { setCommand } from "./tasks/set";
import { rdCommand } from "./memory/rd";
import { searchCommand } from "./memory/search";
import { btopCommand, ptobCommand } from "./memory/btop";
import { pteCommand } from "./memory/pte";
import { asciiCommand } from "./console/ascii";
import { aliasCommand } from "./console/alias";
import { repeatCommand } from "./console/repeat";
import { machCommand } from "./system/mach";
import { sysCommand } from "./system/sys";
import { pointerCommand, ptypeCommand, structCommand, unionCommand, whatisCommand } from "./gdb/types";
import { evalCommand, printCommand } from "./gdb/print";
import { symCommand } from "./code/sym";
import { taskCommand } from "./tasks/task";
import { foreachCommand } from "./tasks/foreach";
import { btCommand } from "./bt/bt";
import { runqCommand } from "./tasks/runq";
import { modCommand } from "./modules/mod";
import { netCommand } from "./net/net";
import { filesCommand } from "./fs/files";
import { vmCommand } from "./memory/vm";
import { mountCommand } from "./fs/mount";
import { disCommand } from "./code/dis";
import { listCommand } from "./code/list";
import { devCommand } from "./system/dev";
import { irqCommand } from "./system/irq";
import { timerCommand } from "./system/timer";
import { findingsCommand } from "./detect/findings";
import { hooksCommand } from "./detect/hooks";
import { sigCommand } from "./signal/sig";
import { waitqCommand } from "./sched/waitq";
import { fuserCommand } from "./fs/fuser";
import { ipcsCommand } from "./ipc/ipcs";
import { treeCommand } from "./code/tree";
import { bpfCommand } from "./bpf/bpf";
import { sbitmapqCommand } from "./block/sbitmapq";
import { gdbCommand } from "./gdb/gdb";
import type { ResultOf } from "./command";

const BUILTIN = [
  helpCommand,
  rdCommand,
  searchCommand,
  btopCommand,
  ptobCommand,
  pteCommand,
  asciiCommand,
  aliasCommand,
  repeatCommand,
  machCommand,
  pointerCommand,
  vtopCommand,
  ptovCommand,
  kmemCommand,
  swapCommand,
  sysCommand,
  logCommand,
  symCommand,
  whatisCommand,
  ptypeCommand,
  structCommand,
  unionCommand,
  printCommand,
  evalCommand,
  psCommand,
  setCommand,
  taskCommand,
  foreachCommand,
  btCommand,
  runqCommand,
  modCommand,
  netCommand,
  filesCommand,
  vmCommand,
  mountCommand,
  disCommand,
  listCommand,
  devCommand,
  irqCommand,
  timerCommand,
  findingsCommand,
  hooksCommand,
  sigCommand,
  waitqCommand,
  fuserCommand,
  ipcsCommand,
  treeCommand,
  bpfCommand,
  sbitmapqCommand,
  gdbCommand,
] as const;

/** One of the console's commands, with its own result type. */
export type BuiltinCommand = (typeof BUILTIN)[number];
export type BuiltinName = BuiltinCommand["name"];
/** The result type of the command named `N`: `BuiltinResult<"ps">` is PsResult. */
export type BuiltinResult<N extends BuiltinName> = ResultOf<Extract<BuiltinCommand, { name: N }>>;

/** A registry of the console's commands. */
export function builtinRegistry(): CommandRegistry<BuiltinCommand> {
  return new CommandRegistry<BuiltinCommand>(BUILTIN);
}
