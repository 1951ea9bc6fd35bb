// Main's IPC handlers called as functions with hostile arguments: a request from anywhere but the
// workbench's own top frame is refused, and every argument is checked before a Session sees it.
import { describe, expect, it, vi } from "vitest";
import { createHandlers, type AnalysisWindow, type HandlerDeps, type IpcEventLike, type SenderLike } from "../../../src/main/ipc";
import type { Call } from "../../../src/core/session/contract";
import { MAX_STRING } from "../../../src/core/session/schema";

const ORIGIN = "kdw://app";

function setup(overrides: Partial<HandlerDeps> = {}) {
  const call = vi.fn<Call>(async (method, _params, options) => {
    if (method === "console") {
      options?.onOutput?.("line 1\n");
      return { output: "line 1\n", errors: [], ok: true, cancelled: false } as never;
    }
    return { method } as never;
  });
  const win: AnalysisWindow = { call: call as unknown as Call, calls: new Map(), evidence: new Set() };
  const sent: unknown[][] = [];
  const sender: SenderLike = { id: 7, send: (...args: unknown[]) => void sent.push(args) };
  const warnings: string[] = [];
  const store = { notes: new Map<string, string>(), recentList: [] as { dump: string }[] };
  const saved: { path: string; text: string }[] = [];
  const deps: HandlerDeps = {
    origins: [ORIGIN],
    windowOf: (s) => (s.id === 7 ? win : undefined),
    hostInfo: () => ({ platform: "linux", version: "0" }),
    store: {
      loadNotes: (k) => store.notes.get(k),
      saveNotes: (k, j) => (store.notes.set(k, j), true),
      recent: () => store.recentList,
      addRecent: (c) => void store.recentList.unshift(c),
    },
    dialogs: { openDump: async () => "/cases/vmcore", openVmlinux: async () => "/cases/vmlinux", saveFile: async (_s, name) => `/home/analyst/exports/${name}` },
    writeFile: async (path, text) => void saved.push({ path, text }),
    warn: (m) => void warnings.push(m),
    ...overrides,
  };
  const h = createHandlers(deps);
  const event = (url = `${ORIGIN}/index.html`, parent: unknown = null, s: SenderLike = sender): IpcEventLike => ({ sender: s, senderFrame: { url, parent } });
  return { h, call, win, sent, warnings, store, saved, event, sender };
}

describe("who may call", () => {
  it("answers the workbench's top frame on kdw://app", async () => {
    const { h, call, event } = setup();
    expect(await h.call(event(), "sys", 1, {})).toEqual({ ok: true, result: { method: "sys" } });
    expect(call).toHaveBeenCalledOnce();
  });

  it.each([
    ["another origin", "https://evil.example/", null],
    ["file://", "file:///tmp/x.html", null],
    ["a look-alike scheme host", "kdw://apps/index.html", null],
    ["a subframe of our page", `${ORIGIN}/index.html`, {}],
    ["a data: URL", "data:text/html,<script>", null],
    ["an unparsable URL", "::::", null],
  ])("refuses %s", async (_what, url, parent) => {
    const { h, call, event, warnings } = setup();
    const r = await h.call(event(url, parent), "sys", 1, {});
    expect(r.ok).toBe(false);
    expect(call).not.toHaveBeenCalled();
    expect(warnings.length).toBe(1);
    expect(h.hostInfo(event(url, parent))).toBeUndefined();
    expect(h.loadNotes(event(url, parent), "k")).toBeUndefined();
    expect(h.saveNotes(event(url, parent), "k", "{}")).toBe(false);
    expect(await h.saveText(event(url, parent), "a.json", "{}")).toBe(false);
    expect(await h.chooseDump(event(url, parent))).toBeUndefined();
  });

  it("refuses a detached frame and a sender that is not one of our windows", async () => {
    const { h, call, sender } = setup();
    expect((await h.call({ sender, senderFrame: null }, "sys", 1, {})).ok).toBe(false);
    expect((await h.call({ sender: { id: 99, send: () => undefined }, senderFrame: { url: `${ORIGIN}/`, parent: null } }, "sys", 1, {})).ok).toBe(false);
    expect((await h.call(undefined as unknown as IpcEventLike, "sys", 1, {})).ok).toBe(false);
    expect(call).not.toHaveBeenCalled();
  });
});

