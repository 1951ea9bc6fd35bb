// Node built-in modules loaded when first needed. Each costs a start-up a few milliseconds to compile
// (child_process, worker_threads, crypto: 5-6 ms each on a 2-core VM), and a console script that runs
// `sys` needs none of them: a pipe to a shell, the DWARF index's threads, the interactive prompt do.
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

/** The module `name` (a `node:` built-in), required on the first call of the returned function. */
export function lazyBuiltin<T>(name: string): () => T {
  let module: T | undefined;
  return () => (module ??= load(name) as T);
}
