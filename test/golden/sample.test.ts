// kdw on its own sample (samples/: Debian 13's 6.12.117 cloud kernel, 4-level paging, a rootkit that hides
// itself and oopses in kill(2)) against crash 8.0.6's references, which crash made with the -dbg vmlinux. kdw
// opens the zstd archive with no vmlinux at all: kallsyms, BTF and ORC come from the dump. Every reference
// command is answered and compared value by value, except where the answer needs DWARF (source lines) and where
// crash is wrong on this kernel (HZ): those cases say why and check the right answer from the kernel's data.
import { beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../src/core/session/session";
import { NO_VMLINUX_NAME } from "../../src/core/session/session";
import { NO_DWARF } from "../../src/core/program/open-from-dump";
import { sampleCommands, sampleManifest, sampleReference, sampleSession } from "../sample-session";

/** The fixtures' normalisation (test/session-fixture.ts): trailing blanks, runs of spaces, outer blank lines. */
function normalize(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+$/, "").replace(/[ \t]+/g, " "))
    .join("\n")
    .replace(/^\n+/, "")
    .replace(/\n+$/, "");
}

/** What the console shows for a command: its text, then its error lines (as crash interleaves them at the end). */
function shown(r: { text: string; errors: string[] }): string {
  return r.text + r.errors.map((e) => `${e}\n`).join("");
}

/** Commands whose answer needs DWARF line tables: with no vmlinux, one line says so. */
const NEEDS_DWARF = new Set(["bt-l", "dis-l-ra1", "dis-l-ra2", "dis-l-ra3", "dis-l-ra4", "dis-rl-ra3"]);
/** `sym ADDR`: crash adds the source line from DWARF after the symbol; the symbol part must be crash's. */
const SYMBOL_THEN_SOURCE = new Set(["sym-addr-ra1"]);
/** Times that crash 8.0.6 gets wrong on this kernel (its HZ; see the tests below). */
const CRASH_HZ_WRONG = new Set(["sys", "ps-t", "log-T"]);
/** Code of the module that took itself off the module list: crash cannot name it, kdw names it (see below). */
const HIDDEN_MODULE_CODE = new Set(["dis-exception-rip"]);

