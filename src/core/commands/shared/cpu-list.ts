import { CommandError } from "../command";

/** crash's make_cpumask: "a" or "all", "N", "N-M", and comma-separated lists of those, below `ncpus`. */
export function parseCpuList(command: string, spec: string, ncpus: number): number[] {
  if (spec === "a" || spec === "all") return Array.from({ length: ncpus }, (_, i) => i);
  const set = new Set<number>();
  for (const part of spec.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new CommandError(command, `invalid cpu specification: ${spec}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi >= ncpus) throw new CommandError(command, `invalid cpu specification: ${spec}`);
    for (let c = lo; c <= hi; c++) set.add(c);
  }
  return [...set].sort((a, b) => a - b);
}
