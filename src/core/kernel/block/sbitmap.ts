// Scalable bitmaps (include/linux/sbitmap.h, lib/sbitmap.c): a struct sbitmap_queue (a block device's tags,
// blk_mq_tags.bitmap_tags, say) holds a struct sbitmap of map_nr words of 1 << shift bits each, the bits
// allocated minus those cleared for deferred reuse; and its wait queues. Read as the kernel's own
// sbitmap_queue_show prints it (and crash's sbitmapq, sbitmap.c). Names that moved: alloc_hint and
// round_robin went from sbitmap_queue to sbitmap in 5.13; sbitmap_word.depth is gone in 5.19;
// sbq_wait_state.wait_cnt is gone in 6.1 (waking counts moved to sbitmap_queue.completion_cnt). Bounded:
// map_nr and depth are checked against each other before any word is read.
import { KdwError } from "../../io/errors";
import { u64le } from "../../io/little-endian";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";

/** include/linux/sbitmap.h SBQ_WAIT_QUEUES. */
export const SBQ_WAIT_QUEUES = 8;
/** No tag set has more tags than this (BLK_MQ_MAX_DEPTH is 10240; sbitmap depths are unsigned int). */
const MAX_DEPTH = 1 << 24;

const SB = layout(
  {
    sqSb: "sbitmap_queue.sb",
    sqAllocHint: optional("sbitmap_queue.alloc_hint"),
    sqWakeBatch: "sbitmap_queue.wake_batch",
    sqWakeIndex: "sbitmap_queue.wake_index",
    sqWs: "sbitmap_queue.ws",
    sqWsActive: optional("sbitmap_queue.ws_active"),
    sqRoundRobin: optional("sbitmap_queue.round_robin"),
    sqMinShallowDepth: optional("sbitmap_queue.min_shallow_depth"),
    sbDepth: "sbitmap.depth",
    sbShift: "sbitmap.shift",
    sbMapNr: "sbitmap.map_nr",
    sbMap: "sbitmap.map",
    sbAllocHint: optional("sbitmap.alloc_hint"),
    sbRoundRobin: optional("sbitmap.round_robin"),
    wordWord: "sbitmap_word.word",
    wordCleared: optional("sbitmap_word.cleared"),
    wsWaitCnt: optional("sbq_wait_state.wait_cnt"),
    wsWait: "sbq_wait_state.wait",
    waitHead: ["wait_queue_head.head", "__wait_queue_head.task_list"],
  },
  (_o, _m, prog) => ({ wordSize: prog.sizeOf("struct sbitmap_word"), wsSize: prog.sizeOf("struct sbq_wait_state"), sqSize: prog.sizeOf("struct sbitmap_queue"), sbSize: prog.sizeOf("struct sbitmap") }),
);

export interface SbitmapWord {
  word: bigint;
  cleared: bigint;
  /** Bits of this word in use: 1 << shift, less for the last word. */
  depth: number;
}

export interface SbqWaitState {
  address: bigint;
  /** sbq_wait_state.wait_cnt, before 6.1. */
  waitCnt?: number;
  /** A task waits on it (waitqueue_active: the list is not empty). */
  active: boolean;
}

export interface SbitmapQueue {
  address: bigint;
  depth: number;
  shift: number;
  mapNr: number;
  words: SbitmapWord[];
  /** The allocation hint per possible CPU (unsigned int, per-CPU). */
  allocHint: number[];
  wakeBatch: number;
  wakeIndex: number;
  wsActive?: number;
  ws: SbqWaitState[];
  roundRobin?: boolean;
  minShallowDepth?: number;
}

function popcount(v: bigint): number {
  let n = 0;
  for (let x = v; x !== 0n; x &= x - 1n) n++;
  return n;
}

const bitsOf = (v: bigint, depth: number): bigint => (depth >= 64 ? v : v & ((1n << BigInt(depth)) - 1n));

/** Bits set and not cleared (the kernel's sbitmap_weight: allocated tags). */
export function sbitmapBusy(q: SbitmapQueue): number {
  return q.words.reduce((n, w) => n + popcount(bitsOf(w.word, w.depth)) - popcount(bitsOf(w.cleared, w.depth)), 0);
}

/** Bits cleared for deferred reuse. */
export function sbitmapCleared(q: SbitmapQueue): number {
  return q.words.reduce((n, w) => n + popcount(bitsOf(w.cleared, w.depth)), 0);
}

