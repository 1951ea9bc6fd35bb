// Type names as crash (through gdb) prints them, and parsing the names a user types (`struct foo *`).
import type { Type, TypeSystem } from "../debuginfo/types";

/** gdb prints DWARF's base type names in their usual C spelling. */
const BASE_NAME_FIXUPS: Record<string, string> = {
  "long unsigned int": "unsigned long",
  "long int": "long",
  "long long unsigned int": "unsigned long long",
  "long long int": "long long",
  "short unsigned int": "unsigned short",
  "short int": "short",
};

export function baseTypeName(name: string): string {
  return BASE_NAME_FIXUPS[name] ?? name;
}

export const VOID: Type = { kind: "void" };

export function pointerTo(target: Type): Type {
  return { kind: "pointer", size: 8, target };
}

/**
 * Resolves a C type name: "struct task_struct", "union foo", "enum pid_type", "unsigned long", "pid_t",
 * with trailing `*`s. Returns undefined when the type is unknown.
 */
export function parseTypeName(types: TypeSystem, text: string): Type | undefined {
  let t = text.trim().replace(/\s+/g, " ");
  let stars = 0;
  while (t.endsWith("*")) {
    stars++;
    t = t.slice(0, -1).trimEnd();
  }
  t = t.replace(/^const /, "").replace(/^volatile /, "");
  let base: Type | undefined;
  const tagged = /^(struct|union|enum) (\S+)$/.exec(t);
  if (tagged) base = types.findType(tagged[2]!, tagged[1] as "struct" | "union" | "enum");
  else if (t === "void") base = VOID;
  else {
    base = types.findType(t, "any");
    if (!base) {
      const dwarfName = Object.entries(BASE_NAME_FIXUPS).find(([, c]) => c === t)?.[0];
      if (dwarfName) base = types.findType(dwarfName, "base");
    }
  }
  if (!base) return undefined;
  for (let i = 0; i < stars; i++) base = pointerTo(base);
  return base;
}
