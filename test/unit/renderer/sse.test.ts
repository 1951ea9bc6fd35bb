// The event-stream parser reads what kdw serve writes, in any chunking.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SseParser, type SseEvent } from "../../../src/renderer/lib/transport/sse";

function parse(chunks: string[]): SseEvent[] {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

const stream = 'event: progress\ndata: {"phase":"tasks","done":1}\n\nevent: output\ndata: "line\\n"\n\n: comment\nevent: reply\ndata: {"ok":true}\n\n';

describe("SseParser", () => {
  it("reads events with their names and data", () => {
    expect(parse([stream])).toEqual([
      { event: "progress", data: '{"phase":"tasks","done":1}' },
      { event: "output", data: '"line\\n"' },
      { event: "reply", data: '{"ok":true}' },
    ]);
  });

  it("gives the same events however the stream is cut, with LF, CRLF or CR line ends", () => {
    const expected = parse([stream]);
    for (const eol of ["\n", "\r\n", "\r"]) {
      const s = stream.replace(/\n/g, eol);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: s.length - 1 }), { maxLength: 12 }), (cuts) => {
          const at = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks: string[] = [];
          let prev = 0;
          for (const c of at) {
            chunks.push(s.slice(prev, c));
            prev = c;
          }
          chunks.push(s.slice(prev));
          expect(parse(chunks)).toEqual(expected);
        }),
      );
    }
  });

  it("joins data lines, drops an unterminated event, names a nameless one 'message'", () => {
    expect(parse(["data: a\ndata: b\n\ndata: lost"])).toEqual([{ event: "message", data: "a\nb" }]);
  });

  it("refuses to buffer an endless event", () => {
    const p = new SseParser(() => undefined);
    expect(() => {
      for (let i = 0; i < 70; i++) p.push("data: " + "x".repeat(1 << 20) + "\n");
    }).toThrow(/64 MiB/);
  });
});
