// crash's number parsing (tools.c): htol/htoll (hexadecimal, an optional 0x), stol/stoll (decimal unless the
// text has hex digits), dtoi (decimal only), and its small evaluator (can_eval, eval_common, calculate):
// "(a op b)" or "a op b" with one operator of + - & | * / % << >> ^ #, each side a symbol or a number
// (decimal bias, an optional k/m/g multiplier, an optional leading ~). Each failure is crash's one line.
import { CommandError } from "../command-error";

const U64 = (1n << 64n) - 1n;
/** LONG_LONG_PRLEN and MAX_HEXADDR_STRLEN on x86_64: 16 hex digits. */
const MAX_HEX_DIGITS = 16;

/** crash's hexadecimal(): hex digits (at least one) and x/X anywhere. */
export function isCrashHex(s: string): boolean {
  return /^[0-9a-fA-FxX]*[0-9a-fA-F][0-9a-fA-FxX]*$/.test(s);
}

/** crash's decimal(): digits only. */
export function isCrashDecimal(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/** htol/htoll: a hexadecimal number (0x optional; x, X and h are skipped, as crash skips them). */
export function htol(command: string, text: string): bigint {
  const s = /^0x/i.test(text) ? text.slice(2) : text;
  if (s.length > MAX_HEX_DIGITS) throw new CommandError(command, `input string too large: "${s}" (${s.length} vs ${MAX_HEX_DIGITS})`);
  let n = 0n;
  for (const c of s) {
    if (c === "x" || c === "X" || c === "h") continue;
    const d = parseInt(c, 16);
    if (Number.isNaN(d)) throw new CommandError(command, `invalid input: "${s}"`);
    n = (n << 4n) | BigInt(d);
  }
  return n;
}

/** stol/stoll: decimal when the text is all digits, else hexadecimal. */
export function stol(command: string, text: string): bigint {
  if (isCrashDecimal(text)) return BigInt(text) & U64;
  if (isCrashHex(text)) return htol(command, text);
  throw new CommandError(command, `not a valid number: ${text}`);
}

/** dtoi: a decimal number. */
export function dtoi(command: string, text: string): number {
  const s = text.replace(/^ +/, "");
  const bad = [...s].findIndex((c) => c < "0" || c > "9");
  if (bad >= 0 || s === "") throw new CommandError(command, `${s}: "${s[bad] ?? ""}" is not a digit 0 - 9`);
  // sscanf("%d") into an unsigned int: values beyond 32 bits wrap as crash's do.
  return Number(BigInt.asUintN(32, BigInt(s)));
}

/** crash's can_eval(): a "(...)" with one pair of parentheses, or an operator with text on both sides. */
export function canEval(s: string): boolean {
  if (s.startsWith("(") && s.endsWith(")") && s.length > 2 && s.split("(").length === 2 && s.split(")").length === 2) return true;
  const op = s.search(/[><+\-&|*/%^]/);
  return op > 0 && op < s.length - 1;
}

/** A side of an expression: a symbol, or a number with crash's calculate() rules. */
function term(symbol: (name: string) => bigint | undefined, text: string): bigint | undefined {
  const sym = symbol(text);
  if (sym !== undefined) return sym;
  let s = text;
  let complement = false;
  if (s.startsWith("~")) {
    complement = true;
    s = s.slice(1);
    const sym2 = symbol(s);
    if (sym2 !== undefined) return ~sym2 & U64;
  }
  let factor = 1n;
  const suffix = s.slice(-1).toLowerCase();
  if (suffix === "k" || suffix === "m" || suffix === "g") {
    s = s.slice(0, -1);
    factor = suffix === "k" ? 1024n : suffix === "m" ? 1n << 20n : 1n << 30n;
  }
  if (!isCrashDecimal(s) && !isCrashHex(s)) return undefined;
  let v: bigint;
  try {
    v = stol("eval", s);
  } catch {
    return undefined;
  }
  v = (v * factor) & U64;
  return complement ? ~v & U64 : v;
}

/**
 * crash's eval(): one operation of two terms, or one term; "invalid expression" otherwise. Arithmetic is
 * modulo 2^64, as crash's unsigned long.
 */
export function crashEval(command: string, text: string, symbol: (name: string) => bigint | undefined): bigint {
  const fail = () => new CommandError(command, `invalid expression: ${text}`);
  let work = text;
  if (text.includes("(") || text.includes(")")) {
    if (!text.startsWith("(") || !text.endsWith(")") || text.indexOf(")") !== text.length - 1) throw fail();
    work = text.slice(1, -1);
    if (work.includes("(") || work.includes(")")) throw fail();
  }
  if (work.startsWith("-")) work = "0" + work;
  const m = /[#><+\-&|*/%^]/.exec(work);
  if (!m) {
    const v = term(symbol, work.trim());
    if (v === undefined) throw fail();
    return v;
  }
  const at = m.index;
  const c = m[0];
  let rightAt = at + 1;
  if (c === "<" || c === ">") {
    if (work[at + 1] !== c) throw fail();
    rightAt = at + 2;
  }
  const left = work.slice(0, at).trim();
  const right = work.slice(rightAt).trim();
  if (!left || !right) throw fail();
  const a = term(symbol, left);
  const b = term(symbol, right);
  if (a === undefined || b === undefined) throw fail();
  switch (c) {
    case "+":
      return (a + b) & U64;
    case "-":
      return (a - b) & U64;
    case "&":
      return a & b;
    case "|":
      return a | b;
    case "*":
      return (a * b) & U64;
    case "/":
      if (b === 0n) throw fail();
      return a / b;
    case "%":
      if (b === 0n) throw fail();
      return a % b;
    case "<":
      return b >= 64n ? 0n : (a << b) & U64;
    case ">":
      return b >= 64n ? 0n : a >> b;
    case "^":
      return a ^ b;
    default: {
      // '#': a to the power b, modulo 2^64, by squaring (at most 64 steps).
      let r = 1n;
      for (let base = a, e = b; e > 0n; e >>= 1n, base = (base * base) & U64) if (e & 1n) r = (r * base) & U64;
      return r;
    }
  }
}
