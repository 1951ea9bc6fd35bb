// What each CPU's scheduler had queued (kernel/sched/sched.h): the RT priority arrays (rq->rt.active, one
// list per priority) and the CFS timeline (rq->cfs.tasks_timeline, an rbtree of sched_entity.run_node,
// descending into group runqueues through se->my_q), as crash's dump_CFS_runqueues reads them.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import { listForEachEntry } from "../../program/list";
import { perProgram, type Program } from "../../program/program";
import { rbInorder } from "../../program/rbtree";
import { runqueues, type Runqueue } from "./sched";

export interface QueuedTask {
  /** task_struct address. */
  task: bigint;
  /** The RT queue index, or task->prio for CFS. */
  prio: number;
}

export interface CpuRunqueue extends Runqueue {
  /** &rq->rt.active */
  rtPrioArray: bigint;
  /** &rq->cfs.tasks_timeline */
  cfsRoot: bigint;
  rt: QueuedTask[];
  cfs: QueuedTask[];
  problems: WalkAborted[];
}

const RUNQ_LAYOUT = layout(
  {
    rqRt: "rq.rt",
    rtRqActive: "rt_rq.active",
    queue: "rt_prio_array.queue", // struct list_head queue[MAX_RT_PRIO], the last member
    rqCfs: "rq.cfs",
    tasksTimeline: "cfs_rq.tasks_timeline",
    cfsCurr: "cfs_rq.curr",
    seRunNode: "sched_entity.run_node",
    seMyQ: optional("sched_entity.my_q"), // CONFIG_FAIR_GROUP_SCHED
    taskSe: "task_struct.se",
    taskRt: "task_struct.rt",
    rtRunList: "sched_rt_entity.run_list",
    rtMyQ: optional("sched_rt_entity.my_q"), // CONFIG_RT_GROUP_SCHED
    taskPrio: "task_struct.prio",
  },
  (o, _m, prog) => {
    const listHeadSize = prog.sizeOf("struct list_head");
    const queueSize = prog.sizeOf("struct rt_prio_array") - o.queue;
    return { listHeadSize, queues: Math.min(1024, Math.floor(queueSize / listHeadSize)) };
  },
);

type RunqLayout = ReturnType<typeof RUNQ_LAYOUT.of>;

const MAX_GROUP_DEPTH = 32;

/** dump_tasks_in_cfs_rq: the current entity's group queue first, then the timeline in order. */
function cfsTasks(prog: Program, l: RunqLayout, cfsRq: bigint, out: QueuedTask[], problems: WalkAborted[], depth: number): void {
  if (depth > MAX_GROUP_DEPTH) {
    problems.push(new WalkAborted("CFS runqueue", `group nesting deeper than ${MAX_GROUP_DEPTH}`, out.length));
    return;
  }
  try {
    if (l.seMyQ !== undefined) {
      const curr = prog.readU64(cfsRq + BigInt(l.cfsCurr));
      if (curr) {
        const myQ = prog.readU64(curr + BigInt(l.seMyQ));
        if (myQ) cfsTasks(prog, l, myQ, out, problems, depth + 1);
      }
    }
    const top = prog.readU64(cfsRq + BigInt(l.tasksTimeline));
    for (const node of rbInorder(prog, top, { what: `CFS runqueue ${cfsRq.toString(16)}`, budget: 1 << 20 })) {
      const se = node - BigInt(l.seRunNode);
      if (l.seMyQ !== undefined) {
        const myQ = prog.readU64(se + BigInt(l.seMyQ));
        if (myQ) {
          cfsTasks(prog, l, myQ, out, problems, depth + 1);
          continue;
        }
      }
      const task = se - BigInt(l.taskSe);
      out.push({ task, prio: prog.readS32(task + BigInt(l.taskPrio)) });
    }
  } catch (err) {
    if (err instanceof WalkAborted) problems.push(err);
    else if (err instanceof KdwError) problems.push(new WalkAborted("CFS runqueue", err.message, out.length));
    else throw err;
  }
}

/** dump_RT_prio_array: each priority's list of sched_rt_entity.run_list, descending into group queues. */
function rtTasks(prog: Program, l: RunqLayout, prioArray: bigint, out: QueuedTask[], problems: WalkAborted[], depth: number): void {
  if (depth > MAX_GROUP_DEPTH) return;
  const rtEntity = prog.type("struct sched_rt_entity");
  for (let i = 0; i < l.queues; i++) {
    const head = prioArray + BigInt(l.queue + i * l.listHeadSize);
    try {
      for (const ent of listForEachEntry(prog, head, rtEntity, "run_list", { what: `RT queue ${i}`, budget: 1 << 16 })) {
        const addr = ent.address!;
        if (l.rtMyQ !== undefined) {
          const myQ = prog.readU64(addr + BigInt(l.rtMyQ));
          if (myQ) {
            rtTasks(prog, l, myQ + BigInt(l.rtRqActive), out, problems, depth + 1);
            continue;
          }
        }
        out.push({ task: addr - BigInt(l.taskRt), prio: i });
      }
    } catch (err) {
      if (err instanceof WalkAborted) problems.push(err);
      else if (err instanceof KdwError) problems.push(new WalkAborted(`RT queue ${i}`, err.message, out.length));
      else throw err;
    }
  }
}

/** Every CPU's runqueue with its queued RT and CFS tasks, walked once per program (a dump does not change). */
export const cpuRunqueues: (prog: Program) => readonly CpuRunqueue[] = perProgram(walkRunqueues).of;

function walkRunqueues(prog: Program): CpuRunqueue[] {
  const l = RUNQ_LAYOUT.of(prog);
  return runqueues(prog).map((rq) => {
    const rtPrioArray = rq.address + BigInt(l.rqRt + l.rtRqActive);
    const cfsRq = rq.address + BigInt(l.rqCfs);
    const problems: WalkAborted[] = [];
    const rt: QueuedTask[] = [];
    const cfs: QueuedTask[] = [];
    rtTasks(prog, l, rtPrioArray, rt, problems, 0);
    cfsTasks(prog, l, cfsRq, cfs, problems, 0);
    return { ...rq, rtPrioArray, cfsRoot: cfsRq + BigInt(l.tasksTimeline), rt, cfs, problems };
  });
}
