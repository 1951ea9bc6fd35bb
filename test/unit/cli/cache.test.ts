// The cache folder (src/cli/cache.ts): keys are `<build id>/<name>` and nothing else becomes a path; a file
// written replaces what earlier formats of the same name left (older versions go, newer ones stay).
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileCache } from "../../../src/cli/cache";

const dir = mkdtempSync(join(tmpdir(), "kdw-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ID = "bb603a9147d3efe4744bf83c83eee397c591cc20";

describe("fileCache", () => {
  it("reads back what it wrote, and refuses keys that are not <build id>/<name>", () => {
    const c = fileCache(dir);
    c.write(`${ID}/dwarf-index-v2`, Uint8Array.of(1, 2, 3));
    expect([...(c.read(`${ID}/dwarf-index-v2`) ?? [])]).toEqual([1, 2, 3]);
    expect(c.read(`${ID}/missing-v1`)).toBeUndefined();
    for (const bad of ["../etc/passwd", `${ID}/../x`, `${ID}/A-v1`, "nothex/x-v1", `${ID}`]) {
      c.write(bad, Uint8Array.of(9));
      expect(c.read(bad)).toBeUndefined();
    }
    expect(existsSync(join(dir, "..", "etc"))).toBe(false);
  });

  it("reads a file in pieces: exactly the bytes asked for, nothing past its end, nothing for a bad or missing key", () => {
    const c = fileCache(dir);
    const bytes = Uint8Array.from({ length: 10000 }, (_, i) => i & 0xff);
    c.write(`${ID}/image-v1`, bytes);
    const r = c.ranges!(`${ID}/image-v1`)!;
    expect(r.size).toBe(10000);
    expect([...r.read(4095, 3)!]).toEqual([255, 0, 1]);
    expect(r.read(9990, 10)).toEqual(bytes.subarray(9990));
    expect(r.read(9995, 10)).toBeUndefined();
    expect(r.read(-1, 2)).toBeUndefined();
    expect(c.ranges!(`${ID}/missing-v1`)).toBeUndefined();
    expect(c.ranges!("../etc/passwd")).toBeUndefined();
    rmSync(join(dir, ID, "image-v1"));
    expect(r.read(0, 4)).toBeUndefined();
  });

  it("removes older formats of the name it writes, and only them", () => {
    const c = fileCache(dir);
    const one = Uint8Array.of(1);
    for (const k of ["symbols-v1-1ea00000", "symbols-v2-1ea00000", "symbols-v4-1ea00000-101eb3c8-1d01b", "symbolsx-v1-0", "elf-names-v1-101eb3c8-1d01b", "dwarf-index-v1"]) c.write(`${ID}/${k}`, one);
    c.write(`${ID}/symbols-v3-1ea00000-101eb3c8-1d01b`, one);
    c.write(`${ID}/dwarf-index-v2`, one);
    expect(readdirSync(join(dir, ID)).sort()).toEqual(["dwarf-index-v2", "elf-names-v1-101eb3c8-1d01b", "symbols-v3-1ea00000-101eb3c8-1d01b", "symbols-v4-1ea00000-101eb3c8-1d01b", "symbolsx-v1-0"]);
  });
});
