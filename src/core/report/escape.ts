// The report's one way to put text into HTML. Everything in a report that came from a dump — process names,
// paths, log lines, module and symbol names, a finding's evidence — is hostile: it may hold markup, control
// characters (terminal escapes), bidirectional overrides that reorder what a reader sees, lone surrogates
// (what a bad UTF-8 or UTF-16 decode leaves) and absurd lengths. `h` (a tagged template) escapes every value
// it is given unless that value is already `Html` built by `h` itself, so markup can only come from this code.

/** A fragment of markup built by `h`: the only thing that is not escaped. */
export class Html {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** Longest text shown for one value; the rest is cut with a visible note (the JSON keeps the whole value). */
export const MAX_TEXT = 4096;

// C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates; zero-width and
// line/paragraph separators; the BOM; interlinear annotation marks; lone surrogates (only with the u flag).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udfff]/gu;

function visible(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0xd800 && c <= 0xdfff) return "\ufffd";
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, "0")}` : `\\u${c.toString(16).padStart(4, "0")}`;
}

export interface CleanOptions {
  /** Keep line breaks (log records, analyst notes); otherwise a newline is shown as \x0a. */
  newlines?: boolean;
  /** Longest text kept (default MAX_TEXT characters). */
  max?: number;
}

/**
 * Text made safe to read: control and invisible formatting characters become visible escapes (`\x1b`,
 * `\u202e`), lone surrogates U+FFFD, and text longer than `max` is cut with a note saying how much was cut.
 */
export function cleanText(text: string, options: CleanOptions = {}): string {
  let max = options.max ?? MAX_TEXT;
  // Never cut a surrogate pair in two (its first half alone would read as U+FFFD, a character that was not there).
  if (text.length > max && /[\ud800-\udbff]/.test(text[max - 1] ?? "") && /[\udc00-\udfff]/.test(text[max] ?? "")) max--;
  let s = text.length > max ? text.slice(0, max) : text;
  if (options.newlines) s = s.replace(/\r\n/g, "\n");
  else s = s.replace(/\n/g, "\\x0a");
  s = s.replace(UNSAFE, visible);
  if (text.length > max) s += ` … [${text.length - max} more characters]`;
  return s;
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Anything escapeHtml would change (most values are plain: they pass with one test). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_WORK = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff&<>"']/;

/** The one escaping function: clean text, then escape the five characters that mean something in HTML. */
export function escapeHtml(text: string, options: CleanOptions = {}): string {
  if (text.length <= (options.max ?? MAX_TEXT) && !NEEDS_WORK.test(text)) return text;
  return cleanText(text, options).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Text that keeps its line breaks (log records, notes): escaped like the rest. */
export class Multiline {
  constructor(readonly text: string) {}
}

function piece(value: unknown): string {
  if (value instanceof Html) return value.html;
  if (value instanceof Multiline) return escapeHtml(value.text, { newlines: true, max: 1 << 20 });
  if (value === undefined || value === null || value === false) return "";
  if (Array.isArray(value)) return value.map(piece).join("");
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  return escapeHtml(String(value));
}

/** Markup from a template: the literal parts are trusted code, every interpolated value is escaped. */
export function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Fragments joined (a list of rows). */
export function join(parts: Html[], separator = ""): Html {
  return new Html(parts.map((p) => p.html).join(separator));
}

/** One of a closed set of class names, whatever the data says (a severity that crossed IPC is still data). */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}
