// What the kernel itself said when it died, read from its log around the panic record: the first line of
// the oops (BUG: …, general protection fault, Kernel panic), the faulting function and module from the RIP
// line, the CPU, pid and comm. The summary strip shows this when the detectors' triage is not there.
import type { LogRecord } from "../../core/session/contract";

export interface Oops {
  headline?: string;
  function?: string;
  offset?: string;
  module?: string;
  cpu?: number;
  pid?: number;
  comm?: string;
}

const HEADLINE = /^(BUG: .*|kernel BUG at .*|general protection fault.*|Kernel panic - .*|Unable to handle kernel .*|divide error.*|invalid opcode.*|stack segment.*|double fault.*|WARNING: .*)$/;

export function readOops(records: readonly LogRecord[], panicAt: number): Oops {
  const out: Oops = {};
  const from = Math.max(0, panicAt - 12);
  const to = Math.min(records.length, panicAt + 40);
  for (let i = panicAt; i >= from && !out.headline; i--) {
    const m = HEADLINE.exec(records[i]?.text ?? "");
    if (m) out.headline = m[1]!.slice(0, 300);
  }
  for (let i = from; i < to; i++) {
    const t = records[i]?.text ?? "";
    if (out.function === undefined) {
      const rip = /^RIP: [0-9a-f]{4}:([A-Za-z_.][\w.]*)(\+0x[0-9a-f]+)?(?:\/0x[0-9a-f]+)?(?: \[([\w-]+)\])?/.exec(t);
      if (rip) {
        out.function = rip[1];
        out.offset = rip[2];
        out.module = rip[3];
      }
    }
    if (out.pid === undefined) {
      const who = /^CPU: (\d+) PID: (\d+) Comm: (.{1,16}?) (?:Kdump|Tainted|Not tainted)/.exec(t);
      if (who) {
        out.cpu = Number(who[1]);
        out.pid = Number(who[2]);
        out.comm = who[3];
      }
    }
  }
  return out;
}
