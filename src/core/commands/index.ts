// Every console command. One file per command (or family) under src/core/commands; add new ones here.
import type { Command } from "./command";
import { helpCommand } from "./help";
import { psCommand } from "./ps";
import { setCommand } from "./set";
import { rdCommand } from "./rd";

export function builtinCommands(): Command[] {
  return [helpCommand, rdCommand, psCommand, setCommand];
}
