// Task states as crash names them (task.c initialize_task_state, task_state_string). The bit values come
// from the kernel's own task_state_array[] (fs/proc/array.c: "R (running)", "S (sleeping)", ...), one bit per
// entry after the first; on 4.14+ the bits after "P (parked)" are TASK_DEAD, TASK_WAKEKILL, TASK_WAKING,
// TASK_NOLOAD and TASK_NEW (include/linux/sched.h). Without the array, crash's old defaults apply.
import { KdwError } from "../../io/errors";
import { perProgram, type Program } from "../../program/program";

export interface TaskStateBits {
  running: number;
  interruptible: number;
  uninterruptible: number;
  stopped: number;
  traced?: number;
  zombie: number;
  dead?: number;
  parked?: number;
  wakekill?: number;
  waking?: number;
  noload?: number;
  new?: number;
  swapping?: number;
  exclusive?: number;
}

/** crash's defaults for kernels without task_state_array. */
const OLD_DEFAULTS: TaskStateBits = { running: 0, interruptible: 1, uninterruptible: 2, zombie: 4, stopped: 8, swapping: 16, exclusive: 32 };

const MAX_STATES = 32;
const STATE_BITS = perProgram((prog) => readTaskStateArray(prog) ?? OLD_DEFAULTS);

/** The state bits of this kernel, read once per Program. */
export const taskStateBits: (prog: Program) => TaskStateBits = STATE_BITS.of;

function readTaskStateArray(prog: Program): TaskStateBits | undefined {
  if (!prog.hasSymbol("task_state_array")) return undefined;
  const base = prog.symbolAddress("task_state_array");
  const size = prog.symbolSize("task_state_array");
  const count = Math.min(MAX_STATES, size ? Math.floor(size / 8) : MAX_STATES);
  const b: Partial<TaskStateBits> = {};
  let bitpos = 0;
  try {
    for (let i = 0; i < count; i++) {
      const ptr = prog.readU64(base + BigInt(i * 8));
      const name = String.fromCharCode(...prog.readCString(ptr, 64));
      // Without a symbol size, stop at the first entry that is not "<letter> (<words>)".
      if (!size && !/^\S \([a-z ]+\)$/.test(name)) break;
      if (name.includes("(running)")) b.running = bitpos;
      else if (name.includes("(sleeping)")) b.interruptible = bitpos;
      else if (name.includes("(disk sleep)")) b.uninterruptible = bitpos;
      else if (name.includes("(stopped)")) b.stopped = bitpos;
      else if (name.includes("(zombie)")) b.zombie = bitpos;
      else if (name.includes("(dead)")) b.dead = (b.dead ?? 0) | bitpos;
      else if (name.includes("(swapping)")) b.swapping = bitpos;
      else if (name.includes("(tracing stop)")) b.traced = (b.traced ?? 0) | bitpos;
      else if (name.includes("(wakekill)")) b.wakekill = bitpos;
      else if (name.includes("(waking)")) b.waking = bitpos;
      else if (name.includes("(parked)")) b.parked = bitpos;
      bitpos = bitpos ? bitpos * 2 : 1;
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  if (b.running === undefined || b.interruptible === undefined || b.uninterruptible === undefined || b.zombie === undefined || b.stopped === undefined) return undefined;
  if (b.parked !== undefined) {
    // 4.14+: TASK_DEAD, TASK_WAKEKILL, TASK_WAKING, TASK_NOLOAD, TASK_NEW follow TASK_PARKED.
    b.dead = (b.dead ?? 0) | (b.parked * 2);
    b.wakekill = b.parked * 4;
    b.waking = b.parked * 8;
    b.noload = b.parked * 16;
    b.new = b.parked * 32;
  }
  return b as TaskStateBits;
}

/** The two-letter state `ps` prints (RU, IN, UN, ID, ZO, ST, TR, SW, DE, PA, WA, NE; `??` when none fits). */
export function taskStateString(state: number, bits: TaskStateBits): string {
  let s = "??";
  let valid = 0;
  let set = 0;
  let exclusive = 0;
  if (bits.exclusive !== undefined) {
    exclusive = state & bits.exclusive;
    state &= ~bits.exclusive;
  }
  if (state === bits.running) {
    s = "RU";
    valid++;
  }
  if (state & bits.interruptible) {
    s = "IN";
    valid++;
    set++;
  }
  if (state & bits.uninterruptible) {
    s = bits.noload !== undefined && state & bits.noload ? "ID" : "UN";
    valid++;
    set++;
  }
  if (state & bits.zombie) {
    s = "ZO";
    valid++;
    set++;
  }
  if (state & bits.stopped) {
    s = "ST";
    valid++;
    set++;
  }
  if (bits.traced !== undefined && state & bits.traced) {
    s = "TR";
    valid++;
    set++;
  }
  if (bits.swapping !== undefined && state === bits.swapping) {
    s = "SW";
    valid++;
    set++;
  }
  if (bits.dead !== undefined && state & bits.dead && !set) {
    s = "DE";
    valid++;
  }
  if (state === bits.parked) {
    s = "PA";
    valid++;
  }
  if (state === bits.waking) {
    s = "WA";
    valid++;
  }
  if (state === bits.new) {
    s = "NE";
    valid++;
  }
  if (valid && exclusive) s += "EX";
  return s;
}

/** The long form crash's `set` and `task` headers print (TASK_RUNNING, TASK_INTERRUPTIBLE|TASK_WAKEKILL, ...). */
export function taskStateStringVerbose(state: number, bits: TaskStateBits): string {
  if (state === bits.running) return "TASK_RUNNING";
  if (bits.parked !== undefined && state === bits.parked) return "TASK_PARKED";
  const names: string[] = [];
  if (state & bits.interruptible) names.push("TASK_INTERRUPTIBLE");
  if (state & bits.uninterruptible) names.push("TASK_UNINTERRUPTIBLE");
  if (state & bits.stopped) names.push("TASK_STOPPED");
  if (bits.traced !== undefined && state & bits.traced) names.push("TASK_TRACED");
  const dead = bits.dead !== undefined ? state & bits.dead : 0;
  if (dead) names.push(popcount(dead) > 1 ? "EXIT_DEAD|TASK_DEAD" : "EXIT_DEAD");
  if (state & bits.zombie) names.push("EXIT_ZOMBIE");
  if (bits.waking !== undefined && state & bits.waking) names.push("TASK_WAKING");
  if (bits.wakekill !== undefined && state & bits.wakekill) names.push("TASK_WAKEKILL");
  if (bits.noload !== undefined && state & bits.noload) names.push("TASK_NOLOAD");
  if (bits.new !== undefined && state & bits.new) names.push("TASK_NEW");
  return names.join("|");
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v; v &= v - 1) c++;
  return c;
}
