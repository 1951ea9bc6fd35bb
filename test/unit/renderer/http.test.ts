// The HTTP transport against kdw serve's protocol: /api/call, the event stream, cancel, the token.
import { afterEach, describe, expect, it, vi } from "vitest";
import { httpTransport } from "../../../src/renderer/lib/transport/http";

afterEach(() => vi.unstubAllGlobals());

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("httpTransport", () => {
  it("posts params to /api/call/METHOD with the token and unwraps the reply", async () => {
    const fetch = vi.fn(async () => json({ ok: true, result: { version: 1 } }));
    vi.stubGlobal("fetch", fetch);
    const t = httpTransport("http://127.0.0.1:9", "tok");
    expect(await t.call("hello", {})).toEqual({ version: 1 });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("http://127.0.0.1:9/api/call/hello");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer tok");
    expect(init.method).toBe("POST");
  });

  it("rejects with the server's Problem, and says what a 401 means", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => json({ ok: false, problem: { code: "not-found", message: "no such pid 9" } }, 404)));
    await expect(httpTransport("", "t").call("task", { pid: 9 })).rejects.toEqual({ code: "not-found", message: "no such pid 9" });
    vi.stubGlobal("fetch", vi.fn(async () => new Response("nope", { status: 401 })));
    await expect(httpTransport("", "t").call("sys", {})).rejects.toMatchObject({ message: expect.stringContaining("token") });
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    await expect(httpTransport("", "t").call("sys", {})).rejects.toMatchObject({ code: "io" });
  });

  it("streams progress and output, then the reply; a cancel posts /api/cancel with the call's id", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    let push!: (s: string) => void;
    let close!: () => void;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        if (url.endsWith("/api/cancel")) return json({ ok: true, result: { cancelled: true } });
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            const enc = new TextEncoder();
            push = (s) => c.enqueue(enc.encode(s));
            close = () => c.close();
          },
        });
        return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
      }),
    );
    const t = httpTransport("", "t");
    const abort = new AbortController();
    const out: string[] = [];
    const progress: unknown[] = [];
    const p = t.call("console", { line: "foreach bt" }, { signal: abort.signal, onOutput: (c) => out.push(c), onProgress: (e) => progress.push(e) });
    await new Promise((r) => setTimeout(r, 0));
    push('event: progress\ndata: {"phase":"bt","done":1}\n\nevent: output\ndata: "PID: 1\\n"\n\n');
    await new Promise((r) => setTimeout(r, 0));
    abort.abort();
    push('event: reply\ndata: {"ok":true,"result":{"output":"PID: 1\\n","errors":[],"ok":false,"cancelled":true}}\n\n');
    close();
    expect(await p).toMatchObject({ cancelled: true });
    expect(out).toEqual(["PID: 1\n"]);
    expect(progress).toEqual([{ phase: "bt", done: 1 }]);
    const id = (calls[0]!.init.headers as Record<string, string>)["X-Kdw-Call"];
    expect(calls[0]!.url).toBe("/api/stream/console");
    expect(calls[1]!.url).toBe("/api/cancel");
    expect(JSON.parse(calls[1]!.init.body as string)).toEqual({ call: id });
  });

  it("a stream that ends without a reply is an error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("event: output\ndata: \"x\"\n\n", { headers: { "Content-Type": "text/event-stream" } })));
    await expect(httpTransport("", "t").call("console", { line: "x" }, { onOutput: () => undefined })).rejects.toMatchObject({ code: "io" });
  });
});
