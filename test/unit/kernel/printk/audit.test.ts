// `log -a`: the audit records still queued in sk_buffs (kernel/audit.c), on a synthetic image with the
// 4.11+ queues (audit_hold_queue, audit_retry_queue, audit_queue), walked in crash's order.
import { describe, expect, it } from "vitest";
import type { CommandContext } from "../../../../src/core/commands/command";
import { logCommand } from "../../../../src/core/commands/system/log";
import { auditLog } from "../../../../src/core/kernel/printk/audit";
import { FlatSpace, HandSymbols, HandTypes, program, ptr, struct, u16, u32, u64, u8 } from "./image";

const skBuff = struct("sk_buff", 0xe0, [
  ["next", u64, 0],
  ["prev", u64, 8],
  ["len", u32, 0x70],
  ["data", ptr(u8), 0xc8],
]);
const skBuffHead = struct("sk_buff_head", 24, [
  ["next", ptr(skBuff), 0],
  ["prev", ptr(skBuff), 8],
  ["qlen", u32, 16],
]);
const nlmsghdr = struct("nlmsghdr", 16, [
  ["nlmsg_len", u32, 0],
  ["nlmsg_type", u16, 4],
  ["nlmsg_flags", u16, 6],
  ["nlmsg_seq", u32, 8],
  ["nlmsg_pid", u32, 12],
]);

class AuditImage {
  readonly space = new FlatSpace(0x20000);
  readonly symbols = new HandSymbols();
  readonly heads = new Map<string, number>();

  constructor(queues = ["audit_hold_queue", "audit_retry_queue", "audit_queue"]) {
    for (const q of queues) {
      const h = this.space.alloc(24);
      this.space.u64(h, this.space.addr(h)); // empty: next = prev = the head
      this.space.u64(h + 8, this.space.addr(h));
      this.heads.set(q, h);
      this.symbols.set(q, this.space.addr(h));
    }
  }

  /** Appends an skb holding one netlink audit message; returns the skb's offset. */
  queue(name: string, type: number, text: string): number {
    const h = this.heads.get(name)!;
    const skb = this.space.alloc(0xe0);
    const data = this.space.alloc(16 + text.length + 1);
    this.space.u16(data + 4, type);
    this.space.text(data + 16, text);
    this.space.u32(skb + 0x70, 16 + text.length + 1);
    this.space.u64(skb + 0xc8, this.space.addr(data));
    const last = Number(this.space.view.getBigUint64(h + 8, true) - this.space.addr(0));
    this.space.u64(last, this.space.addr(skb)); // last->next (the head's next when empty)
    this.space.u64(skb, this.space.addr(h));
    this.space.u64(skb + 8, this.space.addr(last));
    this.space.u64(h + 8, this.space.addr(skb));
    this.space.u32(h + 16, this.space.view.getUint32(h + 16, true) + 1);
    return skb;
  }

  program() {
    return program(this.space, new HandTypes().add(skBuff, skBuffHead, nlmsghdr), this.symbols);
  }
}

const run = (img: AuditImage) => logCommand.run({ prog: img.program() } as unknown as CommandContext, ["-a"]);

describe("log -a (audit queues)", () => {
  it("prints type=N and the text of each queued record, hold queue first", () => {
    const img = new AuditImage();
    img.queue("audit_queue", 1300, "audit(1795664500.123:88): arch=c000003e syscall=59 success=yes");
    img.queue("audit_queue", 1309, 'audit(1795664500.123:88): argc=2 a0="/tmp/.x"');
    img.queue("audit_hold_queue", 1305, "audit(1795664499.001:80): op=set audit_enabled=1");
    const out = run(img);
    expect(out.errors).toBeUndefined();
    expect(out.text).toBe(
      ["type=1305 audit(1795664499.001:80): op=set audit_enabled=1", "type=1300 audit(1795664500.123:88): arch=c000003e syscall=59 success=yes", 'type=1309 audit(1795664500.123:88): argc=2 a0="/tmp/.x"', ""].join("\n"),
    );
  });

  it("says the audit log is empty when every queue is", () => {
    expect(run(new AuditImage())).toMatchObject({ text: "", errors: ["log: kernel audit log is empty"] });
  });

  it("stops a looping queue after the records it read", () => {
    const img = new AuditImage();
    const a = img.queue("audit_queue", 1300, "one");
    const b = img.queue("audit_queue", 1300, "two");
    img.space.u64(b, img.space.addr(a)); // two->next = one
    const log = auditLog(img.program())!;
    expect(log.records.map((r) => r.text)).toEqual(["one", "two"]);
    expect(log.stopped!.message).toMatch(/^audit_queue: walk stopped after 2 steps: loop at /);
    expect(run(img).errors).toEqual([`log: ${log.stopped!.message}`]);
  });

  it("stops at an skb with an implausible length", () => {
    const img = new AuditImage();
    img.queue("audit_queue", 1300, "fine");
    const b = img.queue("audit_queue", 1300, "bad");
    img.space.u32(b + 0x70, 8); // shorter than the netlink header
    const log = auditLog(img.program())!;
    expect(log.records.map((r) => r.text)).toEqual(["fine"]);
    expect(log.stopped!.message).toContain("implausible len 8");
  });
});
