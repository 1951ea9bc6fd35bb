// `kdw info DUMP [--json] [--hash]`: what a dump is, before any debuginfo — through the Session, as every
// face goes (the dump opened alone, read-only).
import { prepareCodecsFor } from "./node-codecs";
import { formatDumpInfo } from "../core/session/text";
import { SessionService } from "../core/session/service";
import { ProblemError } from "../core/session/problems";
import { parse } from "./args";
import { nodeHost } from "./host";
import { positional } from "./open";
import { requireFile } from "./evidence";

export async function runInfo(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" }, hash: { type: "boolean" } });
  const path = positional(positionals, "DUMP");
  requireFile(path, "dump");
  const service = new SessionService(nodeHost({ cache: false }));
  try {
    await prepareCodecsFor(path);
    await service.call("open", { dump: path, dumpOnly: true });
    const info = await service.call("info", {});
    if (values.hash) {
      const tty = process.stderr.isTTY;
      let last = 0;
      info.sha256 = await service.hashDump((done, total) => {
        const now = Date.now();
        if (tty && (now - last > 200 || done === total)) {
          last = now;
          process.stderr.write(`\rsha256: ${Math.floor((done / total) * 100)}% of ${total} bytes`);
        }
      });
      if (tty) process.stderr.write("\r\x1b[K");
    }
    process.stdout.write(values.json ? JSON.stringify(info, null, 2) + "\n" : formatDumpInfo(info));
    return 0;
  } catch (err) {
    if (err instanceof ProblemError) {
      process.stderr.write(`kdw: ${err.problem.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await service.call("close", {});
  }
}
