// crash's `p` (gdb's print, with crash's `NAME = ` leader for a bare symbol and -x/-d radix) and `eval`.
import { KdwError } from "../../io/errors";
import { CommandError, type Command } from "../command";
import { Evaluator, valueType } from "./print-expr";
import { formatPrint } from "../../program/gdb-format/gdb-format";
import { valueOptions } from "./types";

export const printCommand: Command = {
  name: "p",
  aliases: ["print"],
  summary: "print the value of an expression",
  help: `NAME
  p - print the value of an expression

SYNOPSIS
  p [-x|-d] expression
  p/x expression, p/d expression

DESCRIPTION
  Prints a kernel variable or expression as gdb does: globals, members (a.b, a->b), array elements
  (a[i]), dereferences (*p), addresses (&a), casts ((struct foo *)ADDR) and integer arithmetic. -x prints
  numbers in hexadecimal, -d in decimal (crash's output radix); gdb's p/x prints every scalar, pointer and
  character in hexadecimal (char arrays as arrays of bytes). Each value is numbered ($1, $2, ...) as gdb's value history.`,
  run(ctx, args) {
    let radix: 10 | 16 | undefined;
    let format: "x" | undefined;
    const rest: string[] = [];
    for (const a of args) {
      if (a === "-x") radix = 16;
      else if (a === "-d") radix = 10;
      else if (a === "/x") format = "x";
      else if (a === "/d") radix = 10;
      else if (/^\/[a-z]+$/.test(a)) throw new CommandError("p", `unsupported print format: ${a} (kdw knows /x and /d)`);
      else rest.push(a);
    }
    const text = rest.join(" ");
    if (!text) throw new CommandError("p", "expression required");
    const value = new Evaluator(ctx.prog, "p").evaluate(text);
    const type = valueType(ctx.prog, value);
    let bytes: Uint8Array;
    if (value.kind === "num") {
      bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, value.value, true);
    } else {
      try {
        bytes = value.obj.bytes();
      } catch (err) {
        if (err instanceof KdwError) throw new CommandError("p", `Cannot access memory at address 0x${(value.obj.address ?? 0n).toString(16)}`);
        throw err;
      }
    }
    const history = ++ctx.state.valueHistory;
    const leader = value.kind === "obj" && value.symbol === text.trim() ? text.trim() : undefined;
    const out = formatPrint(type, bytes, { ...valueOptions(ctx, value.kind === "obj" ? value.obj.address : undefined), history, leader, radix, format });
    return { data: { history, text }, text: out };
  },
};

function sizeSuffix(n: bigint): string {
  const KB = 1024n;
  if (n < KB) return "";
  if (n % (KB * KB * KB) === 0n) return `(${n / (KB * KB * KB)}GB)`;
  if (n % (KB * KB) === 0n) return `(${n / (KB * KB)}MB)`;
  if (n % KB === 0n) return `(${n / KB}KB)`;
  return "";
}

export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate an expression",
  help: `NAME
  eval - evaluate an expression

SYNOPSIS
  eval expression

DESCRIPTION
  Evaluates an integer expression (+ - * / % << >> & | ^ ~, parentheses, symbols as their addresses)
  and shows the result in hexadecimal, decimal, octal and binary, as crash does. Numbers with hex
  letters or a 0x prefix are hexadecimal, others decimal.`,
  run(ctx, args) {
    const text = args.join(" ");
    if (!text) throw new CommandError("eval", "expression required");
    const ev = new Evaluator(ctx.prog, "eval");
    const v = ev.evaluate(text);
    const n = v.kind === "obj" && v.symbol !== undefined && v.obj.address !== undefined ? v.obj.address : ev.num(v);
    const signed = BigInt.asIntN(64, n);
    const out =
      `hexadecimal: ${n.toString(16)}  ${sizeSuffix(n)}\n` +
      `    decimal: ${n.toString()}  ${signed < 0n ? `(${signed})` : ""}\n` +
      `      octal: ${n.toString(8)}\n` +
      `     binary: ${n.toString(2).padStart(64, "0")}\n`;
    return { data: { value: n }, text: out };
  },
};
