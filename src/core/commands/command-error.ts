import { KdwError } from "../io/errors";

/** A command's failure, printed as crash does: `NAME: message`. */
export class CommandError extends KdwError {
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(`${command}: ${detail}`);
  }
}
