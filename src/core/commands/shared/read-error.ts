// crash's readmem() failure line (memory.c: INVALID_KVADDR_MSG, PAGE_EXCLUDED_MSG), for the commands that
// print it when a read they were asked for fails: `rd`, `list`, `struct`.
import { AbsentPageError, ExcludedPageError, InvalidAddressError, KdwError } from "../../io/errors";

export type Memtype = "physical" | "kernel virtual" | "user virtual";

/** crash's readmem() failure line for an address ("invalid kernel virtual address: ADDR  type: \"TYPE\""). */
export function readErrorLine(err: unknown, addr: bigint, memtype: Memtype, type: string): string {
  if (err instanceof ExcludedPageError) return `page excluded: ${memtype} address: ${addr.toString(16)}  type: "${type}"`;
  if (err instanceof AbsentPageError || err instanceof InvalidAddressError) return `invalid ${memtype} address: ${addr.toString(16)}  type: "${type}"`;
  if (err instanceof KdwError) return err.message;
  throw err;
}
