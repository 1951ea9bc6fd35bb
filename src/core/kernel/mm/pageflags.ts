// enum pageflags (include/linux/page-flags.h) as declared: every enumerator with its bit, aliases included
// (PG_checked = PG_owner_priv_1, ...), the table crash's kmem -g prints (dump_page_flags over gdb's
// enumerator list).
import { resolveType } from "../../debuginfo/types";
import type { Program } from "../../program/program";

export interface PageflagsEnumerator {
  name: string;
  value: number;
}

/** Bound on the enumerators read (the enum has about 40). */
const MAX_ENUMERATORS = 256;

/** The enumerators of enum pageflags in declaration order; undefined when the kernel has no such enum. */
export function pageflagsEnum(prog: Program): PageflagsEnumerator[] | undefined {
  const t = prog.findType("enum pageflags");
  if (!t) return undefined;
  const e = resolveType(t);
  if (e.kind !== "enum") return undefined;
  return e.enumerators.slice(0, MAX_ENUMERATORS).map((x) => ({ name: x.name, value: Number(BigInt.asIntN(32, x.value)) }));
}
