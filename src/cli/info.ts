import { dumpInfo, formatDumpInfo } from "../core/session/dump-info";
import { sha256Source } from "../core/io/hash";
import { parse } from "./args";
import { openDumpFile, positional } from "./open";

export async function runInfo(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" }, hash: { type: "boolean" } });
  const path = positional(positionals, "DUMP");
  const { dump, source } = openDumpFile(path);
  try {
    const info = dumpInfo(dump, source.size);
    if (values.hash) {
      const tty = process.stderr.isTTY;
      let last = 0;
      info.sha256 = await sha256Source(source, (done, total) => {
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
  } finally {
    source.close();
  }
}
