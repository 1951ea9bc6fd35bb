// The contract's `search`: crash's search as typed, JSON-safe hits with their owners — the symbol a match
// lies in (a hidden module's own symbols included) and the symbol its value points into — bounded by a
// limit, with bad requests answered as one bad-request Problem and a cancel honoured.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, haveFixtures } from "../../fixtures";
import { SessionService } from "../../../src/core/session/service";
import { nodeHost } from "../../../src/cli/host";
import { ProblemError } from "../../../src/core/session/problems";
import type { SearchReply } from "../../../src/core/session/contract";
import { moduleViews } from "../../../src/core/kernel/modules/views";

const have = haveFixtures("dump.lzo", "vmlinux");

describe.skipIf(!have)("search (contract)", () => {
  const service = new SessionService(nodeHost({ cache: false }));
  let hidden: bigint;
  beforeAll(async () => {
    await service.call("open", { dump: fixture("dump.lzo")!, vmlinux: fixture("vmlinux")! });
    // The struct module of the module that is not on the module list, as kdw's module views find it.
    hidden = moduleViews(service.session!.context.prog).modules.find((v) => !v.seenBy.includes("module-list"))!.module.address;
  });
  afterAll(async () => {
    await service.call("close", {});
  });

  it("returns the console's matches as hex, each with the symbol it lies in and the symbol its value points into", async () => {
    const r = await service.call("search", { values: [`0x${hidden.toString(16)}`] });
    const console = service.session!.run(`search ${hidden.toString(16)}`).text;
    expect(r.items.map((h) => `${h.address.slice(2)}: ${h.value!.slice(2)} \n`).join("")).toBe(console);
    expect(r).toMatchObject({ space: "kernel", matches: r.items.length, truncated: false, problems: [] });
    // The module's own memory points at its struct module: those matches lie in the hidden module, and every
    // value is the module's __this_module.
    const inModule = r.items.filter((h) => h.symbol?.module !== undefined);
    expect(inModule.length).toBeGreaterThan(0);
    expect(inModule.every((h) => h.symbol!.hiddenModule === true)).toBe(true);
    expect(r.items.every((h) => h.valueSymbol?.name === "__this_module" && h.valueSymbol.hiddenModule === true && h.valueOffset === 0)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("stops at the limit and says so; searches physical memory, strings and stacks", async () => {
    const some = await service.call("search", { values: [`0x${hidden.toString(16)}`], limit: 3 });
    expect(some.items).toHaveLength(3);
    expect(some.truncated).toBe(true);
    const phys = await service.call("search", { space: "physical", values: [`0x${hidden.toString(16)}`] });
    expect(phys.items.every((h) => h.symbol === undefined)).toBe(true);
    expect(phys.items.map((h) => `${h.address.slice(2)}: ${h.value!.slice(2)} \n`).join("")).toBe(service.session!.run(`search -p ${hidden.toString(16)}`).text);
    const str = await service.call("search", { strings: ["Linux version"], start: "linux_banner", length: 64 });
    expect(str.items[0]).toMatchObject({ text: expect.stringMatching(/^Linux version /), index: 0, symbol: { name: "linux_banner" }, offset: 0 });
    const stacks: SearchReply = await service.call("search", { space: "active-stacks", values: [`0x${(hidden & ~0xffffn).toString(16)}`], mask: "0xffff" });
    expect(stacks.items.length).toBeGreaterThan(0);
    expect(stacks.items.every((h) => h.task !== undefined && h.task.task.startsWith("0x"))).toBe(true);
  });

  it("answers bad requests with one bad-request Problem", async () => {
    const bad: unknown[] = [
      {},
      { values: ["0x1"], strings: ["a"] },
      { values: [] },
      { values: ["0x1"], limit: 0 },
      { values: ["0x1"], limit: 1e9 },
      { values: ["0x1"], width: 3 },
      { values: Array.from({ length: 101 }, () => "0x1") },
      { values: ["0x1"], space: "disk" },
      { values: ["0x1"], space: "physical", kernelRanges: "unity" },
      { values: ["0x1"], start: "0x2000", end: "0x1000", space: "physical" },
      { values: ["0x1"], start: "ffffffffffff0000", length: 0x20000 },
      { values: ["nosuch_symbol_or_hex"] },
      { strings: ["a"], width: 4 },
      { values: ["0x1"], pid: 1 },
    ];
    for (const params of bad) {
      const err = await service.call("search", params as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(params)).toBeInstanceOf(ProblemError);
      expect((err as ProblemError).problem.code, JSON.stringify(params)).toBe("bad-request");
    }
  });

  it("a cancel ends a search of all memory", async () => {
    const signal = { aborted: false };
    let calls = 0;
    const prog = service.session!.context.prog;
    const before = prog.interrupt;
    const r = service.call("search", { values: ["0x0"], limit: 100_000 }, { signal: { get aborted() { return ++calls > 3 || signal.aborted; } } });
    await expect(r).rejects.toMatchObject({ problem: { code: "cancelled" } });
    expect(prog.interrupt).toBe(before);
  });
});
