// crash's `vm -R REF` (memory.c vm_area_dump, handle_each_vm_area, vm_area_page_dump with a reference):
// what in a task's memory map refers to REF. A number is read as crash reads it (htol: hexadecimal, and
// also decimal when it has only digits): it may be the mm or pgd address, a vm_area_struct address, a
// vm_flags value, a page's user or physical address, its offset in the mapped file, or (decimal) its swap
// offset; a string matches a mapped file's path or a swap file's (FILENAME_COMPONENT: a part of the path,
// "/" only "/").
import type { PageTranslation } from "../../kernel/mm/vma-pages";
import type { VmaRow } from "./vm";

export interface VmReference {
  text: string;
  /** The reference read as hexadecimal (when it is a number). */
  hex?: bigint;
  /** And as decimal (when it has only digits). */
  dec?: bigint;
}

/** One VMA that refers to the reference: by its own row, or by some of its pages. */
export interface VmaRefMatch {
  row: VmaRow;
  rowMatched: boolean;
  /** The pages that refer to it, in address order. */
  pages: PageTranslation[];
}

export interface VmRefMatch {
  /** The reference is the task's mm_struct or pgd: crash shows the MM line alone. */
  mmOrPgd: boolean;
  vmas: VmaRefMatch[];
}

function filenameComponent(path: string, ref: string): boolean {
  return path !== "" && ((path === "/" && ref === "/") || (ref !== "/" && path.includes(ref)));
}

function pageRefers(ref: VmReference, p: PageTranslation): boolean {
  if (ref.hex === p.vaddr) return true;
  switch (p.kind) {
    case "mapped":
      return ref.hex === BigInt(p.phys);
    case "swap":
      return ref.dec === p.offset || filenameComponent(p.device ?? "", ref.text);
    case "file":
      return ref.hex === p.offset;
    case "unmapped":
      return false;
  }
}

/** The VMA's part of the answer, or undefined when nothing of it refers to the reference. */
export function referenceSearch(ref: VmReference, row: VmaRow, pages: () => PageTranslation[]): VmaRefMatch | undefined {
  const rowMatched = ref.hex === row.address || ref.hex === row.flags || filenameComponent(row.path, ref.text);
  const matching = pages().filter((p) => pageRefers(ref, p));
  return rowMatched || matching.length ? { row, rowMatched, pages: matching } : undefined;
}
