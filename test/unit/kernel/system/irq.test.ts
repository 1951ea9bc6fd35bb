// IRQ descriptors and /proc/interrupts lines on the fixture, then on patched memory: a node pointer where a
// descriptor should be (the tree walk stops, the lines before it are kept, an error line says where), a
// looping irqaction chain, unreadable per-CPU counts and chip, nr_irqs that is garbage.
import { describe, expect, it } from "vitest";
import { irqCommand } from "../../../../src/core/commands/system/irq";
import { formatInterruptLine } from "../../../../src/core/commands/system/irq-format";
import { irqDescriptors, irqLayout, MAX_NR_IRQS, nrIrqs, showInterrupts } from "../../../../src/core/kernel/system/irq";
import { Program } from "../../../../src/core/program/program";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";
import { patchedProgram } from "../../../fixtures/patched-program";


describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("IRQ descriptors (fixture)", () => {
  const session = () => fixtureSession()!;
  const prog = () => session().kernel.program;
  const patched = (patches: Map<bigint, bigint | null>): Program => {
    const p = prog();
    return patchedProgram(p, patches);
  };
  const ctxWith = (p: Program) => ({ ...session().context, prog: p });
  /** The irq_desc_tree's single (shift 0) node. */
  const treeNode = () => prog().readU64(prog().symbolAddress("irq_desc_tree") + 8n) - 2n;
  const slot = (i: number) => treeNode() + 40n + BigInt(i * 8); // xa_node.slots[i]
  const descOf = (irq: number) => irqDescriptors(prog()).descs.find((d) => d.irq === irq)!.address;

  it("finds the 21 descriptors of irq_desc_tree, and nr_irqs", () => {
    const { descs, problem } = irqDescriptors(prog());
    expect(problem).toBeUndefined();
    expect(descs.map((d) => d.irq)).toEqual([...Array.from({ length: 16 }, (_, i) => i), 24, 25, 26, 27, 28]);
    expect(nrIrqs(prog())).toBe(456);
  });

  it("reads counts, chip, flow handler and action names", () => {
    const { rows } = showInterrupts(prog(), [0, 1, 2, 3]);
    expect(rows.find((r) => r.irq === 4)).toMatchObject({ counts: [0, 15, 0, 0], chip: "IO-APIC", flow: "edge", actions: ["ttyS0"], problems: [] });
    expect(rows.map((r) => r.irq)).toEqual([0, 1, 4, 8, 9, 11, 12, 24, 25, 26, 27, 28]);
  });

  it("a node pointer in the leaf node stops the walk: the lines before it are kept, with an error line", () => {
    const p = patched(new Map([[slot(9), 0xffff888012340002n]]));
    const out = irqCommand.run(ctxWith(p), ["-s"]);
    expect(out.text.split("\n").slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(["0:", "1:", "4:", "8:"]);
    expect(out.errors).toEqual([expect.stringMatching(/^irq: irq_desc_tree: walk stopped .*leaf node slot 9: a node pointer/)]);
  });

  it("an unreadable tree node gives no lines and an error line, not an exception", () => {
    const p = patched(new Map([[treeNode(), null]]));
    const out = irqCommand.run(ctxWith(p), ["-s"]);
    expect(out.text.split("\n")).toHaveLength(1);
    expect(out.errors?.[0]).toMatch(/^irq: irq_desc_tree: .*hidden by the test/);
  });

  it("a descriptor pointer to nowhere keeps the other lines and names the bad one", () => {
    const p = patched(new Map([[slot(4), 0xffff888055550000n]]));
    const { rows } = showInterrupts(p, [0, 1, 2, 3]);
    expect(rows.find((r) => r.irq === 4)!.problems[0]).toMatch(/irq_desc ffff888055550000/);
    expect(rows.filter((r) => r.problems.length === 0)).toHaveLength(11);
  });

  it("a looping irqaction chain ends with a problem, the names read are kept", () => {
    const l = irqLayout(prog());
    const action = prog().readU64(descOf(0) + BigInt(l.action));
    const p = patched(new Map([[action + BigInt(l.actionNext), action]]));
    const row = showInterrupts(p, [0]).rows[0]!;
    expect(row.actions).toEqual(["timer"]);
    expect(row.problems).toEqual([expect.stringMatching(/irqaction chain: loop/)]);
  });

  it("unreadable per-CPU counts print ?, an unreadable chip leaves the chip out", () => {
    const l = irqLayout(prog());
    const d = descOf(1);
    const p = patched(
      new Map([
        [d + BigInt(l.kstatIrqs), null],
        [d + BigInt(l.chip), null],
      ]),
    );
    const row = showInterrupts(p, [0, 1, 2, 3]).rows.find((r) => r.irq === 1)!;
    expect(row.chip).toBeUndefined();
    expect(row.problems).toHaveLength(2);
    expect(formatInterruptLine(row, [0, 1, 2, 3]).trim().split(/\s+/)).toEqual(["1:", "?", "?", "?", "?", "i8042"]);
  });

  it("a hostile nr_irqs is capped, a negative one is 0", () => {
    const at = prog().symbolAddress("nr_irqs");
    const word = prog().readU64(at) & 0xffffffff00000000n;
    expect(nrIrqs(patched(new Map([[at, word | 0x7fffffffn]])))).toBe(MAX_NR_IRQS);
    expect(nrIrqs(patched(new Map([[at, word | 0xffffffffn]])))).toBe(0);
  });
});
