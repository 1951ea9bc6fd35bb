// btop's and ptob's text: "%llx: %llx" per value.
import type { PageNumbersResult } from "./btop";

export function formatPageNumbers(r: PageNumbersResult): string {
  return r.rows.map((x) => `${x.value.toString(16)}: ${x.result.toString(16)}\n`).join("");
}
