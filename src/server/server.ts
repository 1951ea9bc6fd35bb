// `kdw serve`: the contract over HTTP, and the workbench's renderer as static files, for any browser.
// Loopback only unless told otherwise; a random token on every /api/ request; the Host header checked
// against the bound address (DNS rebinding); bodies, concurrency and static paths bounded. The Session runs
// behind `call` (a worker): this file only carries requests and replies.
//   POST /api/call/METHOD    JSON params → {"ok":true,"result":…} | {"ok":false,"problem":…}
//   POST /api/stream/METHOD  the same as server-sent events: progress, output, then reply
//                            (header X-Kdw-Call: ID names the call for /api/cancel)
//   POST /api/cancel         {"call": ID}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { Call, MethodName, Problem, ProblemCode, Reply } from "../core/session/contract";
import { isMethod } from "../core/session/schema";
import { ProblemError } from "../core/session/problems";

export interface ServerOptions {
  call: Call;
  token: string;
  /** Address to bind (default 127.0.0.1). */
  listen?: string;
  /** Port (0: any free port). */
  port?: number;
  /** The built renderer (out/renderer); absent or missing: a page saying how to build it. */
  staticDir?: string;
  /** Requests in flight at most (default 32); more are answered 429. */
  maxInFlight?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

/** Largest request body (a console line or a path is far smaller). */
const MAX_BODY = 1 << 20;
/** A call id, as the client chose it. */
const CALL_ID = /^[A-Za-z0-9_-]{1,64}$/;

const STATUS: Partial<Record<ProblemCode, number>> = {
  "bad-request": 400,
  "unknown-method": 404,
  "not-found": 404,
  "not-open": 409,
  busy: 429,
  cancelled: 409,
  internal: 500,
  io: 422,
};

/** The workbench's content security policy: nothing from anywhere but this server (Monaco's workers are blobs). */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".map": "application/json",
};

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.message);
  }
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}

function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpProblem(413, { code: "bad-request", message: `request body over ${MAX_BODY} bytes` }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolvePromise({});
      try {
        resolvePromise(JSON.parse(text));
      } catch {
        reject(new HttpProblem(400, { code: "bad-request", message: "the body is not JSON" }));
      }
    });
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function replyOf(err: unknown): { status: number; reply: Reply<MethodName> } {
  if (err instanceof HttpProblem) return { status: err.status, reply: { ok: false, problem: err.problem } };
  const problem: Problem = err instanceof ProblemError ? err.problem : { code: "internal", message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
  return { status: STATUS[problem.code] ?? 422, reply: { ok: false, problem } };
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.listen ?? "127.0.0.1";
  const maxInFlight = options.maxInFlight ?? 32;
  const staticRoot = options.staticDir ? resolve(options.staticDir) : undefined;
  const cancels = new Map<string, AbortController>();
  let inFlight = 0;
  let boundPort = 0;

  const allowedHosts = (): Set<string> => {
    const names = new Set([`${host}:${boundPort}`, host.includes(":") ? `[${host}]:${boundPort}` : `${host}:${boundPort}`]);
    if (isLoopback(host)) for (const h of ["127.0.0.1", "localhost", "[::1]"]) names.add(`${h}:${boundPort}`);
    return names;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const auth = req.headers.authorization;
    const given = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (!tokenMatches(given, options.token)) throw new HttpProblem(401, { code: "bad-request", message: "missing or wrong token" });
    if (req.method !== "POST") throw new HttpProblem(405, { code: "bad-request", message: "use POST" });
    const [, , kind, method, ...extra] = path.split("/");
    if (kind === "cancel" && method === undefined) {
      const body = (await readBody(req)) as { call?: unknown };
      const id = typeof body?.call === "string" ? body.call : undefined;
      const ctl = id !== undefined ? cancels.get(id) : undefined;
      ctl?.abort();
      return send(res, 200, { ok: true, result: { cancelled: ctl !== undefined } });
    }
    if ((kind !== "call" && kind !== "stream") || method === undefined || extra.length) throw new HttpProblem(404, { code: "unknown-method", message: `no such endpoint: ${path}` });
    if (!isMethod(method)) throw new HttpProblem(404, { code: "unknown-method", message: `unknown method: ${method.slice(0, 64)}` });
    if (inFlight >= maxInFlight) throw new HttpProblem(429, { code: "busy", message: `more than ${maxInFlight} requests in flight` });
    inFlight++;
    const idHeader = req.headers["x-kdw-call"];
    const callId = typeof idHeader === "string" && CALL_ID.test(idHeader) ? idHeader : undefined;
    const ctl = new AbortController();
    if (callId) cancels.set(callId, ctl);
    // A client that goes away cancels its call.
    res.on("close", () => {
      if (!res.writableFinished) ctl.abort();
    });
    try {
      const params = await readBody(req);
      if (kind === "call") {
        const result = await options.call(method, params as never, { signal: ctl.signal });
        return send(res, 200, { ok: true, result });
      }
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
      const event = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      let reply: Reply<MethodName>;
      try {
        const result = await options.call(method, params as never, {
          signal: ctl.signal,
          onProgress: (e) => event("progress", e),
          onOutput: (chunk) => event("output", chunk),
        });
        reply = { ok: true, result };
      } catch (err) {
        reply = replyOf(err).reply;
      }
      event("reply", reply);
      res.end();
    } finally {
      inFlight--;
      if (callId) cancels.delete(callId);
    }
  };

  const serveStatic = (res: ServerResponse, path: string) => {
    if (!staticRoot || !safeIsDir(staticRoot)) {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-security-policy": CSP });
      res.end("kdw serve: the workbench UI is not built here (npm run build). The API is at /api/.\n");
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(path);
    } catch {
      throw new HttpProblem(400, { code: "bad-request", message: "bad path encoding" });
    }
    if (rel.includes("\0") || rel.split(/[\\/]/).includes("..")) throw new HttpProblem(400, { code: "bad-request", message: "path outside the UI" });
    if (rel === "/" || rel === "") rel = "/index.html";
    const file = normalize(join(staticRoot, rel));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) throw new HttpProblem(400, { code: "bad-request", message: "path outside the UI" });
    let st;
    try {
      st = statSync(file);
    } catch {
      throw new HttpProblem(404, { code: "not-found", message: `no such file: ${rel.slice(0, 200)}` });
    }
    if (!st.isFile()) throw new HttpProblem(404, { code: "not-found", message: `no such file: ${rel.slice(0, 200)}` });
    const body = readFileSync(file);
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cross-origin-opener-policy": "same-origin",
      "cache-control": "no-cache",
    });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    const handle = async () => {
      const hostHeader = req.headers.host ?? "";
      if (!allowedHosts().has(hostHeader)) throw new HttpProblem(421, { code: "bad-request", message: "Host header does not name this server" });
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname.startsWith("/api/")) await api(req, res, url.pathname);
      else if (req.method === "GET" || req.method === "HEAD") serveStatic(res, url.pathname);
      else throw new HttpProblem(405, { code: "bad-request", message: "use GET for the UI" });
    };
    handle().catch((err: unknown) => {
      const { status, reply } = replyOf(err);
      if (res.headersSent) res.end();
      else send(res, status, reply);
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // long calls (a foreach over many tasks) stream for as long as they run
  server.maxHeadersCount = 64;

  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      const addr = server.address();
      boundPort = typeof addr === "object" && addr ? addr.port : 0;
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolvePromise({
        url: `http://${urlHost}:${boundPort}/`,
        port: boundPort,
        host,
        close: () =>
          new Promise<void>((done) => {
            for (const c of cancels.values()) c.abort();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function safeIsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
