// The incident report in Debian's chromium (playwright-core): `kdw report` on the main fixture, read with
// JavaScript disabled, every request counted (there must be none but the file itself), the key values
// present, a screenshot and a PDF print saved in test/ui/report/output/. Then a report of the same dump with
// hostile strings patched into its memory (and a 4,000-character path into one reply), loaded with JavaScript
// on — and once more without its CSP — to show they appear as text and run nothing.
// Without chromium it skips with the reason; under CI=true that is a failure (.ci/run installs it).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReportData } from "../../../src/core/report/build";
import { renderReportHtml } from "../../../src/core/report/html/document";
import type { ReportData } from "../../../src/core/report/schema";
import type { Call } from "../../../src/core/session/contract";
import { SessionService } from "../../../src/core/session/service";
import { nodeHost } from "../../../src/cli/host";
import { taskTable } from "../../../src/core/kernel/tasks/tasks";
import type { Program } from "../../../src/core/program/program";
import { patchedProgram } from "../../fixtures/patched-program";
import { fixture, fixturesDir, haveFixtures, inCI } from "../../fixtures";

const CHROMIUM = process.env.KDW_CHROMIUM ?? "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const OUTPUT = fileURLToPath(new URL("./output/", import.meta.url));

function chromiumReady(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `chromium not found at ${CHROMIUM} (apt-get install chromium, or set KDW_CHROMIUM)`;
  if (inCI) throw new Error(msg);
  process.stderr.write(`SKIP: ${msg}\n`);
  return false;
}

const ready = chromiumReady() && haveFixtures("dump.lzo", "vmlinux", "manifest.json");

interface Manifest {
  panic: { string: string; pid: number; comm: string };
  module: { name: string };
  decoys: { name: string; pids: number[]; trigger_only?: boolean }[];
  files: { path: string; sha256: string; uncompressed?: { sha256: string } }[];
}

interface Browser {
  context: BrowserContext;
  page: Page;
  requests: string[];
  intercepted: string[];
  events: string[];
  profile: string;
}

