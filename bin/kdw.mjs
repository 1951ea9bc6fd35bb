#!/usr/bin/env node
// The installed entry point: the bundle that `npm run build:cli` (run by `npm ci` through "prepare") writes.
import { existsSync } from "node:fs";
const bundle = new URL("../out/cli/kdw.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("kdw: not built yet: run `npm run build:cli` (npm ci does it through \"prepare\")\n");
  process.exit(2);
}
await import(bundle.href);
