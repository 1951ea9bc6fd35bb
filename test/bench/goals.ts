// Issue 19's goals as one table at the end of `npm run bench`: each goal's figure beside its peer's figure
// (libkdumpfile, crash, drgn, or the goal's own bound where there is no peer), the ratio, the target and
// whether this run met it. Sections add their rows as they measure; nothing here measures.

export interface GoalRow {
  goal: string;
  kdw: string;
  peer: string;
  ratio: string;
  target: string;
  /** undefined: not measured in this run (a tool or the fixtures absent). */
  met: boolean | undefined;
}

export class Goals {
  readonly rows: GoalRow[] = [];

  /** kdw's figure against a peer's: `ratio` = kdw / peer, met when it is at least (or at most) `bound`. */
  ratio(goal: string, kdw: number, peer: number | undefined, unit: string, bound: { atLeast?: number; atMost?: number }, peerName: string): void {
    const r = peer !== undefined && peer > 0 ? kdw / peer : undefined;
    const target = bound.atLeast !== undefined ? `>= ${bound.atLeast}x ${peerName}` : `<= ${bound.atMost}x ${peerName}`;
    const met = r === undefined ? undefined : bound.atLeast !== undefined ? r >= bound.atLeast : r <= bound.atMost!;
    this.rows.push({ goal, kdw: `${fmt(kdw)} ${unit}`, peer: peer === undefined ? "-" : `${fmt(peer)} ${unit}`, ratio: r === undefined ? "-" : `${r.toFixed(2)}x`, target, met });
  }

  /** A figure against a fixed bound (no peer does this): met when below it. */
  bound(goal: string, kdw: number | undefined, unit: string, below: number): void {
    this.rows.push({ goal, kdw: kdw === undefined ? "-" : `${fmt(kdw)} ${unit}`, peer: "-", ratio: kdw === undefined ? "-" : `${(kdw / below).toFixed(2)}x of bound`, target: `< ${fmt(below)} ${unit}`, met: kdw === undefined ? undefined : kdw < below });
  }

  print(out: (s: string) => void): void {
    out("\n== goals (issue 19): kdw's figure, the peer's, the ratio, the target; this run\n");
    const w = [44, 18, 18, 16, 24];
    out(`${"goal".padEnd(w[0]!)}${"kdw".padStart(w[1]!)}${"peer".padStart(w[2]!)}${"ratio".padStart(w[3]!)}  ${"target".padEnd(w[4]!)}met\n`);
    for (const r of this.rows) {
      out(`${r.goal.padEnd(w[0]!)}${r.kdw.padStart(w[1]!)}${r.peer.padStart(w[2]!)}${r.ratio.padStart(w[3]!)}  ${r.target.padEnd(w[4]!)}${r.met === undefined ? "-" : r.met ? "yes" : "NO"}\n`);
    }
  }
}

function fmt(v: number): string {
  if (v >= 10_000) return Math.round(v).toLocaleString("en-US");
  if (v >= 100) return v.toFixed(0);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}
