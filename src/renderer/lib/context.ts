// What every panel may use without reaching into another panel: the contract's call, the navigator (links
// and jumps) and the notes. Set once by the App.
import { getContext, setContext } from "svelte";
import type { Call } from "../../core/session/contract";
import type { Navigator } from "./nav.svelte";
import type { Notes } from "./notes.svelte";
import type { Target } from "./target";

export interface Services {
  call: Call;
  nav: Navigator;
  notes: Notes;
  /** Opens the tag editor for a subject. */
  tag: (subject: string, target: Target, label: string) => void;
  /** Runs a line in the console (shown there, as if typed). */
  runInConsole: (line: string) => void;
}

const KEY = Symbol("kdw.services");

export function provideServices(s: Services): void {
  setContext(KEY, s);
}

export function services(): Services {
  const s = getContext<Services | undefined>(KEY);
  if (!s) throw new Error("kdw: services used outside the App");
  return s;
}
