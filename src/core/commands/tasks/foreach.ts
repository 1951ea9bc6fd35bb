// crash's `foreach` (task.c cmd_foreach/foreach): run a per-task command for every task, or for the tasks
// chosen by pid, task address, name, state, or kernel/user/active/gleader. Each task is handed to the
// command as a task (its `forTasks` entry), not as a word to parse back; each task's output starts with the
// command's own "PID: ..." header and outputs are separated by a blank line, as crash prints them.
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, isCancel, type CommandContext } from "../command";
import { foreachSelector, selectorMatches, type TaskSelector } from "../shared/task-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { formatForeach } from "./foreach-format";

/**
 * The most tasks a foreach keeps its command's typed result for; over more, no run keeps it (the text of
 * every run is kept). Not the first so many of them: a prefix kept while the rest are dropped made V8
 * allocate every later task's frames straight in the old generation (its allocation sites had seen their
 * objects survive), and `foreach bt` over 50,000 tasks spent a third of its time collecting them.
 */
export const MAX_TYPED_RUNS = 1000;

/** crash's FOREACH_* keywords: the words that name the command (kdw runs those it has). */
const KEYWORDS = ["bt", "vm", "task", "files", "net", "set", "sig", "vtop", "ps"];
const STATES = ["RU", "IN", "UN", "ST", "TR", "ZO", "DE", "SW", "WA", "PA", "ID", "NE"];

interface Selection {
  tasks: TaskSelector[];
  /** The words the task selectors were read from, in the same order (for crash's "unknown argument"). */
  words: string[];
  states: string[];
  kernel: boolean;
  user: boolean;
  active: boolean;
  gleader: boolean;
}

interface ForeachOptions {
  selection: Selection;
  command: string;
  /** The words after the command: its options. */
  args: string[];
}

/** One run of the command: for one task, or for all of them at once (ps). */
export interface ForeachRun {
  task?: TaskRef;
  /** The command's own result (its type is the command's: foreach runs whichever command it is given). */
  data: unknown;
  text: string;
  errors: string[];
  /** The command failed for this task (its error is in `errors`, it printed nothing). */
  failed?: boolean;
}

export interface ForeachResult {
  command: string;
  runs: ForeachRun[];
  /**
   * Over more than MAX_TYPED_RUNS tasks, the runs keep their text but not their typed result (`data`
   * undefined): a foreach over a host's 50,000 tasks would otherwise hold every frame of every backtrace.
   * The count of runs that succeeded without keeping their typed result.
   */
  untypedRuns?: number;
  /**
   * The command was given -R: crash's foreach then prints no separator of its own; each run that found the
   * reference ends its block with a blank line itself.
   */
  reference?: boolean;
  /** `sig -g`: thread groups, whose blocks keep sig's own blank line (foreach-format.ts). */
  sigGroups?: boolean;
  /** crash's "unknown argument" lines: a pid, task or name that no task has. */
  errors: string[];
}

/** A word the console kept as '...' (foreach keeps quotes to read a task-name regex). */
function unquote(word: string): string {
  return word.length >= 2 && word.startsWith("'") && word.endsWith("'") ? word.slice(1, -1) : word;
}

function selects(sel: Selection, t: Task): boolean {
  if (sel.kernel && !t.kernelThread) return false;
  if (sel.user && t.kernelThread) return false;
  if (sel.active && !t.active) return false;
  if (sel.gleader && t.pid !== t.tgid) return false;
  if (sel.states.length && !sel.states.includes(t.stateString)) return false;
  return sel.tasks.length === 0 || sel.tasks.some((s) => selectorMatches(s, t));
}

function parse(words: readonly string[]): ForeachOptions {
  const selection: Selection = { tasks: [], words: [], states: [], kernel: false, user: false, active: false, gleader: false };
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!;
    if (KEYWORDS.includes(a)) return { selection, command: a, args: words.slice(i + 1) };
    if (a === "kernel") selection.kernel = true;
    else if (a === "user") selection.user = true;
    else if (a === "active") selection.active = true;
    else if (a === "gleader") selection.gleader = true;
    else if (STATES.includes(a)) selection.states.push(a);
    else {
      selection.tasks.push(foreachSelector("foreach", a));
      selection.words.push(a);
    }
  }
  throw new CommandError("foreach", `no keyword specified (one of: ${KEYWORDS.join(", ")})`);
}

