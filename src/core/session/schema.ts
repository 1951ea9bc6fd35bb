// The contract's params, checked at every boundary (worker, IPC, HTTP) with valibot: a small, dependency-free
// schema library whose checks are plain functions (no code generation, no eval), so it runs in the core, in
// Electron's main process and in the browser alike. One schema per method; a request that fails its schema
// is answered with a "bad-request" Problem and never reaches the Session.
import * as v from "valibot";
import type { MethodName, Params, Problem } from "./contract";

export const CONTRACT_VERSION = 1 as const;

/** Longest string any param may hold (a console line, a path, a symbol name). */
export const MAX_STRING = 16_384;
/** Most bytes one readMemory request may ask for. */
export const MAX_READ = 1 << 20;
/** Most matches one search returns, and most values or strings it looks for (crash's MAXARGS). */
export const MAX_SEARCH_LIMIT = 100_000;
export const MAX_SEARCH_VALUES = 100;

const text = v.pipe(v.string(), v.maxLength(MAX_STRING));
const hex = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{1,16}$/, "an address as 0x followed by 1-16 hex digits")) as v.GenericSchema<`0x${string}`>;
const pid = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0x3fffffff));
const count = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));
const none = v.strictObject({});
const taskRef = v.union([v.strictObject({ pid }), v.strictObject({ task: hex })]);
const severity = v.picklist(["info", "low", "medium", "high", "critical"]);

/**
 * Each method's schema, built when the method is first called (paramSchema): building all 33 was ~5 ms of
 * every start, and a console script calls two.
 */
const builders: { [M in MethodName]: () => v.GenericSchema<unknown, Params<M>> } = {
  hello: () => none,
  open: () => v.strictObject({ dump: text, vmlinux: v.optional(text), force: v.optional(v.boolean()), src: v.optional(text), dumpOnly: v.optional(v.boolean()) }),
  close: () => none,
  info: () => v.strictObject({ hash: v.optional(v.boolean()) }),
  sys: () => none,
  tasks: () => v.strictObject({ offset: v.optional(count(1 << 24)), limit: v.optional(count(10_000)), pids: v.optional(v.pipe(v.array(pid), v.maxLength(10_000))) }),
  task: () => taskRef,
  backtrace: () => v.strictObject({ pid: v.optional(pid), task: v.optional(hex), lines: v.optional(v.boolean()) }),
  modules: () => none,
  log: () => v.strictObject({ offset: v.optional(count(1 << 24)), limit: v.optional(count(100_000)) }),
  files: () => taskRef,
  vm: () => taskRef,
  net: () => taskRef,
  readMemory: () => v.strictObject({ space: v.picklist(["kernel", "physical", "user"]), address: hex, length: count(MAX_READ), pid: v.optional(pid) }),
  search: () => v.strictObject({
    space: v.optional(v.picklist(["kernel", "physical", "user", "stacks", "active-stacks"])),
    kernelRanges: v.optional(v.picklist(["all", "unity", "vmalloc"])),
    values: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(512))), v.maxLength(MAX_SEARCH_VALUES))),
    strings: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(1500))), v.maxLength(MAX_SEARCH_VALUES))),
    width: v.optional(v.picklist([8, 4, 2])),
    mask: v.optional(hex),
    start: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
    end: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
    length: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER))),
    pid: v.optional(pid),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_SEARCH_LIMIT))),
  }),
  symbolAt: () => v.strictObject({ address: hex, lines: v.optional(v.boolean()) }),
  lookup: () => v.strictObject({ name: v.pipe(v.string(), v.minLength(1), v.maxLength(512)), limit: v.optional(count(1000)) }),
  layout: () => v.strictObject({ type: v.pipe(v.string(), v.minLength(1), v.maxLength(512)) }),
  disassemble: () => v.strictObject({ target: v.pipe(v.string(), v.minLength(1), v.maxLength(512)), count: v.optional(count(4096)), lines: v.optional(v.boolean()) }),
  source: () => v.strictObject({ address: v.optional(hex), file: v.optional(text), line: v.optional(count(1 << 24)), context: v.optional(count(500)) }),
  console: () => v.strictObject({ line: text, data: v.optional(v.boolean()) }),
  complete: () => v.strictObject({ line: text, cursor: v.optional(count(MAX_STRING)) }),
  findings: () => v.strictObject({ minSeverity: v.optional(severity) }),
  hooks: () => none,
  slabCaches: () => v.strictObject({ name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))) }),
  vmallocAreas: () => none,
  bpf: () => none,
};

export const METHOD_NAMES = Object.keys(builders) as MethodName[];

const built = new Map<MethodName, v.GenericSchema>();

/** The method's schema, built on its first call. */
function paramSchema<M extends MethodName>(method: M): v.GenericSchema<unknown, Params<M>> {
  let schema = built.get(method);
  if (schema === undefined) built.set(method, (schema = builders[method]()));
  return schema as v.GenericSchema<unknown, Params<M>>;
}

export function isMethod(name: unknown): name is MethodName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(builders, name);
}

/** The params when they match the method's schema, else the Problem to answer with. */
export function checkParams<M extends MethodName>(method: M, params: unknown): { ok: true; params: Params<M> } | { ok: false; problem: Problem } {
  const result = v.safeParse(paramSchema(method), params ?? {});
  if (result.success) return { ok: true, params: result.output as Params<M> };
  const issue = result.issues[0];
  const where = issue ? v.getDotPath(issue) : null;
  return { ok: false, problem: { code: "bad-request", message: `${method}: ${where ? `${where}: ` : ""}${issue?.message ?? "invalid params"}` } };
}
