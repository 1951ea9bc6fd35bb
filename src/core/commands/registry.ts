import type { Command } from "./command";

/** The console's commands by name and alias. */
export class CommandRegistry {
  private readonly byName = new Map<string, Command>();
  readonly list: Command[] = [];

  constructor(commands: Command[]) {
    for (const c of commands) {
      this.list.push(c);
      for (const n of [c.name, ...(c.aliases ?? [])]) this.byName.set(n, c);
    }
  }

  find(name: string): Command | undefined {
    return this.byName.get(name);
  }
}
