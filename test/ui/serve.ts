// `kdw serve` as a user starts it: the built CLI, a free port, the URL (with its token) read from stdout.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const KDW = fileURLToPath(new URL("../../bin/kdw.cjs", import.meta.url));

export interface Served {
  url: string;
  token: string;
  origin: string;
  /** The contract, called as the renderer calls it (for checking what the page shows). */
  call<T>(method: string, params: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function serve(files: string[], extra: string[] = []): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [KDW, "serve", "--port", "0", ...extra, ...files], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`kdw serve did not start in 120 s: ${err}`)), 120_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/\S+#token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`kdw serve exited (${code}): ${err}`));
    });
  });
  const token = /#token=(\S+)/.exec(url)![1]!;
  const origin = new URL(url).origin;
  return {
    url,
    token,
    origin,
    async call<T>(method: string, params: unknown): Promise<T> {
      const r = await fetch(`${origin}/api/call/${method}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(params) });
      const body = (await r.json()) as { ok: boolean; result?: T; problem?: { message: string } };
      if (!body.ok) throw new Error(`${method}: ${body.problem?.message}`);
      return body.result as T;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
