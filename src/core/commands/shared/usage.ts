// crash's cmd_usage(SYNOPSIS): a command called with the wrong words prints what went wrong (when it says),
// then its synopsis and where to read more, and does nothing else.
import { UsageError } from "../../io/errors";

/**
 * The usage error of `command`: `COMMAND: DETAIL` when there is a detail, then `Usage:`, the synopsis and
 * `Enter "help COMMAND" for details.` (the console prints the lines as they are).
 */
export function usageError(command: string, synopsis: string, detail?: string): UsageError {
  const usage = `Usage:\n  ${command} ${synopsis}\nEnter "help ${command}" for details.`;
  return new UsageError(detail !== undefined ? `${command}: ${detail}\n${usage}` : usage);
}
