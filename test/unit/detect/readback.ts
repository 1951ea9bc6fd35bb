// Every evidence item that names an address and a value is checked the way an analyst would: with the
// console's rd (rd -64/-32/-16/-8 ADDRESS 1 for numbers of that size, rd -a ADDRESS for text).
import { expect } from "vitest";
import type { Finding } from "../../../src/core/detect/finding";

export type RunLine = (line: string) => { text: string; errors: string[] };

/** Checks every addressed evidence value of `findings` with rd; returns how many were checked. */
export function expectEvidenceReadsBack(run: RunLine, findings: readonly Finding[]): number {
  let checked = 0;
  for (const f of findings) {
    for (const e of f.evidence) {
      if (e.address === undefined || e.value === undefined) continue;
      const addr = e.address.slice(2);
      const what = `${f.id}: ${e.label}`;
      if (e.size !== undefined) {
        const r = run(`rd -${e.size * 8} ${addr} 1`);
        expect(r.errors, what).toEqual([]);
        const m = new RegExp(`^${addr}:\\s+([0-9a-f]+)`).exec(r.text);
        expect(m, `${what}: ${r.text}`).not.toBeNull();
        expect(BigInt("0x" + m![1]), what).toBe(BigInt(e.value));
      } else {
        const r = run(`rd -a ${addr}`);
        expect(r.errors, what).toEqual([]);
        expect(r.text.replace(/\n$/, ""), what).toBe(`${addr}:  ${e.value}`);
      }
      checked++;
    }
  }
  return checked;
}
