// The console's Session in this thread, for a script (`-c "cmd; cmd"`, `-i FILE`): a script has no prompt to
// keep alive while a command runs (Ctrl-C ends the process, as it does with the worker), so it is spared the
// worker thread's start-up and a second copy of the core in memory. The interactive console keeps the worker
// (worker-session.ts), so that Ctrl-C can cancel a command and leave the session open.
// This module is the entry of out/cli/session-core.cjs, which code-cache.ts loads through V8's code cache:
// its classes are not the console's, so what crosses over is data (replies as on the worker's wire).
import type { CallOptions, MethodName, Reply } from "../core/session/contract";
import { SessionService } from "../core/session/service";
import { nodeHost } from "./host";

// This module's copy of the codecs' state is the one its Session uses: the console readies the decoders a
// dump needs through it.
export { prepareCodecsFor } from "./node-codecs";

export interface LocalService {
  /** One call's answer as the worker posts it: a result, or a Problem (never a thrown error). */
  call(method: MethodName, params: unknown, options?: CallOptions): Reply<MethodName>;
}

export function startLocalService(): LocalService {
  const service = new SessionService(nodeHost());
  return { call: (method, params, options) => service.callSync(method, params, options) };
}
