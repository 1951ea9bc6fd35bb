// crash's cmd_usage(SYNOPSIS): a command called with the wrong words prints what went wrong (when it says),
// then its synopsis and where to read more, and does nothing else.
import { UsageError } from "../../io/errors";

/** `Usage:`, the synopsis and `Enter "help COMMAND" for details.`, as crash prints them. */
export function usageText(command: string, synopsis: string): string {
  return `Usage:\n  ${command} ${synopsis}\nEnter "help ${command}" for details.`;
}

/** The usage error of `command`: `COMMAND: DETAIL` when there is a detail, then the usage lines. */
export function usageError(command: string, synopsis: string, detail?: string): UsageError {
  const usage = usageText(command, synopsis);
  return new UsageError(detail !== undefined ? `${command}: ${detail}\n${usage}` : usage);
}

/** An option's `invalid` message that reads as getopt's complaint followed by crash's usage. */
export function invalidOptionUsage(command: string, synopsis: string): (option: string) => string {
  return (option) => `invalid option -- '${option.replace(/^-/, "")}'\n${usageText(command, synopsis)}`;
}
