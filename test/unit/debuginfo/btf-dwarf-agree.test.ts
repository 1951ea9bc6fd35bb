// The two type back ends must agree: for every struct and union BTF names that DWARF also defines, the size
// and each member's name, offset and bitfield width are the same. (BTF is generated from this DWARF by pahole;
// a disagreement means one reader is wrong.)
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { Btf } from "../../../src/core/debuginfo/btf";
import { dwarfSectionsFromElf } from "../../../src/core/debuginfo/dwarf/elf-sections";
import { openDwarf } from "../../../src/core/debuginfo/dwarf/open";
import { resolveType, type Type } from "../../../src/core/debuginfo/types";
import { ElfFile } from "../../../src/core/dump/elf";
import { fixture, haveFixtures } from "../../fixtures";

function shape(t: Type): string {
  const s = resolveType(t);
  if (s.kind !== "struct" && s.kind !== "union") return s.kind;
  return `${s.kind} ${s.size}: ` + s.members.map((m) => `${m.name ?? "(anon)"}@${m.bitOffset}${m.bitSize !== undefined ? ":" + m.bitSize : ""}`).join(" ");
}

describe.skipIf(!haveFixtures("vmlinux"))("BTF and DWARF agree on the fixture vmlinux", () => {
  it("every named struct and union has the same size and members in both", () => {
    const elf = ElfFile.open(new NodeFileSource("vmlinux", fixture("vmlinux")!));
    const btf = new Btf(elf.sectionBytes(".BTF")!);
    const dwarf = openDwarf(dwarfSectionsFromElf(elf)!);
    let compared = 0;
    const differ: string[] = [];
    for (let id = btf.firstId; id <= btf.lastId; id++) {
      const kind = btf.kindOf(id);
      if (kind !== 4 && kind !== 5) continue; // BTF_KIND_STRUCT, BTF_KIND_UNION
      const name = btf.nameOf(id);
      if (!name) continue;
      const a = btf.typeById(id);
      // A name that BTF itself defines more than once (static structs of the same name in different
      // units) is ambiguous: DWARF's index keeps one of them, so the pair is not comparable.
      if (btf.idsNamed(name).filter((i) => btf.kindOf(i) === kind).length > 1) continue;
      const b = dwarf.types.findType(name, kind === 4 ? "struct" : "union");
      if (!b || (resolveType(b) as { declaration?: boolean }).declaration) continue;
      compared++;
      if (shape(a) !== shape(b)) differ.push(`${name}: BTF ${shape(a).slice(0, 120)} / DWARF ${shape(b).slice(0, 120)}`);
    }
    expect(compared).toBeGreaterThan(5000);
    expect(differ).toEqual([]);
  });
});
