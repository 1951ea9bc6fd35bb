// The report's hashing thread (cli/hash-files.ts): each file's SHA-256 as Node's own hash of its bytes makes
// it, whatever its size against the thread's 1 MiB reads (empty, one byte, a whole number of reads, a part
// read at the end), and a file that cannot be read named with its error, the others still hashed.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashFiles } from "../../../src/cli/hash-files";

const dir = mkdtempSync(join(tmpdir(), "kdw-hash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hashFiles", () => {
  it("hashes files of every size against its reads, and names one it cannot read", async () => {
    const sizes = { empty: 0, one: 1, exact: 2 << 20, tail: (2 << 20) + 4097 };
    const want: Record<string, string> = {};
    const files: Record<string, string> = {};
    for (const [key, size] of Object.entries(sizes)) {
      const bytes = randomBytes(size);
      files[key] = join(dir, key);
      writeFileSync(files[key], bytes);
      want[key] = createHash("sha256").update(bytes).digest("hex");
    }
    files.missing = join(dir, "no-such-file");
    const got = await hashFiles(files).done;
    for (const key of Object.keys(sizes)) expect(got[key], key).toEqual({ sha256: want[key] });
    expect(got.missing!.sha256).toBeUndefined();
    expect(got.missing!.error).toMatch(/no such file/);
  });
});
