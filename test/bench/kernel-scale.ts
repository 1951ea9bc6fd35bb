// One part of the kernel-scale bench in a process of its own, its figures as JSON on stdout: run.ts starts
// it as a child, bundled as the CLI is (out/bench/), so that the figures do not carry the garbage collection of what
// earlier sections left on the heap, nor tsx's transform. Usage: npx tsx test/bench/kernel-scale.ts tasks|ps|log
import { benchTasksScale, psAtScale } from "./tasks-scale";
import { benchLogScale } from "./log-scale";

const part = process.argv[2];
let out: unknown;
if (part === "tasks") out = benchTasksScale(50_000);
else if (part === "ps") out = [1_000, 10_000, 50_000].map((n) => psAtScale(n));
else if (part === "log") out = benchLogScale(24);
else throw new Error("usage: kernel-scale.ts tasks|ps|log");
process.stdout.write(JSON.stringify(out ?? null) + "\n");
