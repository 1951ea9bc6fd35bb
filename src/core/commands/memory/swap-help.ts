// crash 8.0.6's `help swap`, from SYNOPSIS on (the NAME section is made from the command's name and
// summary), kept as crash prints it: test/golden/kmem-reference/help-swap.txt is the reference.
export const SWAP_HELP = `SYNOPSIS
  swap  

DESCRIPTION
  This command displays information for each configured swap device.

EXAMPLE
  crash-8.0.6> swap
  SWAP_INFO_STRUCT    TYPE       SIZE       USED    PCT  PRI  FILENAME
  ffff880153d45f40  PARTITION  7192568k   1200580k  16%   -1  /dev/dm-1`;
