// The console's line editor as plain state (xterm draws it): insert, move, delete, history, and the keys of
// a readline prompt. Kept apart from xterm so it is tested as a function.

export interface EditState {
  line: string;
  cursor: number;
}

export type EditKey =
  | "left" | "right" | "home" | "end" | "backspace" | "delete"
  | "kill-line-before" | "kill-line-after" | "kill-word-before" | "word-left" | "word-right";

export function insert(s: EditState, text: string): EditState {
  return { line: s.line.slice(0, s.cursor) + text + s.line.slice(s.cursor), cursor: s.cursor + text.length };
}

export function edit(s: EditState, key: EditKey): EditState {
  const { line, cursor } = s;
  switch (key) {
    case "left":
      return { line, cursor: Math.max(0, cursor - 1) };
    case "right":
      return { line, cursor: Math.min(line.length, cursor + 1) };
    case "home":
      return { line, cursor: 0 };
    case "end":
      return { line, cursor: line.length };
    case "backspace":
      return cursor === 0 ? s : { line: line.slice(0, cursor - 1) + line.slice(cursor), cursor: cursor - 1 };
    case "delete":
      return { line: line.slice(0, cursor) + line.slice(cursor + 1), cursor };
    case "kill-line-before":
      return { line: line.slice(cursor), cursor: 0 };
    case "kill-line-after":
      return { line: line.slice(0, cursor), cursor };
    case "kill-word-before": {
      const to = wordStart(line, cursor);
      return { line: line.slice(0, to) + line.slice(cursor), cursor: to };
    }
    case "word-left":
      return { line, cursor: wordStart(line, cursor) };
    case "word-right": {
      let i = cursor;
      while (i < line.length && line[i] === " ") i++;
      while (i < line.length && line[i] !== " ") i++;
      return { line, cursor: i };
    }
  }
}

function wordStart(line: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && line[i - 1] === " ") i--;
  while (i > 0 && line[i - 1] !== " ") i--;
  return i;
}

/** The escape sequences xterm sends for editing keys. */
export const KEY_SEQUENCES: Record<string, EditKey | "up" | "down"> = {
  "\x1b[A": "up",
  "\x1b[B": "down",
  "\x1b[C": "right",
  "\x1b[D": "left",
  "\x1b[H": "home",
  "\x1bOH": "home",
  "\x1b[1~": "home",
  "\x1b[F": "end",
  "\x1bOF": "end",
  "\x1b[4~": "end",
  "\x1b[3~": "delete",
  "\x7f": "backspace",
  "\x08": "backspace",
  "\x01": "home",
  "\x05": "end",
  "\x15": "kill-line-before",
  "\x0b": "kill-line-after",
  "\x17": "kill-word-before",
  "\x1b[1;5D": "word-left",
  "\x1b[1;5C": "word-right",
  "\x1bb": "word-left",
  "\x1bf": "word-right",
};

/** Command history: newest last, no consecutive duplicates, capped. */
export class History {
  private items: string[];
  private at: number;
  private draft = "";

  constructor(
    initial: readonly string[] = [],
    private readonly max = 500,
  ) {
    this.items = initial.slice(-max);
    this.at = this.items.length;
  }

  add(line: string): void {
    const t = line.trim();
    if (t && this.items[this.items.length - 1] !== t) this.items.push(t);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
    this.at = this.items.length;
    this.draft = "";
  }

  up(current: string): string | undefined {
    if (this.at === 0) return undefined;
    if (this.at === this.items.length) this.draft = current;
    this.at--;
    return this.items[this.at];
  }

  down(): string | undefined {
    if (this.at >= this.items.length) return undefined;
    this.at++;
    return this.at === this.items.length ? this.draft : this.items[this.at];
  }

  all(): readonly string[] {
    return this.items;
  }
}

/** The longest prefix all candidates share. */
export function commonPrefix(words: readonly string[]): string {
  if (!words.length) return "";
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}
