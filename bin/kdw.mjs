#!/usr/bin/env node
// The entry point of kdw before it was CommonJS (bin/kdw.cjs, package.json's "bin"): kept so that a link an
// earlier install made to this file still starts kdw. npx keeps a checkout's bin links in its cache across
// `git pull`, so `npx kdw` in a checkout that ran it before found no command without it.
import { createRequire } from "node:module";
createRequire(import.meta.url)("./kdw.cjs");
