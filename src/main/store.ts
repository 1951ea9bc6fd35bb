// What the workbench keeps in the user's data folder (never next to the evidence): the notes of each dump
// (bookmarks, tags) and the recent-files list. Keys and sizes are checked; writes go through a temporary
// file and a rename, so a crash never leaves half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DumpChoice } from "../preload/bridge";

export const NOTES_KEY = /^[0-9A-Za-z_-][0-9A-Za-z._-]{0,127}$/;
export const MAX_NOTES = 8 << 20;
const MAX_RECENT = 12;

export class UserStore {
  constructor(private readonly dir: string) {}

  private write(path: string, text: string): void {
    mkdirSync(join(path, ".."), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  }

  private notesPath(key: string): string {
    if (!NOTES_KEY.test(key) || key.includes("..")) throw new Error("notes: bad key");
    return join(this.dir, "notes", `${key}.json`);
  }

  loadNotes(key: string): string | undefined {
    try {
      const text = readFileSync(this.notesPath(key), "utf8");
      return text.length <= MAX_NOTES ? text : undefined;
    } catch {
      return undefined;
    }
  }

  /** Saves a notes file; refuses what is not a JSON object of at most 8 MiB. */
  saveNotes(key: string, json: string): boolean {
    if (json.length > MAX_NOTES) return false;
    try {
      const v: unknown = JSON.parse(json);
      if (!v || typeof v !== "object" || Array.isArray(v)) return false;
    } catch {
      return false;
    }
    this.write(this.notesPath(key), json);
    return true;
  }

  recent(): DumpChoice[] {
    try {
      const list: unknown = JSON.parse(readFileSync(join(this.dir, "recent.json"), "utf8"));
      if (!Array.isArray(list)) return [];
      return list.filter((c): c is DumpChoice => !!c && typeof c.dump === "string" && (c.vmlinux === undefined || typeof c.vmlinux === "string")).slice(0, MAX_RECENT);
    } catch {
      return [];
    }
  }

  addRecent(choice: DumpChoice): void {
    const list = [choice, ...this.recent().filter((c) => c.dump !== choice.dump)].slice(0, MAX_RECENT);
    this.write(join(this.dir, "recent.json"), JSON.stringify(list, null, 1));
  }
}
