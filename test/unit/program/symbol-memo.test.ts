// The names a session asks of the vmlinux's symtab and the enumerators it asks of its .BTF, kept by build id
// (io/learned-memo.ts) and written after the service's calls that learned some: the next session on the same
// vmlinux answers them from memory, the same as the file does, and writes nothing when it learned nothing.
import { describe, expect, it } from "vitest";
import { nodeHost } from "../../../src/cli/host";
import { enumeratorMemoOf, symbolMemoOf } from "../../../src/core/io/learned-memo";
import type { IndexCache } from "../../../src/core/program/opened-kernel";
import { SessionService } from "../../../src/core/session/service";
import { fixture, haveFixtures } from "../../fixtures";

function memoryCache(): IndexCache & { files: Map<string, Uint8Array>; writes: string[] } {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return { files, writes, read: (key) => files.get(key), write: (key, bytes) => (writes.push(key), files.set(key, bytes.slice()), undefined) };
}

const memoKey = (cache: { files: Map<string, Uint8Array> }, kind = "symbol-names-v2") => [...cache.files.keys()].find((k) => k.includes(`/${kind}-`));
type Engine = { context: { prog: { symbolAddress(n: string): bigint; hasSymbol(n: string): boolean; symbolSize(n: string): number | undefined } }; kernel: { btf: { findEnumerator(n: string): { value: bigint } | undefined; lastId: number; adoptEnumeratorMemo(m: unknown): void } } };
const engineOf = (s: SessionService): Engine => (s as unknown as { opened: { engine: Engine } }).opened.engine;

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
    const doc = JSON.parse(new TextDecoder().decode(image)) as { names: Record<string, unknown> };
    const names = Object.keys(doc.names);
    expect(names.length).toBeGreaterThan(30);
    expect(names).toContain("linux_banner");

    // The next session: the same output, nothing written; every kept name answered as without the memo.
    const writes = cache.writes.length;
    const second = service(cache);
    expect(run(second, "sys")).toBe(sys);
    expect(run(second, "kmem -i")).toBe(kmem);
    expect(cache.writes.slice(writes).filter((k) => k === key)).toEqual([]);
    const plain = service();
    const a = engineOf(second).context.prog;
    const b = engineOf(plain).context.prog;
    for (const n of names) {
      expect(a.hasSymbol(n), n).toBe(b.hasSymbol(n));
      if (b.hasSymbol(n)) expect([a.symbolAddress(n), a.symbolSize(n)], n).toEqual([b.symbolAddress(n), b.symbolSize(n)]);
    }
    // A name asked anew (here one this kernel lacks) is written after the next call, beside the others.
    expect(a.hasSymbol("kdw_no_such_symbol")).toBe(false);
    run(second, "sys");
    expect(cache.writes.slice(writes).filter((k) => k === key)).toHaveLength(1);
    const count = (JSON.parse(new TextDecoder().decode(image)) as { bound: number }).bound;
    const grown = symbolMemoOf(count, cache.files.get(key!)!)!;
    const before = symbolMemoOf(count, image)!;
    for (const n of names) expect(grown.get(n), n).toEqual(before.get(n));
    expect(grown.get("kdw_no_such_symbol")).toBeNull();
  });

  it("keeps the enumerators asked of the .BTF, and answers the next session as BTF does", () => {
    const cache = memoryCache();
    const first = service(cache);
    // The modules query names each module's state (enum module_state, from .BTF): mod, ps and sys do not.
    const calls = (s: SessionService): string[] => {
      const modules = s.callSync("modules", {});
      if (!modules.ok) throw new Error(modules.problem.message);
      return [...["mod", "ps", "sys"].map((c) => run(s, c)), JSON.stringify(modules.result)];
    };
    const outputs = calls(first);
    expect(outputs[3]).toContain("MODULE_STATE_LIVE");
    const key = memoKey(cache, "btf-enumerators-v1");
    expect(key).toBeDefined();
    const doc = JSON.parse(new TextDecoder().decode(cache.files.get(key!)!)) as { bound: number; names: Record<string, unknown> };
    const names = Object.keys(doc.names);
    expect(names).toContain("MODULE_STATE_LIVE");
    const writes = cache.writes.length;
    const second = service(cache);
    expect(calls(second)).toEqual(outputs);
    expect(cache.writes.slice(writes).filter((k) => k === key)).toEqual([]);
    const plain = engineOf(service()).kernel.btf;
    const kept = engineOf(second).kernel.btf;
    for (const n of [...names, "NO_SUCH_ENUMERATOR_KDW"]) expect(kept.findEnumerator(n)?.value, n).toBe(plain.findEnumerator(n)?.value);

    // A row that does not name an enumerator of an enum here (a struct's id, a place past the enum's end,
    // out of range) is asked again, and answered rightly.
    const live = doc.names.MODULE_STATE_LIVE as number;
    const structId = 1; // id 1: a base type in this BTF, not an enum
    for (const bad of [structId * 0x10000, live + 0xfff0 - (live % 0x10000), (doc.bound + 1) * 0x10000, -5, 1.5, "x"]) {
      const memo = enumeratorMemoOf(doc.bound, new TextEncoder().encode(JSON.stringify({ ...doc, names: { MODULE_STATE_LIVE: bad } })))!;
      const fresh = engineOf(service()).kernel.btf;
      fresh.adoptEnumeratorMemo(memo);
      expect(fresh.findEnumerator("MODULE_STATE_LIVE")?.value, String(bad)).toBe(plain.findEnumerator("MODULE_STATE_LIVE")!.value);
      // A row found wrong when used is corrected in the memo (written again with the next call).
      expect(memo.get("MODULE_STATE_LIVE"), String(bad)).toBe(live);
    }
    expect(enumeratorMemoOf(doc.bound + 1, cache.files.get(key!)!)).toBeUndefined();
  });
});
