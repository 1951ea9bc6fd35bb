// Where a module is known to the kernel besides the `modules` list. A module that unlinks itself from the
// list (list_del(&THIS_MODULE->list)) usually stays in both:
// - mod_tree (kernel/module/tree_lookup.c, CONFIG_MODULES_TREE_LOOKUP): a latch tree of module memory
//   regions that __module_address() searches, so the oops still names the module. struct mod_tree_root
//   { struct latch_tree_root root; unsigned long addr_min, addr_max; }; latch_tree_root holds two rb-trees
//   (tree[0] and tree[1], kept identical, read under a seqcount latch); each region's struct mod_tree_node
//   { struct module *mod; struct latch_tree_node node; } sits in module_layout.mtn (4.5-6.3) or
//   module_memory.mtn (6.4+), and latch_tree_node.node[i] is its rb_node in tree[i].
// - sysfs: module_kset's list of kobjects (/sys/module/NAME); module_kobject.mod points back to the module
//   (NULL for built-in modules, which have a /sys/module entry for their parameters only).
// Both walks are bounded and cycle-guarded; a bad node ends that walk with a WalkAborted after what was good.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import { DEFAULT_WALK_BUDGET, listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";
import { moduleLayout, moduleLinksLayout } from "./layout";
import { MAX_MODULES, readModule, latin1, type KernelModule } from "./read";
import { rbInorder } from "../../program/rbtree";

/** Nodes a tree walk visits at most: each module has a few regions. */
const MAX_TREE_NODES = MAX_MODULES * 8;

const TREE_LAYOUT = layout(
  {
    rootTree: optional("mod_tree_root.root.tree"), // struct latch_tree_root root: struct rb_root tree[2]
    addrMin: optional("mod_tree_root.addr_min"),
    addrMax: optional("mod_tree_root.addr_max"),
    ksetList: optional("kset.list"),
    kobjectName: optional("kobject.name"),
    mkKobj: optional("module_kobject.kobj"),
    mkMod: optional("module_kobject.mod"),
  },
  (o) => ({ addrMin: o.addrMin ?? 24, addrMax: o.addrMax ?? 32, ksetList: o.ksetList ?? 0, kobjectName: o.kobjectName ?? 0, mkKobj: o.mkKobj ?? 0 }),
);

export interface ModTreeEntry {
  /** The struct mod_tree_node. */
  node: bigint;
  /** mod_tree_node.mod. */
  module: bigint;
  /** Which region of that module the node belongs to ("core", "init", "MOD_TEXT", ...); undefined when the
   *  node is not inside the struct module it names (a forged or stale node). */
  region: string | undefined;
  /** Which of the latch tree's two copies held it (0, 1, or both: 2). */
  trees: number;
}

export interface ModTreeResult {
  /** In address order of tree[0], then what only tree[1] held. */
  entries: readonly ModTreeEntry[];
  /** The distinct modules the tree names, in the order first met, each read from its struct module. */
  modules: readonly KernelModule[];
  /** mod_tree.addr_min / addr_max: the span of module memory the kernel has handed out. */
  addrMin: bigint;
  addrMax: bigint;
  problems: readonly WalkAborted[];
}

export interface ModTreeOptions {
  /** Nodes each tree walk may visit (default MAX_TREE_NODES). */
  budget?: number;
}

