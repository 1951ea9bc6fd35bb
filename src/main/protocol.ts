// The workbench's pages come from kdw://app/, not file://: a standard, secure scheme whose handler serves
// only the built renderer's files, with a strict content security policy on every response.
import { extname, join, normalize, sep } from "node:path";

export const SCHEME = "kdw";
export const ORIGIN = `${SCHEME}://app`;

/** No network, no inline script, no eval; styles inline (Svelte and Monaco set style attributes); Monaco's
 *  worker from the same origin. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ttf": "font/ttf",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

export type Asset = { ok: true; file: string; type: string } | { ok: false; status: number };

/** The file under `root` a kdw:// URL names, or why not (404 outside the app host or the root, 400 for a
 *  malformed path). Pure: tested without Electron. */
export function resolveAsset(root: string, url: string): Asset {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400 };
  }
  if (u.protocol !== `${SCHEME}:` || u.host !== "app") return { ok: false, status: 404 };
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes("\0") || path.includes("\\") || path.split("/").some((p) => p === "..")) return { ok: false, status: 400 };
  if (path === "/" || path === "") path = "/index.html";
  const base = normalize(root);
  const file = normalize(join(base, path));
  if (!file.startsWith(base.endsWith(sep) ? base : base + sep)) return { ok: false, status: 404 };
  const type = TYPES[extname(file).toLowerCase()];
  if (!type) return { ok: false, status: 404 };
  return { ok: true, file, type };
}

export function assetHeaders(type: string): Record<string, string> {
  return {
    "content-type": type,
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-cache",
  };
}
