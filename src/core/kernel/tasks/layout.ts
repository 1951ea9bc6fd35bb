// Member offsets the task walkers read, declared once (program/layout.ts). A member this kernel lacks is
// `undefined` (a known "absent"), handled where it matters. Members that moved:
//   task_struct.state           renamed __state in 5.14
//   task_struct.cpu             thread_info.cpu before THREAD_INFO_IN_TASK (4.9 on x86)
//   mm_struct.rss_stat          struct mm_rss_stat { atomic_long_t count[NR_MM_COUNTERS]; } up to 6.1,
//                               struct percpu_counter rss_stat[NR_MM_COUNTERS] from 6.2
//   task_struct.rss_stat        the per-thread counts of SPLIT_RSS_COUNTING, gone in 6.2
import { layout, members, optional, variants } from "../../program/layout";
import type { Program } from "../../program/program";

const TASK_SPEC = {
  ...members("task_struct", {
    pid: "pid",
    tgid: "tgid",
    comm: "comm", // char[TASK_COMM_LEN]
    state: ["__state", "state"],
    exitState: optional("exit_state"),
    flags: "flags", // PF_*
    tasks: "tasks", // the process list through init_task
    signal: "signal",
    threadNode: optional("thread_node"), // on signal->thread_head (3.14+)
    threadGroup: optional("thread_group"), // the older thread list
    parent: "parent", // crash's ptask
    realParent: optional("real_parent"),
    mm: "mm",
    cpu: optional("cpu", "thread_info.cpu"),
    threadInfo: optional("thread_info"), // embedded with THREAD_INFO_IN_TASK
    stack: optional("stack"),
    rssStatCount: optional("rss_stat.count"), // SPLIT_RSS_COUNTING, before 6.2
    startTime: optional("start_time"), // ns since boot (4.x+)
    utime: optional("utime"),
    stime: optional("stime"),
    lastArrival: optional("sched_info.last_arrival"),
    cred: optional("cred"),
  }),
  signalThreadHead: optional("signal_struct.thread_head"),
  credUid: optional("cred.uid"),
  credGid: optional("cred.gid"),
  ...members("mm_struct", {
    mmTotalVm: optional("total_vm"),
    mmRssStat: optional(variants({ atomic: "rss_stat.count", percpu: "rss_stat" })),
    mmCount: optional("mm_count"),
    mmPgd: optional("pgd"),
    mmArgStart: optional("arg_start"),
    mmArgEnd: optional("arg_end"),
    mmEnvStart: optional("env_start"),
    mmEnvEnd: optional("env_end"),
    mmExeFile: optional("exe_file"), // struct file * of /proc/PID/exe
  }),
  percpuCounterCount: optional("percpu_counter.count"),
  percpuCounterCounters: optional("percpu_counter.counters"), // CONFIG_SMP
};

export const TASK_LAYOUT = layout(TASK_SPEC, (o, m, prog) => {
  const enumValue = (name: string): bigint | undefined => prog.types.findEnumerator(name)?.value;
  const percpu = m.mmRssStat?.variant === "percpu";
  return {
    size: prog.sizeOf("struct task_struct"),
    commLen: m.comm.size,
    stateSize: m.state.size,
    /** mm_struct.rss_stat.count[] (atomic_long_t, before 6.2). */
    mmRssStatCount: percpu ? undefined : o.mmRssStat,
    /** mm_struct.rss_stat[] (struct percpu_counter, 6.2+) and the counters' size. */
    mmRssStatPercpu: percpu ? o.mmRssStat : undefined,
    percpuCounterSize: percpu ? prog.sizeOf("struct percpu_counter") : 0,
    /** enum mm_counters: MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES (-1 when absent). */
    mmFilePages: Number(enumValue("MM_FILEPAGES") ?? 0),
    mmAnonPages: Number(enumValue("MM_ANONPAGES") ?? 1),
    mmShmemPages: Number(enumValue("MM_SHMEMPAGES") ?? -1),
  };
});

export type TaskLayout = ReturnType<typeof TASK_LAYOUT.of>;

export const taskLayout: (prog: Program) => TaskLayout = TASK_LAYOUT.of;
