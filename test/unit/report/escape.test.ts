import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cleanText, escapeHtml, h, Html, join, MAX_TEXT, Multiline, oneOf } from "../../../src/core/report/escape";
import { HOSTILE } from "../../fixtures/report-data";

// What may never survive escaping: markup characters and anything a terminal or the bidi algorithm acts on.
// eslint-disable-next-line no-control-regex -- control characters are what the test looks for
const UNSAFE_OUT = /[<>"'\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/u;

describe("escapeHtml", () => {
  it("turns markup into text", () => {
    expect(escapeHtml(HOSTILE.script!)).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(escapeHtml(HOSTILE.attribute!)).toBe("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(escapeHtml(HOSTILE.style!)).toBe("&lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt;");
    expect(escapeHtml("a & b 'c'")).toBe("a &amp; b &#39;c&#39;");
  });

  it("shows terminal escapes and other control characters as visible \\xNN", () => {
    expect(escapeHtml(HOSTILE.ansi!)).toBe("\\x1b[31mred\\x1b[0m\\x07\\x1b]0;title\\x07");
    expect(escapeHtml("a\u0000b\u0085c\u007f")).toBe("a\\x00b\\x85c\\x7f");
    expect(escapeHtml("one\ntwo\r\nthree")).toBe("one\\x0atwo\\x0d\\x0athree");
    expect(escapeHtml("tab\there")).toBe("tab\there");
  });

  it("keeps line breaks only when asked (log records, notes), and still shows a lone CR", () => {
    expect(escapeHtml("one\ntwo\r\nthree\rfour", { newlines: true })).toBe("one\ntwo\nthree\\x0dfour");
  });

  it("shows bidi overrides, isolates and zero-width characters instead of obeying them", () => {
    expect(escapeHtml(HOSTILE.bidi!)).toBe("\\u202egnp.exe\\u202c\\u2066x\\u2069\\u200b");
  });

  it("replaces what a bad decode leaves (lone surrogates) with U+FFFD and keeps real characters", () => {
    expect(escapeHtml(HOSTILE.utf8!)).toBe("n\ufffd\ufffd\ufffd(a\ufffdx\ufffd");
    expect(escapeHtml("naïve 😀 日本")).toBe("naïve 😀 日本");
  });

  it("keeps a 4,000-character name whole and cuts a longer one with a note", () => {
    expect(escapeHtml(HOSTILE.long!)).toBe(HOSTILE.long);
    const longer = "B".repeat(MAX_TEXT + 1000);
    expect(escapeHtml(longer)).toBe(`${"B".repeat(MAX_TEXT)} … [1000 more characters]`);
  });

  it("never lets a cut split a surrogate pair into a lone half", () => {
    const s = "x".repeat(MAX_TEXT - 1) + "😀";
    const out = cleanText(s);
    expect(out.includes("\ufffd")).toBe(false);
    expect(out.endsWith("x … [2 more characters]")).toBe(true);
  });

  it("leaves nothing unsafe for any input (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        expect(UNSAFE_OUT.test(escapeHtml(s))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("h", () => {
  it("escapes every interpolated value and only those", () => {
    const name = HOSTILE.attribute!;
    expect(h`<td class="m">${name}</td>`.html).toBe(`<td class="m">&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</td>`);
  });

  it("passes fragments it built itself, joins lists, drops absent values", () => {
    const inner = h`<b>${"<i>"}</b>`;
    expect(h`<p>${inner}${[h`<br>`, "&"]}${undefined}${null}${false}${0}</p>`.html).toBe("<p><b>&lt;i&gt;</b><br>&amp;0</p>");
    expect(join([h`<a>`, h`<b>`], ",").html).toBe("<a>,<b>");
  });

  it("keeps newlines for Multiline values only", () => {
    expect(h`${new Multiline("a\n<b>")}|${"a\nb"}`.html).toBe("a\n&lt;b&gt;|a\\x0ab");
  });

  it("does not turn a string that looks like a fragment into markup", () => {
    const fake = { html: "<script>" } as unknown;
    expect(h`${fake}`.html).toBe("[object Object]");
    expect(h`${new Html("<ok>")}`.html).toBe("<ok>");
  });

  it("prints no NaN or Infinity into markup", () => {
    expect(h`<rect width="${NaN}" x="${Infinity}" y="${12}">`.html).toBe(`<rect width="" x="" y="12">`);
  });
});

describe("oneOf", () => {
  it("keeps class names to a closed list", () => {
    expect(oneOf("high", ["low", "high"] as const, "low")).toBe("high");
    expect(oneOf(`high" onclick="x`, ["low", "high"] as const, "low")).toBe("low");
  });
});
