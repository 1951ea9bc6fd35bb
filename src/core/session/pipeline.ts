// The console's command line: `cmd args | grep PAT | head -5 | wc -l`, and `> FILE` / `>> FILE` redirection
// (the adapter writes the file; the core never touches the file system). crash hands pipes to the shell;
// kdw runs the few filters analysts use itself, so the console works the same on every OS.
import { UsageError } from "../io/errors";

export interface ParsedLine {
  /** The command's words, quotes removed. */
  argv: string[];
  /**
   * For each word of argv: it was one '...' string (crash passes such a word on with its quotes, and ps
   * reads it as a regular expression).
   */
  singleQuoted: boolean[];
  filters: string[][];
  redirect?: { path: string; append: boolean };
}

/** Splits on whitespace, honouring '...' and "..." quotes; `|` and `>` outside quotes are separate tokens. */
export function tokenize(line: string): string[] {
  return tokenizeWords(line).map((w) => w.text);
}

interface Word {
  text: string;
  /** The whole word was one '...' string. */
  singleQuoted: boolean;
  /** `|`, `>` or `>>` outside quotes. */
  operator: boolean;
}

function tokenizeWords(line: string): Word[] {
  const out: Word[] = [];
  let cur = "";
  let has = false;
  // The word so far is one single-quoted string: it opened with ' and nothing followed the closing quote.
  let single = false;
  let quote: string | null = null;
  const push = (): void => {
    if (has) out.push({ text: cur, singleQuoted: single, operator: false });
    cur = "";
    has = false;
    single = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      single = !has && c === "'";
      quote = c;
      has = true;
    } else if (c === " " || c === "\t") {
      push();
    } else if (c === "|" || c === ">") {
      push();
      if (c === ">" && line[i + 1] === ">") {
        out.push({ text: ">>", singleQuoted: false, operator: true });
        i++;
      } else out.push({ text: c, singleQuoted: false, operator: true });
    } else {
      cur += c;
      has = true;
      single = false;
    }
  }
  if (quote) throw new UsageError(`unmatched ${quote} in command line`);
  push();
  return out;
}

export function parseLine(line: string): ParsedLine {
  const tokens = tokenizeWords(line);
  const segments: Word[][] = [[]];
  let redirect: ParsedLine["redirect"];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.operator && t.text === "|") segments.push([]);
    else if (t.operator && (t.text === ">" || t.text === ">>")) {
      const path = tokens[i + 1];
      if (!path || i + 2 !== tokens.length) throw new UsageError("redirection needs one file name at the end of the line");
      redirect = { path: path.text, append: t.text === ">>" };
      break;
    } else segments[segments.length - 1]!.push(t);
  }
  const [argv, ...filters] = segments;
  if (filters.some((f) => f.length === 0)) throw new UsageError("pipe to nowhere?");
  return { argv: argv!.map((w) => w.text), singleQuoted: argv!.map((w) => w.singleQuoted), filters: filters.map((f) => f.map((w) => w.text)), redirect };
}

/** grep's basic syntax: `\\|`, `\\(`, `\\{`, `\\+`, `\\?` are operators and the bare characters literal. */
function basicToExtended(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      const n = pattern[++i]!;
      out += "(){}|+?".includes(n) ? n : "\\" + n;
    } else out += "(){}|+?".includes(c) ? "\\" + c : c;
  }
  return out;
}

/** Converts a grep basic/extended regular expression to a JS one (the common subset). */
function grepRegex(pattern: string, flags: string, extended: boolean, fixed: boolean, word: boolean): RegExp {
  let src = pattern;
  if (fixed) src = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  else if (!extended) src = basicToExtended(pattern);
  try {
    const re = new RegExp(word ? `\\b(?:${src})\\b` : src, flags);
    // V8 compiles a pattern when it first runs: a pattern too large to compile fails here, not mid-filter.
    re.test("");
    return re;
  } catch {
    throw new UsageError(`grep: invalid pattern: ${pattern.length > 80 ? pattern.slice(0, 80) + "..." : pattern}`);
  }
}

function grep(args: string[], lines: string[]): string[] {
  let invert = false;
  let ignoreCase = false;
  let extended = false;
  let fixed = false;
  let count = false;
  let word = false;
  let pattern: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-e") pattern = args[++i];
    else if (/^-[vicEFw]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === "v") invert = true;
        else if (f === "i") ignoreCase = true;
        else if (f === "E") extended = true;
        else if (f === "F") fixed = true;
        else if (f === "c") count = true;
        else if (f === "w") word = true;
      }
    } else if (pattern === undefined) pattern = a;
    else throw new UsageError(`grep: unexpected argument ${a}`);
  }
  if (pattern === undefined) throw new UsageError("grep: no pattern");
  const re = grepRegex(pattern, ignoreCase ? "i" : "", extended, fixed, word);
  const kept = lines.filter((l) => re.test(l) !== invert);
  return count ? [String(kept.length)] : kept;
}

function headTail(name: "head" | "tail", args: string[], lines: string[]): string[] {
  let n = 10;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-(\d+)$/.exec(a);
    if (m) n = Number(m[1]);
    else if (a === "-n" && /^\d+$/.test(args[i + 1] ?? "")) n = Number(args[++i]);
    else throw new UsageError(`${name}: unsupported argument ${a}`);
  }
  return name === "head" ? lines.slice(0, n) : n === 0 ? [] : lines.slice(-n);
}

function wc(args: string[], text: string, lines: string[]): string[] {
  if (args.includes("-l")) return [String(lines.length)];
  if (args.includes("-c")) return [String(text.length)];
  if (args.includes("-w")) return [String(text.split(/\s+/).filter(Boolean).length)];
  return [`${lines.length} ${text.split(/\s+/).filter(Boolean).length} ${text.length}`];
}

/** Applies `| grep`, `| head`, `| tail`, `| wc`, `| sort`, `| uniq`, `| cat` to a command's text. */
export function applyFilters(text: string, filters: string[][]): string {
  let out = text;
  for (const [name, ...args] of filters) {
    const lines = out.endsWith("\n") ? out.slice(0, -1).split("\n") : out === "" ? [] : out.split("\n");
    let result: string[];
    switch (name) {
      case "grep":
      case "egrep":
      case "fgrep":
        result = grep(name === "egrep" ? ["-E", ...args] : name === "fgrep" ? ["-F", ...args] : args, lines);
        break;
      case "head":
      case "tail":
        result = headTail(name, args, lines);
        break;
      case "wc":
        result = wc(args, out, lines);
        break;
      case "sort":
        result = [...lines].sort();
        if (args.includes("-r")) result.reverse();
        break;
      case "uniq":
        result = lines.filter((l, i) => i === 0 || l !== lines[i - 1]);
        break;
      case "cat":
        result = lines;
        break;
      default:
        throw new UsageError(`unsupported pipe command: ${name} (kdw runs grep, head, tail, wc, sort, uniq itself)`);
    }
    out = result.length ? result.join("\n") + "\n" : "";
  }
  return out;
}
