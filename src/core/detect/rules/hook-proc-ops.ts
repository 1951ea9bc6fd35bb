// The operations behind /proc and the socket lists (volatility3's check_afinfo, check_fop): a rootkit hides
// processes, files or connections by pointing a seq_operations.show or a file_operations.iterate_shared at
// its own code. Reported: a table in the kernel image that points outside core text (an in-place
// overwrite), and any /proc entry whose code belongs to a hidden, unknown, out-of-tree or unsigned owner.
import { hookRule } from "../hook-rule";

export const hookProcOpsRule = hookRule({
  id: "hook-proc-ops",
  version: 1,
  title: "/proc and socket seq_ops / file_operations",
  kinds: ["seq_ops", "file_ops"],
  mitre: ["T1014", "T1564"],
  requires: [],
  falsePositives: "An out-of-tree driver that creates its own /proc file (a vendor driver) is reported high: its code is out-of-tree, not necessarily malicious. Listed in-tree modules' own /proc files are not reported.",
  describe: (r) => r.site.target,
});
