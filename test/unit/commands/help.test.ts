// `help`: crash's help screen layout (checked with crash's own command names against what crash 8.0.6
// printed, test/golden/console-reference/help-all.txt), every kdw command with q and exit listed, and the
// help of list, q and exit equal to crash's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../../src/core/commands";
import type { CommandContext } from "../../../src/core/commands/command";
import { helpCommand } from "../../../src/core/commands/console/help";
import { formatHelp } from "../../../src/core/commands/console/help-format";

const REF = join(__dirname, "../../golden/console-reference");
const crash = (name: string) => readFileSync(join(REF, `${name}.txt`), "latin1");
const trimLines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trim();

/** help needs only the console's commands. */
const ctx = { commands: builtinRegistry() } as unknown as CommandContext;

describe("help", () => {
  it("lays the names out as crash's help screen does (columns of 15, filled down, q last)", () => {
    const screen = crash("help-all").split("\n");
    const block = screen.slice(1, screen.indexOf("", 1));
    const names = block.flatMap((l) => l.trim().split(/\s+/));
    // crash's order, from its screen: read down the columns.
    const rows = block.length;
    const columns = Math.ceil(names.length / rows);
    const ordered: string[] = [];
    for (let c = 0; c < columns; c++) for (let r = 0; r < rows; r++) if (block[r]!.length > c * 15) ordered.push(block[r]!.slice(c * 15, c * 15 + 15).trim());
    const ours = formatHelp({ kind: "list", names: ordered }).split("\n");
    expect(ours.slice(1, 1 + rows)).toEqual(block);
    expect(ordered.at(-1)).toBe("q");
  });

  it("lists every console command, exit and q (last)", () => {
    const r = helpCommand.run(ctx, []);
    if (r.data.kind !== "list") throw new Error("not a list");
    const names = r.data.names;
    for (const c of builtinRegistry().list) expect(names).toContain(c.name);
    expect(names).toContain("exit");
    expect(names.at(-1)).toBe("q");
    expect(names.slice(0, -1)).toEqual([...names.slice(0, -1)].sort());
    // Every name is on the screen.
    for (const n of names) expect(r.text).toMatch(new RegExp(`(^|\\s)${n.replace(/[*]/g, "\\*")}(\\s|$)`, "m"));
  });

  it("help list is crash's help of its linked-list walker, then kdw's source listing", () => {
    const text = trimLines(helpCommand.run(ctx, ["list"]).text);
    expect(text.startsWith(trimLines(crash("help-list")))).toBe(true);
    expect(text).toMatch(/^NAME\n {2}list - linked list$/m);
    expect(text).toMatch(/SOURCE LINES \(kdw\)/);
  });

  it("help q and help exit are crash's, for kdw's session", () => {
    for (const name of ["q", "exit"]) expect(trimLines(helpCommand.run(ctx, [name]).text)).toBe(trimLines(crash(`help-${name}`)).replace("crash-8.0.6 session", "kdw session"));
  });

  it("help CMD prints each command's help; an unknown name is one error line", () => {
    const two = helpCommand.run(ctx, ["sys", "ps"]).text;
    expect(two).toMatch(/^NAME\n {2}sys - /m);
    expect(two).toMatch(/^NAME\n {2}ps - /m);
    expect(helpCommand.run(ctx, ["output"]).text).toMatch(/\| shell command/);
    expect(() => helpCommand.run(ctx, ["nosuch"])).toThrow("help: command not found: nosuch");
  });
});
