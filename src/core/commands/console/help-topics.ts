// The help of what is no command of the registry: crash's `q` and `exit` (the console adapters end the
// session on them), and the "input" and "output" topics crash's help screen points to, told for kdw.
export interface HelpTopic {
  name: string;
  /** Listed among the commands (q, exit), or only reached by name (input, output). */
  listed: boolean;
  help: string;
}

const quit = (name: string, other: string): HelpTopic => ({
  name,
  listed: true,
  help: `NAME
  ${name} - exit this session

SYNOPSIS
  ${name}  

DESCRIPTION
  Bail out of the current kdw session.

NOTE
  This command is equivalent to the "${other}" command.`,
});

export const HELP_TOPICS: readonly HelpTopic[] = [
  quit("q", "exit"),
  quit("exit", "q"),
  {
    name: "input",
    listed: false,
    help: `INPUT
  Commands are typed at the "kdw> " prompt one line at a time, or given to kdw with -c "cmd; cmd" (each
  command echoed after the prompt when there are several) or -i FILE (one command a line, # comments), or
  piped to its standard input. The exit status of -c and -i is 1 when a command failed.

  At the prompt: the up and down arrows walk the history (kept in ~/.kdw_history), Tab completes command
  names, options, symbols, and structure and member names; Ctrl-C cancels the running command and returns to
  the prompt, or clears the line; Ctrl-D, "q" or "exit" end the session.`,
  },
  {
    name: "output",
    listed: false,
    help: `OUTPUT
  A command's output can be piped and redirected as in crash:

    command | shell command ...   the output is fed to the shell command's standard input (through $SHELL,
                                  else /bin/sh); what it prints goes to the terminal, or to a file
                                  redirected at the end of the line. On Windows, and in the workbench,
                                  kdw runs grep, egrep, fgrep, head, tail, wc, sort, uniq and cat itself.
    command > FILE                writes the output to FILE; ">>" appends.

  A redirect never lands on an evidence file (the dump, the vmlinux, a module's debuginfo: compared by
  device and inode, so links and other names count) nor in the evidence's folder unless kdw was started
  with --allow-evidence-folder; a failed redirect is one line, and the session goes on. --json prints each
  command's typed result as one JSON document a line instead of its text.`,
  },
];
