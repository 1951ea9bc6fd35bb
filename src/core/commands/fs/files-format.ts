// crash's files text (filesys.c open_files_dump, file_dump).
import type { OpenFile } from "../../kernel/fs/files";
import { escapeControl as printable } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import type { FilesResult, TaskFiles } from "./files";

export const FILES_HEADER = ` FD ${center("FILE", VADDR_PRLEN)} ${center("DENTRY", VADDR_PRLEN)} ${center("INODE", VADDR_PRLEN)} TYPE PATH`;

/** One file_dump row (DUMP_FULL_NAME|DUMP_EMPTY_FILE). */
export function formatFileRow(f: OpenFile): string {
  const hex = (v: bigint): string => v.toString(16).padStart(VADDR_PRLEN);
  const fd = String(f.fd).padStart(3);
  if (f.dentry === 0n) return `${fd} ${hex(f.file)} ${"0".repeat(VADDR_PRLEN)} ${center("?", VADDR_PRLEN)} ?    ?`;
  if (f.inode === 0n) return `${fd} ${hex(f.file)} ${hex(f.dentry)} ${"0".repeat(VADDR_PRLEN)} ?    ?`;
  return `${fd} ${hex(f.file)} ${hex(f.dentry)} ${hex(f.inode)} ${(f.type ?? "UNKN").padEnd(4)} ${printable(f.path.path)}`;
}

/** One task's block without its header: ROOT/CWD, then the table or "No open files". */
export function formatTaskFiles(t: Pick<TaskFiles, "fs" | "files">): string {
  let text = t.fs ? `ROOT: ${printable(t.fs.root.path)}    CWD: ${printable(t.fs.cwd.path)}\n` : "";
  if (t.files.length === 0) text += "No open files\n";
  else text += FILES_HEADER + "\n" + t.files.map((f) => formatFileRow(f) + "\n").join("");
  return text;
}

export function formatFiles(r: FilesResult): string {
  return r.tasks.map((t) => (t.blankBefore ? "\n" : "") + formatTaskHeader(t) + "\n" + formatTaskFiles(t) + (t.blankAfter ? "\n" : "")).join("");
}
