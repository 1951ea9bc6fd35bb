// The house rules that are about structure: no import cycle inside src/core (value imports: type-only
// imports are erased and order nothing at run time), and the lint allowlists of eslint.config.js
// (a command imports no other command, detect no command, the adapters only the session and io) — each
// shown to fail on a file that breaks it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../..");

type Graph = Map<string, { to: string; typeOnly: boolean }[]>;

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Is an import or export declaration erased by the compiler (import type, or every name `type`)? */
function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** The relative imports of every file under `dir`, resolved to files (path.ts or path/index.ts). */
function importGraph(dir: string): Graph {
  const files = new Set(tsFiles(dir));
  const graph: Graph = new Map();
  for (const file of files) {
    const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
    const edges: { to: string; typeOnly: boolean }[] = [];
    for (const st of sf.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const spec = st.moduleSpecifier.text;
      if (!spec.startsWith(".")) continue;
      const base = resolve(dirname(file), spec.replace(/\.(js|ts)$/, ""));
      const to = [base + ".ts", join(base, "index.ts")].find((f) => files.has(f));
      if (to) edges.push({ to, typeOnly: typeOnly(st) });
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Every cycle of value imports, each as the files on it (a depth-first search's back edges). */
function importCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const e of graph.get(node) ?? []) {
      if (e.typeOnly) continue;
      const s = state.get(e.to);
      if (s === "open") cycles.push(stack.slice(stack.indexOf(e.to)));
      else if (s === undefined) visit(e.to);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe("import cycles", () => {
  it("src/core has none (value imports), in any folder", () => {
    const graph = importGraph(join(repo, "src/core"));
    expect(graph.size).toBeGreaterThan(150);
    expect(importCycles(graph).map((c) => c.map((f) => relative(repo, f)).join(" -> "))).toEqual([]);
  });

  it("finds a cycle when there is one, and not through a type-only import", () => {
    const g: Graph = new Map([
      ["a", [{ to: "b", typeOnly: false }]],
      ["b", [{ to: "c", typeOnly: false }]],
      ["c", [{ to: "a", typeOnly: false }]],
      ["d", [{ to: "e", typeOnly: false }]],
      ["e", [{ to: "d", typeOnly: true }]],
    ]);
    expect(importCycles(g)).toEqual([["a", "b", "c"]]);
  });

  it("reads type-only imports as the compiler does", () => {
    const decl = (code: string) => ts.createSourceFile("x.ts", code, ts.ScriptTarget.Latest).statements[0] as ts.ImportDeclaration;
    expect(typeOnly(decl('import type { A } from "./a";'))).toBe(true);
    expect(typeOnly(decl('import { type A, type B } from "./a";'))).toBe(true);
    expect(typeOnly(decl('import { type A, b } from "./a";'))).toBe(false);
    expect(typeOnly(decl('import "./a";'))).toBe(false);
  });
});

describe("lint allowlists (eslint.config.js)", () => {
  const eslint = new ESLint({ cwd: repo });
  const problems = async (file: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(repo, file) });
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  it("a command imports commands/shared, the framework and its own parts, and no other command", async () => {
    const ok = 'import { escapeControl } from "../shared/escape";\nimport { defineCommand } from "../command";\nimport { formatPs } from "./ps-format";\nexport const a = [escapeControl, defineCommand, formatPs];\n';
    expect(await problems("src/core/commands/tasks/ps.ts", ok)).toEqual([]);
    const bad = 'import { btCommand } from "../bt/bt";\nimport { setCommand } from "./set";\nexport const a = [btCommand, setCommand];\n';
    const found = await problems("src/core/commands/tasks/ps.ts", bad);
    expect(found).toHaveLength(2);
    for (const p of found) expect(p).toMatch(/^kdw\/command-imports: .*a command imports no other command/);
    expect(await problems("src/core/commands/shared/x.ts", 'import { psCommand } from "../tasks/ps";\nexport const a = psCommand;\n')).toEqual([expect.stringMatching(/commands\/shared imports no command/)]);
  });

  it("detect imports no command; the adapters only src/core/session and src/core/io", async () => {
    expect(await problems("src/core/detect/x.ts", 'import { psCommand } from "../commands/tasks/ps";\nexport const a = psCommand;\n')).toEqual([expect.stringMatching(/^no-restricted-imports: .*not from commands/)]);
    expect(await problems("src/cli/x.ts", 'import { s } from "../core/session/service";\nimport { e } from "../core/io/errors";\nexport const a = [s, e];\n')).toEqual([]);
    expect(await problems("src/server/x.ts", 'import { t } from "../core/kernel/tasks/tasks";\nexport const a = t;\n')).toEqual([expect.stringMatching(/^no-restricted-imports: .*through src\/core\/session/)]);
  });
});
