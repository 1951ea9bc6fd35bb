// crash's IS_KVADDR on x86-64, for arguments that must be kernel addresses: the kernel's half of the address
// space, whose lowest possible start (5-level paging) is 0xff00000000000000; with 4-level paging the addresses
// below 0xffff800000000000 are not canonical and name nothing.
export const KERNEL_VADDR_START = 0xff00_0000_0000_0000n;

export function isKernelVaddr(addr: bigint): boolean {
  return addr >= KERNEL_VADDR_START && addr <= 0xffff_ffff_ffff_ffffn;
}
