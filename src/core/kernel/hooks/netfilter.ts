// Netfilter hooks (net/netfilter/core.c, 4.16+): each network namespace keeps, per protocol family and hook
// point, a struct nf_hook_entries { u16 num_hook_entries; struct nf_hook_entry hooks[]; } with
// nf_hook_entry { nf_hookfn *hook; void *priv; } — net.nf.hooks_ipv4[NF_INET_NUMHOOKS], hooks_ipv6,
// hooks_arp[NF_ARP_NUMHOOKS], hooks_bridge (volatility3's netfilter plugin). Namespaces come from
// net_namespace_list (init_net alone when that cannot be walked). Bounded.
import { resolveType } from "../../debuginfo/types";
import { KdwError, WalkAborted } from "../../io/errors";
import { listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";
import { optionalType } from "../../program/optional-types";
import { MAX_HOOKS, type HookSite } from "./site";

const INET_HOOKS = ["PRE_ROUTING", "LOCAL_IN", "FORWARD", "LOCAL_OUT", "POST_ROUTING"];
const FAMILIES: readonly { member: string; family: string; hooks: readonly string[] }[] = [
  { member: "hooks_ipv4", family: "ipv4", hooks: INET_HOOKS },
  { member: "hooks_ipv6", family: "ipv6", hooks: INET_HOOKS },
  { member: "hooks_arp", family: "arp", hooks: ["IN", "OUT", "FORWARD"] },
  { member: "hooks_bridge", family: "bridge", hooks: INET_HOOKS },
  { member: "hooks_decnet", family: "decnet", hooks: ["PRE_ROUTING", "LOCAL_IN", "FORWARD", "LOCAL_OUT", "POST_ROUTING", "HELLO", "ROUTE"] },
];
const MAX_NAMESPACES = 4096;
const MAX_ENTRIES = 1024;

export interface NetfilterScan {
  namespaces: number;
  sites: HookSite[];
  problems: WalkAborted[];
  absent?: string;
}

/** Every registered netfilter hook function of every network namespace. */
export function netfilterHooks(prog: Program): NetfilterScan {
  const out: NetfilterScan = { namespaces: 0, sites: [], problems: [] };
  const net = optionalType(prog, "struct net");
  const nfOff = net && prog.memberOffset(net, "nf");
  const entries = optionalType(prog, "struct nf_hook_entries");
  const entry = optionalType(prog, "struct nf_hook_entry");
  if (!net || nfOff === undefined || !entries || !entry || !prog.hasSymbol("init_net")) {
    out.absent = "this kernel has no struct nf_hook_entries in net.nf (CONFIG_NETFILTER off, or before 4.16)";
    return out;
  }
  const numOff = prog.memberOffset(entries, "num_hook_entries") ?? 0;
  const hooksOff = prog.memberOffset(entries, "hooks") ?? 8;
  const hookOff = prog.memberOffset(entry, "hook") ?? 0;
  const privOff = prog.memberOffset(entry, "priv") ?? 8;
  const entrySize = prog.sizeOf(entry);
  const namespaces: bigint[] = [];
  try {
    for (const n of listForEachEntry(prog, prog.symbolAddress("net_namespace_list"), net, "list", { budget: MAX_NAMESPACES, what: "net_namespace_list" })) namespaces.push(n.address!);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    out.problems.push(err instanceof WalkAborted ? err : new WalkAborted("net_namespace_list", err.message, namespaces.length));
  }
  if (namespaces.length === 0) namespaces.push(prog.symbolAddress("init_net"));
  const init = prog.symbolAddress("init_net");
  for (const ns of namespaces) {
    out.namespaces++;
    const nsName = ns === init ? "init_net" : `netns ${hex(ns)}`;
    for (const fam of FAMILIES) {
      const member = prog.memberOffset(net, `nf.${fam.member}`);
      if (member === undefined) continue;
      const arrayT = resolveType(prog.object(net, 0n).member("nf").member(fam.member).type);
      const count = arrayT.kind === "array" && arrayT.count !== undefined ? Math.min(arrayT.count, fam.hooks.length + 8) : fam.hooks.length;
      for (let h = 0; h < count; h++) {
        const slotOfList = ns + BigInt(member + h * 8);
        const what = `${nsName} ${fam.family} ${fam.hooks[h] ?? `hook ${h}`}`;
        try {
          const list = prog.readU64(slotOfList);
          if (list === 0n) continue;
          const nb = prog.read(list + BigInt(numOff), 2);
          const num = nb[0]! | (nb[1]! << 8);
          if (num > MAX_ENTRIES) {
            out.problems.push(new WalkAborted(what, `num_hook_entries ${num} is more than ${MAX_ENTRIES}`, 0));
            continue;
          }
          for (let i = 0; i < num; i++) {
            const at = list + BigInt(hooksOff + i * entrySize);
            const fn = prog.readU64(at + BigInt(hookOff));
            if (fn === 0n || out.sites.length >= MAX_HOOKS) continue;
            const priv = prog.readU64(at + BigInt(privOff));
            out.sites.push({ kind: "netfilter", target: `${fam.family} ${fam.hooks[h] ?? `hook ${h}`} (${nsName})`, role: "hook", handler: fn, slot: at + BigInt(hookOff), slotSize: 8, slotValue: fn, holder: list, details: `nf_hook_entries ${hex(list)} entry ${i} of ${num}, priv ${hex(priv)}` });
          }
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          out.problems.push(new WalkAborted(what, err.message, 0));
        }
      }
    }
  }
  return out;
}

function hex(v: bigint): string {
  return "0x" + v.toString(16);
}
