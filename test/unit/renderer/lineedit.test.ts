// The console's line editor and history.
import { describe, expect, it } from "vitest";
import { commonPrefix, edit, History, insert } from "../../../src/renderer/lib/lineedit";

describe("line editor", () => {
  it("inserts, moves and deletes like readline", () => {
    let s = insert({ line: "", cursor: 0 }, "bt -a");
    s = edit(s, "word-left");
    expect(s.cursor).toBe(3);
    s = edit(s, "kill-word-before");
    expect(s).toEqual({ line: "-a", cursor: 0 });
    s = edit(s, "end");
    s = edit(s, "backspace");
    expect(s).toEqual({ line: "-", cursor: 1 });
    expect(edit({ line: "abc", cursor: 0 }, "backspace")).toEqual({ line: "abc", cursor: 0 });
    expect(edit({ line: "abc", cursor: 1 }, "kill-line-after")).toEqual({ line: "a", cursor: 1 });
  });

  it("history: up and down over entries, the draft kept, no repeats", () => {
    const h = new History(["sys"]);
    h.add("ps");
    h.add("ps");
    h.add("  ");
    expect(h.all()).toEqual(["sys", "ps"]);
    expect(h.up("dra")).toBe("ps");
    expect(h.up("")).toBe("sys");
    expect(h.up("")).toBeUndefined();
    expect(h.down()).toBe("ps");
    expect(h.down()).toBe("dra");
    expect(h.down()).toBeUndefined();
  });

  it("common prefix of candidates", () => {
    expect(commonPrefix(["task_struct", "task_group", "tasklet"])).toBe("task");
    expect(commonPrefix([])).toBe("");
  });
});
