// Every console command. One file per command (or family) under src/core/commands; add new ones here.
import type { Command } from "./command";
import { helpCommand } from "./console/help";
import { kmemCommand } from "./memory/kmem";
import { ptovCommand, vtopCommand } from "./memory/vtop";
import { logCommand } from "./system/log";
import { psCommand } from "./tasks/ps";
import { setCommand } from "./tasks/set";
import { rdCommand } from "./memory/rd";
import { sysCommand } from "./system/sys";
import { ptypeCommand, structCommand, unionCommand, whatisCommand } from "./gdb/types";
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

export function builtinCommands(): Command[] {
  return [helpCommand, rdCommand, vtopCommand, ptovCommand, kmemCommand, sysCommand, logCommand, symCommand, whatisCommand, ptypeCommand, structCommand, unionCommand, printCommand, evalCommand, psCommand, setCommand, taskCommand, foreachCommand, btCommand, runqCommand, modCommand, netCommand, filesCommand, vmCommand, mountCommand, disCommand, listCommand, devCommand, irqCommand, timerCommand];
}
