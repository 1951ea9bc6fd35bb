// kdw:// serves the built renderer's files and nothing else.
import { describe, expect, it } from "vitest";
import { assetHeaders, CSP, resolveAsset } from "../../../src/main/protocol";

const root = "/opt/kdw/out/renderer";

describe("resolveAsset", () => {
  it("maps kdw://app paths into the renderer folder", () => {
    expect(resolveAsset(root, "kdw://app/index.html")).toEqual({ ok: true, file: `${root}/index.html`, type: "text/html; charset=utf-8" });
    expect(resolveAsset(root, "kdw://app/")).toMatchObject({ ok: true, file: `${root}/index.html` });
    expect(resolveAsset(root, "kdw://app/assets/index-abc.js")).toMatchObject({ ok: true, type: "text/javascript; charset=utf-8" });
    expect(resolveAsset(root, "kdw://app/assets/a.js?x=1#y")).toMatchObject({ ok: true, file: `${root}/assets/a.js` });
  });

  it("dot segments are resolved by the URL, inside the folder", () => {
    expect(resolveAsset(root, "kdw://app/../../etc/passwd.html")).toMatchObject({ ok: true, file: `${root}/etc/passwd.html` });
    expect(resolveAsset(root, "kdw://app/%2e%2e/%2e%2e/etc/passwd.html")).toMatchObject({ ok: true, file: `${root}/etc/passwd.html` });
  });

  it.each([
    ["kdw://app/assets/..%2f..%2f..%2fetc%2fpasswd.js"],
    ["kdw://app/a%00.js"],
    ["kdw://app/a%5c..%5cb.js"],
    ["kdw://app/%E0%A4%A.js"],
    ["kdw://other/index.html"],
    ["https://app/index.html"],
    ["kdw://app/secret.key"],
    ["kdw://app/noext"],
    ["not a url"],
  ])("refuses %s", (url) => {
    expect(resolveAsset(root, url).ok).toBe(false);
  });

  it("every response carries the strict CSP", () => {
    const h = assetHeaders("text/html");
    expect(h["content-security-policy"]).toBe(CSP);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(h["x-content-type-options"]).toBe("nosniff");
  });
});