/** The indices of the bits in use (word & ~cleared), in order (sbitmap_for_each_set from 0). */
export function sbitmapSetBits(q: SbitmapQueue): number[] {
  const out: number[] = [];
  q.words.forEach((w, i) => {
    const v = bitsOf(w.word & ~w.cleared, w.depth);
    for (let b = 0; b < w.depth; b++) if ((v >> BigInt(b)) & 1n) out.push(i * (1 << q.shift) + b);
  });
  return out;
}

/** Whether the kernel keeps sbitmaps (4.9+). */
export function hasSbitmap(prog: Program): boolean {
  return prog.findType("struct sbitmap_queue") !== undefined;
}

/** The struct sbitmap_queue at `address`; `cpus` are the possible CPUs whose allocation hints are read. */
export function readSbitmapQueue(prog: Program, address: bigint, cpus: readonly number[]): SbitmapQueue {
  const l = SB.of(prog);
  const sq = prog.read(address, l.sqSize);
  const dv = new DataView(sq.buffer, sq.byteOffset, sq.byteLength);
  const sb = sq.subarray(l.sqSb, l.sqSb + l.sbSize);
  const sbv = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
  const depth = sbv.getUint32(l.sbDepth, true);
  const shift = sbv.getUint32(l.sbShift, true);
  const mapNr = sbv.getUint32(l.sbMapNr, true);
  const perWord = 2 ** shift;
  if (shift > 6 || depth > MAX_DEPTH || mapNr > MAX_DEPTH || (depth > 0 && mapNr !== Math.ceil(depth / perWord))) {
    throw new ImplausibleSbitmap(`sbitmap_queue ${address.toString(16)}: implausible sbitmap (depth ${depth}, shift ${shift}, map_nr ${mapNr})`);
  }
  const map = u64le(sb, l.sbMap);
  const words: SbitmapWord[] = [];
  if (mapNr > 0) {
    const raw = prog.read(map, mapNr * l.wordSize);
    for (let i = 0; i < mapNr; i++) {
      words.push({
        word: u64le(raw, i * l.wordSize + l.wordWord),
        cleared: l.wordCleared !== undefined ? u64le(raw, i * l.wordSize + l.wordCleared) : 0n,
        depth: i === mapNr - 1 ? depth - i * perWord : perWord,
      });
    }
  }
  const hintPtr = l.sbAllocHint !== undefined ? u64le(sb, l.sbAllocHint) : l.sqAllocHint !== undefined ? u64le(sq, l.sqAllocHint) : 0n;
  const allocHint = hintPtr === 0n ? [] : cpus.map((cpu) => prog.readU32(hintPtr + prog.perCpuOffset(cpu)));
  const wsAddr = u64le(sq, l.sqWs);
  const ws: SbqWaitState[] = [];
  if (wsAddr !== 0n) {
    const raw = prog.read(wsAddr, SBQ_WAIT_QUEUES * l.wsSize);
    for (let i = 0; i < SBQ_WAIT_QUEUES; i++) {
      const at = i * l.wsSize;
      const head = wsAddr + BigInt(at + l.wsWait + l.waitHead);
      const w: SbqWaitState = { address: wsAddr + BigInt(at), active: u64le(raw, at + l.wsWait + l.waitHead) !== head };
      if (l.wsWaitCnt !== undefined) w.waitCnt = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getInt32(at + l.wsWaitCnt, true);
      ws.push(w);
    }
  }
  const q: SbitmapQueue = { address, depth, shift, mapNr, words, allocHint, wakeBatch: dv.getUint32(l.sqWakeBatch, true), wakeIndex: dv.getInt32(l.sqWakeIndex, true), ws };
  if (l.sqWsActive !== undefined) q.wsActive = dv.getInt32(l.sqWsActive, true);
  if (l.sbRoundRobin !== undefined) q.roundRobin = sb[l.sbRoundRobin] !== 0;
  else if (l.sqRoundRobin !== undefined) q.roundRobin = sq[l.sqRoundRobin] !== 0;
  if (l.sqMinShallowDepth !== undefined) q.minShallowDepth = dv.getUint32(l.sqMinShallowDepth, true);
  return q;
}

/** A structure that is not a plausible sbitmap (its depth, shift and word count disagree). */
export class ImplausibleSbitmap extends KdwError {}
