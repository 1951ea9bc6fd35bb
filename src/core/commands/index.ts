// Every console command. One file per command (or family) under src/core/commands; add new ones here.
import type { Command } from "./command";
import { helpCommand } from "./help";
import { kmemCommand } from "./kmem";
import { ptovCommand, vtopCommand } from "./vtop";
import { logCommand } from "./log";
import { psCommand } from "./ps";
import { setCommand } from "./set";
import { rdCommand } from "./rd";
import { sysCommand } from "./sys";
import { ptypeCommand, structCommand, unionCommand, whatisCommand } from "./types";
import { evalCommand, printCommand } from "./print";
import { symCommand } from "./sym";
import { taskCommand } from "./task";
import { foreachCommand } from "./foreach";
import { btCommand } from "./bt";
import { runqCommand } from "./runq";
import { modCommand } from "./mod";
import { netCommand } from "./net";
import { filesCommand } from "./files";
import { vmCommand } from "./vm";
import { mountCommand } from "./mount";
import { disCommand } from "./dis";
import { listCommand } from "./list";
import { devCommand } from "./dev";
import { irqCommand } from "./irq";
import { timerCommand } from "./timer";
import { detectCommands } from "./detect";

export function builtinCommands(): Command[] {
  return [helpCommand, rdCommand, vtopCommand, ptovCommand, kmemCommand, sysCommand, logCommand, symCommand, whatisCommand, ptypeCommand, structCommand, unionCommand, printCommand, evalCommand, psCommand, setCommand, taskCommand, foreachCommand, btCommand, runqCommand, modCommand, netCommand, filesCommand, vmCommand, mountCommand, disCommand, listCommand, devCommand, irqCommand, timerCommand, ...detectCommands];
}
