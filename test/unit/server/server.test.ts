// kdw serve's HTTP face under hostile requests: every one gets a clear 4xx and a Problem, and the server
// (and the session behind it) keeps answering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { SessionService } from "../../../src/core/session/service";
import { nodeHost } from "../../../src/cli/host";
import { startServer, type RunningServer } from "../../../src/server/server";
import type { Call } from "../../../src/core/session/contract";

const token = "a-secret-token";
let server: RunningServer;
let statics: string;

/** A raw request, so the test controls every header (fetch would fix Host for us). */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, method: options.method ?? "POST", headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}`, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

beforeAll(async () => {
  statics = mkdtempSync(join(tmpdir(), "kdw-static-"));
  writeFileSync(join(statics, "index.html"), "<!doctype html><title>kdw</title>");
  mkdirSync(join(statics, "assets"));
  writeFileSync(join(statics, "assets", "app.js"), "console.log(1)");
  writeFileSync(join(tmpdir(), "kdw-outside-secret.txt"), "CONTENT-OUTSIDE-THE-UI");
  const service = new SessionService(nodeHost({ cache: false }));
  const call: Call = (m, p, o) => service.call(m, p, o);
  server = await startServer({ call, token, staticDir: statics, maxInFlight: 8 });
});

afterAll(async () => {
  await server?.close();
});

describe("kdw serve under hostile requests", () => {
  it("answers the contract with the token", async () => {
    const r = await raw("/api/call/hello", { body: "{}" });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, result: { version: 1, open: false } });
  });

  it("refuses a missing or wrong token with 401", async () => {
    for (const auth of [undefined, "Bearer nope", `Bearer ${token}x`, token, ""]) {
      const headers: Record<string, string> = auth === undefined ? { authorization: "" } : { authorization: auth };
      const r = await raw("/api/call/hello", { headers, body: "{}" });
      expect(r.status, String(auth)).toBe(401);
      expect(JSON.parse(r.body).problem.message).toMatch(/token/);
    }
  });

  it("refuses a foreign Host header (DNS rebinding), even with the token", async () => {
    for (const host of ["evil.example", `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
      const r = await raw("/api/call/hello", { headers: { host }, body: "{}" });
      expect(r.status, host).toBe(421);
    }
    const ok = await raw("/api/call/hello", { headers: { host: `localhost:${server.port}` }, body: "{}" });
    expect(ok.status).toBe(200);
  });

  it("answers unknown methods, wrong types and absurd sizes with a 4xx Problem", async () => {
    const cases: [string, string, number, string][] = [
      ["/api/call/nosuch", "{}", 404, "unknown-method"],
      ["/api/call/__proto__", "{}", 404, "unknown-method"],
      ["/api/call/constructor", "{}", 404, "unknown-method"],
      ["/api/nothing/hello", "{}", 404, "unknown-method"],
      ["/api/call/tasks", '{"limit":"ten"}', 400, "bad-request"],
      ["/api/call/tasks", "not json", 400, "bad-request"],
      ["/api/call/readMemory", '{"space":"kernel","address":"0xffffffff81000000","length":1073741824}', 400, "bad-request"],
      ["/api/call/console", JSON.stringify({ line: "x".repeat(100_000) }), 400, "bad-request"],
      ["/api/call/sys", "{}", 409, "not-open"],
    ];
    for (const [path, body, status, code] of cases) {
      const r = await raw(path, { body });
      expect(r.status, path + " " + body.slice(0, 40)).toBe(status);
      expect(JSON.parse(r.body).problem.code).toBe(code);
    }
    const huge = await raw("/api/call/hello", { body: "x".repeat(2 << 20) }).catch(() => ({ status: 413, body: "" }));
    expect(huge.status).toBe(413);
  });

  it("serves the UI's files and nothing outside them", async () => {
    expect((await raw("/", { method: "GET" })).status).toBe(200);
    const js = await raw("/assets/app.js", { method: "GET" });
    expect(js.status).toBe(200);
    for (const path of ["/../kdw-outside-secret.txt", "/assets/../../kdw-outside-secret.txt", "/%2e%2e/kdw-outside-secret.txt", "/assets/%2e%2e%2f%2e%2e%2fkdw-outside-secret.txt", "/%00", "/assets/..%5c..%5ckdw-outside-secret.txt"]) {
      const r = await raw(path, { method: "GET" });
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.body, path).not.toContain("CONTENT-OUTSIDE-THE-UI");
    }
    expect((await raw("/nope.js", { method: "GET" })).status).toBe(404);
  });

  it("bounds a flood of concurrent requests and keeps answering", async () => {
    const flood = await Promise.all(Array.from({ length: 200 }, () => raw("/api/call/hello", { body: "{}" })));
    const statuses = new Set(flood.map((r) => r.status));
    for (const s of statuses) expect([200, 429]).toContain(s);
    expect(flood.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    const after = await raw("/api/call/hello", { body: "{}" });
    expect(after.status).toBe(200);
  });
});
