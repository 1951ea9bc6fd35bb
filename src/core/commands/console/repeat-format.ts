// repeat's text: each run's text, one after the other, as crash prints them.
import type { RepeatResult } from "./repeat";

export function formatRepeat(r: RepeatResult): string {
  return r.runs.map((x) => x.text).join("");
}
