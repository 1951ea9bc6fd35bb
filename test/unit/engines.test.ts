// `npm ci` on the Node.js version the README names prints no EBADENGINE warning: every package in the lock
// accepts the floor of package.json's engines (and the Node.js running the tests). npm's ranges are read by
// a small evaluator of the forms the lock holds; a form it does not know fails the test instead of passing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
type Version = [number, number, number];

function parts(text: string): (number | undefined)[] {
  return text.split(".").map((p) => (p === "*" || p === "x" || p === "" ? undefined : Number(p)));
}

const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const pad = (p: (number | undefined)[]): Version => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];

/** One comparator (`>=12.13`, `^20.19.0`, `20`, `8.*`, `*`) against a version. */
function comparator(c: string, v: Version): boolean {
  const m = /^(>=|<=|>|<|\^|~|=)?v?([\d.*x]+)$/.exec(c);
  if (!m) throw new Error(`unknown engines comparator: ${c}`);
  const [, op = "", ver] = m;
  const p = parts(ver!);
  if (p.some((x) => x !== undefined && !Number.isInteger(x))) throw new Error(`unknown engines version: ${c}`);
  const lo = pad(p);
  switch (op) {
    case ">=":
      return cmp(v, lo) >= 0;
    case ">":
      return cmp(v, lo) > 0;
    case "<":
      return cmp(v, lo) < 0;
    case "<=":
      return cmp(v, lo) <= 0;
    case "^":
      return cmp(v, lo) >= 0 && v[0] === lo[0];
    case "~":
      return cmp(v, lo) >= 0 && v[0] === lo[0] && (p[1] === undefined || v[1] === lo[1]);
    default: {
      // A partial version: every version it names (20 is 20.x.x).
      return p.every((x, i) => x === undefined || v[i] === x);
    }
  }
}

export function satisfies(range: string, version: Version): boolean {
  return range.split("||").some((alt) => {
    const cs = alt
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1")
      .split(/\s+/)
      .filter(Boolean);
    return cs.every((c) => c === "*" || comparator(c, version));
  });
}

describe("engines", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
  const floor = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines.node);

  it("the evaluator reads npm's ranges", () => {
    expect(satisfies("^20.19.0 || >=22.12.0", [20, 20, 2])).toBe(true);
    expect(satisfies(">=22.12.0", [20, 20, 2])).toBe(false);
    expect(satisfies(">=6 <7 || >=8", [6, 5, 0])).toBe(true);
    expect(satisfies(">=6 <7 || >=8", [7, 1, 0])).toBe(false);
    expect(satisfies("20 || >=22", [21, 0, 0])).toBe(false);
    expect(satisfies("6.* || 8.* || >= 10.*", [20, 0, 0])).toBe(true);
    expect(satisfies("^18.18.0 || ^20.9.0 || >=21.1.0", [20, 8, 0])).toBe(false);
    expect(() => satisfies("node-20", [20, 0, 0])).toThrow(/unknown engines/);
  });

  it("every package accepts the README's floor and this Node.js", () => {
    expect(floor, `package.json engines.node is ">=X.Y": ${pkg.engines.node}`).not.toBeNull();
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(`Node.js ${floor![1]}+`);
    const versions: Version[] = [pad(parts(floor![1]!)), pad(parts(process.versions.node))];
    const refused: string[] = [];
    for (const [path, p] of Object.entries(lock.packages)) {
      const range = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
      if (!path || !range) continue;
      for (const v of versions) if (!satisfies(range, v)) refused.push(`${path}@${p.version}: node ${range} refuses ${v.join(".")}`);
    }
    expect(refused).toEqual([]);
  });
});
