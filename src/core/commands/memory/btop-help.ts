// crash 8.0.6's `help btop` and `help ptob` from their SYNOPSIS on (help.c), the prompt shown as "crash>".
export const BTOP_HELP = `SYNOPSIS
  btop address ...

DESCRIPTION
  This command translates a hexadecimal address to its page number.

EXAMPLES
    crash> btop 512a000
    512a000: 512a`;
export const PTOB_HELP = `SYNOPSIS
  ptob page_number ...

DESCRIPTION
  This command translates a page frame number to its byte value.

EXAMPLES
    crash> ptob 512a
    512a: 512a000`;
