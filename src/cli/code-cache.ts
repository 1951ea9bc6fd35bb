// The console's script runs load the Session's code through V8's code cache (core-bundle.ts); without the
// bundle (tests running the sources), the ES module is imported as it is. localSession wraps the loaded
// core's service as the contract's Call.
import type { Call } from "../core/session/contract";
import { ProblemError } from "../core/session/problems";
import { loadBundledCore, type LoadedCore } from "./core-bundle";
export { codeUse } from "./core-bundle";
import type { WorkerSession } from "./worker-session";

export type { LoadedCore, SessionCore } from "./core-bundle";

/** The core, loaded once per process: `kdw demo` runs a console script and a report, each asking for it. */
let loaded: Promise<LoadedCore> | undefined;

export function loadSessionCore(): Promise<LoadedCore> {
  loaded ??= (async () => loadBundledCore() ?? { core: await import("./local-session"), save: () => {} })();
  // A load that failed is tried again by the next caller.
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** The contract's Call over a LocalService: its Problems become the console's own ProblemErrors. */
export function localSession(core: LoadedCore["core"], options: { settle?: boolean } = {}): WorkerSession {
  const service = core.startLocalService(options);
  let active = 0;
  const call = (async (method, params, options) => {
    active++;
    try {
      const reply = service.call(method, params, options);
      if (!reply.ok) throw new ProblemError(reply.problem);
      return reply.result;
    } finally {
      active--;
    }
  }) as Call;
  return {
    call,
    pending: () => active,
    close: async () => {
      service.call("close", {});
      return "ended" as const;
    },
  };
}
