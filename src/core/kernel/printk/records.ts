// The 3.5–5.9 kernel log: variable-length records in `log_buf` (kernel/printk/printk.c):
//   struct printk_log { u64 ts_nsec; u16 len; u16 text_len; u16 dict_len; u8 facility; u8 flags:5;
//                       u8 level:3; [u32 caller_id, 5.1+ with CONFIG_PRINTK_CALLER] }
// (named `struct log` before 3.11), each followed by its text and its dictionary, padded to `len`. A record
// with len 0 marks the end of the used buffer: the next record is at the start. The walk goes from
// log_first_idx to log_next_idx, as crash's dump_variable_length_record_log (kernel.c) does.
import { MissingDebugInfo, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, optional, structOf } from "../../program/layout";
import type { Program } from "../../program/program";
import type { PrintkLog } from "./printk";
import { bitfieldOf, latin1, PrintkError, readBitfield, readZeroFilled } from "./read";
import { printkLog, PrintkTableBuilder } from "./table";

/** Cap on log_buf_len read from the dump (LOG_BUF_LEN_MAX is 2^31; real buffers are at most a few MiB). */
const MAX_LOG_BUF_LEN = 1 << 27;

/** One record header: renamed from `struct log` to `struct printk_log` in 3.11 (62e32ac3505a). */
const RECORD = layout(
  {
    tsNsec: ["printk_log.ts_nsec", "log.ts_nsec"],
    len: ["printk_log.len", "log.len"],
    textLen: ["printk_log.text_len", "log.text_len"],
    dictLen: ["printk_log.dict_len", "log.dict_len"],
    facilityField: optional("printk_log.facility", "log.facility"),
    flagsField: optional("printk_log.flags", "log.flags"),
    levelField: optional("printk_log.level", "log.level"),
    callerId: optional("printk_log.caller_id", "log.caller_id"), // 5.1+ with CONFIG_PRINTK_CALLER
  },
  (o, m, prog) => {
    const name = `struct ${structOf(m.tsNsec.path)}`;
    const size = prog.sizeOf(name);
    if (size < o.dictLen + 2 || size < o.len + 2) throw new PrintkError(`printk: ${name} is smaller than its members`);
    return { size, facility: bitfieldOf(m.facilityField), flags: bitfieldOf(m.flagsField), level: bitfieldOf(m.levelField) };
  },
);

function recordLayout(prog: Program): ReturnType<typeof RECORD.of> {
  if (!prog.findType("struct printk_log") && !prog.findType("struct log")) throw new MissingDebugInfo("printk: no struct printk_log (or struct log) in the debug information");
  return RECORD.of(prog);
}

/** The key=value pairs of a dictionary ("SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0"). */
function dictValue(dict: string, key: string): string | undefined {
  for (const entry of dict.split("\0")) if (entry.startsWith(key + "=")) return entry.slice(key.length + 1);
  return undefined;
}

export function readRecordLog(prog: Program): PrintkLog {
  const l = recordLayout(prog);
  const firstIdx = prog.readU32(prog.symbolAddress("log_first_idx"));
  const nextIdx = prog.readU32(prog.symbolAddress("log_next_idx"));
  const bufLen = prog.readU32(prog.symbolAddress("log_buf_len"));
  const logBuf = prog.readU64(prog.symbolAddress("log_buf"));
  if (bufLen < l.size || bufLen > MAX_LOG_BUF_LEN) throw new PrintkError(`printk: implausible log_buf_len ${bufLen}`);
  const { bytes: buf, zeroFilled } = readZeroFilled(prog, logBuf, bufLen);
  const v = dataView(buf);
  // log_first_seq numbers the record at log_first_idx (absent from debug info on some kernels: then 0).
  const firstSeq = prog.hasSymbol("log_first_seq") ? prog.readU64(prog.symbolAddress("log_first_seq")) : 0n;
  const seqLo = Number(firstSeq & 0xffffffffn);
  const seqHi = Number(firstSeq >> 32n);
  const table = new PrintkTableBuilder(64, { callerId: l.callerId !== undefined, dataless: false, devInfo: false, segments: [buf] });
  const done = (stopped?: WalkAborted): PrintkLog => printkLog("printk_log", table.finish(), zeroFilled, stopped);
  const abort = (reason: string) => done(new WalkAborted("printk log_buf", reason, table.count));
  const fits = (at: number) => at + l.size <= bufLen;
  // Each record starts at a distinct offset and is at least a header long, so this bounds the walk.
  const maxRecords = Math.floor(bufLen / l.size) + 1;
  const seen = new Set<number>();
  let idx = firstIdx;
  while (idx !== nextIdx) {
    if (table.count >= maxRecords) return abort("more records than log_buf can hold");
    // log_from_idx(): a zero length marks the end of the buffer; the record is at the start.
    // The kernel always leaves room for a header (the end marker) after a record.
    if (!fits(idx)) return abort(`record index ${idx} leaves no room for a header in the ${bufLen}-byte log_buf`);
    let at = idx;
    if (v.getUint16(at + l.len, true) === 0) at = 0;
    if (seen.has(at)) return abort(`duplicate log_buf message pointer at ${at}`);
    seen.add(at);
    const len = v.getUint16(at + l.len, true);
    const textLen = v.getUint16(at + l.textLen, true);
    const dictLen = v.getUint16(at + l.dictLen, true);
    const textStart = at + l.size;
    if (len < l.size || textStart + textLen + dictLen > at + len || at + len > bufLen) {
      return abort(`record at ${at}: len ${len}, text_len ${textLen}, dict_len ${dictLen} do not fit`);
    }
    // The sequence number: log_first_seq plus the records before, in two 32-bit halves with the carry.
    const lo = seqLo + table.count;
    const k = table.add(
      lo >>> 0,
      (seqHi + (lo >= 2 ** 32 ? 1 : 0)) >>> 0,
      v.getUint32(at + l.tsNsec, true),
      v.getUint32(at + l.tsNsec + 4, true),
      l.level ? readBitfield(buf, at, l.level) : -1,
      l.facility ? readBitfield(buf, at, l.facility) : -1,
      l.flags ? readBitfield(buf, at, l.flags) : -1,
      l.callerId !== undefined ? v.getUint32(at + l.callerId, true) : 0,
      textStart,
      textLen,
    );
    if (dictLen) {
      const dict = latin1(buf, textStart + textLen, textStart + textLen + dictLen);
      const subsystem = dictValue(dict, "SUBSYSTEM");
      const device = dictValue(dict, "DEVICE");
      table.extra(k, { dict, ...(subsystem !== undefined ? { subsystem } : {}), ...(device !== undefined ? { device } : {}) });
    }
    // log_next(): after the end marker, the record after the one at the start.
    idx = at + len;
    if (idx >= bufLen) {
      if (firstIdx <= nextIdx) return abort("invalid log_buf entry encountered");
      idx = 0;
    }
  }
  return done();
}
