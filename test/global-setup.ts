// Builds the CLI bundle once before the tests that spawn `kdw` as a user would (npm ci does the same
// through "prepare"; this keeps `npm test` right after an edit).
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
}
