// crash's bpf text (bpf.c do_bpf): a program table (with -p/-P their extra lines, -j, -t/-T, -s under each),
// a blank line, then a map table (with -m/-M their extra lines and -s).
import { escapeControl } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { BpfResult } from "./bpf";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** strftime("%a %b %d %H:%M:%S %Y"), in UTC. */
function loadTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export function formatBpf(r: BpfResult): string {
  const progHeader = `${center("ID", 4)} ${center("BPF_PROG", VADDR_PRLEN)} ${center("BPF_PROG_AUX", VADDR_PRLEN)} ${center("BPF_PROG_TYPE", r.progTypeWidth)}       TAG        USED_MAPS`;
  const mapHeader = `${center("ID", 4)} ${center("BPF_MAP", VADDR_PRLEN)} ${center("BPF_MAP_TYPE", r.mapTypeWidth)} MAP_FLAGS`;
  let out = "";
  if (r.showPrograms) {
    r.programs.forEach((row, i) => {
      const p = row.program;
      if (i > 0 && r.progVerbose) out += `\n${progHeader}\n`;
      if (i === 0) out += progHeader + "\n";
      out += `${center(String(p.id), 4)} ${center(p.address.toString(16), VADDR_PRLEN)} ${center(p.aux.toString(16), VADDR_PRLEN)} ${center(p.typeName, r.progTypeWidth)} ${p.tag} ${center(p.usedMaps.join(","), "USED_MAPS".length)} \n`;
      if (r.progVerbose) {
        out += `     XLATED: ${p.insnCount * 8}  JITED: ${p.jitedLen}  MEMLOCK: ${p.memlock !== undefined ? p.memlock : "(unknown)"}\n`;
        out += `     LOAD_TIME: ${row.loadTimeUtc !== undefined ? loadTime(row.loadTimeUtc) : "(unknown)"}\n`;
        const name = p.name === undefined ? "(unknown)" : p.name ? `"${escapeControl(p.name)}"` : "(unused)";
        out += `     GPL_COMPATIBLE: ${p.gplCompatible === undefined ? "(unknown)" : p.gplCompatible ? "yes" : "no"}  NAME: ${name}  UID: ${p.uid !== undefined ? p.uid : "(unknown)"}\n`;
      }
      if (row.jit) out += "\n" + (p.jitedLen ? row.jit.map((l) => l + "\n").join("") : "(program not jited)\n");
      if (row.xlated !== undefined) out += "\n" + row.xlated;
      if (row.structs) out += "\n" + row.structs[0] + "\n" + row.structs[1];
    });
    if (r.showMaps) out += "\n";
  }
  if (r.showMaps) {
    r.maps.forEach((row, i) => {
      const m = row.map;
      if (i > 0 && r.mapVerbose) out += `\n${mapHeader}\n`;
      if (i === 0) out += mapHeader + "\n";
      out += `${center(String(m.id), 4)} ${center(m.address.toString(16), VADDR_PRLEN)} ${center(m.typeName, r.mapTypeWidth)}  ${(m.flags >>> 0).toString(16).padStart(8, "0")} \n`;
      if (r.mapVerbose) {
        out += `     KEY_SIZE: ${m.keySize}  VALUE_SIZE: ${m.valueSize}  MAX_ENTRIES: ${m.maxEntries}  MEMLOCK: ${row.memlock !== undefined ? row.memlock : "(unknown)"}\n`;
        const name = m.name === undefined ? "(unknown)" : m.name ? `"${escapeControl(m.name)}"` : "(unused)";
        out += `     NAME: ${name}  UID: ${m.uid !== undefined ? m.uid : "(unused)"}\n`;
      }
      if (row.struct !== undefined) out += "\n" + row.struct;
    });
  }
  return out;
}
