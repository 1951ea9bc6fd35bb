// `ipcs` against crash 8.0.6 on the fixture (cmds-reference/ipcs-*.txt: the fixture has no System V IPC
// object), then on objects built in an overlay of the real kernel (its 6.1 layouts): shared memory segments
// (one marked for destruction, one deleted), a semaphore array and a message queue in init_ipc_ns's IDRs,
// looked up by id and address, and an IDR entry that points nowhere.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { overlayProgram, type OverlaySpace } from "../fixtures/overlay-program";
import { fixtureSession } from "../session-fixture";
import { cmdsRef, cmdsRefCommand } from "./cmds-ref";
import { ipcsCommand } from "../../src/core/commands/ipc/ipcs";
import type { Program } from "../../src/core/program/program";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("ipcs (golden)", () => {
  for (const name of ["ipcs", "ipcs-s", "ipcs-m", "ipcs-M", "ipcs-q", "ipcs-n-1", "ipcs-id-0"]) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} equals crash's ${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(r.text).toBe(cmdsRef(name));
    });
  }

  it("answers an unknown option with getopt's complaint (crash's stderr) and the usage (its stdout)", () => {
    expect(fixtureSession()!.run("ipcs -Q").errors.join("\n") + "\n").toBe("ipcs: invalid option -- 'Q'\n" + cmdsRef("ipcs-Q"));
  });
});

const SHM_HEADER = "SHMID_KERNEL     KEY      SHMID      UID   PERMS BYTES      NATTCH STATUS";
const SEM_HEADER = "SEM_ARRAY        KEY      SEMID      UID   PERMS NSEMS     ";
const MSG_HEADER = "MSG_QUEUE        KEY      MSQID      UID   PERMS USED-BYTES   MESSAGES    ";

/** init_ipc_ns with objects: ids[kind] in_use and its idr_rt pointing at them (one directly, more through an xa_node). */
function withIpcObjects() {
  const base = fixtureSession()!.context;
  const { prog, space } = overlayProgram(base.prog);
  const off = (t: string, m: string): bigint => BigInt(prog.memberOffset(t, m)!);
  const ns = prog.symbolAddress("init_ipc_ns");
  const ids = (kind: number): bigint => ns + off("struct ipc_namespace", "ids") + BigInt(kind * prog.sizeOf("struct ipc_ids"));
  const setInUse = (kind: number, n: number): void => {
    const at = ids(kind) + off("struct ipc_ids", "in_use");
    space.patch(at, (prog.readU64(at) & ~0xffffffffn) | BigInt(n));
  };
  const head = (kind: number): bigint => ids(kind) + off("struct ipc_ids", "ipcs_idr") + off("struct idr", "idr_rt") + off("struct xarray", "xa_head");
  const perm = (obj: bigint, permOff: bigint, p: { key: number; id: number; uid: number; mode: number; deleted?: boolean }): bigint => {
    const at = obj + permOff;
    space.writeU32(at + off("struct kern_ipc_perm", "key"), p.key);
    space.writeU32(at + off("struct kern_ipc_perm", "id"), p.id);
    space.writeU32(at + off("struct kern_ipc_perm", "uid"), p.uid);
    space.writeU32(at + off("struct kern_ipc_perm", "mode"), p.mode);
    space.write(at + off("struct kern_ipc_perm", "deleted"), new Uint8Array([p.deleted ? 1 : 0]));
    return at;
  };
  return { base, prog, space, off, ids, setInUse, head, perm };
}

