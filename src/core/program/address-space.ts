/** Virtual memory as the program layer sees it: the kernel's, or a task's user space. */
export interface AddressSpace {
  /** `length` bytes at `vaddr`; throws InvalidAddressError / ExcludedPageError when a page is not readable. */
  read(vaddr: bigint, length: number): Uint8Array;
}
