// The pre-3.5 kernel log: flat text in `log_buf` (a `char *` with `log_buf_len`, or in the oldest kernels
// a static array), written cyclically up to the running count `log_end`. Lines start with a `<N>` level
// prefix. Read as crash's dump_log (kernel.c) reads it: chronological from `log_end & (log_buf_len - 1)`
// once the buffer has wrapped, NUL bytes skipped, the level prefix of each line set apart.
import type { Program } from "../../program/program";
import type { PrintkLog } from "./printk";
import { PrintkError, readZeroFilled } from "./read";
import { printkLog, PrintkTableBuilder } from "./table";

/** Cap on log_buf_len read from the dump (old kernels allowed at most a few MiB). */
const MAX_LOG_BUF_LEN = 1 << 27;
const LT = 0x3c; // '<'
const GT = 0x3e; // '>'
const NL = 0x0a;

function isLevelChar(c: number): boolean {
  return c === LT || (c >= 0x30 && c <= 0x37); // '<', '0'..'7'
}

/** log_end: an int since 2.6.25 (crash asks the symbol's size, as here), an unsigned long before. */
function readLogEnd(prog: Program): number {
  const addr = prog.symbolAddress("log_end");
  const size = prog.symbolSize("log_end");
  return size === 8 ? Number(prog.readU64(addr) & 0xffffffffn) : prog.readU32(addr);
}

export function readFlatLog(prog: Program): PrintkLog {
  let bufLen: number;
  let logBuf: bigint;
  if (prog.hasSymbol("log_buf_len")) {
    bufLen = prog.readU32(prog.symbolAddress("log_buf_len"));
    logBuf = prog.readU64(prog.symbolAddress("log_buf"));
  } else {
    // A static `char log_buf[LOG_BUF_LEN]`: its length is the symbol's size.
    bufLen = prog.symbolSize("log_buf") ?? 0;
    logBuf = prog.symbolAddress("log_buf");
  }
  if (bufLen <= 0 || bufLen > MAX_LOG_BUF_LEN || (bufLen & (bufLen - 1)) !== 0) {
    throw new PrintkError(`printk: implausible log_buf_len ${bufLen} (a power of two is expected)`);
  }
  const logEnd = readLogEnd(prog);
  const { bytes: buf, zeroFilled } = readZeroFilled(prog, logBuf, bufLen);
  const index = logEnd < bufLen ? 0 : logEnd & (bufLen - 1);
  const table = new PrintkTableBuilder(64, { callerId: false, dataless: false, devInfo: false, segments: [] });
  // The level prefix is stripped only at the start of a line; the first bytes after a wrap are mid-line.
  let atLineStart = index === 0 && buf[0] === LT;
  let prefix = "";
  let textAt = table.ownTextAt;
  const push = () => {
    const m = /^<([0-7])>/.exec(prefix);
    const k = table.add(table.count, 0, 0, 0, m ? Number(m[1]) : -1, -1, -1, 0, textAt, table.ownTextAt - textAt);
    if (prefix) table.extra(k, { prefix });
    prefix = "";
    textAt = table.ownTextAt;
  };
  for (let n = 0; n < bufLen; n++) {
    const c = buf[(index + n) & (bufLen - 1)]!;
    if (atLineStart) {
      if (isLevelChar(c) || c === GT) {
        prefix += String.fromCharCode(c);
        if (c === GT) atLineStart = false;
        continue;
      }
      atLineStart = false;
    }
    if (c === 0) continue;
    if (c === NL) {
      push();
      atLineStart = true;
    } else table.appendByte(c);
  }
  if (table.ownTextAt > textAt || prefix) push();
  return printkLog("flat", table.finish(), zeroFilled);
}
