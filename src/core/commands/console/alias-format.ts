// alias's text (cmdline.c list_aliases): ORIGIN, ALIAS and COMMAND columns, each word of the command followed
// by a space, as crash prints it.
import type { AliasResult } from "./alias";

export function formatAlias(r: AliasResult): string {
  if (r.kind === "deleted") return r.deleted !== undefined ? `alias deleted: ${r.deleted}\n` : "";
  let out = "ORIGIN   ALIAS    COMMAND\n";
  for (const a of r.rows) out += `${a.origin.padEnd(7)}  ${a.alias.padEnd(7)}  ${a.command.map((w) => `${w} `).join("")}\n`;
  if (r.missing !== undefined) out += `alias does not exist: ${r.missing}\n`;
  return out;
}
