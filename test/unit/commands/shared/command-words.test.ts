// The first word of a console line: crash's builtin aliases per session, an alias replaced by its words
// (pipes included, since they come before the line is split), and `*type` read as `* type`.
import { describe, expect, it } from "vitest";
import { aliasTable, BUILTIN_ALIASES, expandAlias, expandAliasWords, splitPointerWord } from "../../../../src/core/commands/shared/command-words";
import type { ConsoleState } from "../../../../src/core/commands/command";

describe("command words", () => {
  it("each session starts with crash's 15 builtin aliases, in crash's order", () => {
    const state: ConsoleState = { valueHistory: 0 };
    expect(aliasTable(state).map((a) => a.alias)).toEqual(BUILTIN_ALIASES.map(([a]) => a));
    expect(aliasTable(state)).toHaveLength(15);
    expect(aliasTable({ valueHistory: 0 })).not.toBe(aliasTable(state));
  });

  it("replaces an alias with its command line, keeping the rest of the line", () => {
    const state: ConsoleState = { valueHistory: 0 };
    aliasTable(state).push({ alias: "pg", origin: "runtime", words: ["ps", "|", "grep", "init"] });
    expect(expandAlias(state, "px init_task.pid")).toBe("p -x init_task.pid");
    expect(expandAlias(state, "pg")).toBe("ps | grep init");
    expect(expandAlias(state, "ps -p")).toBe("ps -p");
    expect(expandAliasWords(state, ["size", "task_struct"])).toEqual(["*", "task_struct"]);
  });

  it("splits the pointer-to short-cut from its type name", () => {
    expect(splitPointerWord(["*task_struct.pid", "ffffffffa141aa40"])).toEqual(["*", "task_struct.pid", "ffffffffa141aa40"]);
    expect(splitPointerWord(["*", "list_head"])).toEqual(["*", "list_head"]);
    expect(splitPointerWord([])).toEqual([]);
  });
});
