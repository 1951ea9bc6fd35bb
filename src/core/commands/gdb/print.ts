// crash's `p` (gdb's print, with crash's `NAME = ` leader for a bare symbol and -x/-d radix) and `eval`.
// p's value is gdb's text (program/gdb-format), which reads memory as it prints (strings, symbols).
import { KdwError } from "../../io/errors";
import { formatPrint } from "../../program/gdb-format/gdb-format";
import { CommandError, defineCommand } from "../command";
import { operandText } from "../options";
import { valueOptions } from "../shared/type-args";
import { formatEval, formatPrintResult } from "./print-format";
import { Evaluator, valueType } from "../shared/c-expr";

export interface PrintResult {
  /** gdb's value history number ($N). */
  history: number;
  expression: string;
  /** gdb's output: `$N = value` (with crash's `NAME = ` leader for a bare symbol). */
  text: string;
}

export interface EvalResult {
  value: bigint;
}

interface PrintOptions {
  radix?: 10 | 16;
  format?: "x";
  expression: string;
}

export const printCommand = defineCommand({
  name: "p",
  aliases: ["print"],
  summary: "print the value of an expression",
  help: `SYNOPSIS
  p [-x|-d] expression
  p/x expression, p/d expression

DESCRIPTION
  Prints a kernel variable or expression as gdb does: globals, members (a.b, a->b), array elements
  (a[i]), dereferences (*p), addresses (&a), casts ((struct foo *)ADDR) and integer arithmetic. -x prints
  numbers in hexadecimal, -d in decimal (crash's output radix); gdb's p/x prints every scalar, pointer and
  character in hexadecimal (char arrays as arrays of bytes). Each value is numbered ($1, $2, ...) as gdb's value history.`,
  options: { flags: "xd", dashOperands: true },
  parse(args): PrintOptions {
    let radix: 10 | 16 | undefined = args.has("x") ? 16 : args.has("d") ? 10 : undefined;
    let format: "x" | undefined;
    const rest: string[] = [];
    // gdb's format suffix (`p/x`) reaches the command as a word of its own ("/x").
    for (const a of args.operands) {
      if (a === "/x") format = "x";
      else if (a === "/d") radix = 10;
      else if (/^\/[a-z]+$/.test(a)) throw new CommandError("p", `unsupported print format: ${a} (kdw knows /x and /d)`);
      else rest.push(a);
    }
    return { radix, format, expression: operandText("p", rest, "expression") };
  },
  execute(ctx, o): PrintResult {
    const value = new Evaluator(ctx.prog, "p").evaluate(o.expression);
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
    const leader = value.kind === "obj" && value.symbol === o.expression.trim() ? o.expression.trim() : undefined;
    const text = formatPrint(type, bytes, { ...valueOptions(ctx, value.kind === "obj" ? value.obj.address : undefined), history, leader, radix: o.radix, format: o.format });
    return { history, expression: o.expression, text };
  },
  format: formatPrintResult,
});

export const evalCommand = defineCommand({
  name: "eval",
  summary: "evaluate an expression",
  help: `SYNOPSIS
  eval expression

DESCRIPTION
  Evaluates an integer expression (+ - * / % << >> & | ^ ~, parentheses, symbols as their addresses)
  and shows the result in hexadecimal, decimal, octal and binary, as crash does. Numbers with hex
  letters or a 0x prefix are hexadecimal, others decimal.`,
  options: { raw: true },
  parse: (args) => operandText("eval", args.operands, "expression"),
  execute(ctx, text): EvalResult {
    const ev = new Evaluator(ctx.prog, "eval");
    const v = ev.evaluate(text);
    return { value: v.kind === "obj" && v.symbol !== undefined && v.obj.address !== undefined ? v.obj.address : ev.num(v) };
  },
  format: formatEval,
});
