// crash's files text (filesys.c open_files_dump, file_dump, display_dentry_info,
// dump_inode_page_cache_info).
import type { OpenFile } from "../../kernel/fs/files";
import { escapeControl as printable } from "../shared/escape";
import { formatMemMapLine, memMapHeader } from "../shared/mem-map-format";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import type { FilesResult, PageCacheCount, TaskFiles } from "./files";

export const FILES_HEADER = ` FD ${center("FILE", VADDR_PRLEN)} ${center("DENTRY", VADDR_PRLEN)} ${center("INODE", VADDR_PRLEN)} TYPE PATH`;
/** files -c (PRINT_NRPAGES). */
export const FILES_NRPAGES_HEADER = ` FD ${center("INODE", VADDR_PRLEN)} ${center("I_MAPPING", VADDR_PRLEN)} NRPAGES TYPE PATH`;

const hex = (v: bigint): string => center(v.toString(16), VADDR_PRLEN, true);

/** One file_dump row (DUMP_FULL_NAME|DUMP_EMPTY_FILE, with -c DUMP_FILE_NRPAGES). */
export function formatFileRow(f: OpenFile, pageCache?: PageCacheCount): string {
  const fd = String(f.fd).padStart(3);
  if (f.dentry === 0n) return `${fd} ${hex(f.file)} ${"0".repeat(VADDR_PRLEN)} ${center("?", VADDR_PRLEN)} ?    ?`;
  if (f.inode === 0n) return `${fd} ${hex(f.file)} ${hex(f.dentry)} ${"0".repeat(VADDR_PRLEN)} ?    ?`;
  const type = (f.type ?? "UNKN").padEnd(4);
  if (pageCache) return `${fd} ${hex(f.inode)} ${hex(pageCache.mapping)} ${String(pageCache.nrpages).padStart(7)} ${type} ${printable(f.path.path)}`;
  return `${fd} ${hex(f.file)} ${hex(f.dentry)} ${hex(f.inode)} ${type} ${printable(f.path.path)}`;
}

/** The words of a row as crash's parse_line splits what file_dump printed (files -R matches on them). */
export function fileRowWords(f: OpenFile, pageCache?: PageCacheCount): string[] {
  return formatFileRow(f, pageCache).split(/[ \t]+/).filter(Boolean);
}

/** One task's block without its header: ROOT/CWD, then the table or "No open files". */
export function formatTaskFiles(t: Pick<TaskFiles, "fs" | "files" | "pageCache">): string {
  let text = t.fs ? `ROOT: ${printable(t.fs.root.path)}    CWD: ${printable(t.fs.cwd.path)}\n` : "";
  if (t.files.length === 0) text += "No open files\n";
  else text += (t.pageCache ? FILES_NRPAGES_HEADER : FILES_HEADER) + "\n" + t.files.map((f) => formatFileRow(f, t.pageCache?.[f.fd]) + "\n").join("");
  return text;
}

/** files -R: a task that refers to the reference shows its header, ROOT/CWD (crash adds a space) and the rows. */
function formatReferenced(t: TaskFiles): string {
  if (!t.referenced) return "";
  let text = formatTaskHeader(t) + "\n";
  if (t.fs) text += `ROOT: ${printable(t.fs.root.path)}    CWD: ${printable(t.fs.cwd.path)} \n`;
  if (t.files.length) text += (t.pageCache ? FILES_NRPAGES_HEADER : FILES_HEADER) + "\n" + t.files.map((f) => formatFileRow(f, t.pageCache?.[f.fd]) + "\n").join("");
  return text + "\n";
}

export function formatFiles(r: FilesResult): string {
  switch (r.kind) {
    case "dentry": {
      const header = `${center("DENTRY", VADDR_PRLEN)} ${center("INODE", VADDR_PRLEN)} ${center("SUPERBLK", VADDR_PRLEN)} TYPE PATH\n`;
      const p = r.place;
      if (!p) return header;
      const type = p.inode === 0n ? "N/A" : (p.type ?? "UNKN").padEnd(4);
      return `${header}${p.dentry.toString(16).padStart(VADDR_PRLEN)} ${p.inode.toString(16).padStart(VADDR_PRLEN)} ${center(p.superBlock.toString(16), VADDR_PRLEN)} ${type} ${printable(p.path.path)}\n`;
    }
    case "inodePages": {
      let text = `${center("INODE", VADDR_PRLEN)}  NRPAGES\n${hex(r.inode)}  ${String(r.nrpages).padStart(7)}\n\n`;
      if (r.pages.length) text += memMapHeader(r.paddrWidth) + "\n" + r.pages.map((p) => formatMemMapLine(p, r.paddrWidth) + "\n").join("");
      return text;
    }
    case "tasks":
      if (r.reference !== undefined) return r.tasks.map((t) => formatReferenced(t) + (t.blankAfter ? "\n" : "")).join("");
      return r.tasks.map((t) => (t.blankBefore ? "\n" : "") + formatTaskHeader(t) + "\n" + formatTaskFiles(t) + (t.blankAfter ? "\n" : "")).join("");
  }
}
