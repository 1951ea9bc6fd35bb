// One object's DWARF, ready to answer: the reader, the name index (built, or loaded from the CLI's cache),
// the TypeSystem and the line tables. The index is the only costly part (vmlinux: ~1 s of CPU); callers that
// can run threads pass a builder that splits it (index-parallel.ts).
import { KdwError } from "../../io/errors";
import { Dwarf } from "./dwarf";
import { buildIndex } from "./index-build";
import { DwarfLines } from "./line";
import { DwarfIndex } from "./name-index";
import type { DwarfSections } from "./reader";
import { DwarfTypeSystem, type DwarfTypeSystemOptions } from "./type-system";

export interface DwarfDebugInfo {
  readonly dwarf: Dwarf;
  readonly index: DwarfIndex;
  readonly types: DwarfTypeSystem;
  readonly lines: DwarfLines;
  /** How the index came: loaded from the cache image, built (no image), or rebuilt (the image was bad). */
  readonly indexSource: "cache" | "built" | "rebuilt";
  /** Why a cached image was refused, when it was. */
  readonly cacheError?: string;
}

export interface OpenDwarfOptions extends DwarfTypeSystemOptions {
  /** A DwarfIndex.serialize() image from the cache (keyed by build id by the caller). */
  cachedIndex?: Uint8Array;
  /** An index built elsewhere. */
  index?: DwarfIndex;
  /** Builds the index when there is no usable cached image (default: buildIndex, in this thread). */
  build?: (dwarf: Dwarf) => DwarfIndex;
  /** A reader already open over the same sections (line lookups opened it first). */
  reader?: Dwarf;
}

export function openDwarf(sections: DwarfSections, options: OpenDwarfOptions = {}): DwarfDebugInfo {
  const dwarf = options.reader ?? new Dwarf(sections);
  let index = options.index;
  let indexSource: DwarfDebugInfo["indexSource"] = "built";
  let cacheError: string | undefined;
  if (!index && options.cachedIndex) {
    try {
      index = DwarfIndex.deserialize(sections, options.cachedIndex);
      indexSource = "cache";
    } catch (e) {
      // A stale or damaged cache file is not evidence: rebuild, and say so.
      if (!(e instanceof KdwError)) throw e;
      cacheError = e.message;
      indexSource = "rebuilt";
    }
  }
  index ??= (options.build ?? buildIndex)(dwarf);
  return { dwarf, index, types: new DwarfTypeSystem(dwarf, index, options), lines: new DwarfLines(dwarf), indexSource, ...(cacheError ? { cacheError } : {}) };
}
