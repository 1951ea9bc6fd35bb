// Audit records the kernel queued for auditd and auditd never read (kernel/audit.c): netlink messages in
// sk_buffs on the `struct sk_buff_head` queues audit_hold_queue, audit_retry_queue, audit_queue (4.11+),
// or audit_skb_hold_queue, audit_skb_queue before. Each skb's data is a struct nlmsghdr followed by the
// record text. Walked as crash's dump_audit (kernel.c), which `log -a` prints.
import { KdwError, WalkAborted } from "../../io/errors";
import { u16le } from "../../io/little-endian";
import { layout } from "../../program/layout";
import type { Program } from "../../program/program";
import { fieldString } from "./read";

export interface AuditRecord {
  queue: string;
  /** nlmsghdr.nlmsg_type (AUDIT_SYSCALL 1300, …). */
  type: number;
  /** The record text, latin1, up to its NUL or the message end. */
  text: string;
}

export interface AuditLog {
  records: AuditRecord[];
  stopped?: WalkAborted;
}

/** NLMSG_ALIGNTO (include/uapi/linux/netlink.h). */
const NLMSG_ALIGNTO = 4;
/** Caps on what one walk takes from the dump: queue length (audit_backlog_limit is 64 by default) and record size. */
const MAX_QUEUE = 1 << 16;
const MAX_RECORD = 1 << 16;

const AUDIT_LAYOUT = layout(
  {
    headNext: "sk_buff_head.next",
    skbNext: "sk_buff.next",
    skbLen: "sk_buff.len",
    skbData: "sk_buff.data",
    nlmsgType: "nlmsghdr.nlmsg_type",
  },
  (_o, _m, prog) => ({ nlmsgHdrLen: Math.ceil(prog.sizeOf("struct nlmsghdr") / NLMSG_ALIGNTO) * NLMSG_ALIGNTO }),
);

/** The queues this kernel has, in crash's order; undefined when it has none (no audit support). */
function auditQueues(prog: Program): string[] | undefined {
  if (prog.hasSymbol("audit_skb_queue")) return ["audit_skb_hold_queue", "audit_skb_queue"].filter((q) => prog.hasSymbol(q));
  if (prog.hasSymbol("audit_queue")) return ["audit_hold_queue", "audit_retry_queue", "audit_queue"].filter((q) => prog.hasSymbol(q));
  return undefined;
}

/** Every queued audit record, queue by queue; undefined when the kernel has no audit queues. */
export function auditLog(prog: Program): AuditLog | undefined {
  const queues = auditQueues(prog);
  if (!queues) return undefined;
  const l = AUDIT_LAYOUT.of(prog);
  const records: AuditRecord[] = [];
  for (const queue of queues) {
    const head = prog.symbolAddress(queue);
    const seen = new Set<bigint>();
    let steps = 0;
    try {
      for (let p = prog.readU64(head + BigInt(l.headNext)); p !== head; p = prog.readU64(p + BigInt(l.skbNext))) {
        if (p === 0n) throw new WalkAborted(queue, "NULL next pointer", steps);
        if (seen.has(p)) throw new WalkAborted(queue, `loop at ${p.toString(16)}`, steps);
        if (++steps > MAX_QUEUE) throw new WalkAborted(queue, "queue longer than any audit backlog", steps);
        seen.add(p);
        const len = prog.readU32(p + BigInt(l.skbLen));
        const data = prog.readU64(p + BigInt(l.skbData));
        const dataLen = len - l.nlmsgHdrLen;
        if (data === 0n) throw new WalkAborted(queue, `sk_buff ${p.toString(16)}: NULL data`, steps);
        if (dataLen < 0 || dataLen > MAX_RECORD) throw new WalkAborted(queue, `sk_buff ${p.toString(16)}: implausible len ${len}`, steps);
        const type = prog.read(data + BigInt(l.nlmsgType), 2);
        const text = dataLen ? prog.read(data + BigInt(l.nlmsgHdrLen), dataLen) : new Uint8Array(0);
        records.push({ queue, type: u16le(type, 0), text: fieldString(text, 0, dataLen) });
      }
    } catch (err) {
      if (err instanceof WalkAborted) return { records, stopped: err };
      if (err instanceof KdwError) return { records, stopped: new WalkAborted(queue, err.message, steps) };
      throw err;
    }
  }
  return { records };
}
