// `kdw serve [--port N] [--listen ADDR] [VMLINUX DUMP]`: the workbench in a browser. The Session runs in a
// worker thread; the server carries the contract over HTTP to it. Loopback unless --listen names another
// address; the token is printed once, in the URL's fragment (which browsers never send to a server).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "../server/server";
import { CliUsageError, parse } from "./args";
import { orderFiles } from "./evidence";
import { startWorkerSession } from "./worker-session";
import { ProblemError } from "../core/session/problems";

/** The built renderer: beside the bundle (out/renderer), or the repository's out/renderer when run from source. */
function rendererDir(): string {
  for (const rel of ["../renderer/", "../../out/renderer/"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return fileURLToPath(new URL("../renderer/", import.meta.url));
}

export async function runServe(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    port: { type: "string" },
    listen: { type: "string" },
    force: { type: "boolean" },
    src: { type: "string" },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port: not a port number: ${values.port}`);
  const listen = values.listen ?? "127.0.0.1";
  const files = positionals.length ? orderFiles(positionals) : undefined;
  const session = startWorkerSession();
  if (files) {
    try {
      await session.call("open", { dump: files.dump, ...(files.vmlinux ? { vmlinux: files.vmlinux } : {}), ...(values.force ? { force: true } : {}), ...(values.src ? { src: values.src } : {}) });
    } catch (err) {
      await session.close();
      if (err instanceof ProblemError) {
        process.stderr.write(`kdw: ${err.problem.message}\n`);
        return 1;
      }
      throw err;
    }
  }
  const token = randomBytes(24).toString("base64url");
  const server = await startServer({ call: session.call, token, listen, port, staticDir: rendererDir() });
  if (listen !== "127.0.0.1" && listen !== "::1" && listen !== "localhost") process.stderr.write(`kdw serve: listening on ${listen}, beyond this machine: anyone with the token can read the dump\n`);
  process.stdout.write(`kdw serve: open ${server.url}#token=${token}\n`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  await session.close();
  return 0;
}
