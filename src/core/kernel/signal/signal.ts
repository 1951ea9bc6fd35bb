// A task's signal state (include/linux/sched/signal.h, include/linux/signal_types.h), as crash's `sig`
// reads it (task.c dump_signal_data): the thread group's dispositions (sighand_struct.action[], one
// k_sigaction per signal), its shared pending set (signal_struct.shared_pending), and per thread the
// blocked mask, the private pending set (task_struct.pending) and whether TIF_SIGPENDING is raised.
// A pending set is a sigset_t and a list of struct sigqueue (one per queued signal, its kernel_siginfo
// inside). Names that moved: signal_struct.count (before 2.6.35: the thread count) became nr_threads;
// struct sigqueue.info is kernel_siginfo_t since 5.0 (siginfo_t before). Every list walk is bounded.
import { KdwError, WalkAborted } from "../../io/errors";
import { u64le } from "../../io/little-endian";
import { layout, members, optional, variants } from "../../program/layout";
import type { Program } from "../../program/program";

/** _NSIG on x86-64 (arch/x86/include/asm/signal.h): signals 1..64. */
export const NSIG = 64;
/** arch/x86/include/asm/thread_info.h TIF_SIGPENDING: thread_info.flags bit of a pending unblocked signal. */
const TIF_SIGPENDING = 2;
/** A queue longer than this is corrupt (RLIMIT_SIGPENDING is per user, and far lower in practice). */
const MAX_QUEUED = 1 << 16;

const SIGNAL = layout(
  {
    ...members("task_struct", {
      signal: "signal",
      sighand: "sighand",
      blocked: "blocked",
      pending: "pending",
      threadInfoFlags: optional("thread_info.flags"), // THREAD_INFO_IN_TASK (4.9+ on x86)
    }),
    threads: optional(variants({ nr_threads: "signal_struct.nr_threads", count: "signal_struct.count" })),
    sharedPending: "signal_struct.shared_pending",
    pendingList: "sigpending.list",
    pendingSignal: "sigpending.signal",
    action: "sighand_struct.action", // struct k_sigaction action[_NSIG]
    saHandler: "k_sigaction.sa.sa_handler",
    saFlags: "k_sigaction.sa.sa_flags",
    saMask: "k_sigaction.sa.sa_mask",
    sigqueueList: "sigqueue.list",
    sigqueueInfo: "sigqueue.info",
    siSigno: ["kernel_siginfo.si_signo", "siginfo.si_signo"],
  },
  (_o, m, prog) => ({
    kSigactionSize: prog.sizeOf("struct k_sigaction"),
    sighandSize: prog.sizeOf("struct sighand_struct"),
    /** sizeof(sigset_t): one unsigned long on 64-bit kernels. */
    sigsetSize: m.pendingSignal.size,
  }),
);

/** One signal's disposition: its k_sigaction in the sighand_struct and what it holds. */
export interface SigAction {
  sig: number;
  /** Address of sighand_struct.action[sig - 1]. */
  address: bigint;
  /** sa_handler: 0 SIG_DFL, 1 SIG_IGN, all ones SIG_ERR, else the user handler. */
  handler: bigint;
  flags: bigint;
  mask: bigint;
}

/** One queued signal: its number and the address of its siginfo (sigqueue.info). */
export interface QueuedSignal {
  sig: number;
  siginfo: bigint;
}

/** A pending set: the sigset_t and the queued signals (private to a thread, or shared by its group). */
export interface PendingSignals {
  /** Address of the struct sigpending. */
  address: bigint;
  signal: bigint;
  queue: QueuedSignal[];
  /** Why the queue walk stopped early (a loop, a bad pointer): the entries before it are in `queue`. */
  problem?: string;
}

/** The thread group's side: signal_struct and the dispositions in sighand_struct. */
export interface GroupSignals {
  signalStruct: bigint;
  /** signal_struct.nr_threads (or .count on kernels before 2.6.35); undefined when neither exists. */
  threads?: { name: "NR_THREADS" | "COUNT"; value: number };
  sighand: bigint;
  actions: SigAction[];
  shared?: PendingSignals;
}

