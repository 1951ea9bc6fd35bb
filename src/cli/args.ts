import { parseArgs, type ParseArgsConfig } from "node:util";
import { hasErrorBrand } from "../core/io/errors";

const USAGE_ERROR = Symbol.for("kdw.CliUsageError");

/** A mistake in the command line: the CLI prints it with the usage. */
export class CliUsageError extends Error {
  get [USAGE_ERROR](): true {
    return true;
  }
}

/** A CliUsageError of this bundle's or of another's copy of the class (core/io/errors.ts, isKdwError). */
export function isCliUsageError(err: unknown): err is CliUsageError {
  return err instanceof CliUsageError || hasErrorBrand(err, USAGE_ERROR);
}

/** node:util parseArgs with its errors turned into one-line usage errors. */
export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as { code?: string; message: string };
    // node's own text for an unknown option runs on with advice on '--' whose quotes do not balance.
    const option = /option '([^']+)'/i.exec(e.message)?.[1];
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option !== undefined) throw new CliUsageError(`unknown option ${option}`);
    throw new CliUsageError(e.message.split("\n")[0]?.replace(/\. To specify a positional argument.*$/, "") ?? "bad arguments");
  }
}

/** A number given as hex (with or without 0x, as crash accepts addresses) or decimal with a `0d`/`#` prefix... kept simple: hex. */
export function parseHexAddress(text: string, what: string): number {
  const t = text.trim().toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{1,13}$/.test(t)) throw new CliUsageError(`${what}: not a hexadecimal physical address: ${text}`);
  return parseInt(t, 16);
}

export function parseCount(text: string, what: string): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^[0-9]+$/.test(t) ? parseInt(t, 10) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 1 << 30) throw new CliUsageError(`${what}: not a positive count: ${text}`);
  return n;
}
