import type { Command, CommandLookup } from "./command";

/**
 * The console's commands by name and alias. `C` is the union of the commands it holds, so that
 * `find("ps")` is ps's command with its result type, not a command of unknown result.
 */
export class CommandRegistry<C extends Command = Command> implements CommandLookup {
  private readonly byName = new Map<string, C>();
  readonly list: readonly C[];

  constructor(commands: readonly C[]) {
    this.list = [...commands];
    for (const c of commands) for (const n of [c.name, ...(c.aliases ?? [])]) this.byName.set(n, c);
  }

  find<N extends C["name"]>(name: N): Extract<C, { name: N }>;
  find(name: string): C | undefined;
  find(name: string): C | undefined {
    return this.byName.get(name);
  }
}
