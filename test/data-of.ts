// A command's typed result in a test: the `data` of a console line or a command's output, present (and of
// the kind asked for, for commands with several kinds of result), else the test fails here.

export function dataOf<T>(data: T | undefined): T;
export function dataOf<T extends { kind: string }, K extends T["kind"]>(data: T | undefined, kind: K): Extract<T, { kind: K }>;
export function dataOf<T>(data: T | undefined, kind?: string): T {
  if (data === undefined) throw new Error("the command returned no data (it failed)");
  const actual = (data as { kind?: unknown }).kind;
  if (kind !== undefined && actual !== kind) throw new Error(`expected a ${kind} result, got ${String(actual)}`);
  return data;
}
