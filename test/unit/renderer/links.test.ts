// What the console and the panels turn into links, in crash's own output forms.
import { describe, expect, it } from "vitest";
import { findLinks, segments } from "../../../src/renderer/lib/links";

const text = (line: string) => findLinks(line).map((l) => [line.slice(l.start, l.end), l.target]);

describe("findLinks", () => {
  it("bt frames: the function to its code at the frame's address, the addresses to memory", () => {
    expect(text(" #3 [ff7701ff007d3b38] oops_end at ffffffff9fa33d21")).toEqual([
      ["ff7701ff007d3b38", { kind: "memory", space: "kernel", address: "0xff7701ff007d3b38" }],
      ["oops_end", { kind: "code", target: "oops_end", pc: "0xffffffff9fa33d21" }],
      ["ffffffff9fa33d21", { kind: "memory", space: "kernel", address: "0xffffffff9fa33d21" }],
    ]);
  });

  it("ps rows: pid and parent pid; PID: and pid N", () => {
    expect(text(">   304      1   0  ff16e6832ff6c180  RU   0.1   11000    796  AliYunDun").slice(0, 2)).toEqual([
      ["304", { kind: "task", pid: 304 }],
      ["1", { kind: "task", pid: 1 }],
    ]);
    expect(text("PID: 304      TASK: ff16e6832ff6c180  CPU: 0")[0]).toEqual(["304", { kind: "task", pid: 304 }]);
  });

  it("symbol+offset, file: line, 0x addresses; not short numbers or words", () => {
    expect(text("RIP: 0010:mz_getdents_pre+0x5e/0x1000 [mzoneinfo]")).toEqual([["mz_getdents_pre+0x5e/0x1000", { kind: "code", target: "mz_getdents_pre+0x5e" }]]);
    expect(text("/build/linux/fs/readdir.c: 354")).toEqual([["/build/linux/fs/readdir.c: 354", { kind: "source", file: "/build/linux/fs/readdir.c", line: 354 }]]);
    expect(text("value 0xffffffffc05dc05e here")).toEqual([["0xffffffffc05dc05e", { kind: "memory", space: "kernel", address: "0xffffffffc05dc05e" }]]);
    expect(text("CPUS: 4  TASKS: 110  deadbeef 0000000000000000")).toEqual([]);
  });

  it("segments cover the line exactly, whatever it holds", () => {
    for (const line of ["", "plain", "<img src=x onerror=alert(1)> ffffffff9fa33d21 \x1b[31m", "a".repeat(5000)]) {
      expect(segments(line).map((s) => s.text).join("")).toBe(line.slice(0, 4096) + (line.length > 4096 ? line.slice(4096) : ""));
    }
  });
});
