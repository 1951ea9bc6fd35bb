// Member offsets the module walkers read, resolved once per Program (crash's offset_table done declaratively).
// struct module changed shape twice in the kernels kdw meets:
//   4.5 - 6.3: core_layout / init_layout (struct module_layout: base, size, text_size, ..., mtn)
//   6.4+:      mem[MOD_MEM_NUM_TYPES] (struct module_memory: base, size, mtn), MOD_TEXT first
// A member this kernel lacks is `undefined` (a known "absent").
import { findMember, resolveType, sizeOf } from "../../debuginfo/types";
import { MissingDebugInfo } from "../../io/errors";
import type { Program } from "../../program/program";

/** One region of a module's memory: where it is, how big, and its node in mod_tree. */
export interface ModuleRegionLayout {
  /** "core" / "init" (module_layout kernels) or the mod_mem_type name ("MOD_TEXT", ...). */
  name: string;
  base: number; // module_layout.base / module_memory.base, from the start of struct module
  size: number; // .size (unsigned int)
  mtn: number | undefined; // .mtn (struct mod_tree_node), CONFIG_MODULES_TREE_LOOKUP
  /** Counted in crash's SIZE column (core regions; init is freed after load). */
  core: boolean;
}

export interface ModuleLayout {
  size: number; // sizeof(struct module)
  state: number; // module.state (enum module_state)
  /** enum module_state's enumerators by value (MODULE_STATE_LIVE, ...). */
  stateNames: ReadonlyMap<number, string>;
  list: number; // module.list, on the `modules` list
  name: number; // module.name (char[MODULE_NAME_LEN])
  nameLen: number;
  version: number | undefined; // module.version (const char *)
  srcversion: number | undefined;
  kp: number | undefined; // module.kp (struct kernel_param *)
  numKp: number | undefined;
  sigOk: number | undefined; // module.sig_ok (CONFIG_MODULE_SIG)
  taints: number | undefined; // module.taints (unsigned long)
  taintsSize: number;
  kallsyms: number | undefined; // module.kallsyms (struct mod_kallsyms *, CONFIG_KALLSYMS)
  refcnt: number | undefined; // module.refcnt (atomic_t, CONFIG_MODULE_UNLOAD)
  sourceList: number | undefined; // module.source_list: module_use entries of the modules that use this one
  targetList: number | undefined; // module.target_list: module_use entries of the modules this one uses
  mkobjKobj: number | undefined; // module.mkobj.kobj (its /sys/module/NAME kobject)
  /** The text region first (crash's BASE / TEXT_BASE), then the others. */
  regions: ModuleRegionLayout[];
  /** mod_tree_node.mod and .node (struct latch_tree_node: rb_node node[2]). */
  mtnMod: number;
  mtnNode: number;
  rbNodeSize: number;
  rbRight: number; // rb_node.rb_right
  rbLeft: number; // rb_node.rb_left
  // struct mod_kallsyms (include/linux/module.h)
  kallsymsSymtab: number | undefined;
  kallsymsNumSymtab: number | undefined;
  kallsymsStrtab: number | undefined;
  kallsymsTypetab: number | undefined;
  // struct kernel_param (include/linux/moduleparam.h)
  kernelParamSize: number;
  kernelParamName: number | undefined;
  kernelParamPerm: number | undefined;
  // struct module_use (include/linux/module.h): source_list, target_list, source, target
  useSourceList: number | undefined;
  useTargetList: number | undefined;
  useSource: number | undefined;
  useTarget: number | undefined;
  // struct taint_flag (kernel/panic.c, 4.10+): c_true, c_false, module
  taintFlagSize: number;
  taintFlagTrue: number | undefined;
  taintFlagModule: number | undefined;
}

const layouts = new WeakMap<Program, ModuleLayout>();

export function moduleLayout(prog: Program): ModuleLayout {
  let l = layouts.get(prog);
  if (!l) {
    l = resolveModuleLayout(prog);
    layouts.set(prog, l);
  }
  return l;
}