/** A fresh chromium; `document` is the one URL it may load (every other request is aborted and counted). */
async function browse(javaScriptEnabled: boolean, document: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "kdw-report-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    javaScriptEnabled,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const b: Browser = { context, page, requests: [], intercepted: [], events: [], profile };
  // Every request the page makes, and every one that reaches the network layer (aborted, and counted).
  page.on("request", (r) => b.requests.push(r.url()));
  await context.route("**/*", (route) => {
    if (route.request().url() === document) return route.continue();
    b.intercepted.push(route.request().url());
    return route.abort();
  });
  page.on("dialog", (d) => {
    b.events.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => b.events.push(`pageerror: ${e.message}`));
  page.on("console", (m) => b.events.push(`console ${m.type()}: ${m.text()}`));
  return b;
}

async function close(b: Browser | undefined): Promise<void> {
  if (!b) return;
  await b.context.close();
  rmSync(b.profile, { recursive: true, force: true });
}

/** Bytes written over kernel memory as 8-byte word patches (what PatchedSpace takes), merged per word. */
function patchBytes(prog: Program, patches: Map<bigint, bigint | null>, address: bigint, bytes: Uint8Array): void {
  for (let a = address & ~7n; a < address + BigInt(bytes.length); a += 8n) {
    const prev = patches.get(a);
    const word = new Uint8Array(8);
    new DataView(word.buffer).setBigUint64(0, typeof prev === "bigint" ? prev : prog.readU64(a), true);
    for (let i = 0; i < 8; i++) {
      const at = a + BigInt(i) - address;
      if (at >= 0n && at < BigInt(bytes.length)) word[i] = bytes[Number(at)]!;
    }
    patches.set(a, new DataView(word.buffer).getBigUint64(0, true));
  }
}

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The hostile strings, as the report must show them (control characters made visible). */
const HOSTILE = {
  comm: "<script>alert()", // 15 bytes: task_struct.comm holds 16 with its NUL
  ansiComm: "\x1b[31mANSI\x1b[0m",
  badUtf8: latin1("\xff\xfe\xc3\x28\x80\x9bok"),
  module: `"><img src=x onerror=alert(2)>`,
  log: "</style><script>alert(5)</script>\x1b[2J",
  long: `${"A".repeat(3990)}/x.sh.END`,
};

describe.skipIf(!ready)("the incident report in chromium", () => {
  const manifest = ready ? (JSON.parse(readFileSync(join(fixturesDir, "manifest.json"), "utf8")) as Manifest) : undefined;
  const work = mkdtempSync(join(tmpdir(), "kdw-report-test-"));
  const html = join(work, "report.html");
  const json = join(work, "report.json");
  let main: Browser | undefined;
  let data: ReportData;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const notes = join(work, "notes.txt");
    writeFileSync(notes, "Seized from web-01 by the on-call team.\nImage hashed on acquisition.\n");
    // As a user runs it: the built command, the evidence read-only, the report written elsewhere.
    execFileSync(process.execPath, [join(ROOT, "bin/kdw.cjs"), "report", fixture("vmlinux")!, fixture("dump.lzo")!, "-o", html, "--json", json, "--analyst", "Test Analyst", "--case", "CASE-17", "--notes", notes], { stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    data = JSON.parse(readFileSync(json, "utf8")) as ReportData;
    main = await browse(false, `file://${html}`);
    await main.page.goto(`file://${html}`);
  }, 900_000);

  afterAll(async () => {
    await close(main);
    rmSync(work, { recursive: true, force: true });
  });

  it("writes the HTML, the JSON and their SHA-256 beside them", () => {
    const content = readFileSync(html);
    expect(readFileSync(`${html}.sha256`, "utf8")).toBe(`${createHash("sha256").update(content).digest("hex")}  report.html\n`);
    expect(readFileSync(`${json}.sha256`, "utf8")).toBe(`${createHash("sha256").update(readFileSync(json)).digest("hex")}  report.json\n`);
    expect(data.format).toBe("kdw-report");
    expect(data.version).toBe(1);
  });

  it("makes no request of any kind: only the file itself is loaded", () => {
    expect(main!.requests).toEqual([`file://${html}`]);
    expect(main!.intercepted).toEqual([]);
    expect(main!.events).toEqual([]);
  });

  it("reads with JavaScript disabled: every section, the panic, the faulting module, both hashes", async () => {
    const page = main!.page;
    const text = await page.locator("body").innerText();
    for (const title of ["Chain of custody", "System", "Panic", "Findings", "Hooks", "Processes", "Modules", "Kernel log", "Open files and sockets", "Analyst notes"]) {
      expect(await page.locator("h2", { hasText: title }).first().isVisible()).toBe(true);
      expect(text).toContain(title);
    }
    expect(await page.locator(".glance .panic-msg").innerText()).toBe(manifest!.panic.string);
    const glance = await page.locator(".glance").innerText();
    expect(glance).toContain(`in module ${manifest!.module.name}`);
    expect(glance).toMatch(/HIDDEN/i);
    expect(glance).toContain(`${manifest!.panic.comm} pid ${manifest!.panic.pid}`);
    const custody = await page.locator("#custody").innerText();
    const dump = manifest!.files.find((f) => f.path === "dump.lzo")!;
    const vmlinux = manifest!.files.find((f) => f.path === "vmlinux.xz")!;
    expect(custody).toContain(dump.sha256);
    expect(custody).toContain(vmlinux.uncompressed!.sha256);
    expect(custody).toContain("CASE-17");
    expect(custody).toContain("Test Analyst");
    expect(custody).toContain("6.1.0-50-cloud-amd64");
    // The faulting frame and instruction are marked, in the module's code.
    expect(await page.locator("#panic tr.fault").first().innerText()).toContain(manifest!.module.name);
    expect(await page.locator("#panic .dis .ln.fault").innerText()).toMatch(/mov\s+0x74\(%rax\),%eax/);
    // The hidden module is marked in the modules table; the panic record in the log.
    expect(await page.locator("#modules tr.hidden").innerText()).toContain(manifest!.module.name);
    expect(await page.locator("#log .rec.panic").first().innerText()).toContain("Oops:");
    expect(await page.locator("#notes .notes").innerText()).toContain("Seized from web-01");
  });

  it("shows each ground-truth finding once the detectors exist, and says plainly when they do not", async () => {
    const findings = await main!.page.locator("#findings").innerText();
    if (!data.findings.available) {
      expect(findings).toContain("The detectors are not available");
      expect(await main!.page.locator(".glance").innerText()).toContain("Detectors not available");
      return;
    }
    const subjects = data.findings.items.map((f) => JSON.stringify(f.subject) + f.summary);
    for (const decoy of manifest!.decoys.filter((d) => !d.trigger_only)) {
      expect(subjects.some((s) => decoy.pids.some((pid) => s.includes(`"pid":${pid}`)) || s.includes(decoy.name)), decoy.name).toBe(true);
      expect(findings).toContain(decoy.name);
    }
    expect(findings).toContain(manifest!.module.name);
    // The trigger is not a finding of its own.
    const trigger = manifest!.decoys.find((d) => d.trigger_only)!;
    expect(data.findings.items.some((f) => f.subject.kind === "task" && trigger.pids.includes(f.subject.pid))).toBe(false);
  });

  it("saves a screenshot and a PDF print", async () => {
    const page = main!.page;
    await page.screenshot({ path: join(OUTPUT, "report.png") });
    await page.screenshot({ path: join(OUTPUT, "report-full.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ path: join(OUTPUT, "report.pdf"), format: "A4", printBackground: true, preferCSSPageSize: true });
    await page.emulateMedia({ media: "screen" });
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThan(2);
    expect(pages).toBeLessThan(40);
  });

  describe("hostile strings in the dump", () => {
    let hostile: string;
    let withJs: Browser | undefined;
    let noCsp: Browser | undefined;
    let control: Browser | undefined;

    beforeAll(async () => {
      const service = new SessionService(nodeHost());
      const opened = await service.call("open", { dump: fixture("dump.lzo")!, vmlinux: fixture("vmlinux")! });
      const context = service.session!.context as { prog: Program };
      const prog = context.prog;
      const patches = new Map<bigint, bigint | null>();
      const tasks = taskTable(prog).tasks;
      const commOff = BigInt(prog.memberOffset("struct task_struct", "comm")!);
      const byPid = (pid: number) => tasks.find((t) => t.pid === pid)!.address;
      const decoy = manifest!.decoys.find((d) => !d.trigger_only)!;
      const comm = (pid: number, bytes: Uint8Array) => patchBytes(prog, patches, byPid(pid) + commOff, Uint8Array.from([...bytes.subarray(0, 15), 0]));
      comm(decoy.pids[0]!, latin1(HOSTILE.comm));
      comm(1, latin1(HOSTILE.ansiComm));
      comm(manifest!.panic.pid, HOSTILE.badUtf8);
      // A module on the list gets a name that closes an attribute and opens an image.
      const modules = await service.call("modules", {});
      const visible = modules.items.find((m) => !m.hidden)!;
      const nameOff = BigInt(prog.memberOffset("struct module", "name")!);
      patchBytes(prog, patches, BigInt(visible.address) + nameOff, Uint8Array.from([...latin1(HOSTILE.module), 0]));
      // A log record's text, in the printk ring itself.
      const prb = prog.readU64(prog.symbolAddress("prb"));
      const ring = prb + BigInt(prog.memberOffset("struct printk_ringbuffer", "text_data_ring")!);
      const dataAddr = prog.readU64(ring + BigInt(prog.memberOffset("struct prb_data_ring", "data")!));
      const sizeBits = prog.readU32(ring + BigInt(prog.memberOffset("struct prb_data_ring", "size_bits")!));
      const text = new TextDecoder("latin1").decode(prog.read(dataAddr, 1 << sizeBits));
      const at = text.indexOf("Hardware name: ");
      expect(at).toBeGreaterThan(0);
      patchBytes(prog, patches, dataAddr + BigInt(at), latin1(HOSTILE.log));
      context.prog = patchedProgram(prog, patches);
      // A 4,000-character path, longer than any kernel field holds: patched into the files reply.
      const call: Call = (async (method, params, options) => {
        const reply = await service.call(method, params, options);
        if (method === "files") (reply as { items: { path: string }[] }).items.push({ fd: 99, file: "0x1", dentry: "0x2", inode: "0x3", type: "REG", path: `/tmp/${HOSTILE.long}`, deleted: true } as never);
        return reply;
      }) as Call;
      const patched = await buildReportData(call, { opened, tool: { version: "test" }, hashes: { dump: "0".repeat(64), vmlinux: "0".repeat(64) } });
      await service.call("close", {});
      hostile = join(work, "hostile.html");
      const page = renderReportHtml(patched);
      writeFileSync(hostile, page);
      writeFileSync(join(work, "hostile-nocsp.html"), page.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ""));
      withJs = await browse(true, `file://${hostile}`);
      await withJs.page.goto(`file://${hostile}`);
      noCsp = await browse(true, `file://${join(work, "hostile-nocsp.html")}`);
      await noCsp.page.goto(`file://${join(work, "hostile-nocsp.html")}`);
      // The control: the same page with one real (unescaped) payload, to show the listeners would see it.
      const controlPath = join(work, "control.html");
      writeFileSync(controlPath, page.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "").replace("</body>", `${HOSTILE.module}</body>`));
      control = await browse(true, `file://${controlPath}`);
      await control.page.goto(`file://${controlPath}`);
      await control.page.waitForTimeout(500);
    }, 900_000);

    afterAll(async () => {
      await close(withJs);
      await close(noCsp);
      await close(control);
    });

    it("appears as text", async () => {
      const page = withJs!.page;
      const tree = await page.locator("#processes").innerText();
      expect(tree).toContain(HOSTILE.comm);
      expect(tree).toContain("\\x1b[31mANSI\\x1b[0m");
      // The panic thread's own name shows where the thread is named: the summary and its files.
      expect(await page.locator(".glance").innerText()).toContain("ÿþÃ(\\x80\\x9bok");
      expect(await page.locator("#modules").innerText()).toContain(HOSTILE.module);
      expect(await page.locator("#log").innerText()).toContain("</style><script>alert(5)</script>\\x1b[2J");
      expect(await page.locator("#files").innerText()).toContain(HOSTILE.long);
      // The long name wraps instead of widening the page.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      for (const id of ["processes", "modules", "log", "files"]) await page.locator(`#${id}`).screenshot({ path: join(OUTPUT, `hostile-${id}.png`) });
    });

    it("runs nothing and fetches nothing, even with JavaScript on and without its CSP", async () => {
      for (const b of [withJs!, noCsp!]) {
        expect(b.events).toEqual([]);
        expect(b.intercepted).toEqual([]);
        expect(b.requests).toHaveLength(1);
        expect(await b.page.locator("script, img, iframe, object, embed, link, base, form").count()).toBe(0);
        expect(await b.page.locator("style").count()).toBe(1);
        expect(await b.page.evaluate(() => [...document.querySelectorAll("*")].some((e) => [...e.attributes].some((a) => /^on|^style$|^src$/i.test(a.name))))).toBe(false);
      }
      // The listeners are not blind: the one raw payload in the control page fetched its image and ran.
      expect(control!.events).toContain("dialog: 2");
      expect(control!.intercepted.some((u) => u.endsWith("/x"))).toBe(true);
      expect(await control!.page.locator("img").count()).toBe(1);
    });
  });
});
