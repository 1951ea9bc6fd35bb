// C type names and definitions as gdb 10 prints them (gdb/c-typeprint.c: c_print_type_1,
// c_type_print_base_struct_union, c_type_print_varspec_prefix/suffix, c_type_print_modifier,
// c_type_print_args). `show` is gdb's: > 0 expands the named type itself, 0 expands only anonymous
// structs/unions/enums, < 0 shows anonymous ones as `struct {...}`.
import type { EnumType, FunctionType, StructType, Type } from "../../debuginfo/types";
import { baseTypeName } from "../type-names";

type CoreType = Exclude<Type, { kind: "const" | "volatile" | "restrict" | "atomic" }>;

interface Qualifiers {
  const: boolean;
  volatile: boolean;
  restrict: boolean;
  atomic: boolean;
}

/** Bounds the walk through qualifier chains and the nesting of printed types (hostile debug info). */
const MAX_CHAIN = 64;
const MAX_NESTING = 32;

/** gdb keeps qualifiers as flags on a type; ours are wrapper nodes: collect them. */
export function peelQualifiers(t: Type): { q: Qualifiers; core: CoreType } {
  const q: Qualifiers = { const: false, volatile: false, restrict: false, atomic: false };
  let cur: Type = t;
  for (let i = 0; i < MAX_CHAIN; i++) {
    switch (cur.kind) {
      case "const":
        q.const = true;
        cur = cur.target;
        continue;
      case "volatile":
        q.volatile = true;
        cur = cur.target;
        continue;
      case "restrict":
        q.restrict = true;
        cur = cur.target;
        continue;
      case "atomic":
        q.atomic = true;
        cur = cur.target;
        continue;
      default:
        return { q, core: cur };
    }
  }
  return { q, core: { kind: "void" } };
}

function modifiers(q: Qualifiers, needPreSpace: boolean, needPostSpace: boolean): string {
  const words: string[] = [];
  if (q.const) words.push("const");
  if (q.volatile) words.push("volatile");
  if (q.restrict) words.push("restrict");
  if (q.atomic) words.push("_Atomic");
  if (words.length === 0) return "";
  return (needPreSpace ? " " : "") + words.join(" ") + (needPostSpace ? " " : "");
}

/** The name gdb knows a type by, if it has one (pointers, arrays and functions have none). */
function typeName(core: CoreType): string | undefined {
  switch (core.kind) {
    case "void":
      return "void";
    case "int":
    case "float":
      return baseTypeName(core.name);
    case "typedef":
      return core.name;
    case "struct":
    case "union":
    case "enum":
      return core.name;
    default:
      return undefined;
  }
}

function tagKeyword(core: CoreType): string {
  return core.kind === "struct" ? "struct " : core.kind === "union" ? "union " : core.kind === "enum" ? "enum " : "";
}

function spaces(n: number): string {
  return " ".repeat(n);
}

interface Printer {
  depth: number;
}

function printBase(p: Printer, t: Type, show: number, level: number): string {
  if (p.depth > MAX_NESTING) return "...";
  const { q, core } = peelQualifiers(t);
  const name = typeName(core);
  if (show <= 0 && name !== undefined) return modifiers(q, false, true) + tagKeyword(core) + name;
  const inner = (next: Type): string => {
    p.depth++;
    try {
      return printBase(p, next, show, level);
    } finally {
      p.depth--;
    }
  };
  switch (core.kind) {
    case "pointer":
      return inner(core.target);
    case "array":
      return inner(core.element);
    case "function":
      return inner(core.returnType);
    case "typedef":
      return inner(core.target);
    case "struct":
    case "union":
      return modifiers(q, false, true) + printStructBody(p, core, show, level);
    case "enum":
      return modifiers(q, false, true) + printEnumBody(core, show);
    default:
      return modifiers(q, false, true) + (name ?? "");
  }
}

function printStructBody(p: Printer, s: StructType, show: number, level: number): string {
  let out = s.kind === "union" ? "union " : "struct ";
  if (s.name !== undefined) out += s.name + (show > 0 ? " " : "");
  if (show < 0) return s.name === undefined ? out + "{...}" : out;
  if (show === 0 && s.name !== undefined) return out;
  out += "{\n";
  if (s.members.length === 0) out += spaces(level + 4) + (s.declaration ? "<incomplete type>" : "<no data fields>") + "\n";
  p.depth++;
  for (const m of s.members) {
    out += spaces(level + 4) + printTypeWith(p, m.type, m.name ?? "", show - 1, level + 4);
    if (m.bitSize !== undefined) out += ` : ${m.bitSize}`;
    out += ";\n";
  }
  p.depth--;
  return out + spaces(level) + "}";
}

