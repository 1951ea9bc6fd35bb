// Modules that taint the kernel (kernel/panic.c taint_flags[], module.taints): out-of-tree (O), unsigned
// on a kernel that checks signatures (E), force-loaded (F), proprietary (P), staging (C), live patches
// (K). Rootkits are out-of-tree and unsigned almost always; so are some legitimate vendor drivers.
import type { Finding } from "../finding";
import { moduleTaintString } from "../../kernel/modules/info";
import { finding, type Rule } from "../rule";
import { moduleEvidence } from "./hidden-module";
import { moduleList } from "./requirements";

const MEANING: Record<string, string> = { O: "out-of-tree", E: "unsigned", F: "force-loaded", P: "proprietary", C: "from staging", K: "a live patch", X: "an auxiliary (distribution) module", T: "a test module" };

export const taintingModuleRule: Rule = {
  id: "tainting-module",
  version: 1,
  title: "out-of-tree, unsigned or forced modules",
  severity: "medium",
  confidence: 0.4,
  mitre: ["T1547.006"],
  requires: [moduleList],
  falsePositives: "Vendor drivers (GPU, storage, virtualisation tools, ZFS), DKMS-built modules and local builds are out-of-tree and often unsigned.",
  run(ctx) {
    const out: Finding[] = [];
    const taintsOff = ctx.prog.memberOffset("struct module", "taints");
    const sigOff = ctx.prog.memberOffset("struct module", "sig_ok");
    for (const v of ctx.modules.modules) {
      const m = v.module;
      const letters = m.taints !== 0n ? moduleTaintString(ctx.prog, m.taints) : "";
      const unsignedBySig = m.sigOk === false && !letters.includes("E");
      if (!letters && !unsignedBySig) continue;
      const what = [...letters].map((c) => MEANING[c] ?? `taint ${c}`);
      if (unsignedBySig) what.push("without a valid signature (sig_ok 0)");
      const serious = letters.includes("F") || (letters.includes("O") && (letters.includes("E") || m.sigOk === false));
      const severity: Finding["severity"] = serious ? "medium" : "low";
      const evidence = moduleEvidence(ctx, m.address, v.kobject).slice(0, 1);
      if (taintsOff !== undefined) evidence.push(ctx.word(`struct module.taints (${letters || "none"})`, m.address + BigInt(taintsOff), 8));
      if (sigOff !== undefined) evidence.push(ctx.word("struct module.sig_ok", m.address + BigInt(sigOff), 1));
      out.push(
        finding(this, {
          subject: ctx.moduleSubject(v),
          severity,
          confidence: serious ? 0.45 : 0.25,
          summary: `module ${m.name} taints the kernel${letters ? ` (${letters})` : ""}: it is ${what.join(", ")}`,
          evidence,
          seenBy: v.seenBy,
        }),
      );
    }
    return out;
  },
};
