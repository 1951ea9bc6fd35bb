// Addresses as the user types them (hex, with or without 0x, or a symbol name, optionally +offset) and
// values as crash shows them (symbol+offset).
import { moduleKallsymsAt } from "../../kernel/modules/module-symbols";
import { CommandError, type CommandContext } from "../command";
import { escapeControl } from "./escape";

/** crash's hexadecimal() test: all hex digits, optional 0x. */
export function isHexAddress(text: string): boolean {
  return /^(0x)?[0-9a-f]+$/i.test(text);
}

export function parseHex(text: string): bigint {
  return BigInt("0x" + text.replace(/^0x/i, ""));
}

/** A hex address, or `symbol[+offset]`. A name that is both (e.g. "add") is taken as a symbol when one exists. */
export function resolveAddress(ctx: CommandContext, command: string, text: string): bigint {
  const m = /^([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-f]+|\d+))?$/i.exec(text);
  if (m) {
    const addr = ctx.prog.symbols.addressOf(m[1]!);
    if (addr !== undefined) return addr + (m[2] ? BigInt(m[2]) : 0n);
  }
  if (isHexAddress(text)) return parseHex(text);
  throw new CommandError(command, `symbol not found: ${text}`);
}

/** `symbol+offset` for a value inside the kernel's symbol range (rd -s, struct pointers), else undefined. */
export function symbolizeValue(ctx: CommandContext, value: bigint): string | undefined {
  const at = ctx.symbols.symbolAt(value);
  if (!at) return undefined;
  return at.offset ? `${at.symbol.name}+${at.offset}` : at.symbol.name;
}

/** crash's value_to_symstr: "name" or "name+0xoff" (a kernel or module symbol); "" when none covers it. */
export function valueToSymstr(ctx: CommandContext, addr: bigint): string {
  const at = ctx.symbols.symbolAt(addr);
  const hit = at ? { name: at.symbol.name, offset: BigInt(at.offset) } : moduleKallsymsAt(ctx.prog, addr);
  if (!hit) return "";
  const name = escapeControl(hit.name);
  return hit.offset ? `${name}+0x${hit.offset.toString(16)}` : name;
}

/** crash's is_kernel_text for the core kernel: _stext <= addr < _etext. */
export function isKernelText(ctx: CommandContext, addr: bigint): boolean {
  const lo = ctx.prog.symbols.addressOf("_stext");
  const hi = ctx.prog.symbols.addressOf("_etext");
  return lo !== undefined && hi !== undefined && addr >= lo && addr < hi;
}
