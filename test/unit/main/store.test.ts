// The user's data folder: notes by key, the recent list; bad keys and bad JSON refused.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserStore } from "../../../src/main/store";

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "kdw-store-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("UserStore", () => {
  it("keeps notes in notes/KEY.json and reads them back", () => {
    withDir((dir) => {
      const s = new UserStore(dir);
      expect(s.loadNotes("abc")).toBeUndefined();
      expect(s.saveNotes("abc", '{"version":1,"bookmarks":[]}')).toBe(true);
      expect(s.loadNotes("abc")).toBe('{"version":1,"bookmarks":[]}');
      expect(readdirSync(join(dir, "notes"))).toEqual(["abc.json"]);
    });
  });

  it("refuses keys that leave the folder and values that are not JSON objects", () => {
    withDir((dir) => {
      const s = new UserStore(dir);
      expect(() => s.saveNotes("../x", "{}")).toThrow();
      expect(() => s.saveNotes("a/b", "{}")).toThrow();
      expect(s.saveNotes("k", "[1,2]")).toBe(false);
      expect(s.saveNotes("k", "not json")).toBe(false);
      expect(s.saveNotes("k", "null")).toBe(false);
      expect(s.loadNotes("../../etc/passwd")).toBeUndefined();
    });
  });

  it("recent files: newest first, no duplicates, junk in the file ignored", () => {
    withDir((dir) => {
      const s = new UserStore(dir);
      s.addRecent({ dump: "/a" });
      s.addRecent({ dump: "/b", vmlinux: "/v" });
      s.addRecent({ dump: "/a" });
      expect(s.recent()).toEqual([{ dump: "/a" }, { dump: "/b", vmlinux: "/v" }]);
      writeFileSync(join(dir, "recent.json"), '[{"dump":5},null,{"dump":"/c","vmlinux":{}},{"dump":"/d"}]');
      expect(s.recent()).toEqual([{ dump: "/d" }]);
      writeFileSync(join(dir, "recent.json"), "{broken");
      expect(s.recent()).toEqual([]);
    });
  });
});
