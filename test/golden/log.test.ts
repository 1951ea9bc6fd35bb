// log, log -T and log -m against crash 8.0.6 (reference/log.txt, log-T.txt, log-m.txt), line by line after
// normalize(); and the other options on the same dump, checked against the records they print.
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";
import { printkRecords } from "../../src/core/kernel/printk/table";

function compare(command: string, file: string): void {
  const r = fixtureSession()!.run(command);
  expect(r.errors).toEqual([]);
  const ours = normalize(r.text).split("\n");
  const theirs = normalize(reference(file)).split("\n");
  expect(ours.length).toBe(theirs.length);
  ours.forEach((line, i) => expect(line, `line ${i + 1}`).toBe(theirs[i]));
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("log (golden)", () => {
  it("log equals reference/log.txt", () => compare("log", "log.txt"));
  it("log -T equals reference/log-T.txt (boot time = crash time - uptime, UTC)", () => compare("log -T", "log-T.txt"));
  it("log -m equals reference/log-m.txt", () => compare("log -m", "log-m.txt"));

  it("the structured result holds the records the text shows", () => {
    const r = fixtureSession()!.run("log");
    const data = dataOf(r.data, "log");
    expect(data.layout).toBe("lockless");
    expect(data.stopped).toBeUndefined();
    expect(data.table.count).toBe(430); // 433 lines: one record spans four lines
    const records = printkRecords(data.table);
    expect(records.every((rec, i) => i === 0 || rec.seq === records[i - 1]!.seq + 1n)).toBe(true);
  });

  it("log -t drops the timestamps, and a multi-line record's continuation loses its indent", () => {
    const plain = fixtureSession()!.run("log").text.split("\n");
    const t = fixtureSession()!.run("log -t").text.split("\n");
    expect(t).toHaveLength(plain.length);
    // "[%5lu.%06lu] " is 15 characters below 100000 s; continuation lines are indented by as many spaces.
    t.forEach((line, i) => expect(line).toBe(plain[i]!.slice(15)));
    expect(plain.filter((l) => l.startsWith(" ".repeat(15))).length).toBe(3);
  });

  it("log -c shows [T<pid>] or [C<cpu>] in a column as wide as pid_max needs (32768: 6)", () => {
    const s = fixtureSession()!;
    const records = printkRecords(dataOf(s.run("log").data, "log").table);
    const lines = s.run("log -c").text.split("\n");
    const last = records.at(-1)!;
    expect(last.callerId).toBe(304); // the panic task's pid wrote the oops
    expect(lines.at(-2)).toMatch(/^\[ +\d+\.\d{6}\] \[ {2}T304\] CR2: 0000000000000074$/);
    for (const l of lines.filter((x) => x.startsWith("["))) expect(l).toMatch(/^\[ +\d+\.\d{6}\] \[ *[TC]\d+\] /);
    expect(lines.filter((l) => /\] \[ +C\d+\] /.test(l)).length).toBe(records.filter((r) => (r.callerId! & 0x80000000) !== 0).length);
  });

  it("log -d adds SUBSYSTEM=/DEVICE= lines for the records that carry them", () => {
    const s = fixtureSession()!;
    const withDict = printkRecords(dataOf(s.run("log").data, "log").table).filter((r) => r.subsystem || r.device);
    expect(withDict.length).toBeGreaterThan(0);
    const d = s.run("log -d").text.split("\n");
    const plain = s.run("log").text.split("\n");
    const extra = withDict.reduce((n, r) => n + (r.subsystem ? 1 : 0) + (r.device ? 1 : 0), 0);
    expect(d.length).toBe(plain.length + extra);
    const sub = d.filter((l) => /^ {15}SUBSYSTEM=/.test(l));
    expect(sub.length).toBe(withDict.filter((r) => r.subsystem).length);
  });

  it("log -a: this kernel has audit queues and they are empty; -s: no safe buffers in 6.1", () => {
    const s = fixtureSession()!;
    expect(s.run("log -a")).toMatchObject({ text: "", errors: ["log: kernel audit log is empty"] });
    // crash 8.0.6 prints nothing for log -s on 6.1 (options-reference/log-s.txt is empty): no printk_safe_seq_buf.
    expect(s.run("log -s")).toMatchObject({ text: "", errors: [], data: { kind: "safe", buffers: [] } });
  });

  it("a bad option is a one-line error", () => {
    expect(fixtureSession()!.run("log -x").errors).toEqual(["log: invalid option: -x"]);
  });

  it("the second run reuses the log read by the first", () => {
    const s = fixtureSession()!;
    const a = dataOf(s.run("log").data, "log");
    const b = dataOf(s.run("log -m").data, "log");
    expect(b.table).toBe(a.table);
  });
});
