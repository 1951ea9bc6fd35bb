// Images kdw keeps in the user's cache folder as JSON (the layout memo, the learned names): read back as a
// plain object, or undefined for anything else (too big to be one, not UTF-8, not JSON, not an object).

/** `image` as a JSON object, or undefined when it is bigger than `maxBytes` or not a JSON object. */
export function jsonObjectOf(image: Uint8Array, maxBytes: number): Record<string, unknown> | undefined {
  if (image.length > maxBytes) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(image));
  } catch {
    return undefined;
  }
  return isRecord(doc) ? doc : undefined;
}

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A whole number in [lo, hi] (a row's index, id or offset, checked when an image is read back). */
export function isWholeIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;
}
