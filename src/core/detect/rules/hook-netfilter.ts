// Netfilter hook functions of every network namespace (volatility3's netfilter plugin): a rootkit registers
// one to hide traffic, open a port-knocking backdoor or mangle packets. Registering hooks is what
// iptables/nftables modules do, so listed in-tree modules are low; out-of-tree, unknown and hidden owners
// are high and critical.
import { hookRule } from "../hook-rule";
import { noNetfilter } from "./requirements";

export const hookNetfilterRule = hookRule({
  id: "hook-netfilter",
  version: 1,
  title: "netfilter hooks",
  kinds: ["netfilter"],
  mitre: ["T1014", "T1205", "T1557"],
  registration: true,
  requires: [noNetfilter],
  falsePositives: "Firewall, NAT, conntrack and LSM hooks (iptable_filter, nf_conntrack, AppArmor/SELinux built in) are legitimate; out-of-tree VPN or security products are high until recognised.",
  describe: (r) => `netfilter hook ${r.site.target}`,
});