/** The thread's side. */
export interface ThreadSignals {
  /** TIF_SIGPENDING in thread_info.flags. */
  sigpending: boolean;
  blocked: bigint;
  pending: PendingSignals;
}

/** sigset_t as one 64-bit value (bit N-1 is signal N): the first unsigned long, all of it on x86-64. */
function sigset(bytes: Uint8Array, at: number): bigint {
  return u64le(bytes, at);
}

/** The queued signals of the struct sigpending at `address` (its list of struct sigqueue). */
export function readPending(prog: Program, address: bigint): PendingSignals {
  const l = SIGNAL.of(prog);
  const bytes = prog.read(address + BigInt(l.pendingList), 16 + l.sigsetSize);
  const head = address + BigInt(l.pendingList);
  const out: PendingSignals = { address, signal: sigset(bytes, l.pendingSignal - l.pendingList), queue: [] };
  const seen = new Set<bigint>();
  let node = u64le(bytes, 0);
  try {
    while (node !== head) {
      if (node === 0n) throw new WalkAborted("sigqueue list", "NULL next pointer", out.queue.length);
      if (seen.has(node)) throw new WalkAborted("sigqueue list", `loop at ${node.toString(16)}`, out.queue.length);
      if (seen.size >= MAX_QUEUED) throw new WalkAborted("sigqueue list", `more than ${MAX_QUEUED} entries`, out.queue.length);
      seen.add(node);
      const entry = node - BigInt(l.sigqueueList);
      const info = entry + BigInt(l.sigqueueInfo);
      out.queue.push({ sig: prog.readS32(info + BigInt(l.siSigno)), siginfo: info });
      node = prog.readU64(node);
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    out.problem = `sigpending ${address.toString(16)}: ${err instanceof WalkAborted ? err.message : `sigqueue ${node.toString(16)}: ${err.message}`}`;
  }
  return out;
}

/** The thread group's signal state of `task` (its signal_struct and sighand_struct). */
export function groupSignals(prog: Program, task: bigint): GroupSignals {
  const l = SIGNAL.of(prog);
  const m = SIGNAL.members(prog);
  const signalStruct = prog.readU64(task + BigInt(l.signal));
  const sighand = prog.readU64(task + BigInt(l.sighand));
  const out: GroupSignals = { signalStruct, sighand, actions: [] };
  if (signalStruct === 0n) return out;
  if (l.threads !== undefined) out.threads = { name: m.threads?.variant === "count" ? "COUNT" : "NR_THREADS", value: prog.readS32(signalStruct + BigInt(l.threads)) };
  if (sighand !== 0n) {
    const bytes = prog.read(sighand + BigInt(l.action), NSIG * l.kSigactionSize);
    for (let sig = 1; sig <= NSIG; sig++) {
      const at = (sig - 1) * l.kSigactionSize;
      out.actions.push({
        sig,
        address: sighand + BigInt(l.action + at),
        handler: u64le(bytes, at + l.saHandler),
        flags: u64le(bytes, at + l.saFlags),
        mask: sigset(bytes, at + l.saMask),
      });
    }
  }
  out.shared = readPending(prog, signalStruct + BigInt(l.sharedPending));
  return out;
}

/** The thread's own signal state: TIF_SIGPENDING, the blocked mask and its private pending set. */
export function threadSignals(prog: Program, task: bigint): ThreadSignals {
  const l = SIGNAL.of(prog);
  const flags = l.threadInfoFlags !== undefined ? prog.readU64(task + BigInt(l.threadInfoFlags)) : 0n;
  const blocked = sigset(prog.read(task + BigInt(l.blocked), 8), 0);
  return { sigpending: ((flags >> BigInt(TIF_SIGPENDING)) & 1n) === 1n, blocked, pending: readPending(prog, task + BigInt(l.pending)) };
}
