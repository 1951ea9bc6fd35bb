// The C expressions `p`, `eval`, `struct` and `gdb p` accept: names of globals, `.member`, `->member`, `[i]`,
// `*x`, `&x`, casts `(struct foo *)ADDR`, `sizeof(type)` and `sizeof expr`, integer literals and
// + - * / % << >> & | ^ ~ with C precedence.
// A value is either a typed object in memory (Obj) or a plain 64-bit number.
import { resolveType, sizeOf, type Type } from "../../debuginfo/types";
import { Obj } from "../../program/obj";
import type { Program } from "../../program/program";
import { pointerTo } from "../../program/type-names";
import { CommandError } from "../command-error";

export type Value = { kind: "obj"; obj: Obj; symbol?: string } | { kind: "num"; value: bigint };

type Tok = { t: "num"; v: bigint } | { t: "id"; v: string } | { t: "op"; v: string };

const OPS = ["->", "<<", ">>", "(", ")", "[", "]", ".", "*", "&", "+", "-", "/", "%", "|", "^", "~", "!"];

/** Nesting a user can type: parentheses, unary operators and casts, each a level of the parser's recursion. */
export const MAX_EXPRESSION_DEPTH = 1000;

const NUMBER = /0x[0-9a-f]+|[0-9][0-9a-f]*/iy;
const IDENTIFIER = /[A-Za-z_$][\w$]*/y;

