// How a session worker is ended (worker-session.ts posts it, local-session.ts's serveWorker acts on it).
// Once the calls before it are answered, the worker closes its port, and with nothing left in its event loop
// its thread ends on its own. Ending it so, rather than with Worker.terminate(), lets Node wait for V8's
// background work on the thread's heap (concurrent compilation) before the heap is torn down: Node 20 tears a
// terminated worker's isolate down with that work still running, and a compile that then allocates into a
// heap due for marking aborts the whole process (node_platform.cc: "Assertion failed: (data.first) !=
// nullptr"). A thread that does not end in time is terminated all the same.

export const WORKER_END = { t: "end" } as const;

export function isWorkerEnd(m: unknown): boolean {
  return m !== null && typeof m === "object" && (m as { t?: unknown }).t === WORKER_END.t;
}
