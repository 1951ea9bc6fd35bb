// VMCOREINFO: the kernel's "KEY=VALUE\n" note (kernel/crash_core.c), found in the ELF note PT_NOTE or in the
// kdump sub-header. Parsed into typed fields; the raw entries stay available for `kdw info --json`.

export interface Vmcoreinfo {
  /** Every entry in order of appearance (duplicates keep the last value in `map`). */
  readonly entries: ReadonlyArray<readonly [string, string]>;
  readonly map: ReadonlyMap<string, string>;
  readonly osrelease?: string;
  readonly buildId?: string;
  readonly pageSize?: number;
  /** KERNELOFFSET: the KASLR slide of the kernel text. */
  readonly kernelOffset?: bigint;
  /** NUMBER(phys_base): signed, as the kernel prints it. */
  readonly physBase?: bigint;
  /** CRASHTIME: seconds since the epoch. */
  readonly crashTime?: number;
  symbol(name: string): bigint | undefined;
  size(name: string): number | undefined;
  offset(typeDotMember: string): number | undefined;
  length(name: string): number | undefined;
  number(name: string): bigint | undefined;
}

const MAX_ENTRIES = 10_000;

function parseHex(v: string): bigint | undefined {
  const t = v.trim().replace(/^0x/i, "");
  return /^[0-9a-f]+$/i.test(t) ? BigInt("0x" + t) : undefined;
}

function parseDec(v: string): bigint | undefined {
  const t = v.trim();
  return /^-?[0-9]+$/.test(t) ? BigInt(t) : undefined;
}

function toSmall(v: bigint | undefined): number | undefined {
  return v !== undefined && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/** Parses the note text. Lines that are not KEY=VALUE are skipped; bytes are kept as latin1. */
export function parseVmcoreinfo(bytes: Uint8Array): Vmcoreinfo {
  let text = "";
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  const entries: [string, string][] = [];
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (entries.length >= MAX_ENTRIES) break;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    entries.push([key, value]);
    map.set(key, value);
  }
  const get = (k: string) => map.get(k);
  const hexOf = (k: string) => {
    const v = get(k);
    return v === undefined ? undefined : parseHex(v);
  };
  const decOf = (k: string) => {
    const v = get(k);
    return v === undefined ? undefined : parseDec(v);
  };
  return {
    entries,
    map,
    osrelease: get("OSRELEASE"),
    buildId: get("BUILD-ID"),
    pageSize: toSmall(decOf("PAGESIZE")),
    kernelOffset: hexOf("KERNELOFFSET"),
    physBase: decOf("NUMBER(phys_base)"),
    crashTime: toSmall(decOf("CRASHTIME")),
    symbol: (name) => hexOf(`SYMBOL(${name})`),
    size: (name) => toSmall(decOf(`SIZE(${name})`)),
    offset: (m) => toSmall(decOf(`OFFSET(${m})`)),
    length: (name) => toSmall(decOf(`LENGTH(${name})`)),
    number: (name) => decOf(`NUMBER(${name})`),
  };
}
