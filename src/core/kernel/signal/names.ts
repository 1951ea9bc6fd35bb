// Signal numbers and names as crash names them (task.c signame[], sigrt_minmax): 1-31 by their
// x86 names (arch/x86/include/uapi/asm/signal.h), 32 SIGRTMIN, 64 SIGRTMAX, the real-time signals
// between as SIGRTMIN+n (the lower half) and SIGRTMAX-n (the upper half), as glibc's strsignal does.
import { NSIG } from "./signal";

/** crash's SIGRTMIN: the kernel's, not glibc's (which reserves 32 and 33 for itself). */
export const SIGRTMIN = 32;

const NAMES: readonly (readonly [string, string?])[] = [
  ["SIGHUP"],
  ["SIGINT"],
  ["SIGQUIT"],
  ["SIGILL"],
  ["SIGTRAP"],
  ["SIGABRT", "SIGIOT"],
  ["SIGBUS"],
  ["SIGFPE"],
  ["SIGKILL"],
  ["SIGUSR1"],
  ["SIGSEGV"],
  ["SIGUSR2"],
  ["SIGPIPE"],
  ["SIGALRM"],
  ["SIGTERM"],
  ["SIGSTKFLT"],
  ["SIGCHLD", "SIGCLD"],
  ["SIGCONT"],
  ["SIGSTOP"],
  ["SIGTSTP"],
  ["SIGTTIN"],
  ["SIGTTOU"],
  ["SIGURG"],
  ["SIGXCPU"],
  ["SIGXFSZ"],
  ["SIGVTALRM"],
  ["SIGPROF"],
  ["SIGWINCH"],
  ["SIGIO", "SIGPOLL"],
  ["SIGPWR"],
  ["SIGSYS", "SIGUNUSED"],
];

export interface SignalName {
  sig: number;
  name: string;
  /** The other name of the same number (SIGIOT for SIGABRT). */
  altname?: string;
}

/** The name of signal `sig` (1..NSIG). */
export function signalName(sig: number): SignalName {
  if (sig >= 1 && sig < SIGRTMIN) {
    const [name, altname] = NAMES[sig - 1]!;
    return altname ? { sig, name, altname } : { sig, name };
  }
  if (sig === SIGRTMIN) return { sig, name: "SIGRTMIN" };
  if (sig === NSIG) return { sig, name: "SIGRTMAX" };
  // sigrt_minmax: of the signals strictly between, the lower (NSIG-SIGRTMIN-1) - half count up from SIGRTMIN
  const between = NSIG - SIGRTMIN - 1;
  const max = Math.floor(between / 2);
  const min = between - max;
  const n = sig - SIGRTMIN;
  return n <= min ? { sig, name: `SIGRTMIN+${n}` } : { sig, name: `SIGRTMAX-${NSIG - sig}` };
}

/** Every signal number with its name, 1..NSIG (crash's `sig -l`). */
export function signalNames(): SignalName[] {
  return Array.from({ length: NSIG }, (_, i) => signalName(i + 1));
}

/** The signals whose bits are set in a sigset (bit N-1 is signal N), in order. */
export function sigsetSignals(set: bigint): number[] {
  const out: number[] = [];
  for (let sig = 1; sig <= NSIG; sig++) if ((set >> BigInt(sig - 1)) & 1n) out.push(sig);
  return out;
}
