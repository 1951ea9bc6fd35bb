// Opens the main fixture dump with its vmlinux as a Session (for golden and walker tests). Cached per test
// file (vitest runs each file in its own worker).
import { NodeFileSource } from "../src/cli/node-file-source";
import { IcedDecoder } from "../src/cli/iced-decoder";
import { Session } from "../src/core/session/session";
import { fixture } from "./fixtures";

const cache = new Map<string, Session>();

/** The Session for dump.VARIANT (default lzo, the one reference/ was made from), or undefined when absent. */
export function fixtureSession(variant: "lzo" | "zlib" | "flat" | "elf" = "lzo"): Session | undefined {
  const hit = cache.get(variant);
  if (hit) return hit;
  const dumpPath = fixture(`dump.${variant}`);
  const vmlinuxPath = fixture("vmlinux");
  if (!dumpPath || !vmlinuxPath) return undefined;
  const session = Session.open(new NodeFileSource(`dump.${variant}`, dumpPath), new NodeFileSource("vmlinux-6.1.0-50-cloud-amd64", vmlinuxPath), {
    vmlinuxName: "vmlinux-6.1.0-50-cloud-amd64",
    dumpName: `dump.${variant}`,
    decoder: new IcedDecoder(),
  });
  cache.set(variant, session);
  return session;
}

/**
 * The golden comparison's normalisation, written down once (fixtures README): trailing whitespace on each
 * line, runs of spaces, and leading/trailing blank lines. Everything else is compared value by value.
 */
export function normalize(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+$/, "").replace(/[ \t]+/g, " "))
    .join("\n")
    .replace(/^\n+/, "")
    .replace(/\n+$/, "");
}
