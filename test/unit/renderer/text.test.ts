// Hostile dump strings become visible text: no escape sequence, control or bidi character survives.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { clip, safeText, terminalText } from "../../../src/renderer/lib/text";

describe("safeText", () => {
  it("shows controls, DEL, C1 and bidi overrides as escapes; keeps printable text and tabs", () => {
    expect(safeText("abc\tdef")).toBe("abc\tdef");
    expect(safeText("\x1b[31mred\x07")).toBe("\\x1b[31mred\\x07");
    expect(safeText("a\nb")).toBe("a\\x0ab");
    expect(safeText("a\nb", true)).toBe("a\nb");
    expect(safeText("\x7f\x9b")).toBe("\\x7f\\x9b");
    expect(safeText("evil\u202egnp.exe")).toBe("evil\\u202egnp.exe");
    expect(safeText("\u2066x\u2069\ufeff")).toBe("\\u2066x\\u2069\\ufeff");
    expect(safeText("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
    expect(safeText("ÿþ")).toBe("ÿþ");
  });

  it("never lets a control character through, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const out = terminalText(s);
        // Only CR before LF, no other C0/C1 control, DEL or bidi control.
        // eslint-disable-next-line no-control-regex
        expect(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(out)).toBe(false);
        expect(/\r(?!\n)/.test(out)).toBe(false);
      }),
    );
  });

  it("clips long values with an ellipsis", () => {
    expect(clip("x".repeat(4000), 10)).toBe("xxxxxxxxx…");
    expect(clip("\x1b", 10)).toBe("\\x1b");
  });
});
