// crash's `swap` (memory.c cmd_swap, dump_swap_info): the swap devices in use.
import { swapDevices, type SwapDevice } from "../../kernel/mm/swap";
import { defineCommand } from "../command";
import { formatSwap } from "./swap-format";
import { SWAP_HELP } from "./swap-help";

export interface SwapResult {
  devices: SwapDevice[];
}

export const swapCommand = defineCommand({
  name: "swap",
  summary: "swap device information",
  help: SWAP_HELP,
  options: { invalid: () => "Usage: swap" },
  parse: () => undefined,
  execute: (ctx): SwapResult => ({ devices: swapDevices(ctx.prog) }),
  format: formatSwap,
});