/** A shmid_kernel whose file is a shmem inode with `nrpages` pages in memory and `swapped` out. */
function shm(prog: Program, space: OverlaySpace, off: (t: string, m: string) => bigint, perm: ReturnType<typeof withIpcObjects>["perm"], p: { key: number; id: number; uid: number; mode: number; bytes: bigint; nattch: bigint; nrpages: bigint; swapped: bigint; deleted?: boolean }) {
  const obj = space.alloc(prog.sizeOf("struct shmid_kernel"));
  const file = space.alloc(prog.sizeOf("struct file"));
  const dentry = space.alloc(prog.sizeOf("struct dentry"));
  const info = space.alloc(prog.sizeOf("struct shmem_inode_info"));
  const mapping = space.alloc(prog.sizeOf("struct address_space"));
  const inode = info + off("struct shmem_inode_info", "vfs_inode");
  space.writeU64(obj + off("struct shmid_kernel", "shm_segsz"), p.bytes);
  space.writeU64(obj + off("struct shmid_kernel", "shm_nattch"), p.nattch);
  space.writeU64(obj + off("struct shmid_kernel", "shm_file"), file);
  space.writeU64(file + off("struct file", "f_path") + off("struct path", "dentry"), dentry);
  space.writeU64(file + off("struct file", "f_op"), prog.symbolAddress("shmem_file_operations"));
  space.writeU64(dentry + off("struct dentry", "d_inode"), inode);
  space.writeU64(inode + off("struct inode", "i_mapping"), mapping);
  space.writeU64(mapping + off("struct address_space", "nrpages"), p.nrpages);
  space.writeU64(info + off("struct shmem_inode_info", "swapped"), p.swapped);
  return { obj, inode, perm: perm(obj, off("struct shmid_kernel", "shm_perm"), p) };
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("ipcs on objects built in an overlay of the fixture's kernel", () => {
  function build() {
    const w = withIpcObjects();
    const { prog, space, off, setInUse, head, perm } = w;
    const a = shm(prog, space, off, perm, { key: 0x1234, id: 0, uid: 1000, mode: 0o600 | 0o1000, bytes: 90000n, nattch: 1n, nrpages: 5n, swapped: 2n });
    const b = shm(prog, space, off, perm, { key: -1, id: 32769, uid: 0, mode: 0o666, bytes: 4096n, nattch: 0n, nrpages: 1n, swapped: 0n });
    const gone = shm(prog, space, off, perm, { key: 7, id: 65538, uid: 0, mode: 0o666, bytes: 4096n, nattch: 0n, nrpages: 0n, swapped: 0n, deleted: true });
    // ids[2] (shared memory): an xa_node with slots 0, 1, 2.
    const node = space.alloc(prog.sizeOf("struct xa_node"), 256);
    [a.perm, b.perm, gone.perm].forEach((p, i) => space.writeU64(node + off("struct xa_node", "slots") + BigInt(i * 8), p));
    space.patch(head(2), node | 2n);
    setInUse(2, 3);
    // ids[0] (semaphores): one array, the IDR's single entry.
    const sem = space.alloc(prog.sizeOf("struct sem_array"));
    space.writeU32(sem + off("struct sem_array", "sem_nsems"), 3);
    space.patch(head(0), perm(sem, off("struct sem_array", "sem_perm"), { key: 0x79d7, id: 5, uid: 33, mode: 0o600 }));
    setInUse(0, 1);
    // ids[1] (message queues): one queue.
    const msg = space.alloc(prog.sizeOf("struct msg_queue"));
    space.writeU64(msg + off("struct msg_queue", "q_cbytes"), 16640n);
    space.writeU64(msg + off("struct msg_queue", "q_qnum"), 104n);
    space.patch(head(1), perm(msg, off("struct msg_queue", "q_perm"), { key: 0x79d8, id: 32769, uid: 3369, mode: 0o666 }));
    setInUse(1, 1);
    const run = (...args: string[]) => ipcsCommand.run({ ...w.base, prog, state: { valueHistory: 0 } }, args);
    return { a, b, gone, sem, msg, run, space, node, off, prog };
  }

  it("lists every facility, skipping a deleted segment, with crash's columns", () => {
    const { a, b, sem, msg, run } = build();
    const r = run();
    expect(r.errors).toBeUndefined();
    expect(r.text).toBe(
      [
        SHM_HEADER,
        `${a.obj.toString(16)} 00001234 0          1000  600   90000      1      dest `,
        `${b.obj.toString(16)} ffffffff 32769      0     666   4096       0       `,
        "",
        SEM_HEADER,
        `${sem.toString(16)} 000079d7 5          33    600   3         `,
        "",
        MSG_HEADER,
        `${msg.toString(16)} 000079d8 32769      3369  666   16640        104         `,
        "",
        "",
      ].join("\n"),
    );
  });

  it("-M adds each segment's pages (allocated/resident/swapped) and inode", () => {
    const { a, b, run } = build();
    expect(run("-M").text).toBe(
      [SHM_HEADER, `${a.obj.toString(16)} 00001234 0          1000  600   90000      1      dest `, "PAGES ALLOCATED/RESIDENT/SWAPPED: 22/5/2", `INODE: ${a.inode.toString(16)}`, "", SHM_HEADER, `${b.obj.toString(16)} ffffffff 32769      0     666   4096       0       `, "PAGES ALLOCATED/RESIDENT/SWAPPED: 1/1/0", `INODE: ${b.inode.toString(16)}`, "", ""].join("\n"),
    );
  });

  it("finds an object by id and by address; a deleted one or an unknown value is invalid", () => {
    const { msg, sem, gone, run } = build();
    expect(run("-q", "32769").text).toBe([MSG_HEADER, `${msg.toString(16)} 000079d8 32769      3369  666   16640        104         `, "", ""].join("\n"));
    expect(run(sem.toString(16)).text).toBe([SEM_HEADER, `${sem.toString(16)} 000079d7 5          33    600   3         `, "", ""].join("\n"));
    expect(run(gone.obj.toString(16)).text).toBe(`invalid id or address: ${gone.obj.toString(16)}\n\n`);
    expect(run("-s", "32769").text).toBe("invalid id or address: 32769\n\n");
  });

  it("names an IDR entry that points nowhere and keeps the other segments", () => {
    const { a, run, space, node, off } = build();
    space.writeU64(node + off("struct xa_node", "slots") + 8n, 0xffffc90300000010n);
    const r = run("-m");
    expect(r.text.split("\n").slice(0, 3)).toEqual([SHM_HEADER, `${a.obj.toString(16)} 00001234 0          1000  600   90000      1      dest `, ""]);
    expect(r.errors).toEqual([expect.stringMatching(/^ipcs: kern_ipc_perm ffffc90300000010: /)]);
  });
});