/** The tokens of an expression, read with sticky patterns: one pass, however long the text. */
function lex(cmd: string, text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c >= "0" && c <= "9") {
      NUMBER.lastIndex = i;
      const s = NUMBER.exec(text)![0];
      // Decimal unless 0x or it holds hex letters (crash takes bare hex addresses).
      const v = /^0x/i.test(s) || /[a-f]/i.test(s) ? BigInt(/^0x/i.test(s) ? s : "0x" + s) : BigInt(s);
      if (v > 0xffffffffffffffffn) throw new CommandError(cmd, "Numeric constant too large.");
      out.push({ t: "num", v });
      i += s.length;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const id = IDENTIFIER.exec(text);
    if (id) {
      out.push({ t: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new CommandError(cmd, `invalid expression: ${text.length > 80 ? text.slice(0, 80) + "..." : text}`);
    out.push({ t: "op", v: op });
    i += op.length;
  }
  return out;
}

const U64 = (v: bigint) => BigInt.asUintN(64, v);

export class Evaluator {
  private toks: Tok[] = [];
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly prog: Program,
    private readonly cmd: string,
  ) {}

  evaluate(text: string): Value {
    this.toks = lex(this.cmd, text);
    this.pos = 0;
    this.depth = 0;
    if (this.toks.length === 0) throw new CommandError(this.cmd, "expression required");
    const v = this.binary(0);
    if (this.pos !== this.toks.length) throw new CommandError(this.cmd, `invalid expression: ${text.length > 80 ? text.slice(0, 80) + "..." : text}`);
    return v;
  }

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === "op" && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new CommandError(this.cmd, `expected "${v}"`);
    this.pos++;
  }

  private static readonly PREC: Record<string, number> = { "|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6 };

  /** Enters one level of the parser's recursion, refusing what would nest deeper than a person writes. */
  private nested<T>(f: () => T): T {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw new CommandError(this.cmd, `expression nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private binary(minPrec: number): Value {
    return this.nested(() => this.binaryAt(minPrec));
  }

  private binaryAt(minPrec: number): Value {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t?.t !== "op") return left;
      const prec = Evaluator.PREC[t.v];
      if (prec === undefined || prec <= minPrec) return left;
      this.pos++;
      const right = this.binary(prec);
      left = { kind: "num", value: this.arith(t.v, this.num(left), this.num(right)) };
    }
  }

  private arith(op: string, a: bigint, b: bigint): bigint {
    switch (op) {
      case "+":
        return U64(a + b);
      case "-":
        return U64(a - b);
      case "*":
        return U64(a * b);
      case "/":
      case "%":
        if (b === 0n) throw new CommandError(this.cmd, "divide by zero");
        return op === "/" ? a / b : a % b;
      case "<<":
        return U64(a << (b & 63n));
      case ">>":
        return a >> (b & 63n);
      case "&":
        return a & b;
      case "|":
        return a | b;
      default:
        return a ^ b;
    }
  }

  /** A value as a number: an integer/pointer object's value; an array or struct's address. */
  num(v: Value): bigint {
    if (v.kind === "num") return v.value;
    const t = resolveType(v.obj.type);
    if (t.kind === "array" || t.kind === "struct" || t.kind === "union" || t.kind === "function") {
      if (v.obj.address === undefined) throw new CommandError(this.cmd, "value has no address");
      return v.obj.address;
    }
    return U64(v.obj.value());
  }

  private unary(): Value {
    return this.nested(() => this.unaryAt());
  }

  private unaryAt(): Value {
    if (this.isOp("-")) {
      this.pos++;
      return { kind: "num", value: U64(-this.num(this.unary())) };
    }
    if (this.isOp("~")) {
      this.pos++;
      return { kind: "num", value: U64(~this.num(this.unary())) };
    }
    if (this.isOp("*")) {
      this.pos++;
      const v = this.unary();
      if (v.kind === "num") throw new CommandError(this.cmd, "attempt to take contents of a non-pointer value");
      const t = resolveType(v.obj.type);
      if (t.kind === "array") return { kind: "obj", obj: v.obj.index(0) };
      return { kind: "obj", obj: v.obj.deref() };
    }
    if (this.isOp("&")) {
      this.pos++;
      const v = this.unary();
      if (v.kind === "num" || v.obj.address === undefined) throw new CommandError(this.cmd, "attempt to take address of value not located in memory");
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, v.obj.address, true);
      return { kind: "obj", obj: new Obj(this.prog, pointerTo(v.obj.type), undefined, bytes) };
    }
    const t = this.peek();
    if (t?.t === "id" && t.v === "sizeof" && !this.prog.hasSymbol("sizeof")) {
      this.pos++;
      if (this.isOp("(") && this.isCast()) {
        this.expectOp("(");
        const type = this.typeName();
        this.expectOp(")");
        return { kind: "num", value: BigInt(sizeOf(type)) };
      }
      const v = this.unary();
      return { kind: "num", value: v.kind === "num" ? 8n : BigInt(sizeOf(v.obj.type)) };
    }
    if (this.isOp("(") && this.isCast()) return this.cast();
    return this.postfix(this.primary());
  }

  /** `(struct foo *)`, `(unsigned long)`: a parenthesis that starts with a type name. */
  private isCast(): boolean {
    const t = this.toks[this.pos + 1];
    if (t?.t !== "id") return false;
    if (["struct", "union", "enum", "unsigned", "signed", "const"].includes(t.v)) return true;
    return !this.prog.hasSymbol(t.v) && this.prog.findType(t.v) !== undefined;
  }

  /** The type named by the words up to the next `)`: `struct foo *`, `unsigned long`. */
  private typeName(): Type {
    const words: string[] = [];
    while (this.peek() && !this.isOp(")")) {
      const t = this.toks[this.pos++]!;
      words.push(t.t === "num" ? t.v.toString() : t.v);
    }
    const typeName = words.join(" ").replace(/ \*/g, "*").replace(/\*/g, " *").trim();
    const type = this.prog.findType(typeName);
    if (!type) throw new CommandError(this.cmd, `no type named ${typeName}`);
    return type;
  }

  private cast(): Value {
    this.expectOp("(");
    const type = this.typeName();
    this.expectOp(")");
    const v = this.unary();
    const n = this.num(v);
    const size = sizeOf(type);
    const bytes = new Uint8Array(Math.max(size, 8));
    new DataView(bytes.buffer).setBigUint64(0, n, true);
    if (resolveType(type).kind === "pointer" || size <= 8) return { kind: "obj", obj: new Obj(this.prog, type, undefined, bytes.subarray(0, size)) };
    return { kind: "obj", obj: new Obj(this.prog, type, n) };
  }

  private primary(): Value {
    const t = this.toks[this.pos++];
    if (!t) throw new CommandError(this.cmd, "incomplete expression");
    if (t.t === "num") return { kind: "num", value: t.v };
    if (t.t === "op" && t.v === "(") {
      const v = this.binary(0);
      this.expectOp(")");
      return v;
    }
    if (t.t === "id") {
      const enumerator = this.prog.types.findEnumerator(t.v);
      if (!this.prog.hasSymbol(t.v) && enumerator) return { kind: "num", value: U64(enumerator.value) };
      if (!this.prog.hasSymbol(t.v)) throw new CommandError(this.cmd, `No symbol "${t.v}" in current context.`);
      const type = this.prog.declaredType(t.v);
      const addr = this.prog.symbolAddress(t.v);
      if (!type) throw new CommandError(this.cmd, `'${t.v}' has unknown type; cast it to its declared type${this.prog.noDwarf ? ` (a global's type needs DWARF: ${this.prog.noDwarf})` : ""}`);
      return { kind: "obj", obj: new Obj(this.prog, type, addr), symbol: t.v };
    }
    throw new CommandError(this.cmd, `unexpected "${t.v}"`);
  }

  private postfix(v: Value): Value {
    let cur = v;
    for (;;) {
      if (this.isOp(".") || this.isOp("->")) {
        this.pos++;
        const name = this.toks[this.pos++];
        if (name?.t !== "id") throw new CommandError(this.cmd, "member name expected");
        if (cur.kind === "num") throw new CommandError(this.cmd, `attempt to extract a component of a value that is not a structure`);
        cur = { kind: "obj", obj: cur.obj.member(name.v) };
      } else if (this.isOp("[")) {
        this.pos++;
        const idx = this.num(this.binary(0));
        this.expectOp("]");
        if (cur.kind === "num") throw new CommandError(this.cmd, "cannot subscript something that is not an array or pointer");
        cur = { kind: "obj", obj: cur.obj.index(Number(idx)) };
      } else return cur;
    }
  }
}

/** The type a value is printed with: an object's own type, or `long` for a bare number. */
export function valueType(prog: Program, v: Value): Type {
  if (v.kind === "obj") return v.obj.type;
  return prog.findType("long") ?? prog.type("long int");
}
