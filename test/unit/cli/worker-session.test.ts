// The console's worker-backed Session ends its thread by telling it to end (worker-end.ts), not by
// terminating it: Node 20 tears a terminated thread's heap down with V8's background compiles still running,
// and one of them can abort the whole process. A close with a call still running terminates it at once.
import { describe, expect, it } from "vitest";
import { fixture, haveFixtures } from "../../fixtures";
import { startWorkerSession } from "../../../src/cli/worker-session";

const have = haveFixtures("dump.lzo");

describe.skipIf(!have)("a worker session's close", () => {
  it("ends the thread on its own once the calls before it are answered, after the open's idle work", async () => {
    const session = startWorkerSession({ cache: false });
    await session.call("open", { dump: fixture("dump.lzo")! });
    const ps = await session.call("console", { line: "ps" });
    expect(ps.output).toMatch(/PID\s+PPID/);
    expect(await session.close()).toBe("ended");
  }, 60_000);

  it("ends it right after an open, before the worker's idle work has run", async () => {
    const session = startWorkerSession({ cache: false });
    await session.call("open", { dump: fixture("dump.lzo")!, dumpOnly: true });
    expect(await session.close()).toBe("ended");
  }, 60_000);

  it("terminates the thread when a call is still running", async () => {
    const session = startWorkerSession({ cache: false });
    void session.call("open", { dump: fixture("dump.lzo")!, dumpOnly: true }).catch(() => undefined);
    expect(session.pending()).toBe(1);
    expect(await session.close()).toBe("terminated");
  }, 60_000);
});