function resolveModuleLayout(prog: Program): ModuleLayout {
  const mod = prog.type("struct module");
  const opt = (m: string): number | undefined => prog.memberOffset(mod, m);
  const req = (m: string): number => {
    const o = opt(m);
    if (o === undefined) throw new MissingDebugInfo(`struct module has no member ${m}`);
    return o;
  };
  const name = findMember(mod, "name");
  const taints = findMember(mod, "taints");
  const mtn = prog.findType("struct mod_tree_node");
  const rbNode = prog.findType("struct rb_node");
  const kallsyms = prog.findType("struct mod_kallsyms");
  const kparam = prog.findType("struct kernel_param");
  const use = prog.findType("struct module_use");
  const taintFlag = prog.findType("struct taint_flag");
  const inT = (t: typeof mod | undefined, m: string): number | undefined => (t ? prog.memberOffset(t, m) : undefined);
  return {
    size: sizeOf(mod),
    state: req("state"),
    stateNames: moduleStateNames(prog),
    list: req("list"),
    name: req("name"),
    nameLen: name ? sizeOf(resolveType(name.member.type)) : 56,
    version: opt("version"),
    srcversion: opt("srcversion"),
    kp: opt("kp"),
    numKp: opt("num_kp"),
    sigOk: opt("sig_ok"),
    taints: opt("taints"),
    taintsSize: taints ? sizeOf(resolveType(taints.member.type)) : 0,
    kallsyms: opt("kallsyms"),
    refcnt: opt("refcnt"),
    sourceList: opt("source_list"),
    targetList: opt("target_list"),
    mkobjKobj: opt("mkobj.kobj"),
    regions: moduleRegions(prog, opt),
    mtnMod: inT(mtn, "mod") ?? 0,
    mtnNode: inT(mtn, "node") ?? 8,
    rbNodeSize: rbNode ? sizeOf(rbNode) : 24,
    rbRight: inT(rbNode, "rb_right") ?? 8,
    rbLeft: inT(rbNode, "rb_left") ?? 16,
    kallsymsSymtab: inT(kallsyms, "symtab"),
    kallsymsNumSymtab: inT(kallsyms, "num_symtab"),
    kallsymsStrtab: inT(kallsyms, "strtab"),
    kallsymsTypetab: inT(kallsyms, "typetab"),
    kernelParamSize: kparam ? sizeOf(kparam) : 0,
    kernelParamName: inT(kparam, "name"),
    kernelParamPerm: inT(kparam, "perm"),
    useSourceList: inT(use, "source_list"),
    useTargetList: inT(use, "target_list"),
    useSource: inT(use, "source"),
    useTarget: inT(use, "target"),
    taintFlagSize: taintFlag ? sizeOf(taintFlag) : 0,
    taintFlagTrue: inT(taintFlag, "c_true") ?? inT(taintFlag, "true"),
    taintFlagModule: inT(taintFlag, "module"),
  };
}

/** The memory regions of struct module, text first. */
function moduleRegions(prog: Program, opt: (m: string) => number | undefined): ModuleRegionLayout[] {
  const core = opt("core_layout.base");
  if (core !== undefined) {
    const regions: ModuleRegionLayout[] = [{ name: "core", base: core, size: opt("core_layout.size")!, mtn: opt("core_layout.mtn"), core: true }];
    const init = opt("init_layout.base");
    if (init !== undefined) regions.push({ name: "init", base: init, size: opt("init_layout.size")!, mtn: opt("init_layout.mtn"), core: false });
    // CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC (6.2-6.3): data lives apart from text.
    const data = opt("data_layout.base");
    if (data !== undefined) regions.push({ name: "data", base: data, size: opt("data_layout.size")!, mtn: opt("data_layout.mtn"), core: true });
    return regions;
  }
  const mem = opt("mem");
  const memType = prog.findType("struct module_memory");
  if (mem !== undefined && memType) {
    // 6.4+: enum mod_mem_type orders MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT, then the MOD_INIT_*.
    const stride = sizeOf(memType);
    const baseOff = prog.memberOffset(memType, "base")!;
    const sizeOff = prog.memberOffset(memType, "size")!;
    const mtnOff = prog.memberOffset(memType, "mtn");
    const names = ["MOD_TEXT", "MOD_DATA", "MOD_RODATA", "MOD_RO_AFTER_INIT", "MOD_INIT_TEXT", "MOD_INIT_DATA", "MOD_INIT_RODATA"];
    const initText = Number(prog.types.findEnumerator("MOD_INIT_TEXT")?.value ?? 4n);
    return names.map((n, i) => {
      const at = Number(prog.types.findEnumerator(n)?.value ?? BigInt(i));
      return { name: n, base: mem + at * stride + baseOff, size: mem + at * stride + sizeOff, mtn: mtnOff === undefined ? undefined : mem + at * stride + mtnOff, core: at < initText };
    });
  }
  throw new MissingDebugInfo("struct module has neither core_layout nor mem[]: module layout of this kernel is not supported");
}

/** include/linux/module.h enum module_state; its values as the debuginfo gives them, else the 2.6+ order. */
function moduleStateNames(prog: Program): Map<number, string> {
  const names = ["MODULE_STATE_LIVE", "MODULE_STATE_COMING", "MODULE_STATE_GOING", "MODULE_STATE_UNFORMED"];
  return new Map(names.map((n, i) => [Number(prog.types.findEnumerator(n)?.value ?? BigInt(i)), n]));
}
