// The contract over Electron IPC: the preload's `window.kdw` has one function per method answering the
// contract's Reply envelope, and host functions (dialogs, notes in the user's data folder).
import type { Call, Result, MethodName } from "../../../core/session/contract";
import type { KdwBridge } from "../../../preload/bridge";
import { watchSignal } from "./http";
import type { Transport } from "./transport";

export function ipcTransport(bridge: KdwBridge): Transport {
  let nextId = 1;
  const call: Call = async (method, params, options) => {
    const id = nextId++;
    const stop = watchSignal(options, () => bridge.cancel(id));
    try {
      const fn = bridge[method] as (params: unknown, events: unknown) => Promise<{ ok: true; result: Result<MethodName> } | { ok: false; problem: unknown }>;
      const reply = await fn(params ?? {}, { id, onProgress: options?.onProgress, onOutput: options?.onOutput });
      if (reply.ok) return reply.result as Result<typeof method>;
      throw reply.problem;
    } finally {
      stop();
    }
  };
  return {
    call,
    host: {
      kind: "ipc",
      info: () => bridge.hostInfo(),
      chooseDump: () => bridge.chooseDump(),
      chooseVmlinux: () => bridge.chooseVmlinux(),
      recentFiles: () => bridge.recentFiles(),
      loadNotes: (key) => bridge.loadNotes(key),
      saveNotes: (key, json) => bridge.saveNotes(key, json),
      saveText: (name, text) => bridge.saveText(name, text),
      pathForFile: (file) => bridge.pathForFile(file),
    },
  };
}
