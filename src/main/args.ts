// `kdw-workbench [VMLINUX] DUMP`: files named on the command line open in the first window. Flags
// (Electron's and Chromium's own, --inspect, …) are not files; at most two paths are taken.
import type { DumpChoice } from "../preload/bridge";

export function filesFromArgv(argv: readonly string[], packaged: boolean): string[] {
  // Packaged: [exe, ...args]; from source: [electron, appPath, ...args].
  const args = argv.slice(packaged ? 1 : 2);
  const out: string[] = [];
  for (const a of args) {
    if (a === "--") continue;
    if (a.startsWith("-")) continue;
    out.push(a);
  }
  return out.slice(0, 2);
}

/** Two paths: the vmlinux by name (as crash takes them in either order), else the order given. */
export function choiceFromFiles(files: readonly string[], isDump: (path: string) => boolean): DumpChoice | undefined {
  if (files.length === 0) return undefined;
  if (files.length === 1) return { dump: files[0]! };
  const [a, b] = files as [string, string];
  if (isDump(a) && !isDump(b)) return { dump: a, vmlinux: b };
  if (isDump(b) && !isDump(a)) return { dump: b, vmlinux: a };
  return { dump: b, vmlinux: a };
}
