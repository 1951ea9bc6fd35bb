// crash's task state strings for the bit layout of 4.14+ kernels (fs/proc/array.c task_state_array,
// include/linux/sched.h), and what the fixture's own task_state_array gives.
import { describe, expect, it } from "vitest";
import { taskStateBits, taskStateString, taskStateStringVerbose, type TaskStateBits } from "../../../../src/core/kernel/tasks/state";
import { haveFixtures } from "../../../fixtures";
import { fixtureSession } from "../../../session-fixture";

// include/linux/sched.h (6.1): the values crash derives from task_state_array on 4.14+.
const TASK_RUNNING = 0x0;
const TASK_INTERRUPTIBLE = 0x1;
const TASK_UNINTERRUPTIBLE = 0x2;
const TASK_STOPPED = 0x4;
const TASK_TRACED = 0x8;
const EXIT_DEAD = 0x10;
const EXIT_ZOMBIE = 0x20;
const TASK_PARKED = 0x40;
const TASK_DEAD = 0x80;
const TASK_WAKEKILL = 0x100;
const TASK_WAKING = 0x200;
const TASK_NOLOAD = 0x400;
const TASK_NEW = 0x800;

const BITS_6_1: TaskStateBits = {
  running: TASK_RUNNING,
  interruptible: TASK_INTERRUPTIBLE,
  uninterruptible: TASK_UNINTERRUPTIBLE,
  stopped: TASK_STOPPED,
  traced: TASK_TRACED,
  zombie: EXIT_ZOMBIE,
  dead: EXIT_DEAD | TASK_DEAD,
  parked: TASK_PARKED,
  wakekill: TASK_WAKEKILL,
  waking: TASK_WAKING,
  noload: TASK_NOLOAD,
  new: TASK_NEW,
};

describe("task state strings", () => {
  it("gives crash's two letters", () => {
    const cases: [number, string][] = [
      [TASK_RUNNING, "RU"],
      [TASK_INTERRUPTIBLE, "IN"],
      [TASK_UNINTERRUPTIBLE, "UN"],
      [TASK_UNINTERRUPTIBLE | TASK_NOLOAD, "ID"], // TASK_IDLE
      [TASK_UNINTERRUPTIBLE | TASK_WAKEKILL, "UN"], // TASK_KILLABLE
      [TASK_STOPPED | TASK_WAKEKILL, "ST"],
      [TASK_TRACED | TASK_WAKEKILL, "TR"],
      [EXIT_ZOMBIE, "ZO"],
      [EXIT_DEAD, "DE"],
      [TASK_DEAD, "DE"],
      [TASK_PARKED, "PA"],
      [TASK_WAKING, "WA"],
      [TASK_NEW, "NE"],
      [0x10000, "??"],
    ];
    for (const [state, want] of cases) expect(taskStateString(state, BITS_6_1), `state ${state.toString(16)}`).toBe(want);
  });

  it("gives the long form of set and task", () => {
    expect(taskStateStringVerbose(TASK_RUNNING, BITS_6_1)).toBe("TASK_RUNNING");
    expect(taskStateStringVerbose(TASK_INTERRUPTIBLE, BITS_6_1)).toBe("TASK_INTERRUPTIBLE");
    expect(taskStateStringVerbose(TASK_UNINTERRUPTIBLE | TASK_NOLOAD, BITS_6_1)).toBe("TASK_UNINTERRUPTIBLE|TASK_NOLOAD");
    expect(taskStateStringVerbose(EXIT_DEAD | TASK_DEAD, BITS_6_1)).toBe("EXIT_DEAD|TASK_DEAD");
    expect(taskStateStringVerbose(TASK_PARKED, BITS_6_1)).toBe("TASK_PARKED");
  });

  it("marks crash's old EXCLUSIVE bit", () => {
    const old: TaskStateBits = { running: 0, interruptible: 1, uninterruptible: 2, zombie: 4, stopped: 8, swapping: 16, exclusive: 32 };
    expect(taskStateString(1 | 32, old)).toBe("INEX");
    expect(taskStateString(16, old)).toBe("SW");
  });
});

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("task_state_array of the fixture kernel", () => {
  it("yields the 6.1 bit values", () => {
    expect(taskStateBits(fixtureSession()!.kernel.program)).toEqual(BITS_6_1);
  });
});
