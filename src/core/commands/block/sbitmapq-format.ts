// crash's sbitmapq text (sbitmap.c sbitmap_queue_show, sbitmap_bitmap_show, sbitmap_data_print), with the
// wait queues as the kernel's own sbitmap_queue_show prints them since 6.1 (no wait_cnt).
import type { SbitmapQueue } from "../../kernel/block/sbitmap";
import type { SbitmapqResult } from "./sbitmapq";

/** sbitmap_bitmap_show: the bits in use, byte by byte, 16 bytes a line as "%08x: xxxx xxxx ...". */
function bitmapLines(q: SbitmapQueue): string {
  let out = "";
  let offset = 0;
  let byte = 0;
  let byteBits = 0;
  const emit = (b: number): void => {
    if ((offset & 0xf) === 0) out += (offset ? "\n" : "") + offset.toString(16).padStart(8, "0") + ":";
    if ((offset & 1) === 0) out += " ";
    out += b.toString(16).padStart(2, "0");
    offset++;
  };
  for (const w of q.words) {
    let word = w.word & ~w.cleared;
    let bits = w.depth;
    while (bits > 0) {
      const n = Math.min(8 - byteBits, bits);
      byte |= Number(word & ((1n << BigInt(n)) - 1n)) << byteBits;
      byteBits += n;
      if (byteBits === 8) {
        emit(byte);
        byte = 0;
        byteBits = 0;
      }
      word >>= BigInt(n);
      bits -= n;
    }
  }
  if (byteBits) emit(byte);
  return offset ? out + "\n" : out;
}

export function formatSbitmapq(r: SbitmapqResult): string {
  if (r.kind === "elements") {
    return r.elements.map((e) => (r.verbose ? `${e.index} (0x${e.address.toString(16).padStart(8, "0")}):\n${e.text ?? ""}` : `${e.index}: 0x${e.address.toString(16).padStart(8, "0")}\n`)).join("");
  }
  const q = r.queue;
  const lines = [`depth = ${q.depth}`, `busy = ${r.busy}`];
  if (r.cleared !== undefined) lines.push(`cleared = ${r.cleared}`);
  lines.push(`bits_per_word = ${1 << q.shift}`, `map_nr = ${q.mapNr}`, `alloc_hint = {${q.allocHint.join(", ")}}`, `wake_batch = ${q.wakeBatch}`, `wake_index = ${q.wakeIndex}`);
  if (q.wsActive !== undefined) lines.push(`ws_active = ${q.wsActive}`);
  lines.push("ws = {", ...q.ws.map((w) => `\t{ ${w.waitCnt !== undefined ? `.wait_cnt = ${w.waitCnt >>> 0}, ` : ""}.wait = ${w.active ? "active" : "inactive"} },`), "}");
  if (q.roundRobin !== undefined) lines.push(`round_robin = ${q.roundRobin ? 1 : 0}`);
  if (q.minShallowDepth !== undefined) lines.push(`min_shallow_depth = ${q.minShallowDepth >>> 0}`);
  return lines.join("\n") + "\n\n" + bitmapLines(q);
}
