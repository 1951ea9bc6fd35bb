// `dev` and `dev -d` against crash 8.0.6 on the fixture (reference/dev.txt, dev-d.txt), value by value.
// crash's dump_blkdevs_v3 prints only the head of each major_names[] hash chain; kdw walks the chains, and
// on this dump every chain has one entry, so the outputs agree (checked below, so the test would notice).
import { describe, expect, it } from "vitest";
import { blkdevs } from "../../src/core/kernel/system/devices";
import { haveFixtures, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("dev (golden)", () => {
  it("dev equals crash's dev.txt", () => {
    const r = fixtureSession()!.run("dev");
    expect(r.errors).toEqual([]);
    expect(normalize(r.text)).toBe(normalize(reference("dev.txt")));
  });

  it("every major_names[] chain has a single entry on this dump (where crash and kdw could differ)", () => {
    const rows = blkdevs(fixtureSession()!.kernel.program).rows;
    expect(new Set(rows.map((r) => r.major % 255)).size).toBe(rows.length);
  });

  it("dev -d equals crash's dev-d.txt", () => {
    const r = fixtureSession()!.run("dev -d");
    expect(r.errors).toEqual([]);
    expect(normalize(r.text)).toBe(normalize(reference("dev-d.txt")));
  });

  it("dev -D leaves out the disks with nothing in flight (all of them here)", () => {
    const r = fixtureSession()!.run("dev -D");
    expect(normalize(r.text)).toBe(normalize(reference("dev-d.txt")).split("\n")[0]);
  });

  it("rejects an unknown option", () => {
    expect(fixtureSession()!.run("dev -q").errors[0]).toMatch(/^dev: /);
  });
});
