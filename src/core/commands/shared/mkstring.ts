// crash's mkstring(): a string centred in a column (tools.c). CENTER puts an odd space on the right;
// CENTER|RJUST puts it on the left.

export function center(s: string, width: number, rjust = false): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = extra % 2 && rjust ? (extra + 1) / 2 : Math.floor(extra / 2);
  return " ".repeat(left) + s + " ".repeat(extra - left);
}

/** VADDR_PRLEN: the width of a kernel address column on x86_64 (defs.h). */
export const VADDR_PRLEN = 16;
/** UVADDR_PRLEN: user addresses print in 10 columns on x86_64 (defs.h). */
export const UVADDR_PRLEN = 10;
