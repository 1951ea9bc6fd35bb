// Drives one interactive crash process over pipes and times each command without crash's start-up: after a
// command, a `p` of a marker number is sent, and the command's time is until the marker's output arrives.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export class CrashSession {
  private proc: ChildProcessWithoutNullStreams;
  private buffer = "";
  private waiters: (() => void)[] = [];
  private marker = 7_000_000;
  private stderr = "";
  /** Why crash ended, once it has: a wait for its output then fails instead of waiting for ever. */
  private ended: string | undefined;
  readonly startupSeconds: Promise<number>;

  constructor(crash: string, vmlinux: string, dump: string) {
    const t0 = performance.now();
    this.proc = spawn(crash, ["-s", vmlinux, dump], { stdio: "pipe" });
    this.proc.stdout.setEncoding("latin1");
    this.proc.stdout.on("data", (d: string) => {
      this.buffer += d;
      this.wake();
    });
    this.proc.stderr.setEncoding("latin1");
    this.proc.stderr.on("data", (d: string) => (this.stderr = (this.stderr + d).slice(-2000)));
    const end = (why: string): void => {
      this.ended ??= `${why}${this.stderr.trim() ? `: ${this.stderr.trim().split("\n").pop()}` : ""}`;
      this.wake();
    };
    this.proc.on("error", (err) => end(err.message));
    this.proc.on("close", (code, signal) => end(`crash exited (${signal ?? code})`));
    // A write to a crash that has ended fails with EPIPE: the wait reports why it ended instead.
    this.proc.stdin.on("error", () => undefined);
    this.startupSeconds = this.sync().then(() => (performance.now() - t0) / 1000);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async sync(): Promise<void> {
    const n = ++this.marker;
    const want = `= ${n}\n`;
    this.proc.stdin.write(`p ${n}\n`);
    while (!this.buffer.includes(want)) {
      if (this.ended !== undefined) throw new Error(this.ended);
      await new Promise<void>((r) => this.waiters.push(r));
    }
    this.buffer = "";
  }

  /** Seconds from sending the command to the end of its output. */
  async time(command: string): Promise<number> {
    await this.startupSeconds;
    const t0 = performance.now();
    this.proc.stdin.write(command + "\n");
    await this.sync();
    return (performance.now() - t0) / 1000;
  }

  /**
   * Quits crash and waits until its process has exited: crash frees hundreds of MiB as it ends, and a
   * figure taken while it does (the bench's next kdw process, on a 2-core machine) would share the CPU.
   */
  close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return resolve();
      this.proc.once("close", () => resolve());
    });
    this.proc.stdin.end("q\n");
    return exited;
  }
}
