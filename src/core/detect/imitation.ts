// Is a process name a small edit of a well-known one? What masquerading malware does to look like a system
// daemon without colliding with the real one (MITRE T1036.004/.005): a `d` or `ed` added (irqbalance →
// irqbalanced), two letters swapped, a letter doubled, dropped, added or changed. Only names of five
// letters or more are imitated: one edit to a shorter name is too large a change to mean anything.
// task_struct.comm keeps 15 characters, so both sides are compared as the kernel would keep them.
import { WELL_KNOWN_NAMES, isWellKnownName } from "./names";

export interface Imitation {
  /** The well-known name it imitates. */
  base: string;
  /** The edit, in words. */
  edit: string;
}

const COMM_LEN = 15;
const MIN_BASE = 5;

/** The well-known name `name` is a small edit of, or undefined (also for a well-known name itself). */
export function imitationOf(name: string): Imitation | undefined {
  if (name.length < MIN_BASE || isWellKnownName(name)) return undefined;
  const n = name.slice(0, COMM_LEN);
  if (WELL_KNOWN_NAMES.some((w) => w.slice(0, COMM_LEN) === n)) return undefined;
  for (const full of WELL_KNOWN_NAMES) {
    if (full.length < MIN_BASE) continue;
    const base = full.slice(0, COMM_LEN);
    for (const suffix of ["d", "ed"]) {
      if ((full + suffix).slice(0, COMM_LEN) === n && n.length > base.length) return { base: full, edit: `"${suffix}" added` };
    }
    const edit = singleEdit(base, n);
    if (edit) return { base: full, edit };
  }
  return undefined;
}

/** One Damerau-Levenshtein edit from `a` to `b`, in words, or undefined. */
function singleEdit(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return `letter "${a[diff[0]!]}" changed to "${b[diff[0]!]}"`;
    if (diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!]) return `letters "${a[diff[0]!]}${a[diff[1]!]}" swapped`;
    return undefined;
  }
  if (b.length === a.length + 1) {
    const i = firstDifference(a, b);
    if (a.slice(i) !== b.slice(i + 1)) return undefined;
    return i > 0 && b[i] === b[i - 1] ? `letter "${b[i]}" doubled` : `letter "${b[i]}" added`;
  }
  if (a.length === b.length + 1) {
    const i = firstDifference(b, a);
    return b.slice(i) === a.slice(i + 1) ? `letter "${a[i]}" dropped` : undefined;
  }
  return undefined;
}

function firstDifference(shorter: string, longer: string): number {
  let i = 0;
  while (i < shorter.length && shorter[i] === longer[i]) i++;
  return i;
}
