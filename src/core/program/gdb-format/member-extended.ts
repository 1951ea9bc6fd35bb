// crash's parse_for_member_extended (symbols.c): one member named by a path with dots and indexes
// (`se.exec_start`, `pids[1].node`, `thread_info.cpu`) picked out of a printed struct. crash reads the text gdb
// printed back into a tree of elements (find_node walks it, stepping through anonymous structs and unions)
// and prints the element found again (dump_node): `  se.exec_start = 15691283870,`. Ported as it is, so that
// `struct NAME.a.b ADDR` and `task -R a.b` print what crash prints.

interface Element {
  name: string;
  value: string;
  arrayRoot: boolean;
  parent?: Element;
  inner?: Element;
  next?: Element;
}

/** Elements a printed struct may hold: far more than any kernel struct prints (task_struct: a few thousand lines). */
const MAX_ELEMENTS = 1 << 20;

function newElement(parent: Element | undefined): Element {
  return { name: "", value: "", arrayRoot: false, parent };
}

/** is_right_brace: 1 for a line of `}` or `},`, 2 for `}}`/`}},`, else 0. */
function rightBraces(line: string): number {
  const m = /^ *(\}\}?),?$/.exec(line);
  return m ? m[1]!.length : 0;
}

/** The tree of a printed struct (or of several, one after another): the root's inner list holds one element per struct. */
function parseTree(text: string): Element | undefined {
  const root = newElement(undefined);
  let current: Element | undefined = (root.inner = newElement(root));
  let count = 0;
  const inner = (): void => {
    current = current!.inner = newElement(current);
  };
  const next = (): void => {
    current = current!.next = newElement(current!.parent);
  };
  for (const raw of text.split("\n")) {
    if (++count > MAX_ELEMENTS) return undefined;
    let buf = raw.replace(/[\s\0]+$/, "");
    if (buf === "") continue;
    const trailingComma = buf.endsWith(",");
    if (trailingComma) buf = buf.slice(0, -1);
    const braces = rightBraces(buf);
    if (braces) {
      for (let b = braces; b && current; b--) current = current.parent;
      if (!current) return undefined;
      if (current.parent === root || trailingComma) next();
      continue;
    }
    const p1 = buf.length - buf.trimStart().length;
    const eq = buf.indexOf(" = ");
    const se = eq >= 0 ? buf.slice(eq + 3) : buf.slice(p1);
    if (!current) return undefined;
    if (eq >= 0) current.name = buf.slice(p1, eq);
    if (eq >= 0 && (!se.startsWith("{") || buf.endsWith("}"))) {
      // A scalar or an array on one line: `next = 0x0`, `files = {0x0, 0x0}`.
      current.value = se;
      if (trailingComma) next();
    } else if (se.startsWith("{")) {
      inner();
      if (se[1] === "{") {
        current.parent!.arrayRoot = true;
        inner();
      }
    } else if (se.includes("}, {")) {
      // The next element of an array of structs.
      current = current.parent;
      if (!current) return undefined;
      next();
      inner();
    } else if (buf.startsWith("struct ")) {
      const end = buf.indexOf(" {");
      current.name = buf.slice(7, end < 0 ? undefined : end);
      inner();
    }
  }
  return root;
}

/** find_node: the element at a dotted path with [index]es, looking through unnamed elements (anonymous members). */
function findNode(first: Element | undefined, path: string, depth = 0): Element | undefined {
  if (path === "" || first === undefined) return first;
  if (depth > 64) return undefined;
  const dot = path.indexOf(".");
  const head = dot < 0 ? path : path.slice(0, dot);
  const rest = dot < 0 ? "" : path.slice(dot + 1);
  const bracket = head.indexOf("[");
  const name = bracket < 0 ? head : head.slice(0, bracket);
  for (let s: Element | undefined = first; s; s = s.next) {
    if (s.name === "" || s.name !== name) continue;
    if (s.arrayRoot && bracket < 0 && dot >= 0) return undefined;
    let node: Element | undefined = s;
    if (bracket >= 0) {
      const m = /^\[(\d+)\]$/.exec(head.slice(bracket));
      if (!s.arrayRoot || !m) return undefined;
      let i = Number(m[1]);
      for (node = s.inner; node && i; node = node.next, i--);
      if (i || !node) return undefined;
    }
    return rest === "" ? node : findNode(node.inner, rest, depth + 1);
  }
  for (let s: Element | undefined = first; s; s = s.next) {
    if (s.name !== "") continue;
    const found = findNode(s.inner, path, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** dump_node: the element as crash prints it back, named by the path the user gave. */
function dumpNode(start: Element, path: string | undefined, level: number, isArray: number, out: string[]): void {
  let p: Element | undefined = start;
  const put = (m: number, s: string): void => {
    out.push(" ".repeat(2 + 2 * (m * isArray + level)) + s);
  };
  do {
    if (p.inner) {
      const open = p.inner.arrayRoot ? "{{" : "{";
      if (p.name) put(1, `${path ?? p.name} = ${open}\n`);
      else {
        if (path) put(1, `${path} = `);
        put(1, `${open}\n`);
      }
      dumpNode(p.inner, undefined, isArray + level + 1, p.inner.arrayRoot ? 1 : 0, out);
      put(1, `${p.inner.arrayRoot ? "}}" : "}"}${p.next && !p.next.arrayRoot ? "," : ""}\n`);
    } else put(1, `${path ?? p.name} = ${p.value}${p.next ? ",\n" : "\n"}`);
    if (level) {
      p = p.next;
      if (p && p.arrayRoot) put(0, "}, {\n");
    }
  } while (p && level);
}

/**
 * The lines crash prints for `path` out of `text` (one or more printed structs, each `struct NAME {` ...
 * `}`), or undefined when no struct has it (crash: "invalid data structure member reference: PATH").
 */
export function parseForMemberExtended(text: string, path: string): string | undefined {
  const root = parseTree(text);
  for (let s = root?.inner; s; s = s.next) {
    const node = findNode(s.inner, path);
    if (node) {
      const out: string[] = [];
      dumpNode(node, path, 0, 0, out);
      return out.join("");
    }
  }
  return undefined;
}
