// The text layouts the CLI prints for results it gets from the Session (kdw info, kdw read): the formatters
// live with their results below; adapters reach them through here.
export { formatDumpInfo } from "./dump-info";
export { formatMemory, type EntrySize } from "../commands/shared/memory-display";
