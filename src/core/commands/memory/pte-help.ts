// crash 8.0.6's `help pte` from its SYNOPSIS on (help.c help_pte[]), the prompt shown as "crash>".
export const PTE_HELP = `SYNOPSIS
  pte contents ...

DESCRIPTION
  This command translates the hexadecimal contents of a PTE into its physical
  page address and page bit settings.  If the PTE references a swap location,
  the swap device and offset are displayed.

EXAMPLES

    crash> pte d8e067
     PTE    PHYSICAL  FLAGS
    d8e067   d8e000   (PRESENT|RW|USER|ACCESSED|DIRTY)
 
    crash> pte 13f600
     PTE      SWAP     OFFSET
    13f600  /dev/hda2   5104

  kdw: a swap entry (a PTE that is not present) is shown as not decoded.`;
