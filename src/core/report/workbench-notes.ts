// The workbench's notes (bookmarks and tags with comments, exported as kdw-notes.json, or inside
// kdw-findings.json) as the report's analyst tags: what `kdw report --notes FILE` reads when FILE is such an
// export. The file is the analyst's own but still checked: shapes, counts and lengths are bounded.
import type { AnalystTag } from "./schema";

/** Most tags taken from one file, and longest text kept per field. */
const MAX_TAGS = 10_000;
const MAX_FIELD = 4096;

function text(v: unknown): string | undefined {
  return typeof v === "string" ? v.slice(0, MAX_FIELD) : undefined;
}

/** The workbench notes inside a parsed JSON document, or undefined when it is not one. */
export function workbenchTags(doc: unknown): AnalystTag[] | undefined {
  const d = doc as { version?: unknown; tags?: unknown; bookmarks?: unknown; notes?: unknown } | null;
  if (!d || typeof d !== "object") return undefined;
  const notes = d.version === 1 && (Array.isArray(d.tags) || Array.isArray(d.bookmarks)) ? d : (d.notes as typeof d | undefined);
  if (!notes || typeof notes !== "object" || notes.version !== 1 || !(Array.isArray(notes.tags) || Array.isArray(notes.bookmarks))) return undefined;
  const out: AnalystTag[] = [];
  for (const t of Array.isArray(notes.tags) ? notes.tags : []) {
    if (out.length >= MAX_TAGS) break;
    const x = t as { subject?: unknown; label?: unknown; tags?: unknown; comment?: unknown; updated?: unknown };
    const subject = text(x?.label) || text(x?.subject);
    if (!subject) continue;
    const tags = Array.isArray(x.tags) ? x.tags.filter((s): s is string => typeof s === "string").slice(0, 32).join(", ").slice(0, MAX_FIELD) : "";
    const tag: AnalystTag = { subject, tag: tags || "note" };
    const comment = text(x.comment);
    if (comment) tag.comment = comment;
    const at = text(x.updated);
    if (at) tag.at = at;
    out.push(tag);
  }
  for (const b of Array.isArray(notes.bookmarks) ? notes.bookmarks : []) {
    if (out.length >= MAX_TAGS) break;
    const x = b as { label?: unknown; created?: unknown };
    const subject = text(x?.label);
    if (!subject) continue;
    const tag: AnalystTag = { subject, tag: "bookmark" };
    const at = text(x.created);
    if (at) tag.at = at;
    out.push(tag);
  }
  return out;
}
