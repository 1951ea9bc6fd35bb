#!/usr/bin/env node
// The installed entry point: the command's CommonJS part (out/cli/kdw.cjs: its entry and the console), which
// `npm run build:cli` (run by `npm ci` through "prepare") writes; it imports the other subcommands' ES
// modules when they run. CommonJS, so that a console start sets up no ES module loader.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const bundle = join(__dirname, "../out/cli/kdw.cjs");
if (!existsSync(bundle)) {
  process.stderr.write("kdw: not built yet: run `npm run build:cli` (npm ci does it through \"prepare\")\n");
  process.exit(2);
}
require(bundle);
