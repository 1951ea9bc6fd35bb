// mount: crash 8.0.6's reference (`mount`: init's mount namespace), and `mount -n` with a task. crash's
// column squeeze (TYPE and DEVNAME longer than their columns) is checked on devtmpfs's row.
import { describe, expect, it } from "vitest";
import { formatMountRow } from "../../src/core/commands/fs/mount-format";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("mount (golden)", () => {
  it("mount matches crash byte for byte", () => {
    const r = fixtureSession()!.run("mount");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(reference("mount.txt"));
    expect(normalize(r.text)).toBe(normalize(reference("mount.txt")));
    const data = dataOf(r.data);
    expect(data.mounts.map((m) => m.dirname.path)).toEqual(["/", "/proc", "/sys", "/dev", "/dev/pts", "/tmp", "/run"]);
  });

  it("-n takes another task's namespace (the same one here); bad arguments are one-line errors", () => {
    const s = fixtureSession()!;
    expect(s.run("mount -n 324").text).toBe(reference("mount.txt"));
    expect(s.run("mount -n 99999").errors).toEqual(["mount: invalid task or pid value: 99999"]);
    expect(s.run("mount -i").errors).toEqual(["mount: unsupported option: -i (usage: mount [-n pid|task] [address | name | dirname] ...)"]);
  });

  // crash 8.0.6 fails here on 6.1: `mount ARG` lists open files per mount first, through
  // super_block.s_files, which 6.1 no longer has; it prints "mount: the super_block.s_files linked list does
  // not exist in this kernel" and "mount: -f option not supported or applicable on this architecture or
  // kernel" and nothing else (checked with ../tools/crash-8.0.6 on dump.lzo). kdw matches on the mount rows.
  it("with arguments, shows the matching mounts under one header (where crash 8.0.6 fails)", () => {
    const s = fixtureSession()!;
    const lines = reference("mount.txt").split("\n");
    expect(s.run("mount /proc/").text).toBe([lines[0], lines[2], ""].join("\n"));
    expect(s.run("mount tmpfs").text).toBe([lines[0], lines[6], lines[7], ""].join("\n"));
    // By struct mount, by super_block, and by the struct vfsmount inside the struct mount (+0x20 here).
    expect(s.run("mount ff16e68320e45400 0xff16e68301b53000 ff16e68320e44de0").text).toBe([lines[0], lines[4], lines[5], lines[2], ""].join("\n"));
    expect(s.run("mount /nowhere").text).toBe("");
  });

  it("squeezes TYPE and DEVNAME as crash does, and shows unreadable names as crash does", () => {
    const m = { mount: 0xff16e68320e45400n, vfsmount: 0n, superBlock: 0xff16e6830104e000n, dirname: { path: "/dev", complete: true } };
    expect(formatMountRow({ ...m, fsType: "devtmpfs", devname: "devtmpfs" })).toBe("ff16e68320e45400 ff16e6830104e000 devtmpfs devtmpfs /dev      ");
    expect(formatMountRow({ ...m, fsType: undefined, devname: undefined })).toBe("ff16e68320e45400 ff16e6830104e000 unknown (unknown) /dev      ");
    expect(formatMountRow({ ...m, fsType: "ext4", devname: "/dev/vda1\x1b[2J" })).toBe("ff16e68320e45400 ff16e6830104e000 ext4   /dev/vda1\\x1b[2J /dev      ");
  });
});
