// The contract over HTTP to `kdw serve`: POST /api/call/METHOD answers {ok,result|problem}; calls that want
// progress or output use POST /api/stream/METHOD (text/event-stream: progress, output, then reply) and are
// cancelled with POST /api/cancel {call}. The token comes from the page's #token=… (kdw serve prints it).
import type { Call, CallOptions, MethodName, Params, Problem, Reply, Result } from "../../../core/session/contract";
import { SseParser } from "./sse";
import type { DumpChoice, Host, Transport } from "./transport";

/** Calls are answered within this many ms or rejected (open and console stream, and have no limit). */
const CALL_TIMEOUT_MS = 120_000;

export function httpTransport(base: string, token: string): Transport {
  let nextId = 1;
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${token}` };

  async function simple<M extends MethodName>(method: M, params: Params<M>, options?: CallOptions): Promise<Result<M>> {
    const controller = new AbortController();
    const stop = watchSignal(options, () => controller.abort());
    const timer = setTimeout(() => controller.abort(), CALL_TIMEOUT_MS);
    try {
      const response = await fetch(`${base}/api/call/${method}`, { method: "POST", headers, body: JSON.stringify(params ?? {}), signal: controller.signal });
      return unwrap<M>(await readReply<M>(response));
    } catch (err) {
      throw toProblem(err, method);
    } finally {
      clearTimeout(timer);
      stop();
    }
  }

  async function streamed<M extends MethodName>(method: M, params: Params<M>, options: CallOptions): Promise<Result<M>> {
    const id = `c${Date.now().toString(36)}-${nextId++}`;
    const stop = watchSignal(options, () => {
      void fetch(`${base}/api/cancel`, { method: "POST", headers, body: JSON.stringify({ call: id }) }).catch(() => undefined);
    });
    try {
      const response = await fetch(`${base}/api/stream/${method}`, { method: "POST", headers: { ...headers, "X-Kdw-Call": id, Accept: "text/event-stream" }, body: JSON.stringify(params ?? {}) });
      const type = response.headers.get("Content-Type") ?? "";
      if (!type.startsWith("text/event-stream") || !response.body) return unwrap<M>(await readReply<M>(response));
      let reply: Reply<M> | undefined;
      const parser = new SseParser(({ event, data }) => {
        if (event === "progress") options.onProgress?.(JSON.parse(data));
        else if (event === "output") {
          const chunk: unknown = JSON.parse(data);
          if (typeof chunk === "string") options.onOutput?.(chunk);
        } else if (event === "reply") reply = JSON.parse(data) as Reply<M>;
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        if (reply) break;
      }
      parser.end();
      if (!reply) throw { code: "io", message: `${method}: the server closed the stream without a reply` } satisfies Problem;
      return unwrap(reply);
    } catch (err) {
      throw toProblem(err, method);
    } finally {
      stop();
    }
  }

  const call: Call = (method, params, options) => (options && (options.onOutput || options.onProgress) ? streamed(method, params, options) : simple(method, params, options));

  const host: Host = {
    kind: "http",
    info: async () => ({ platform: "browser", version: "" }),
    recentFiles: async () => readRecent(),
    loadNotes: async (key) => localStorage.getItem(`kdw.notes.${key}`) ?? undefined,
    saveNotes: async (key, json) => {
      localStorage.setItem(`kdw.notes.${key}`, json);
      return true;
    },
    saveText: async (name, text) => {
      const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return true;
    },
  };
  return { call, host };
}

/** Paths opened in this browser (server-side paths), newest first. */
export function readRecent(): DumpChoice[] {
  try {
    const list: unknown = JSON.parse(localStorage.getItem("kdw.recent") ?? "[]");
    return Array.isArray(list) ? list.filter((c): c is DumpChoice => !!c && typeof c.dump === "string").slice(0, 10) : [];
  } catch {
    return [];
  }
}

export function rememberRecent(choice: DumpChoice): void {
  const list = [choice, ...readRecent().filter((c) => c.dump !== choice.dump || c.vmlinux !== choice.vmlinux)].slice(0, 10);
  localStorage.setItem("kdw.recent", JSON.stringify(list));
}

async function readReply<M extends MethodName>(response: Response): Promise<Reply<M>> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Reply<M>;
    if (body && typeof body === "object" && typeof body.ok === "boolean") return body;
  } catch {
    // fall through: not JSON
  }
  if (response.status === 401) return { ok: false, problem: { code: "bad-request", message: "the server refused the token: open the address kdw serve printed (with #token=…)" } };
  return { ok: false, problem: { code: "io", message: `HTTP ${response.status} ${response.statusText}`.trim() } };
}

function unwrap<M extends MethodName>(reply: Reply<M>): Result<M> {
  if (reply.ok) return reply.result;
  throw reply.problem;
}

function toProblem(err: unknown, method: string): Problem {
  if (err && typeof err === "object" && typeof (err as Problem).code === "string" && typeof (err as Problem).message === "string") return err as Problem;
  if (err instanceof DOMException && err.name === "AbortError") return { code: "cancelled", message: `${method}: cancelled` };
  return { code: "io", message: `${method}: ${err instanceof Error ? err.message : String(err)}` };
}

/** Calls `onAbort` once when the call's signal aborts (an AbortSignal's event, else polling). */
export function watchSignal(options: CallOptions | undefined, onAbort: () => void): () => void {
  const signal = options?.signal;
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  if (typeof (signal as AbortSignal).addEventListener === "function") {
    const abortSignal = signal as AbortSignal;
    abortSignal.addEventListener("abort", onAbort, { once: true });
    return () => abortSignal.removeEventListener("abort", onAbort);
  }
  const timer = setInterval(() => {
    if (signal.aborted) {
      clearInterval(timer);
      onAbort();
    }
  }, 50);
  return () => clearInterval(timer);
}
