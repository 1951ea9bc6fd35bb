// Device majors and disk I/O on the fixture, then on patched memory: a char_device_struct chain that loops
// or points nowhere, a major_names slot holding two majors (crash shows one), an unreadable
// blockdev_superblock, an unreadable block_class, and a request made to look in flight through the blk-mq
// tags (counted as a write, and `dev -D` then shows the disk).
import { describe, expect, it } from "vitest";
import { devCommand } from "../../../../src/core/commands/system/dev";
import { blkdevs, chrdevs, devLayout, diskInFlight, diskIo, requestQueueHctxs } from "../../../../src/core/kernel/system/devices";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("device majors and disks (fixture)", () => {
  const session = () => fixtureSession()!;
  const prog = () => session().kernel.program;
  const patched = (patches: Map<bigint, bigint | null>): Program => {
    const p = prog();
    return patchedProgram(p, patches);
  };
  const ctxWith = (p: Program) => ({ ...session().context, prog: p });
  const off = (type: string, member: string) => BigInt(prog().memberOffset(type, member)!);

  it("reads the char majors: cdev from the region or from cdev_map's probe, none for input", () => {
    const { rows, problems } = chrdevs(prog());
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(22);
    expect(rows.find((r) => r.name === "/dev/vc/0")).toMatchObject({ major: 4, baseminor: 0, cdev: 0xffffffffa1df6a80n });
    expect(rows.find((r) => r.name === "input")).toMatchObject({ major: 13, cdev: 0n, fops: 0n });
  });

  it("a looping char_device_struct chain keeps its rows once and reports the loop", () => {
    const tty = chrdevs(prog()).rows.find((r) => r.name === "tty")!; // second of the three in slot 4
    const p = patched(new Map([[tty.address + BigInt(devLayout(prog()).cdsNext), tty.address]]));
    const { rows, problems } = chrdevs(p);
    expect(rows.filter((r) => r.major === 4).map((r) => r.name)).toEqual(["/dev/vc/0", "tty"]);
    expect(rows).toHaveLength(21);
    expect(problems[0]!.message).toMatch(/^chrdevs\[4\]: walk stopped .*loop at/);
  });

  it("a chain head to nowhere: that chain is an error line, the others are listed", () => {
    const slot = prog().symbolAddress("chrdevs") + 10n * 8n;
    const out = devCommand.run(ctxWith(patched(new Map([[slot, 0xffff888044440000n]]))), []);
    expect(out.text).not.toMatch(/ misc /);
    expect(out.text).toMatch(/ mem /);
    expect(out.errors).toEqual([expect.stringMatching(/^dev: chrdevs\[10\]: .*char_device_struct ffff888044440000/)]);
  });

  it("walks a major_names chain past its head (crash 8.0.6 prints only the head)", () => {
    const rows = blkdevs(prog()).rows;
    const [blkext, virtblk] = [rows.find((r) => r.major === 259)!, rows.find((r) => r.major === 254)!];
    const p = patched(new Map([[blkext.address + BigInt(devLayout(prog()).bmnNext), virtblk.address]]));
    expect(blkdevs(p).rows.map((r) => r.name)).toEqual(["blkext", "virtblk", "virtblk"]);
  });

  it("an unreadable blockdev_superblock leaves every block major without a disk, with an error line", () => {
    const p = patched(new Map([[prog().symbolAddress("blockdev_superblock"), null]]));
    const { rows, problems } = blkdevs(p);
    expect(rows.map((r) => [r.name, r.gendisk])).toEqual([
      ["blkext", 0n],
      ["virtblk", 0n],
    ]);
    expect(problems[0]!.message).toMatch(/blockdev_superblock/);
  });

  it("an unreadable block_class gives no disks and an error line", () => {
    const p = patched(new Map([[prog().symbolAddress("block_class") + off("struct class", "p"), null]]));
    const out = devCommand.run(ctxWith(p), ["-d"]);
    expect(out.text.split("\n")).toHaveLength(1);
    expect(out.errors?.[0]).toMatch(/^dev: block_class devices/);
  });

  it("counts a started request of the queue found through the tags as a write", () => {
    const p0 = prog();
    const disk = diskIo(p0).rows[0]!;
    const hctx = requestQueueHctxs(p0, disk.queue)[0]!;
    const tags = p0.readU64(hctx + off("struct blk_mq_hw_ctx", "tags"));
    const nrReserved = BigInt(p0.readU32(tags + off("struct blk_mq_tags", "nr_reserved_tags")));
    const sb = tags + off("struct blk_mq_tags", "bitmap_tags") + off("struct sbitmap_queue", "sb");
    const word0 = p0.readU64(sb + off("struct sbitmap", "map"));
    const rqs = p0.readU64(tags + off("struct blk_mq_tags", "rqs"));
    const rq = p0.readU64(p0.readU64(tags + off("struct blk_mq_tags", "static_rqs")));
    const with32 = (at: bigint, v: number) => [at, (p0.readU64(at) & 0xffffffff00000000n) | BigInt(v)] as [bigint, bigint];
    const patches = new Map<bigint, bigint | null>([
      [word0 + off("struct sbitmap_word", "word"), 1n],
      [word0 + off("struct sbitmap_word", "cleared"), 0n],
      [rqs + nrReserved * 8n, rq],
      [rq + off("struct request", "q"), disk.queue],
      with32(rq + off("struct request", "state"), 1), // MQ_RQ_IN_FLIGHT
      with32(rq + off("struct request", "cmd_flags"), 1), // REQ_OP_WRITE
    ]);
    const p = patched(patches);
    expect(diskInFlight(p, disk.queue, disk.gendisk)).toEqual({ read: 0, write: 1 });
    const out = devCommand.run(ctxWith(p), ["-D"]);
    expect(out.text.split("\n")[1]!.trim().split(/\s+/)).toEqual(["254", disk.gendisk.toString(16), "vda", disk.queue.toString(16), "1", "0", "1"]);
    // the same request idle (MQ_RQ_IDLE) or of another queue is not counted
    patches.set(...with32(rq + off("struct request", "state"), 0));
    expect(diskInFlight(patched(patches), disk.queue, disk.gendisk)).toEqual({ read: 0, write: 0 });
  });
});
