// Opening a dump with debuginfo that does not belong to it, or that lacks what kdw needs: a clear
// one-line message saying what each side is, and --force to go past a mismatch.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { BytesSource } from "../../src/core/io/byte-source";
import { DebugInfoMismatch, MissingDebugInfo } from "../../src/core/io/errors";
import { Session } from "../../src/core/session/session";
import { buildElf, buildNotes } from "../fixtures/elf-builder";
import { fixture, haveFixtures, manifest } from "../fixtures";

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}

/** An ET_EXEC "vmlinux" with only a GNU build-id note: the right identity, no symbols, no types. */
function strippedVmlinux(buildId: string): BytesSource {
  const note = buildNotes([{ name: "GNU", type: 3, desc: hexBytes(buildId) }]);
  const elf = buildElf({ type: 2, machine: 62, sections: [{ name: ".notes", type: 7, data: note }] });
  return new BytesSource("vmlinux-stripped", elf.bytes);
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux", "mzoneinfo.ko"))("vmlinux matching and missing debuginfo", () => {
  const dump = () => new NodeFileSource("dump.lzo", fixture("dump.lzo")!);

  it("a vmlinux of another build is refused, naming both build ids and releases", () => {
    const other = new NodeFileSource("mzoneinfo.ko", fixture("mzoneinfo.ko")!);
    let err: unknown;
    try {
      Session.open(dump(), other);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DebugInfoMismatch);
    const msg = (err as Error).message;
    expect(msg.split("\n")).toHaveLength(1);
    expect(msg).toContain("mzoneinfo.ko does not match dump.lzo");
    expect(msg).toContain(manifest().kernel.build_id);
    expect(msg).toContain(manifest().kernel.osrelease);
    expect(msg).toContain("--force");
  });

  it("--force goes past the mismatch, then says what the file lacks", () => {
    const other = new NodeFileSource("mzoneinfo.ko", fixture("mzoneinfo.ko")!);
    expect(() => Session.open(dump(), other, { force: true })).toThrow(MissingDebugInfo);
  });

  it("a vmlinux with the dump's build id but no symbol table is missing debuginfo, in one line", () => {
    let err: unknown;
    try {
      Session.open(dump(), strippedVmlinux(manifest().kernel.build_id));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingDebugInfo);
    expect((err as Error).message).toBe("vmlinux-stripped: no symbol table (.symtab): not a debug vmlinux");
  });
});
