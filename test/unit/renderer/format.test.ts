// Addresses, symbol expressions, sizes, times and the kernel's oops text.
import { describe, expect, it } from "vitest";
import { addr16, kib, parseAddress, parseSymbolExpr, parseUptime, rawTimestamp, utc, vmcoreBuildId } from "../../../src/renderer/lib/format";
import { readOops } from "../../../src/renderer/lib/oops";
import type { LogRecord } from "../../../src/core/session/contract";

describe("format", () => {
  it("addresses as typed and as shown", () => {
    expect(parseAddress("0xffffffffc05dc05e")).toBe(0xffffffffc05dc05en);
    expect(parseAddress("ffffffffc05dc05e")).toBe(0xffffffffc05dc05en);
    expect(parseAddress("304")).toBeUndefined();
    expect(parseAddress("0x" + "f".repeat(17))).toBeUndefined();
    expect(parseAddress("init_task")).toBeUndefined();
    expect(addr16(0x74n)).toBe("0000000000000074");
    expect(addr16("0xffffffffc05dc05e")).toBe("ffffffffc05dc05e");
  });

  it("symbol expressions", () => {
    expect(parseSymbolExpr("init_task")).toEqual({ name: "init_task", offset: 0n });
    expect(parseSymbolExpr("oops_end+0x60")).toEqual({ name: "oops_end", offset: 0x60n });
    expect(parseSymbolExpr("oops_end+16")).toEqual({ name: "oops_end", offset: 16n });
    expect(parseSymbolExpr("a b")).toBeUndefined();
  });

  it("sizes, uptime, timestamps", () => {
    expect(kib(744)).toBe("744");
    expect(kib(2401352)).toBe("2.3G");
    expect(kib(296000)).toBe("289M");
    expect(parseUptime("00:00:15")).toBe(15);
    expect(parseUptime("2 days, 01:00:00")).toBe(2 * 86400 + 3600);
    expect(rawTimestamp("15692022000")).toBe("[   15.692022]");
    expect(rawTimestamp("junk")).toBe("[?]");
    expect(utc(0)).toBe("1970-01-01 00:00:00 UTC");
    expect(vmcoreBuildId({ "BUILD-ID": "BB603A91" })).toBe("bb603a91");
    expect(vmcoreBuildId({ "BUILD-ID": "<script>" })).toBeUndefined();
  });
});

describe("readOops", () => {
  const rec = (text: string): LogRecord => ({ seq: "0", timeNs: "0", text });
  const log = [
    rec("mzoneinfo: loading out-of-tree module taints kernel."),
    rec("BUG: kernel NULL pointer dereference, address: 0000000000000074"),
    rec("#PF: supervisor read access in kernel mode"),
    rec("Oops: 0000 [#1] PREEMPT SMP NOPTI"),
    rec("CPU: 0 PID: 304 Comm: AliYunDun Kdump: loaded Tainted: G           OE      6.1.0-50-cloud-amd64 #1"),
    rec("RIP: 0010:mz_getdents_pre+0x5e/0x1000 [mzoneinfo]"),
  ];

  it("reads the headline, the faulting function and module, the task", () => {
    expect(readOops(log, 3)).toEqual({ headline: "BUG: kernel NULL pointer dereference, address: 0000000000000074", function: "mz_getdents_pre", offset: "+0x5e", module: "mzoneinfo", cpu: 0, pid: 304, comm: "AliYunDun" });
  });

  it("says nothing it did not read", () => {
    expect(readOops([rec("hello")], 0)).toEqual({});
    expect(readOops([], 5)).toEqual({});
  });
});
