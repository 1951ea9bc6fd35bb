// p prints gdb's text; eval shows its value in hexadecimal, decimal, octal and binary, as crash does.
import type { EvalResult, PrintResult } from "./print";

export function formatPrintResult(r: PrintResult): string {
  return r.text;
}

function sizeSuffix(n: bigint): string {
  const KB = 1024n;
  if (n < KB) return "";
  if (n % (KB * KB * KB) === 0n) return `(${n / (KB * KB * KB)}GB)`;
  if (n % (KB * KB) === 0n) return `(${n / (KB * KB)}MB)`;
  if (n % KB === 0n) return `(${n / KB}KB)`;
  return "";
}

export function formatEval(r: EvalResult): string {
  const n = r.value;
  const signed = BigInt.asIntN(64, n);
  return (
    `hexadecimal: ${n.toString(16)}  ${sizeSuffix(n)}\n` +
    `    decimal: ${n.toString()}  ${signed < 0n ? `(${signed})` : ""}\n` +
    `      octal: ${n.toString(8)}\n` +
    `     binary: ${n.toString(2).padStart(64, "0")}\n`
  );
}
