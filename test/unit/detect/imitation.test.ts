// Look-alike names: one small edit of a well-known daemon or tool name of five letters or more.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imitationOf } from "../../../src/core/detect/imitation";
import { isWellKnownName, looksLikeKernelThread } from "../../../src/core/detect/names";
import { fixturesDir, haveFixtures } from "../../fixtures";

describe("imitationOf", () => {
  it("names the edit", () => {
    expect(imitationOf("irqbalanced")).toEqual({ base: "irqbalance", edit: '"d" added' });
    expect(imitationOf("rsyslogded")).toEqual({ base: "rsyslogd", edit: '"ed" added' });
    expect(imitationOf("rsylsogdx")).toBeUndefined(); // two edits from rsyslogd
    expect(imitationOf("chronyed")).toEqual({ base: "chronyd", edit: 'letter "e" added' });
    expect(imitationOf("crontba")).toEqual({ base: "crontab", edit: 'letters "ab" swapped' });
    expect(imitationOf("sysloggd")).toEqual({ base: "syslogd", edit: 'letter "g" doubled' });
    expect(imitationOf("systemdd")).toEqual({ base: "systemd", edit: '"d" added' });
    expect(imitationOf("kthreadd")).toBeUndefined(); // a kernel thread's name: not a tool's look-alike
    expect(imitationOf("dbus-deamon")).toEqual({ base: "dbus-daemon", edit: 'letters "ae" swapped' });
    expect(imitationOf("dbus-demaon")).toBeUndefined(); // letters two apart swapped: more than one edit
    expect(imitationOf("ngnix")).toEqual({ base: "nginx", edit: 'letters "in" swapped' });
  });

  it("leaves well-known names, short names and unrelated names alone", () => {
    for (const n of ["sshd", "crond", "syslogd", "rsyslogd", "systemd-journal", "containerd-shim", "agetty", "nginx", "python3", "myapp", "echod", "usockd", "sshd2"]) expect(imitationOf(n), n).toBeUndefined();
    expect(isWellKnownName("sshd")).toBe(true);
  });

  it("kernel-thread shapes", () => {
    for (const n of ["kworker/0:2", "kworker/u8:1-events", "ksoftirqd/3", "[kthreadd]", "kthreadd", "migration/0", "rcu_preempt", "irq/24-virtio0"]) expect(looksLikeKernelThread(n), n).toBe(true);
    for (const n of ["kworkerd", "sshd", "worker/1", "bash"]) expect(looksLikeKernelThread(n), n).toBe(false);
  });
});

/** Every source file of the detectors and of the walkers they added. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe.skipIf(!haveFixtures("manifest.json"))("the detectors know no fixture", () => {
  it("no planted name, module name or hooked function of the manifest appears in their sources", () => {
    const m = JSON.parse(readFileSync(join(fixturesDir, "manifest.json"), "utf8")) as { decoys: { name: string }[]; module: { name: string } };
    const names = [...m.decoys.map((d) => d.name), m.module.name].filter((n) => n.length >= 3);
    const root = new URL("../../../src/core/", import.meta.url).pathname;
    const files = [...sources(join(root, "detect")), ...sources(join(root, "kernel/hooks")), ...sources(join(root, "commands/detect"))];
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const n of names) expect(text.includes(n), `${n} in ${f}`).toBe(false);
    }
  });
});
