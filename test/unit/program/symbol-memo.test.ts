// The names a session asks of the vmlinux's symtab, kept by build id (dump/symbol-memo.ts) and written after
// the service's calls that learned some: the next session on the same vmlinux answers them from memory, the
// same as the symtab does, and writes nothing when it learned nothing.
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../../src/cli/host";
import { SymbolMemo } from "../../../src/core/dump/symbol-memo";
import type { IndexCache } from "../../../src/core/program/opened-kernel";
import { SessionService } from "../../../src/core/session/service";
import { fixture, haveFixtures } from "../../fixtures";

function memoryCache(): IndexCache & { files: Map<string, Uint8Array>; writes: string[] } {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return { files, writes, read: (key) => files.get(key), write: (key, bytes) => (writes.push(key), files.set(key, bytes.slice()), undefined) };
}

const memoKey = (cache: { files: Map<string, Uint8Array> }) => [...cache.files.keys()].find((k) => /\/symbol-names-v1-/.test(k));

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("symbol memo (fixture vmlinux)", () => {
  const service = (cache?: IndexCache) => {
    const s = new SessionService({ ...nodeHost({ cache: false }), cache });
    expect(s.callSync("open", { dump: fixture("dump.lzo")!, vmlinux: fixture("vmlinux")! }).ok).toBe(true);
    return s;
  };
  const run = (s: SessionService, line: string) => {
    const r = s.callSync("console", { line, data: false });
    if (!r.ok) throw new Error(r.problem.message);
    return (r.result as { output: string }).output;
  };

  it("is written after the calls that learned names, and answers the next session as the symtab does", () => {
    const cache = memoryCache();
    const first = service(cache);
    const key = memoKey(cache);
    expect(key).toBeDefined();
    const afterOpen = cache.writes.filter((k) => k === key).length;
    expect(afterOpen).toBe(1);
    const sys = run(first, "sys");
    const kmem = run(first, "kmem -i");
    expect(cache.writes.filter((k) => k === key).length).toBeGreaterThan(afterOpen);
    const image = cache.files.get(key!)!;
    const doc = JSON.parse(new TextDecoder().decode(image)) as { symbols: Record<string, unknown> };
    const names = Object.keys(doc.symbols);
    expect(names.length).toBeGreaterThan(30);
    expect(names).toContain("linux_banner");

    // The next session: the same output, nothing written; every kept name answered as without the memo.
    const writes = cache.writes.length;
    const second = service(cache);
    expect(run(second, "sys")).toBe(sys);
    expect(run(second, "kmem -i")).toBe(kmem);
    expect(cache.writes.slice(writes).filter((k) => k === key)).toEqual([]);
    const plain = service();
    const prog = (s: SessionService) => (s as unknown as { opened: { engine: { context: { prog: { symbolAddress(n: string): bigint; hasSymbol(n: string): boolean; symbolSize(n: string): number | undefined } } } } }).opened.engine.context.prog;
    const a = prog(second);
    const b = prog(plain);
    for (const n of names) {
      expect(a.hasSymbol(n), n).toBe(b.hasSymbol(n));
      if (b.hasSymbol(n)) expect([a.symbolAddress(n), a.symbolSize(n)], n).toEqual([b.symbolAddress(n), b.symbolSize(n)]);
    }
    // A name asked anew (here one this kernel lacks) is written after the next call, beside the others.
    expect(a.hasSymbol("kdw_no_such_symbol")).toBe(false);
    run(second, "sys");
    expect(cache.writes.slice(writes).filter((k) => k === key)).toHaveLength(1);
    const count = (JSON.parse(new TextDecoder().decode(image)) as { count: number }).count;
    const grown = SymbolMemo.fromImage(count, cache.files.get(key!)!)!;
    const before = SymbolMemo.fromImage(count, image)!;
    for (const n of names) expect(grown.get(n), n).toEqual(before.get(n));
    expect(grown.get("kdw_no_such_symbol")).toBeNull();
  });
});
