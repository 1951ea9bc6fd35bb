// Symbols and types: the symbol an address falls in (core kernel, listed modules, and modules found only in
// the module address tree or sysfs — hidden ones named as such), symbols by name, a struct's layout.
import type { CommandContext } from "../../commands/command";
import { moduleSymbolHit, moduleSymbolNamed } from "../../kernel/modules/module-symbols";
import { lookupTypeArg } from "../../commands/shared/type-args";
import { formatTypeName } from "../../program/gdb-format/type";
import { resolveType, sizeOf, type Type } from "../../debuginfo/types";
import type { KernelSymbol } from "../../debuginfo/symbols";
import type { LayoutMember, LayoutReply, LookupReply, SymbolAtReply, SymbolInfo } from "../contract";
import { hex, NotFoundError, parseHex } from "../problems";
import { isHiddenModule } from "./modules";
import { moduleRegionAt } from "../../kernel/modules/symbols";

function info(s: KernelSymbol, module?: string, hidden?: boolean): SymbolInfo {
  const out: SymbolInfo = { name: s.name, address: hex(s.address), type: s.type };
  if (s.size !== undefined) out.size = s.size;
  if (module !== undefined) out.module = module;
  if (hidden) out.hiddenModule = true;
  return out;
}

/** Is `address` inside the kernel image (where the core symbol table answers)? */
function inKernelImage(ctx: CommandContext, address: bigint): boolean {
  const first = ctx.symbols.count ? ctx.symbols.at(0).address : 0n;
  const end = ctx.prog.symbols.addressOf("_end") ?? ctx.prog.symbols.addressOf("__bss_stop");
  return address >= first && (end === undefined || address < end);
}

export function symbolAt(ctx: CommandContext, address: bigint, withLine = false): SymbolAtReply {
  const reply: SymbolAtReply = { address: hex(address) };
  if (inKernelImage(ctx, address)) {
    const at = ctx.symbols.symbolAt(address);
    if (at) {
      reply.symbol = info(at.symbol);
      reply.offset = at.offset;
      const line = withLine ? ctx.lineAt?.(address) : undefined;
      if (line) reply.line = line;
      return reply;
    }
  }
  const mod = moduleSymbolHit(ctx, address);
  if (mod) {
    const region = moduleRegionAt(ctx.prog, address);
    reply.symbol = info(mod.symbol, mod.module, region !== undefined && isHiddenModule(ctx.prog, region.module));
    reply.offset = mod.offset;
    // Module lines come from debuginfo loaded with mod -s only (never the vmlinux's tables).
    const line = withLine && mod.loaded ? ctx.lineAt?.(address) : undefined;
    if (line) reply.line = line;
    return reply;
  }
  return reply;
}

export function lookup(ctx: CommandContext, name: string, limit = 100): LookupReply {
  const out: SymbolInfo[] = ctx.symbols.lookupAll(name).map((s) => info(s));
  const mod = moduleSymbolNamed(ctx, name);
  if (mod) {
    const region = moduleRegionAt(ctx.prog, mod.symbol.address);
    out.push(info(mod.symbol, mod.module, region !== undefined && isHiddenModule(ctx.prog, region.module)));
  }
  return { symbols: out.slice(0, limit) };
}

/** An address or a symbol name (with an optional +offset), as the contract's targets are written. */
export function resolveTarget(ctx: CommandContext, target: string): bigint {
  const t = target.trim();
  if (/^(0x)?[0-9a-fA-F]{1,16}$/.test(t) && !ctx.symbols.lookup(t)) return parseHex(t);
  const m = /^([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-fA-F]+|\d+))?$/.exec(t);
  if (!m) throw new NotFoundError(`not an address or a symbol: ${target}`);
  const found = lookup(ctx, m[1]!, 1).symbols[0];
  if (!found) throw new NotFoundError(`symbol not found: ${m[1]}`);
  return parseHex(found.address) + (m[2] ? BigInt(m[2]) : 0n);
}

const KIND: Record<string, LayoutReply["kind"]> = { struct: "struct", union: "union", enum: "enum", typedef: "typedef", int: "base", float: "base", void: "base", pointer: "pointer", array: "array", function: "function", qualified: "typedef" };

export function layout(ctx: CommandContext, name: string, structText: (name: string) => string): LayoutReply {
  if (!/^((struct|union|enum)\s+)?[A-Za-z_]\w*$/.test(name.trim())) throw new NotFoundError(`not a type name: ${name}`);
  const type = lookupTypeArg(ctx.prog, name.trim());
  if (!type) throw new NotFoundError(`no type named ${name}`);
  const resolved = resolveType(type);
  const members: LayoutMember[] = [];
  if (resolved.kind === "struct" || resolved.kind === "union") flatten(resolved.members, 0, "", members);
  return { name: name.trim(), kind: KIND[type.kind] ?? "base", size: sizeOf(type), members, text: resolved.kind === "struct" || resolved.kind === "union" ? structText(name.trim()) : "" };
}

/** Members in offset order; anonymous structs and unions are opened in place, as `struct -o` shows them. */
function flatten(list: readonly { name?: string; type: Type; bitOffset: number; bitSize?: number }[], base: number, prefix: string, out: LayoutMember[], depth = 0): void {
  for (const m of list) {
    const bitOffset = base + m.bitOffset;
    const r = resolveType(m.type);
    if (m.name === undefined && (r.kind === "struct" || r.kind === "union") && depth < 16) {
      flatten(r.members, bitOffset, prefix, out, depth + 1);
      continue;
    }
    const row: LayoutMember = { name: prefix + (m.name ?? ""), offset: Math.floor(bitOffset / 8), size: sizeOf(m.type), type: formatTypeName(m.type) };
    if (m.bitSize !== undefined) {
      row.bitOffset = bitOffset % 8;
      row.bitSize = m.bitSize;
    }
    out.push(row);
  }
}
