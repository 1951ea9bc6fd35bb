import { describe, expect, it } from "vitest";
import { workbenchTags } from "../../../src/core/report/workbench-notes";

const notesFile = {
  version: 1,
  dump: { file: "dump.lzo", size: 1 },
  bookmarks: [{ id: "a", target: { kind: "address", address: "0x1" }, label: "the faulting instruction", created: "2026-12-01T10:00:00.000Z" }],
  tags: [
    { subject: "task:324", target: { kind: "task", pid: 324 }, label: "mountinfo (pid 324)", tags: ["malicious", "ioc"], comment: "stratum pool on 3333", updated: "2026-12-01T10:05:00.000Z" },
    { subject: "module:x", target: { kind: "module" }, label: "", tags: [], comment: "look again", updated: 5 },
    { nonsense: true },
  ],
};

describe("workbenchTags", () => {
  it("reads the workbench's notes export: tags with their comments, then bookmarks", () => {
    expect(workbenchTags(notesFile)).toEqual([
      { subject: "mountinfo (pid 324)", tag: "malicious, ioc", comment: "stratum pool on 3333", at: "2026-12-01T10:05:00.000Z" },
      { subject: "module:x", tag: "note", comment: "look again" },
      { subject: "the faulting instruction", tag: "bookmark", at: "2026-12-01T10:00:00.000Z" },
    ]);
  });

  it("reads the notes inside a findings export", () => {
    expect(workbenchTags({ kdw: "0.1.0", findings: {}, notes: notesFile })).toHaveLength(3);
  });

  it("answers undefined for anything else, and bounds what it takes", () => {
    for (const doc of [null, 3, "x", {}, { version: 2, tags: [] }, { notes: { version: 1 } }, [notesFile]]) expect(workbenchTags(doc)).toBeUndefined();
    const many = { version: 1, tags: Array.from({ length: 20_000 }, (_, i) => ({ subject: `s${i}`, tags: ["t"], comment: "c".repeat(10_000) })) };
    const out = workbenchTags(many)!;
    expect(out).toHaveLength(10_000);
    expect(out[0]!.comment).toHaveLength(4096);
  });
});
