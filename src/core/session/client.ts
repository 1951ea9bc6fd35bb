// The client side of host.ts: the contract's `Call` over a message port, for the CLI (to its worker) and
// Electron's main process (to the utility process). Replies become results or rejections with a Problem.
import type { Call, CallOptions, MethodName, Params, Result } from "./contract";
import { CANCEL_SLOT, type HostEvent, type HostRequest } from "./host";
import { ProblemError } from "./problems";

export interface ClientPort {
  postMessage(message: HostRequest): void;
  onMessage(handler: (message: HostEvent) => void): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
  options: CallOptions;
}

export function portClient(port: ClientPort, cancelFlags?: Int32Array): Call & { pending(): number } {
  let next = 1;
  const pending = new Map<number, Pending>();
  port.onMessage((m) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.t === "progress") p.options.onProgress?.(m.event);
    else if (m.t === "output") p.options.onOutput?.(m.chunk);
    else {
      pending.delete(m.id);
      if (m.reply.ok) p.resolve(m.reply.result);
      else p.reject(new ProblemError(m.reply.problem));
    }
  });
  const call = (<M extends MethodName>(method: M, params: Params<M>, options: CallOptions = {}): Promise<Result<M>> => {
    const id = next++;
    return new Promise<Result<M>>((resolve, reject) => {
      const entry: Pending = { resolve: resolve as (v: unknown) => void, reject, options };
      pending.set(id, entry);
      const cancel = () => {
        if (!pending.has(id)) return;
        if (cancelFlags) Atomics.store(cancelFlags, CANCEL_SLOT, id);
        port.postMessage({ t: "cancel", id });
      };
      const signal = options.signal as (CallOptions["signal"] & { addEventListener?: (type: "abort", fn: () => void, o?: { once: boolean }) => void }) | undefined;
      if (signal?.aborted) cancel();
      // An AbortSignal tells when it fires; a bare CancelSignal can only be looked at now.
      else signal?.addEventListener?.("abort", cancel, { once: true });
      port.postMessage({ t: "call", id, method, params });
    });
  }) as Call & { pending(): number };
  call.pending = () => pending.size;
  return call;
}