describe("call arguments", () => {
  it.each([["__proto__"], ["constructor"], ["toString"], ["hasOwnProperty"], [42], [null], [{}], ["SYS"], ["sys "], ["a".repeat(10_000)]])("refuses method %j", async (method) => {
    const { h, call, event } = setup();
    const r = await h.call(event(), method, 1, {});
    expect(r).toMatchObject({ ok: false, problem: { code: "unknown-method" } });
    expect(call).not.toHaveBeenCalled();
    if (!r.ok) expect(r.problem.message.length).toBeLessThan(200);
  });

  it.each([[-1], [1.5], [Number.NaN], [Infinity], ["1"], [2 ** 53], [null], [{}]])("refuses call id %j", async (id) => {
    const { h, call, event } = setup();
    expect((await h.call(event(), "sys", id, {})).ok).toBe(false);
    expect(call).not.toHaveBeenCalled();
  });

  it.each([
    ["sys", { extra: 1 }],
    ["tasks", { limit: -1 }],
    ["tasks", { limit: 1e9 }],
    ["tasks", { offset: "0" }],
    ["task", { pid: "1" }],
    ["task", { pid: 1, task: "0x1" }],
    ["task", JSON.parse('{"__proto__": {"polluted": true}, "pid": 1}')],
    ["readMemory", { space: "kernel", address: "ffff", length: 16 }],
    ["readMemory", { space: "kernel", address: "0x" + "f".repeat(17), length: 16 }],
    ["readMemory", { space: "kernel", address: "0x10", length: 2 ** 21 }],
    ["readMemory", { space: "hyper", address: "0x10", length: 16 }],
    ["console", { line: "x".repeat(MAX_STRING + 1) }],
    ["console", { line: 5 }],
    ["console", "sys"],
    ["console", [1, 2]],
    ["open", { dump: "/x", vmlinux: 7 }],
    ["lookup", { name: "" }],
    ["disassemble", { target: "a".repeat(513) }],
  ])("refuses %s params %j", async (method, params) => {
    const { h, call, event } = setup();
    const r = await h.call(event(), method, 1, params);
    expect(r).toMatchObject({ ok: false, problem: { code: "bad-request" } });
    expect(call).not.toHaveBeenCalled();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a second call with an id in flight, and more than 64 calls", async () => {
    const { h, event, win } = setup();
    win.calls.set(5, new AbortController());
    expect(await h.call(event(), "sys", 5, {})).toMatchObject({ ok: false, problem: { code: "bad-request" } });
    for (let i = 100; i < 164; i++) win.calls.set(i, new AbortController());
    expect(await h.call(event(), "sys", 6, {})).toMatchObject({ ok: false, problem: { code: "busy" } });
  });

  it("streams output to the calling window under the call's id, and a service error comes back as its Problem", async () => {
    const { h, event, sent } = setup();
    const r = await h.call(event(), "console", 3, { line: "sys" });
    expect(r.ok).toBe(true);
    expect(sent).toEqual([["kdw:event", 3, "output", "line 1\n"]]);
    const failing = setup({});
    failing.win.call = (async () => {
      throw Object.assign(new Error("x"), { problem: { code: "not-found", message: "no such pid 9" } });
    }) as unknown as Call;
    expect(await failing.h.call(failing.event(), "task", 1, { pid: 9 })).toEqual({ ok: false, problem: { code: "not-found", message: "no such pid 9" } });
    failing.win.call = (async () => {
      throw new TypeError("boom");
    }) as unknown as Call;
    expect(await failing.h.call(failing.event(), "sys", 2, {})).toMatchObject({ ok: false, problem: { code: "internal" } });
  });

  it("cancel aborts the named call only, and ignores junk", async () => {
    const { h, event, win } = setup();
    const a = new AbortController();
    const b = new AbortController();
    win.calls.set(1, a);
    win.calls.set(2, b);
    for (const junk of ["1", null, {}, 1.5, -1, 3]) h.cancel(event(), junk);
    expect(a.signal.aborted || b.signal.aborted).toBe(false);
    h.cancel(event("https://evil/"), 1);
    expect(a.signal.aborted).toBe(false);
    h.cancel(event(), 1);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
  });

  it("a successful open records the evidence and the recent file", async () => {
    const { h, event, win, store } = setup();
    await h.call(event(), "open", 1, { dump: "/cases/a/vmcore", vmlinux: "/cases/a/vmlinux" });
    expect([...win.evidence]).toEqual(["/cases/a/vmcore", "/cases/a/vmlinux"]);
    expect(store.recentList).toEqual([{ dump: "/cases/a/vmcore", vmlinux: "/cases/a/vmlinux" }]);
  });
});

describe("notes and exports", () => {
  it.each([["../x"], ["a/b"], ["a\\b"], [""], ["."], [".."], ["x".repeat(129)], [null], [5], ["a..b"], ["\u0000"]])("refuses notes key %j", (key) => {
    const { h, event, store } = setup();
    expect(h.saveNotes(event(), key, "{}")).toBe(false);
    expect(h.loadNotes(event(), key)).toBeUndefined();
    expect(store.notes.size).toBe(0);
  });

  it("keeps notes under a good key; refuses what is not a string or too big", () => {
    const { h, event, store } = setup();
    expect(h.saveNotes(event(), "bb603a91-dump.lzo-24075667", '{"version":1}')).toBe(true);
    expect(h.loadNotes(event(), "bb603a91-dump.lzo-24075667")).toBe('{"version":1}');
    expect(h.saveNotes(event(), "k", { version: 1 })).toBe(false);
    expect(h.saveNotes(event(), "k", "x".repeat((8 << 20) + 1))).toBe(false);
    expect(store.notes.size).toBe(1);
  });

  it("an export suggests a plain file name and never lands beside the evidence", async () => {
    const { h, event, win, saved } = setup();
    let suggested = "";
    const s2 = setup({ dialogs: { openDump: async () => undefined, openVmlinux: async () => undefined, saveFile: async (_s, name) => ((suggested = name), "/cases/a/findings.json") } });
    s2.win.evidence.add("/cases/a/vmcore");
    expect(await s2.h.saveText(s2.event(), "../../etc/passwd", "{}")).toBe(false);
    expect(suggested).toBe("_.._etc_passwd");
    expect(s2.saved).toEqual([]);
    expect(s2.warnings.some((w) => w.includes("beside the evidence"))).toBe(true);
    win.evidence.add("/cases/a/vmcore");
    expect(await h.saveText(event(), "kdw-findings.json", '{"a":1}')).toBe(true);
    expect(saved).toEqual([{ path: "/home/analyst/exports/kdw-findings.json", text: '{"a":1}' }]);
    expect(await h.saveText(event(), 5, "x")).toBe(false);
    expect(await h.saveText(event(), "a", { x: 1 })).toBe(false);
  });
});