/** The modules in the kernel's module address tree (mod_tree), whatever the `modules` list says. */
export function modTreeModules(prog: Program, options: ModTreeOptions = {}): ModTreeResult {
  const what = "module address tree (mod_tree)";
  const problems: WalkAborted[] = [];
  const empty = { entries: [], modules: [], addrMin: 0n, addrMax: 0n };
  if (!prog.hasSymbol("mod_tree")) return { ...empty, problems: [new WalkAborted(what, "the kernel has no mod_tree (CONFIG_MODULES_TREE_LOOKUP off)", 0)] };
  const tl = TREE_LAYOUT.of(prog);
  const treeOff = tl.rootTree;
  if (treeOff === undefined) return { ...empty, problems: [new WalkAborted(what, "no struct mod_tree_root with root.tree in the debug information", 0)] };
  const l = moduleLinksLayout(prog);
  const regions = moduleLayout(prog).regions;
  const root = prog.symbolAddress("mod_tree");
  let addrMin = 0n;
  let addrMax = 0n;
  try {
    addrMin = prog.readU64(root + BigInt(tl.addrMin));
    addrMax = prog.readU64(root + BigInt(tl.addrMax));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(new WalkAborted(what, `addr_min/addr_max: ${err.message}`, 0));
  }

  const byNode = new Map<bigint, ModTreeEntry>();
  const rootSize = 8n; // sizeof(struct rb_root): { struct rb_node *rb_node; }
  for (let t = 0; t < 2; t++) {
    const treeWhat = `${what} tree[${t}]`;
    try {
      const top = prog.readU64(root + BigInt(treeOff) + BigInt(t) * rootSize);
      for (const rb of rbInorder(prog, top, { leftOff: l.rbLeft, rightOff: l.rbRight, budget: options.budget ?? MAX_TREE_NODES, what: treeWhat })) {
        // latch_tree_node.node[t] -> the latch node -> its mod_tree_node.
        const mtn = rb - BigInt(t * l.rbNodeSize) - BigInt(l.mtnNode);
        const seen = byNode.get(mtn);
        if (seen) {
          seen.trees = 2;
          continue;
        }
        let mod: bigint;
        try {
          mod = prog.readU64(mtn + BigInt(l.mtnMod));
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          throw new WalkAborted(treeWhat, `mod_tree_node ${mtn.toString(16)}: ${err.message}`, byNode.size);
        }
        const region = regions.find((r) => r.mtn !== undefined && mod + BigInt(r.mtn) === mtn);
        byNode.set(mtn, { node: mtn, module: mod, region: region?.name, trees: t });
      }
    } catch (err) {
      if (err instanceof WalkAborted) problems.push(err);
      else if (err instanceof KdwError) problems.push(new WalkAborted(treeWhat, err.message, 0));
      else throw err;
    }
  }

  const entries = [...byNode.values()];
  const modules: KernelModule[] = [];
  const read = new Set<bigint>();
  for (const e of entries) {
    if (read.has(e.module) || e.region === undefined) continue;
    read.add(e.module);
    try {
      modules.push(readModule(prog, e.module));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(new WalkAborted(`module ${e.module.toString(16)} (from mod_tree)`, err.message, modules.length));
    }
  }
  return { entries, modules, addrMin, addrMax, problems };
}

export interface ModuleKsetEntry {
  /** The struct kobject (module_kobject.kobj). */
  kobject: bigint;
  /** kobject.name: the /sys/module directory name. */
  name: string;
  /** module_kobject.mod: the struct module, 0 for a built-in module's parameter entry. */
  module: bigint;
}

/** The /sys/module entries (module_kset->list), bounded and cycle-guarded. */
export function moduleKsetEntries(prog: Program, options: { budget?: number } = {}): { entries: ModuleKsetEntry[]; problems: WalkAborted[] } {
  const what = "sysfs module kset (module_kset)";
  const entries: ModuleKsetEntry[] = [];
  const problems: WalkAborted[] = [];
  const kset = prog.findType("struct kset");
  const kobj = prog.findType("struct kobject");
  const mk = prog.findType("struct module_kobject");
  if (!prog.hasSymbol("module_kset") || !kset || !kobj || !mk) return { entries, problems: [new WalkAborted(what, "no module_kset or its types in the debug information", 0)] };
  const tl = TREE_LAYOUT.of(prog);
  const listOff = BigInt(tl.ksetList);
  const nameOff = BigInt(tl.kobjectName);
  const kobjInMk = BigInt(tl.mkKobj);
  const modInMk = tl.mkMod;
  try {
    const ksetAddr = prog.readU64(prog.symbolAddress("module_kset"));
    if (ksetAddr === 0n) return { entries, problems };
    for (const k of listForEachEntry(prog, ksetAddr + listOff, kobj, "entry", { budget: options.budget ?? DEFAULT_WALK_BUDGET, what })) {
      const kaddr = k.address!;
      let name = "";
      let module = 0n;
      try {
        const namePtr = prog.readU64(kaddr + nameOff);
        if (namePtr !== 0n) name = latin1(prog.readCString(namePtr, 256));
        if (modInMk !== undefined) module = prog.readU64(kaddr - kobjInMk + BigInt(modInMk));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems.push(new WalkAborted(`kobject ${kaddr.toString(16)}`, err.message, entries.length));
      }
      entries.push({ kobject: kaddr, name, module });
    }
  } catch (err) {
    if (err instanceof WalkAborted) problems.push(err);
    else if (err instanceof KdwError) problems.push(new WalkAborted(what, err.message, entries.length));
    else throw err;
  }
  return { entries, problems };
}
