// Member offsets the task walker reads, resolved once per Program (crash's offset_table, done declaratively).
// A member this kernel lacks is `undefined` (a known "absent"), handled where it matters.
import { sizeOf, resolveType, findMember } from "../../debuginfo/types";
import { MissingDebugInfo } from "../../io/errors";
import type { Program } from "../../program/program";

export interface TaskLayout {
  size: number; // sizeof(struct task_struct)
  pid: number; // task_struct.pid
  tgid: number; // task_struct.tgid
  comm: number; // task_struct.comm (TASK_COMM_LEN bytes)
  commLen: number;
  state: number; // task_struct.__state (5.14+) or .state
  stateSize: number;
  exitState: number | undefined; // task_struct.exit_state
  flags: number; // task_struct.flags (PF_*)
  tasks: number; // task_struct.tasks: the process list through init_task
  signal: number; // task_struct.signal
  threadNode: number | undefined; // task_struct.thread_node on signal->thread_head (3.14+)
  threadGroup: number | undefined; // task_struct.thread_group (the older thread list)
  parent: number; // task_struct.parent (crash's ptask)
  realParent: number | undefined;
  mm: number; // task_struct.mm
  cpu: number | undefined; // task_struct.cpu (THREAD_INFO_IN_TASK kernels) or thread_info.cpu
  threadInfo: number | undefined; // task_struct.thread_info (embedded with THREAD_INFO_IN_TASK)
  stack: number | undefined; // task_struct.stack
  rssStatCount: number | undefined; // task_struct.rss_stat.count[] (SPLIT_RSS_COUNTING, before 6.2)
  startTime: number | undefined; // task_struct.start_time (ns since boot, 4.x+)
  utime: number | undefined;
  stime: number | undefined;
  lastArrival: number | undefined; // task_struct.sched_info.last_arrival
  cred: number | undefined; // task_struct.cred
  signalThreadHead: number | undefined; // signal_struct.thread_head
  credUid: number | undefined; // cred.uid
  credGid: number | undefined; // cred.gid
  mmTotalVm: number | undefined; // mm_struct.total_vm
  mmRssStatCount: number | undefined; // mm_struct.rss_stat.count[] (atomic_long_t, before 6.2)
  mmCount: number | undefined; // mm_struct.mm_count
  mmPgd: number | undefined; // mm_struct.pgd
  mmArgStart: number | undefined;
  mmArgEnd: number | undefined;
  mmEnvStart: number | undefined;
  mmEnvEnd: number | undefined;
  /** enum mm_counters: MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES (-1 when absent). */
  mmFilePages: number;
  mmAnonPages: number;
  mmShmemPages: number;
}

const layouts = new WeakMap<Program, TaskLayout>();

export function taskLayout(prog: Program): TaskLayout {
  let l = layouts.get(prog);
  if (!l) {
    l = resolveTaskLayout(prog);
    layouts.set(prog, l);
  }
  return l;
}

function resolveTaskLayout(prog: Program): TaskLayout {
  const task = prog.type("struct task_struct");
  const opt = (m: string): number | undefined => prog.memberOffset(task, m);
  const req = (m: string): number => {
    const o = opt(m);
    if (o === undefined) throw new MissingDebugInfo(`struct task_struct has no member ${m}`);
    return o;
  };
  const memberSize = (m: string): number => {
    const f = findMember(task, m);
    return f ? sizeOf(f.member.type) : 0;
  };
  const stateName = opt("__state") !== undefined ? "__state" : "state";
  const signal = prog.findType("struct signal_struct");
  const cred = prog.findType("struct cred");
  const mm = prog.findType("struct mm_struct");
  const mmOpt = (m: string): number | undefined => (mm ? prog.memberOffset(mm, m) : undefined);
  const enumValue = (name: string): bigint | undefined => prog.types.findEnumerator(name)?.value;
  const commType = findMember(task, "comm");
  const commLen = commType ? sizeOf(resolveType(commType.member.type)) : 16;
  return {
    size: sizeOf(task),
    pid: req("pid"),
    tgid: req("tgid"),
    comm: req("comm"),
    commLen,
    state: req(stateName),
    stateSize: memberSize(stateName),
    exitState: opt("exit_state"),
    flags: req("flags"),
    tasks: req("tasks"),
    signal: req("signal"),
    threadNode: opt("thread_node"),
    threadGroup: opt("thread_group"),
    parent: req("parent"),
    realParent: opt("real_parent"),
    mm: req("mm"),
    cpu: opt("cpu") ?? opt("thread_info.cpu"),
    threadInfo: opt("thread_info"),
    stack: opt("stack"),
    rssStatCount: opt("rss_stat.count"),
    startTime: opt("start_time"),
    utime: opt("utime"),
    stime: opt("stime"),
    lastArrival: opt("sched_info.last_arrival"),
    cred: opt("cred"),
    signalThreadHead: signal ? prog.memberOffset(signal, "thread_head") : undefined,
    credUid: cred ? prog.memberOffset(cred, "uid") : undefined,
    credGid: cred ? prog.memberOffset(cred, "gid") : undefined,
    mmTotalVm: mmOpt("total_vm"),
    mmRssStatCount: mmOpt("rss_stat.count"),
    mmCount: mmOpt("mm_count"),
    mmPgd: mmOpt("pgd"),
    mmArgStart: mmOpt("arg_start"),
    mmArgEnd: mmOpt("arg_end"),
    mmEnvStart: mmOpt("env_start"),
    mmEnvEnd: mmOpt("env_end"),
    mmFilePages: Number(enumValue("MM_FILEPAGES") ?? 0),
    mmAnonPages: Number(enumValue("MM_ANONPAGES") ?? 1),
    mmShmemPages: Number(enumValue("MM_SHMEMPAGES") ?? -1),
  };
}
