// A task's open files, memory map and sockets, as rows.
import type { Program } from "../../program/program";
import { taskTable } from "../../kernel/tasks/tasks";
import { taskMemUsage } from "../../kernel/tasks/mem";
import { taskFsPaths, taskOpenFiles } from "../../kernel/fs/files";
import { readOpenFile } from "../../kernel/fs/files";
import { forEachVma } from "../../kernel/mm/vma";
import { taskSockets, AF_INET, AF_INET6 } from "../../kernel/net/sockets";
import { KdwError, WalkAborted } from "../../io/errors";
import type { FileRow, FilesReply, NetReply, Problem, SocketRow, TaskRef, VmaRow, VmReply } from "../contract";
import { attempt, hex, toProblem } from "../problems";
import { findTask, taskRow } from "./tasks";

/** VMAs one map walk reads at most (the kernel's own default vm.max_map_count is 65530). */
const MAX_VMAS = 1 << 20;

export function filesReply(prog: Program, ref: TaskRef): FilesReply {
  const t = findTask(prog, ref);
  const problems: Problem[] = [];
  const reply: FilesReply = { task: taskRow(prog, taskTable(prog), t), items: [], problems };
  const fs = attempt(problems, () => taskFsPaths(prog, t.address));
  if (fs) {
    reply.root = fs.root.path;
    reply.cwd = fs.cwd.path;
  }
  const table = attempt(problems, () => taskOpenFiles(prog, t.address));
  if (table) {
    reply.items = table.open.map(
      (f): FileRow => ({ fd: f.fd, file: hex(f.file), dentry: hex(f.dentry), inode: hex(f.inode), type: f.type ?? "UNKN", path: f.path.path, deleted: f.deleted }),
    );
    if (table.problem) problems.push(toProblem(table.problem));
  }
  return reply;
}

const VM_READ = 0x1n;
const VM_WRITE = 0x2n;
const VM_EXEC = 0x4n;
const VM_SHARED = 0x8n;

export function vmReply(prog: Program, ref: TaskRef): VmReply {
  const table = taskTable(prog);
  const t = findTask(prog, ref);
  const problems: Problem[] = [];
  const pageKb = prog.dump.pageSize / 1024;
  const mem = attempt(problems, () => taskMemUsage(prog, table, t));
  const reply: VmReply = { task: taskRow(prog, table, t), items: [], problems, rss: (mem?.rss ?? 0) * pageKb, vsz: (mem?.totalVm ?? 0) * pageKb };
  if (t.mm === 0n) return reply;
  reply.mm = hex(t.mm);
  try {
    for (const v of forEachVma(prog, t.mm, { budget: MAX_VMAS })) {
      const row: VmaRow = {
        vma: hex(v.address),
        start: hex(v.start),
        end: hex(v.end),
        flags: hex(v.flags),
        perms: (v.flags & VM_READ ? "r" : "-") + (v.flags & VM_WRITE ? "w" : "-") + (v.flags & VM_EXEC ? "x" : "-") + (v.flags & VM_SHARED ? "s" : "p"),
      };
      if (v.file !== 0n) {
        const path = attempt(problems, () => readOpenFile(prog, -1, v.file).path.path);
        if (path !== undefined) row.file = path;
      }
      reply.items.push(row);
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(toProblem(err instanceof WalkAborted ? err : new WalkAborted(`VMAs of mm ${t.mm.toString(16)}`, err.message, reply.items.length)));
  }
  return reply;
}

const FAMILIES: Record<number, string> = { 1: "UNIX", 2: "INET", 10: "INET6", 16: "NETLINK", 17: "PACKET" };
const TYPES: Record<number, string> = { 1: "STREAM", 2: "DGRAM", 3: "RAW", 4: "RDM", 5: "SEQPACKET", 10: "PACKET" };
const TCP_STATES = ["", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"];

export function netReply(prog: Program, ref: TaskRef): NetReply {
  const t = findTask(prog, ref);
  const problems: Problem[] = [];
  const reply: NetReply = { task: taskRow(prog, taskTable(prog), t), items: [], problems };
  const found = attempt(problems, () => taskSockets(prog, t.address));
  if (!found) return reply;
  problems.push(...found.problems.map(toProblem));
  reply.items = found.sockets.map((s) => {
    const row: SocketRow = { fd: s.fd, socket: hex(s.socket), sock: hex(s.sock), family: FAMILIES[s.family] ?? String(s.family), type: TYPES[s.type] ?? String(s.type) };
    if (s.family === AF_INET || s.family === AF_INET6) {
      if (s.sourceAddress !== undefined) row.local = `${s.family === AF_INET6 ? `[${s.sourceAddress}]` : s.sourceAddress}:${s.sourcePort}`;
      if (s.destinationAddress !== undefined) row.remote = `${s.family === AF_INET6 ? `[${s.destinationAddress}]` : s.destinationAddress}:${s.destinationPort}`;
    }
    if (s.state !== undefined && TCP_STATES[s.state]) row.state = TCP_STATES[s.state];
    return row;
  });
  return reply;
}
