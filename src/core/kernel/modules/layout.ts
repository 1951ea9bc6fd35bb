// Member offsets the module walkers read, declared once (program/layout.ts).
// struct module changed shape twice in the kernels kdw meets:
//   4.5 - 6.3: core_layout / init_layout (struct module_layout: base, size, text_size, ..., mtn)
//   6.4+:      mem[MOD_MEM_NUM_TYPES] (struct module_memory: base, size, mtn), MOD_TEXT first
// A member this kernel lacks is `undefined` (a known "absent").
import { MissingDebugInfo } from "../../io/errors";
import { layout, members, optional, variants, type Offsets } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";

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

const MODULE_SPEC = {
  ...members("module", {
    state: "state", // enum module_state
    list: "list", // on the `modules` list
    name: "name", // char[MODULE_NAME_LEN]
    version: optional("version"), // const char *
    srcversion: optional("srcversion"),
    kp: optional("kp"), // struct kernel_param *
    numKp: optional("num_kp"),
    sigOk: optional("sig_ok"), // CONFIG_MODULE_SIG
    taints: optional("taints"), // unsigned long
    kallsyms: optional("kallsyms"), // struct mod_kallsyms *, CONFIG_KALLSYMS
    refcnt: optional("refcnt"), // atomic_t, CONFIG_MODULE_UNLOAD
    memory: variants({ module_layout: "core_layout", module_memory: "mem" }), // 6.4 replaced the layouts by mem[]
    coreBase: optional("core_layout.base"),
    coreSize: optional("core_layout.size"),
    coreMtn: optional("core_layout.mtn"), // CONFIG_MODULES_TREE_LOOKUP
    initBase: optional("init_layout.base"),
    initSize: optional("init_layout.size"),
    initMtn: optional("init_layout.mtn"),
    dataBase: optional("data_layout.base"), // CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC (6.2-6.3)
    dataSize: optional("data_layout.size"),
    dataMtn: optional("data_layout.mtn"),
  }),
  memoryBase: optional("module_memory.base"),
  memorySize: optional("module_memory.size"),
  memoryMtn: optional("module_memory.mtn"),
  ...members("mod_kallsyms", {
    kallsymsSymtab: optional("symtab"),
    kallsymsNumSymtab: optional("num_symtab"),
    kallsymsStrtab: optional("strtab"),
    kallsymsTypetab: optional("typetab"), // 5.2+
  }),
};

/** What the list walk, readModule and `mod` read: struct module itself, its regions, its kallsyms. */
export const MODULE_LAYOUT = layout(MODULE_SPEC, (o, m, prog) => ({
  size: prog.sizeOf("struct module"),
  nameLen: m.name.size,
  taintsSize: m.taints?.size ?? 0,
  /** The text region first (crash's BASE / TEXT_BASE), then the others. */
  regions: moduleRegions(prog, o, m.memory.variant),
}));

/**
 * What the other module walkers read (the mod_tree address tree, sysfs, parameters, users, taint flags),
 * apart, so that the list walk and `mod` do not resolve them (nor build the types of their sizes).
 */
