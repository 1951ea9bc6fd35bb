// The console's Session in this thread, for a script (`-c "cmd; cmd"`, `-i FILE`): a script has no prompt to
// keep alive while a command runs (Ctrl-C ends the process, as it does with the worker), so it is spared the
// worker thread's start-up and a second copy of the core in memory. The interactive console keeps the worker
// (worker-session.ts), so that Ctrl-C can cancel a command and leave the session open.
import type { Call } from "../core/session/contract";
import { SessionService } from "../core/session/service";
import { nodeHost } from "./host";
import type { WorkerSession } from "./worker-session";

export function startLocalSession(): WorkerSession {
  const service = new SessionService(nodeHost());
  let active = 0;
  const call = (async (method, params, options) => {
    active++;
    try {
      return await service.call(method, params, options);
    } finally {
      active--;
    }
  }) as Call;
  return {
    call,
    pending: () => active,
    close: async () => {
      await service.call("close", {});
    },
  };
}
