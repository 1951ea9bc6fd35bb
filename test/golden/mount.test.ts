// mount: crash 8.0.6's reference (`mount`: init's mount namespace), and `mount -n` with a task. crash's
// column squeeze (TYPE and DEVNAME longer than their columns) is checked on devtmpfs's row.
import { describe, expect, it } from "vitest";
import { formatMountRow, type MountResult } from "../../src/core/commands/mount";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("mount (golden)", () => {
  it("mount matches crash byte for byte", () => {
    const r = fixtureSession()!.run("mount");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(reference("mount.txt"));
    expect(normalize(r.text)).toBe(normalize(reference("mount.txt")));
    const data = r.data as MountResult;
    expect(data.mounts.map((m) => m.dirname.path)).toEqual(["/", "/proc", "/sys", "/dev", "/dev/pts", "/tmp", "/run"]);
  });

  it("-n takes another task's namespace (the same one here); bad arguments are one-line errors", () => {
    const s = fixtureSession()!;
    expect(s.run("mount -n 324").text).toBe(reference("mount.txt"));
    expect(s.run("mount -n 99999").errors).toEqual(["mount: invalid task or pid value: 99999"]);
    expect(s.run("mount /proc").errors).toEqual(["mount: unsupported argument: /proc (usage: mount [-n pid|task])"]);
  });

  it("squeezes TYPE and DEVNAME as crash does, and shows unreadable names as crash does", () => {
    const m = { mount: 0xff16e68320e45400n, vfsmount: 0n, superBlock: 0xff16e6830104e000n, dirname: { path: "/dev", complete: true } };
    expect(formatMountRow({ ...m, fsType: "devtmpfs", devname: "devtmpfs" })).toBe("ff16e68320e45400 ff16e6830104e000 devtmpfs devtmpfs /dev      ");
    expect(formatMountRow({ ...m, fsType: undefined, devname: undefined })).toBe("ff16e68320e45400 ff16e6830104e000 unknown (unknown) /dev      ");
    expect(formatMountRow({ ...m, fsType: "ext4", devname: "/dev/vda1\x1b[2J" })).toBe("ff16e68320e45400 ff16e6830104e000 ext4   /dev/vda1\\x1b[2J /dev      ");
  });
});
