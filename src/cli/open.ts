import { CliUsageError } from "./args";

/** The one positional argument a subcommand takes, or a usage error naming what was expected. */
export function positional(positionals: string[], name: string): string {
  if (positionals.length !== 1) throw new CliUsageError(`expected one ${name} argument, got ${positionals.length}`);
  return positionals[0]!;
}