function printEnumBody(e: EnumType, show: number): string {
  let out = "enum ";
  if (e.name !== undefined) out += e.name + (show > 0 ? " " : "");
  if (show < 0) return e.name === undefined ? out + "{...}" : out;
  if (show === 0 && e.name !== undefined) return out;
  // gdb writes a value only where it is not the previous one plus one.
  let last = 0n;
  const parts = e.enumerators.map((en) => {
    let s = en.name;
    if (en.value !== last) {
      s += ` = ${en.value}`;
      last = en.value;
    }
    last++;
    return s;
  });
  return out + "{" + parts.join(", ") + "}";
}

function printPrefix(p: Printer, t: Type, show: number, passedPtr: boolean, needPostSpace: boolean): string {
  if (p.depth > MAX_NESTING) return "";
  const { q, core } = peelQualifiers(t);
  if (typeName(core) !== undefined && show <= 0) return "";
  p.depth++;
  try {
    switch (core.kind) {
      case "pointer":
        return printPrefix(p, core.target, show, true, true) + "*" + modifiers(q, true, needPostSpace);
      case "function":
        return printPrefix(p, core.returnType, show, false, false) + (passedPtr ? "(" : "");
      case "array":
        return printPrefix(p, core.element, show, false, needPostSpace) + (passedPtr ? "(" : "");
      case "typedef":
        return printPrefix(p, core.target, show, passedPtr, false);
      default:
        return "";
    }
  } finally {
    p.depth--;
  }
}

function printArgs(p: Printer, f: FunctionType): string {
  const args = f.params.map((param) => printTypeWith(p, param.type, "", -1, 0));
  if (args.length > 0 && f.variadic) args.push("...");
  // BTF and DWARF prototypes are prototyped: an empty list is `(void)`.
  if (args.length === 0) args.push("void");
  return "(" + args.join(", ") + ")";
}

function printSuffix(p: Printer, t: Type, show: number, passedPtr: boolean): string {
  if (p.depth > MAX_NESTING) return "";
  const { core } = peelQualifiers(t);
  if (typeName(core) !== undefined && show <= 0) return "";
  p.depth++;
  try {
    switch (core.kind) {
      case "array":
        return (passedPtr ? ")" : "") + "[" + (core.count ?? "") + "]" + printSuffix(p, core.element, show, false);
      case "pointer":
        return printSuffix(p, core.target, show, true);
      case "function":
        return (passedPtr ? ")" : "") + printArgs(p, core) + printSuffix(p, core.returnType, show, passedPtr);
      case "typedef":
        return printSuffix(p, core.target, show, passedPtr);
      default:
        return "";
    }
  } finally {
    p.depth--;
  }
}

function printTypeWith(p: Printer, t: Type, varName: string, show: number, level: number): string {
  let shown = t;
  if (show > 0) {
    // check_typedef: ptype of a typedef shows what it names (qualifiers kept).
    const { core } = peelQualifiers(t);
    if (core.kind === "typedef") shown = stripTypedefs(t);
  }
  const { core } = peelQualifiers(shown);
  let out = printBase(p, shown, show, level);
  const derived = core.kind === "pointer" || core.kind === "function" || core.kind === "array";
  if (varName !== "" || ((show > 0 || typeName(core) === undefined) && derived)) out += " ";
  out += printPrefix(p, shown, show, false, varName !== "");
  out += varName;
  out += printSuffix(p, shown, show, false);
  return out;
}

/** Follows typedefs under qualifiers, keeping the qualifiers (gdb's check_typedef keeps instance flags). */
function stripTypedefs(t: Type): Type {
  let { q, core } = peelQualifiers(t);
  for (let i = 0; i < MAX_CHAIN && core.kind === "typedef"; i++) {
    const next = peelQualifiers(core.target);
    q = { const: q.const || next.q.const, volatile: q.volatile || next.q.volatile, restrict: q.restrict || next.q.restrict, atomic: q.atomic || next.q.atomic };
    core = next.core;
  }
  let out: Type = core;
  if (q.atomic) out = { kind: "atomic", target: out };
  if (q.restrict) out = { kind: "restrict", target: out };
  if (q.volatile) out = { kind: "volatile", target: out };
  if (q.const) out = { kind: "const", target: out };
  return out;
}

/**
 * gdb's c_print_type: `formatType(t)` is the type's name as `whatis` shows it (`struct list_head *`,
 * `void (*)(struct callback_head *)`, `unsigned long [3]`); with `varName`, a declaration
 * (`unsigned long numa_faults_locality[3]`); `show` 1 expands the type itself as `ptype` does.
 */
export function formatType(t: Type, varName = "", show = -1, level = 0): string {
  return printTypeWith({ depth: 0 }, t, varName, show, level);
}

/** The name of a type for messages and `(struct task_struct *) 0x...` prefixes: gdb's type_print(show -1). */
export function formatTypeName(t: Type): string {
  return formatType(t, "", -1, 0);
}
