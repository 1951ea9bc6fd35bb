// What every hook rule does with the hooks of its kinds: one finding per hook, its severity set by whose
// code the handler is. Code outside core kernel text is at least medium; high when its owner is an
// out-of-tree or unsigned module, or nobody; critical when the owner is a module that hid itself. Two
// exceptions, both stated in the rule's notes: the kernel's own handlers (kprobe and ftrace machinery, the
// function tracer, perf) are info, and registering a netfilter hook or a tracepoint probe is what those
// APIs are for, so a listed in-tree module doing it is low.
import type { DetectContext } from "./context";
import type { Evidence, Finding, Severity } from "./finding";
import type { HookRecord } from "./hooks";
import type { Owner } from "./owner";
import { finding, hex, type Rule } from "./rule";

export interface HookRuleSpec {
  id: string;
  version: number;
  title: string;
  kinds: readonly string[];
  mitre: string[];
  /** A registration API (netfilter, tracepoints): listed in-tree modules using it are low. */
  registration?: boolean;
  /** Report the kernel's own handlers as info findings (kprobes, ftrace); else only in the hooks table. */
  kernelInfo?: boolean;
  requires: Rule["requires"];
  falsePositives: string;
  /** The hook in words, for the summary ("kprobe on __x64_sys_getdents64"). */
  describe(r: HookRecord): string;
}

export function ownerSeverity(o: Owner, registration: boolean): { severity: Severity; confidence: number; why: string } {
  if (o.kind === "kernel") return { severity: "info", confidence: 0.9, why: "the kernel's own code" };
  if (o.hidden) return { severity: "critical", confidence: 0.95, why: `code of the module ${o.name}, which is off the module list (seen in ${o.seenBy.join(", ")})` };
  if (o.kind === "unknown") return { severity: "high", confidence: 0.8, why: `code outside core kernel text and outside every known module${o.region ? ` (${o.region})` : ""}` };
  if (o.kind === "bpf") return { severity: "medium", confidence: 0.5, why: "a BPF program's code" };
  if (o.outOfTree || o.unsigned) return { severity: "high", confidence: 0.7, why: `code of the ${[o.outOfTree ? "out-of-tree" : "", o.unsigned ? "unsigned" : ""].filter((x) => x).join(", ")} module ${o.name}` };
  return registration ? { severity: "low", confidence: 0.3, why: `code of the listed in-tree module ${o.name}` } : { severity: "medium", confidence: 0.5, why: `code of the listed module ${o.name}, outside core kernel text` };
}

export function hookRule(spec: HookRuleSpec): Rule {
  const rule: Rule = {
    id: spec.id,
    version: spec.version,
    title: spec.title,
    severity: "critical",
    confidence: 0.8,
    mitre: spec.mitre,
    requires: spec.requires,
    falsePositives: spec.falsePositives,
    run(ctx) {
      const out: Finding[] = [];
      for (const r of ctx.hooks.hooks) {
        if (!spec.kinds.includes(r.site.kind)) continue;
        if (r.kernelOwned && !spec.kernelInfo) continue;
        const sev = r.reason && r.owner.kind === "kernel" ? { severity: "medium" as Severity, confidence: 0.6, why: r.reason } : ownerSeverity(r.owner, spec.registration === true);
        const handler = r.owner.symbol ? `${r.owner.symbol} (${hex(r.site.handler)})` : hex(r.site.handler);
        const summary = r.kernelOwned ? `${spec.describe(r)}: ${r.site.role} ${handler} is the kernel's own machinery` : `${spec.describe(r)}: ${r.site.role} ${handler} is ${sev.why}`;
        out.push(
          finding(rule, {
            subject: ctx.addressSubject(r.site.handler),
            severity: sev.severity,
            confidence: sev.confidence,
            summary,
            evidence: hookEvidence(ctx, r),
            seenBy: r.owner.seenBy,
            key: `${r.site.kind}@${hex(r.site.slot)}`,
            notes: [r.reason, r.site.details].filter((x) => x).join("; ") || undefined,
          }),
        );
      }
      return out;
    },
  };
  return rule;
}

/** The slot that holds the handler, the target's record, and the owning module's struct. */
export function hookEvidence(ctx: DetectContext, r: HookRecord): Evidence[] {
  const s = r.site;
  const ev: Evidence[] = [];
  const handlerLabel = s.slotSize === 4 ? `${s.role} at ${hex(s.slot)} (rel32; target ${hex(s.handler)})` : `${s.role} (${s.kind}${s.holder !== undefined && s.holder !== s.slot ? ` ${hex(s.holder)}` : ""})`;
  const slot = ctx.word(handlerLabel, s.slot, s.slotSize, s.slotSize === 8 && s.kind !== "idt" ? { symbolOfValue: true } : {});
  if (s.slotSize === 4 || s.kind === "idt") {
    if (r.owner.symbol) slot.symbol = r.owner.symbol;
    slot.owner = r.owner.name;
  }
  ev.push(slot);
  if (s.kind === "idt") ev.push(ctx.word("gate high quadword (offset_high)", s.slot + 8n, 8));
  if (s.targetSlot !== undefined) ev.push(ctx.word("probed address (kprobe.addr)", s.targetSlot, 8, { symbolOfValue: true }));
  const m = r.owner.module;
  if (m) {
    const nameOff = ctx.prog.memberOffset("struct module", "name");
    if (nameOff !== undefined) {
      const e = ctx.text(`struct module ${hex(m.module.address)}: name (seen in ${m.seenBy.join(", ")}${m.seenBy.includes("module-list") ? "" : "; not on the module list"})`, m.module.address + BigInt(nameOff));
      e.owner = m.module.name;
      ev.push(e);
    }
  }
  return ev;
}