/** "HH:MM:SS" or "D days, HH:MM:SS" as seconds. */
function seconds(hms: string): number {
  const m = /^(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)$/.exec(hms.trim());
  if (!m) throw new Error(`not a time: ${hms}`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

function field(text: string, name: string): string {
  const m = new RegExp(`^\\s*${name}: (.*)$`, "m").exec(text);
  if (!m) throw new Error(`no ${name} line`);
  return m[1]!;
}

describe("the sample dump (6.12, no vmlinux) against crash 8.0.6", () => {
  let s: Session;
  beforeAll(async () => {
    s = await sampleSession();
  }, 60_000);

  const commands = sampleCommands();
  it("has the fixtures' 60 reference commands", () => {
    expect(commands.length).toBe(60);
  });

  for (const [name, cmd] of commands) {
    if (NEEDS_DWARF.has(name) || SYMBOL_THEN_SOURCE.has(name) || CRASH_HZ_WRONG.has(name) || HIDDEN_MODULE_CODE.has(name)) continue;
    it(`${cmd} equals crash's ${name}.txt`, () => {
      expect(normalize(shown(s.run(cmd)))).toBe(normalize(sampleReference(`${name}.txt`)));
    });
  }

  for (const name of NEEDS_DWARF) {
    it(`${name}: one line says DWARF line tables are needed (crash had the -dbg vmlinux)`, () => {
      const cmd = commands.find(([n]) => n === name)![1];
      const r = s.run(cmd);
      expect(r.text).toBe("");
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^(bt|dis): -l needs DWARF line tables: /);
      expect(r.errors[0]!.endsWith(NO_DWARF)).toBe(true);
      expect(sampleReference(`${name}.txt`)).toMatch(/\.[ch]: \d+/); // crash's listing shows source lines
    });
  }

  it("sym of a return address equals crash's line up to the source file crash adds from DWARF", () => {
    const cmd = commands.find(([n]) => n === "sym-addr-ra1")![1];
    const ours = normalize(s.run(cmd).text);
    const theirs = normalize(sampleReference("sym-addr-ra1.txt"));
    expect(theirs.startsWith(`${ours} `)).toBe(true);
    expect(theirs.slice(ours.length + 1)).toMatch(/^debian\/build\/\S+\.[ch]: \d+$/);
  });

  it("dis of the exception RIP: crash's instructions, named from the hidden module's own kallsyms", () => {
    const cmd = commands.find(([n]) => n === "dis-exception-rip")![1];
    const r = s.run(cmd);
    expect(r.errors).toEqual([]);
    const crash = sampleReference("dis-exception-rip.txt");
    expect(crash).toMatch(/^WARNING: [0-9a-f]+: no associated kernel symbol found\n/);
    const strip = (l: string) => l.replace(/^(=> | {3})/, "").replace(/ <[^>]*>/g, "");
    const crashLines = crash.split("\n").filter((l) => /^(=> | {3})0x/.test(l));
    const ours = r.text.split("\n").filter((l) => l !== "");
    expect(ours.map(strip)).toEqual(crashLines.map(strip));
    // The first label is the kernel's own oops line: "RIP: 0010:tce_kill_hook+0x58/0x8c [tpm_crb_ext]".
    const rip = /^([\w.]+)\+0x([0-9a-f]+)\//.exec(sampleManifest().panic.kernel_rip)!;
    expect(ours[0]).toMatch(new RegExp(`^0x[0-9a-f]+ <${rip[1]}\\+${parseInt(rip[2]!, 16)}>:\t`));
  });

  describe("where crash 8.0.6 is wrong: it takes HZ from a module (mq-deadline), so it assumes HZ=1000 on this HZ=250 kernel", () => {
    // jiffies starts at INITIAL_JIFFIES = (unsigned int)(-300 * HZ) (include/linux/jiffies.h), so the uptime is
    // (jiffies - INITIAL_JIFFIES) / HZ. crash's value follows from the same jiffies with HZ=1000; ours with the
    // kernel's HZ (the manifest's, from the kernel's build configuration).
    const INITIAL = (hz: number) => 2n ** 32n - 300n * BigInt(hz);
    let jiffies: bigint;
    beforeAll(() => {
      const value = (text: string) => /^jiffies = \$\d+ = (\d+)$/m.exec(text)![1]!;
      jiffies = BigInt(value(s.run("p jiffies").text));
      expect(jiffies).toBe(BigInt(value(sampleReference("p-jiffies.txt")))); // crash's own reading
    });
    const uptime = (hz: number) => Number((jiffies - INITIAL(hz)) / BigInt(hz));

    it("sys: every line is crash's but UPTIME, which is the kernel's HZ's", () => {
      const ours = normalize(s.run("sys").text).split("\n");
      const theirs = normalize(sampleReference("sys.txt")).split("\n");
      expect(ours.length).toBe(theirs.length);
      for (let i = 0; i < ours.length; i++) {
        if (theirs[i]!.startsWith(" UPTIME:")) {
          expect(seconds(field(theirs[i]!, "UPTIME"))).toBe(uptime(1000)); // crash's arithmetic, reproduced
          expect(seconds(field(ours[i]!, "UPTIME"))).toBe(uptime(sampleManifest().kernel.hz));
        } else if (theirs[i]!.startsWith(" KERNEL:")) {
          expect(ours[i]).toBe(theirs[i]!.replace(/KERNEL: \S+/, `KERNEL: ${NO_VMLINUX_NAME}`));
        } else {
          expect(ours[i]).toBe(theirs[i]);
        }
      }
      // The kernel log agrees: the oops is printed 36 s after boot (printk's clock starts before jiffies tick).
      const oops = /^\[\s*([\d.]+)\] BUG: /m.exec(sampleReference("log.txt"))!;
      expect(Math.abs(Number(oops[1]) - uptime(sampleManifest().kernel.hz))).toBeLessThan(2);
    });

    it("ps -t: START TIME, UTIME and STIME are crash's; RUN TIME is shorter by exactly crash's uptime error", () => {
      const ours = normalize(s.run("ps -t").text).split("\n");
      const theirs = normalize(sampleReference("ps-t.txt")).split("\n");
      expect(ours.length).toBe(theirs.length);
      const shift = uptime(1000) - uptime(sampleManifest().kernel.hz);
      let runTimes = 0;
      for (let i = 0; i < ours.length; i++) {
        if (theirs[i]!.startsWith(" RUN TIME:")) {
          const d = seconds(field(theirs[i]!, "RUN TIME")) - seconds(field(ours[i]!, "RUN TIME"));
          expect(Math.abs(d - shift)).toBeLessThanOrEqual(1); // both round down from nanoseconds
          runTimes++;
        } else {
          expect(ours[i]).toBe(theirs[i]);
        }
      }
      expect(runTimes).toBe(sampleManifest().tasks.length);
    });

    it("log -T: every message is crash's, each stamped later by crash's uptime error (its boot time is too early)", () => {
      const ours = normalize(s.run("log -T").text).split("\n");
      const theirs = normalize(sampleReference("log-T.txt")).split("\n");
      expect(ours.length).toBe(theirs.length);
      const shift = uptime(1000) - uptime(sampleManifest().kernel.hz);
      const stamp = /^\[(\w{3} \w{3} +\d+ [\d:]+ \w+ \d{4})\](.*)$/;
      for (let i = 0; i < ours.length; i++) {
        const a = stamp.exec(ours[i]!);
        const b = stamp.exec(theirs[i]!);
        if (!a || !b) {
          expect(ours[i]).toBe(theirs[i]);
          continue;
        }
        expect(a[2]).toBe(b[2]);
        const d = (Date.parse(a[1]!) - Date.parse(b[1]!)) / 1000;
        expect(Math.abs(d - shift)).toBeLessThanOrEqual(1);
      }
    });
  });

  it("walks 4-level page tables as crash's vtop does (no P4D level on this kernel)", () => {
    for (const name of ["vtop-init_task", "vtop-linux_banner"]) {
      const ref = sampleReference(`${name}.txt`);
      // 5-level (the fixture): PAGE DIRECTORY, P4D, PUD, PMD; 4-level: the PGD entry leads straight to the PUD.
      expect(ref).toMatch(/^PAGE DIRECTORY: [0-9a-f]+\n {3}PUD: /m);
      expect(ref).not.toMatch(/P4D/);
      const cmd = commands.find(([n]) => n === name)![1];
      expect(normalize(shown(s.run(cmd)))).toBe(normalize(ref));
    }
  });
});
