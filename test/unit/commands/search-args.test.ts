// What search's words ask for, checked in crash's order (cmd_search) against a made-up kernel: defaults of
// each memory, crash's labels, and the one-line errors of bad words.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/core/commands/options";
import { parseSearchWords, resolveSearch, SEARCH_OPTIONS, type SearchEnvironment } from "../../../src/core/commands/memory/search-args";

const ENV: SearchEnvironment = {
  symbol: (n) => ({ init_task: 0xffffffffa141aa40n, jiffies: 0xffffffffa1405000n })[n],
  isKernelAddress: (a) => a >= 0xff11000000000000n,
  isUserAddress: (a) => a < 1n << 56n,
  kernelBounds: () => ({ start: 0xff11000000000000n, end: 0xffffffffc0600000n }),
  physicalBounds: () => ({ start: 0x1000n, end: 0x30000000n }),
  userStart: () => 0x400000n,
  userEnd: 0xff11000000000000n,
};

function resolve(line: string) {
  return resolveSearch(parseSearchWords(parseArgs("search", SEARCH_OPTIONS, line.split(" ").filter(Boolean))), ENV);
}

describe("search words", () => {
  it("defaults: kernel virtual from the first range to the last; -p the nodes; -u the first VMA to PAGE_OFFSET", () => {
    expect(resolve("0")).toMatchObject({ memtype: "kernel", start: 0xff11000000000000n, end: 0xffffffffc0600000n, mode: "ulong" });
    expect(resolve("-p 0")).toMatchObject({ memtype: "physical", start: 0x1000n, end: 0x30000000n });
    expect(resolve("-u 0")).toMatchObject({ memtype: "user", start: 0x400000n, end: 0xff11000000000000n });
    expect(resolve("-s init_task -l 0x100 0")).toMatchObject({ start: 0xffffffffa141aa40n, end: 0xffffffffa141ab40n });
    expect(resolve("-t 0")).toMatchObject({ stacks: "all" });
    expect(resolve("-K 0")).toMatchObject({ skip: "vmalloc" });
    expect(resolve("-V 0")).toMatchObject({ skip: "unity" });
  });

  it("labels symbols and expressions as crash does, not masked values or plain numbers", () => {
    expect(resolve("init_task (jiffies+8) jiffies+8 1000").labels).toEqual(["(init_task)", "(jiffies+8)", "(jiffies+8)", ""]);
    expect(resolve("-m ff init_task").labels).toEqual([""]);
    expect(resolve("-w -h 10").notes).toEqual(['WARNING: overriding previously set search mode with "h"']);
    expect(resolve("-c -m ff abc").notes).toEqual(["mask ignored on string search"]);
  });

  it("bad words are crash's one-line errors, in crash's order", () => {
    const err = (line: string) => {
      try {
        resolve(line);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err("-t -s init_task 0")).toBe("search: -t option cannot be used with other memory-selection options");
    expect(err("-T -p 0")).toBe("search: -T option cannot be used with other memory-selection options");
    expect(err("-s 1000 0")).toBe("search: invalid kernel virtual address: 1000");
    expect(err("-u -s ffffffffa141aa40 0")).toBe("search: invalid user virtual address: ffffffffa141aa40");
    expect(err("-p -s 2000 -e 1000 0")).toBe("search: ending address 1000 is below starting address 2000");
    expect(err("-e 0 1")).toBe("search: invalid ending address: 0");
    expect(err("-l 10 -e init_task 0")).toMatch(/^search: usage: search /);
    expect(err("-x 600 0")).toBe("search: context value 600 is too large: maximum is 512");
    expect(err("-w -x 600 0")).toBe("");
    expect(err("-c -x 1 abc")).toBe("search: -x option is not allowed with -c");
    expect(err("-w init_task")).toBe("search: value too large for -w option: ffffffffa141aa40 (init_task)");
    expect(err("-h 10000")).toBe("search: value too large for -h option: 10000 ");
    expect(err("-u -e ff12000000000000 0")).toBe("search: ending address ff12000000000000 is in kernel space");
  });

  it("the option letters are crash's", () => {
    expect(() => parseArgs("search", SEARCH_OPTIONS, ["-v", "1", "0"])).toThrow("search: invalid option -- 'v'");
    expect(() => parseSearchWords(parseArgs("search", SEARCH_OPTIONS, ["-t", "-T", "0"]))).toThrow("search: -t and -T options are mutually exclusive");
  });
});
