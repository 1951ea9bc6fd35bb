// readMemory: kernel virtual, physical or a task's user memory, page by page, each chunk with its state —
// present (with its bytes), excluded (the dump left the page out) or unmapped (no translation) — so a hex
// view shows holes as holes, never as zeros.
import type { Program } from "../../program/program";
import { KdwError, ExcludedPageError, MissingDebugInfo } from "../../io/errors";
import { taskUserSpace } from "../../kernel/tasks/user";
import { X86_64AddressSpace } from "../../arch/x86_64/layout";
import type { MemoryChunk, PageState, ReadMemoryParams, ReadMemoryReply } from "../contract";
import { hex, NotFoundError, parseHex, toProblem } from "../problems";
import { findTask } from "./tasks";

const U64_END = 1n << 64n;

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? "0" : "") + bytes[i]!.toString(16);
  return s;
}

/** Translation and reading of one address space, so the chunker below serves all three. */
interface Space {
  /** Physical address, or -1 when unmapped. */
  translate(addr: bigint): number;
}

export function readMemory(prog: Program, params: ReadMemoryParams): ReadMemoryReply {
  const start = parseHex(params.address);
  const pageSize = prog.dump.pageSize;
  const reply: ReadMemoryReply = { space: params.space, address: hex(start), length: 0, chunks: [] };
  let length = params.length;
  if (start + BigInt(length) > U64_END) length = Number(U64_END - start);
  reply.length = length;
  let space: Space;
  if (params.space === "physical") space = { translate: (a) => (a < BigInt(Number.MAX_SAFE_INTEGER) ? Number(a) : -1) };
  else if (params.space === "kernel") {
    const k = prog.kernel;
    if (!(k instanceof X86_64AddressSpace)) throw new MissingDebugInfo("no x86-64 kernel page tables to translate through");
    space = { translate: (a) => k.tryTranslate(a) };
  } else {
    if (params.pid === undefined) throw new NotFoundError("readMemory: a user-space read names the task (pid)");
    const task = findTask(prog, { pid: params.pid });
    const user = taskUserSpace(prog, task);
    space = { translate: (a) => user.tryTranslate(a) };
  }
  let addr = start;
  const end = start + BigInt(length);
  while (addr < end) {
    const pageEnd = (addr / BigInt(pageSize) + 1n) * BigInt(pageSize);
    const n = Number((pageEnd < end ? pageEnd : end) - addr);
    const phys = space.translate(addr);
    let state: PageState;
    let bytes: Uint8Array | undefined;
    let why: MemoryChunk["problem"];
    if (phys < 0) {
      state = "unmapped";
      why = { code: "unmapped", message: `${hex(addr)}: no translation`, address: hex(addr) };
    } else {
      // The dump's own read says why a page is missing (its typed error names the file and the address).
      try {
        bytes = prog.dump.readPhys(phys, n);
        state = "present";
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        state = err instanceof ExcludedPageError ? "excluded" : "unmapped";
        why = toProblem(err);
      }
    }
    const last = reply.chunks[reply.chunks.length - 1];
    if (last && last.state === state && state !== "present") last.length += n;
    else if (last && last.state === "present" && state === "present" && bytes) {
      last.length += n;
      last.hex += toHex(bytes);
    } else {
      const chunk: MemoryChunk = { address: hex(addr), length: n, state };
      if (bytes) chunk.hex = toHex(bytes);
      if (why) chunk.problem = why;
      reply.chunks.push(chunk);
    }
    addr += BigInt(n);
  }
  return reply;
}
