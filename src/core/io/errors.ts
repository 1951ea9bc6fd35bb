// The typed errors of kdw. Each carries where it happened (file and offset, page, or address) so that the CLI
// can print one line and exit non-zero, and the UI can show the same line. Messages are single-line.

/**
 * Marks kdw's errors so that code bundled apart from the class that threw one still knows it (the CLI's
 * entry and its subcommands are separate bundles, each with its own copy of these classes): Symbol.for is
 * one symbol across bundles and realms.
 */
const KDW_ERROR = Symbol.for("kdw.KdwError");

export abstract class KdwError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
  get [KDW_ERROR](): true {
    return true;
  }
}

/** `err` carries the registered symbol `brand` as true: an error class of any bundle's copy that declares it. */
export function hasErrorBrand(err: unknown, brand: symbol): boolean {
  return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[brand] === true;
}

/** A KdwError of this bundle's or of another's copy of the class. */
export function isKdwError(err: unknown): err is KdwError {
  return err instanceof KdwError || hasErrorBrand(err, KDW_ERROR);
}

function hex(n: number | bigint): string {
  return "0x" + n.toString(16);
}

/** Malformed input: a header field out of range, a bad magic, a record that does not fit. */
export class DumpFormatError extends KdwError {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: offset ${hex(offset)}: ${reason}`);
  }
}

/** The file ends before a structure it declares. */
export class TruncatedError extends DumpFormatError {
  constructor(file: string, offset: number, wanted: number, size: number) {
    super(file, offset, `truncated: needs ${wanted} bytes, file has ${Math.max(0, size - offset)} from here (size ${size})`);
  }
}

/** A compressed page that does not decode. */
export class CorruptPageError extends KdwError {
  constructor(
    readonly file: string,
    readonly pfn: number,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: page ${hex(pfn)} (physical ${hex(pfn * 4096)}) at offset ${hex(offset)}: ${reason}`);
  }
}

/** A codec failure, before the dump layer knows which page it was: it wraps this in CorruptPageError. */
export class CodecError extends KdwError {
  constructor(
    readonly codec: string,
    readonly reason: string,
  ) {
    super(`${codec}: ${reason}`);
  }
}

/**
 * Why a page is not in a dump: the dump level filtered it out, or it was never written (a capture that was
 * interrupted, a file cut short).
 */
export type ExclusionReason = "filtered" | "unwritten";

/** A physical page the dump left out (filtered by dump level, or not captured). Never silently zeros. */
export class ExcludedPageError extends KdwError {
  constructor(
    readonly file: string,
    readonly physAddr: number,
    readonly reason: ExclusionReason = "filtered",
  ) {
    super(`${file}: physical address ${hex(physAddr)}: ${reason === "unwritten" ? "page lost: the dump is cut short (never written)" : "page excluded from the dump"}`);
  }
}

/** A physical address outside every memory range of the dump. */
export class AbsentPageError extends KdwError {
  constructor(
    readonly file: string,
    readonly physAddr: number,
  ) {
    super(`${file}: physical address ${hex(physAddr)}: not in the dump's memory ranges`);
  }
}

/** A virtual address that does not translate (page-table entry not present). */
export class InvalidAddressError extends KdwError {
  constructor(
    readonly address: bigint,
    readonly reason: string,
  ) {
    super(`invalid address ${address.toString(16)}: ${reason}`);
  }
}

/** Debug information that is needed and not there (no vmlinux, no DWARF for a type, ...). */
export class MissingDebugInfo extends KdwError {}

/** A vmlinux that does not belong to the dump. */
export class DebugInfoMismatch extends KdwError {}

/** A walk over kernel data that stopped: loop, step budget, bad pointer. Carries what it had walked. */
export class WalkAborted extends KdwError {
  constructor(
    readonly what: string,
    readonly reason: string,
    readonly steps: number,
  ) {
    super(`${what}: walk stopped after ${steps} steps: ${reason}`);
  }
}

/** Bad usage of a command (unknown option, missing argument): crash-like one-line message. */
export class UsageError extends KdwError {}
