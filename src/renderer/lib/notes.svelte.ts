// Bookmarks and analyst tags with comments, kept per dump by the host: in Electron a JSON file in the user's
// data folder (never next to the evidence), in the browser localStorage; the key is derived from the dump's
// identity (build id, file name, size, crash time). Exported as JSON for the report.
import type { DumpInfo, SysSummary } from "../../core/session/contract";
import type { Target } from "./target";
import { vmcoreBuildId } from "./format";
import type { Host } from "./transport/transport";

export interface Bookmark {
  id: string;
  target: Target;
  label: string;
  created: string;
}

/** A subject's tags and comment; subject keys: "task:PID", "module:NAME", "address:0x…", "finding:ID". */
export interface TagNote {
  subject: string;
  target: Target;
  label: string;
  tags: string[];
  comment: string;
  updated: string;
}

export interface NotesFile {
  version: 1;
  dump: { file: string; size: number; buildId?: string; release?: string; crashTime?: number };
  bookmarks: Bookmark[];
  tags: TagNote[];
}

const MAX_ITEMS = 10_000;
const MAX_TEXT = 4096;

export const SUGGESTED_TAGS = ["malicious", "suspicious", "benign", "todo", "ioc", "reviewed"];

export class Notes {
  bookmarks = $state<Bookmark[]>([]);
  tags = $state<TagNote[]>([]);
  key = $state<string>();
  status = $state<"idle" | "saved" | "error">("idle");
  private dump?: NotesFile["dump"];
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly host: Host) {}

  async load(info: DumpInfo, sys?: SysSummary): Promise<void> {
    this.dump = { file: info.file, size: info.fileSize, buildId: vmcoreBuildId(info.vmcoreinfo), release: info.vmcoreinfo.OSRELEASE, crashTime: sys?.crashTime };
    this.key = notesKey(this.dump);
    const text = await this.host.loadNotes(this.key).catch(() => undefined);
    if (!text) return;
    try {
      const file = JSON.parse(text) as Partial<NotesFile>;
      this.bookmarks = (Array.isArray(file.bookmarks) ? file.bookmarks : []).filter(validBookmark).slice(0, MAX_ITEMS);
      this.tags = (Array.isArray(file.tags) ? file.tags : []).filter(validTag).slice(0, MAX_ITEMS);
    } catch {
      this.status = "error";
    }
  }

  addBookmark(target: Target, label: string): void {
    this.bookmarks.push({ id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, target, label: label.slice(0, MAX_TEXT), created: new Date().toISOString() });
    this.save();
  }

  removeBookmark(id: string): void {
    this.bookmarks = this.bookmarks.filter((b) => b.id !== id);
    this.save();
  }

  tagOf(subject: string): TagNote | undefined {
    return this.tags.find((t) => t.subject === subject);
  }

  setTag(subject: string, target: Target, label: string, tags: string[], comment: string): void {
    const clean = [...new Set(tags.map((t) => t.trim().slice(0, 64)).filter(Boolean))].slice(0, 32);
    const rest = this.tags.filter((t) => t.subject !== subject);
    if (clean.length || comment.trim()) rest.push({ subject, target, label: label.slice(0, MAX_TEXT), tags: clean, comment: comment.slice(0, MAX_TEXT), updated: new Date().toISOString() });
    this.tags = rest;
    this.save();
  }

  toJSON(): NotesFile {
    return { version: 1, dump: this.dump ?? { file: "", size: 0 }, bookmarks: $state.snapshot(this.bookmarks), tags: $state.snapshot(this.tags) };
  }

  private save(): void {
    if (!this.key) return;
    clearTimeout(this.timer);
    const key = this.key;
    this.timer = setTimeout(() => {
      this.host.saveNotes(key, JSON.stringify(this.toJSON(), null, 1)).then(
        (ok) => (this.status = ok ? "saved" : "error"),
        () => (this.status = "error"),
      );
    }, 300);
  }
}

/** A file-name-safe key naming one dump. */
export function notesKey(dump: NotesFile["dump"]): string {
  const name = (dump.file.split(/[\\/]/).pop() ?? "dump").replace(/[^0-9A-Za-z._-]/g, "_").slice(0, 48);
  const id = (dump.buildId ?? "nobuildid").replace(/[^0-9a-f]/gi, "").slice(0, 40);
  return `${id}-${name}-${dump.size}${dump.crashTime !== undefined ? `-${Math.trunc(dump.crashTime)}` : ""}`.slice(0, 128);
}

function validBookmark(b: unknown): b is Bookmark {
  const x = b as Bookmark;
  return !!x && typeof x.id === "string" && typeof x.label === "string" && !!x.target && typeof x.target.kind === "string";
}

function validTag(t: unknown): t is TagNote {
  const x = t as TagNote;
  return !!x && typeof x.subject === "string" && Array.isArray(x.tags) && typeof x.comment === "string" && !!x.target && typeof x.target.kind === "string";
}
