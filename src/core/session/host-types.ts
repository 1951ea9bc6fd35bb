// What a host implements for the Session, in one place: the adapters (src/cli, src/server, src/main) import
// these from session/, never from the layers below it.
export type { InstructionDecoder, DecodedInstruction } from "../arch/x86_64/disasm";
export type { DirectBranch } from "../arch/x86_64/unwind-types";
export type { CodecOverrides } from "../codec";
export type { IndexCache } from "../program/open-kernel";
export type { ModuleFileFinder } from "../commands/command";
export type { SourceReader } from "../program/source-lines";
export type { DwarfIndexWorkers, IndexJob } from "../debuginfo/dwarf/index-parallel";
export type { IndexRange } from "../debuginfo/dwarf/index-build";
// What the adapters' index worker threads run: parts of the DWARF name index.
export { indexPartBuilder } from "../debuginfo/dwarf/index-parallel";
