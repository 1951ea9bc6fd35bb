// kdw-workbench [VMLINUX] DUMP on the command line.
import { describe, expect, it } from "vitest";
import { choiceFromFiles, filesFromArgv } from "../../../src/main/args";

describe("command line", () => {
  it("takes at most two paths after the executable, skipping flags", () => {
    expect(filesFromArgv(["/opt/kdw/kdw", "--no-sandbox", "vmlinux", "vmcore", "extra"], true)).toEqual(["vmlinux", "vmcore"]);
    expect(filesFromArgv(["electron", ".", "vmcore"], false)).toEqual(["vmcore"]);
    expect(filesFromArgv(["electron", "."], false)).toEqual([]);
  });

  it("names the dump by its contents, in either order", () => {
    const isDump = (p: string) => p.endsWith("vmcore");
    expect(choiceFromFiles(["vmlinux", "vmcore"], isDump)).toEqual({ dump: "vmcore", vmlinux: "vmlinux" });
    expect(choiceFromFiles(["vmcore", "vmlinux"], isDump)).toEqual({ dump: "vmcore", vmlinux: "vmlinux" });
    expect(choiceFromFiles(["vmcore"], isDump)).toEqual({ dump: "vmcore" });
    expect(choiceFromFiles([], isDump)).toBeUndefined();
  });
});