export const MODULE_LINKS_LAYOUT = layout(
  {
    ...members("module", {
      sourceList: optional("source_list"), // module_use entries of the modules that use this one
      targetList: optional("target_list"), // module_use entries of the modules this one uses
      mkobjKobj: optional("mkobj.kobj"), // its /sys/module/NAME kobject
      mkobjMod: optional("mkobj.mod"), // module_kobject.mod: the module's own address (mod_sysfs_init)
    }),
    mtnMod: optional("mod_tree_node.mod"),
    mtnNode: optional("mod_tree_node.node"), // struct latch_tree_node: rb_node node[2]
    rbRight: optional("rb_node.rb_right"),
    rbLeft: optional("rb_node.rb_left"),
    kernelParamName: optional("kernel_param.name"), // include/linux/moduleparam.h
    kernelParamPerm: optional("kernel_param.perm"),
    ...members("module_use", {
      useSourceList: optional("source_list"),
      useTargetList: optional("target_list"),
      useSource: optional("source"),
      useTarget: optional("target"),
    }),
    taintFlagTrue: optional("taint_flag.c_true", "taint_flag.true"), // kernel/panic.c, 4.10+
    taintFlagModule: optional("taint_flag.module"),
  },
  (o, _m, prog) => {
    const sizeOrZero = (type: string): number => (prog.findType(type) ? prog.sizeOf(type) : 0);
    return {
      mtnMod: o.mtnMod ?? 0,
      mtnNode: o.mtnNode ?? 8,
      rbNodeSize: prog.findType("struct rb_node") ? prog.sizeOf("struct rb_node") : 24,
      rbRight: o.rbRight ?? 8,
      rbLeft: o.rbLeft ?? 16,
      kernelParamSize: sizeOrZero("struct kernel_param"),
      taintFlagSize: sizeOrZero("struct taint_flag"),
    };
  },
);

export const moduleLinksLayout = MODULE_LINKS_LAYOUT.of;

export type ModuleLayout = ReturnType<typeof MODULE_LAYOUT.of>;

export const moduleLayout: (prog: Program) => ModuleLayout = MODULE_LAYOUT.of;

/** The memory regions of struct module, text first. */
function moduleRegions(prog: Program, o: Offsets<typeof MODULE_SPEC>, memory: string): ModuleRegionLayout[] {
  if (memory === "module_layout" && o.coreBase !== undefined) {
    const regions: ModuleRegionLayout[] = [{ name: "core", base: o.coreBase, size: o.coreSize!, mtn: o.coreMtn, core: true }];
    if (o.initBase !== undefined) regions.push({ name: "init", base: o.initBase, size: o.initSize!, mtn: o.initMtn, core: false });
    // CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC (6.2-6.3): data lives apart from text.
    if (o.dataBase !== undefined) regions.push({ name: "data", base: o.dataBase, size: o.dataSize!, mtn: o.dataMtn, core: true });
    return regions;
  }
  const mem = o.memory;
  if (memory === "module_memory" && prog.findType("struct module_memory")) {
    // 6.4+: enum mod_mem_type orders MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT, then the MOD_INIT_*.
    const stride = prog.sizeOf("struct module_memory");
    const baseOff = o.memoryBase!;
    const sizeOff = o.memorySize!;
    const mtnOff = o.memoryMtn;
    const names = ["MOD_TEXT", "MOD_DATA", "MOD_RODATA", "MOD_RO_AFTER_INIT", "MOD_INIT_TEXT", "MOD_INIT_DATA", "MOD_INIT_RODATA"];
    const initText = Number(prog.types.findEnumerator("MOD_INIT_TEXT")?.value ?? 4n);
    return names.map((n, i) => {
      const at = Number(prog.types.findEnumerator(n)?.value ?? BigInt(i));
      return { name: n, base: mem + at * stride + baseOff, size: mem + at * stride + sizeOff, mtn: mtnOff === undefined ? undefined : mem + at * stride + mtnOff, core: at < initText };
    });
  }
  throw new MissingDebugInfo("struct module has neither core_layout nor mem[]: module layout of this kernel is not supported");
}

/**
 * include/linux/module.h enum module_state's enumerators by value (MODULE_STATE_LIVE, ...): their values as
 * the debuginfo gives them, else the 2.6+ order. Apart from the layout, looked up when a module's state is
 * first named: `mod` and the list walk never name it, and the four lookups were an eighth of a first `mod`.
 */
export const moduleStateNames: (prog: Program) => ReadonlyMap<number, string> = perProgram((prog) => {
  const names = ["MODULE_STATE_LIVE", "MODULE_STATE_COMING", "MODULE_STATE_GOING", "MODULE_STATE_UNFORMED"];
  return new Map(names.map((n, i) => [Number(prog.types.findEnumerator(n)?.value ?? BigInt(i)), n]));
}).of;