function execute(ctx: CommandContext, o: ForeachOptions): ForeachResult {
  const cmd = ctx.commands.find(o.command);
  if (!cmd?.forTasks) throw new CommandError("foreach", `${o.command}: not available in this version of kdw`);
  // The words after the command keep their '...' only for a command that reads them so (ps's regexes).
  const args = cmd.keepsQuotes ? o.args : o.args.map(unquote);
  // A bad option is the same for every task: said once, before any runs, as crash's foreach does.
  const run = cmd.forTasks(args);
  const all = taskTable(ctx.prog).tasks;
  // A pid, task address or name that no task has is an unknown argument to crash (a regex may match none).
  const errors = o.selection.tasks.flatMap((sel, i) => (sel.kind !== "regex" && !all.some((t) => selectorMatches(sel, t)) ? [`foreach: unknown argument: "${o.selection.words[i]}"`] : []));
  const tasks = all.filter((t) => selects(o.selection, t));
  // Nothing chosen (a name no task has, a regex that matches none): nothing runs, as in crash.
  if (tasks.length === 0) return { command: o.command, runs: [], errors };
  if (o.command === "ps") {
    // ps lists the chosen tasks under one header.
    const out = run(ctx, tasks);
    return { command: o.command, runs: [{ data: out.data, text: out.text, errors: out.errors ?? [] }], errors };
  }
  const runs: ForeachRun[] = [];
  const typed = tasks.length <= MAX_TYPED_RUNS;
  let untyped = 0;
  for (const t of tasks) {
    ctx.interrupt?.();
    try {
      const out = run(ctx, [t]);
      if (!typed) untyped++;
      runs.push({ task: taskRef(t), data: typed ? out.data : undefined, text: out.text, errors: out.errors ?? [] });
    } catch (err) {
      // A cancel ends the whole foreach; another error ends this task's run.
      if (!(err instanceof Error) || isCancel(err)) throw err;
      runs.push({ task: taskRef(t), data: undefined, text: "", failed: true, errors: [`${o.command}: ${err.message.replace(new RegExp(`^${o.command}: `), "")}`] });
    }
  }
  return {
    command: o.command,
    runs,
    errors,
    ...(untyped ? { untypedRuns: untyped } : {}),
    ...(o.args.some((a) => /^-\w*R/.test(a)) ? { reference: true } : {}),
    ...(o.command === "sig" && args.some((a) => /^-\w*g/.test(a)) ? { sigGroups: true } : {}),
  };
}

export const foreachCommand = defineCommand({
  name: "foreach",
  summary: "display command data for multiple tasks in the system",
  help: `SYNOPSIS
  foreach [[pid | taskp | name | state | [kernel | user | active | gleader]] ...] command [flag] [argument]

DESCRIPTION
  Runs a per-task command (bt, vm, task, files, net, set, vtop, and ps) for every task, or for those chosen:
    pid / taskp   a task by pid or task_struct address;
    name          tasks whose command name is name; a name written as '...' (or /.../) is a POSIX extended
                  regular expression matched against the names (a name that is also a keyword: \\name);
    state         tasks in that state: ${STATES.join(" ")};
    kernel, user  kernel threads, user tasks;  active  tasks running on a CPU;  gleader  thread-group leaders.
  Flags after the command are passed to it (foreach bt -l, foreach files -d, ...). Every task's output is
  printed; the typed result (the JSON of the workbench and kdw serve) holds the first ${MAX_TYPED_RUNS} tasks' own.`,
  options: { raw: true },
  // A task name written as '...' is a regular expression (crash's foreach), so the quotes must reach it.
  keepsQuotes: true,
  parse: (args) => parse(args.operands),
  execute,
  format: formatForeach,
  errors: (r) => [...r.errors, ...r.runs.flatMap((run) => run.errors)],
});
