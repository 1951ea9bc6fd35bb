// A text/event-stream parser for a POST response body (EventSource only speaks GET): feed it decoded text
// as it arrives, it calls back once per complete event. Per the HTML spec: lines end in \n, \r\n or \r;
// "event:" names the event, "data:" lines join with \n, a blank line dispatches, ":" lines are comments.

export interface SseEvent {
  event: string;
  data: string;
}

/** Longest event kept while waiting for its blank line (a broken server must not grow memory forever). */
const MAX_EVENT = 64 << 20;

export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  private size = 0;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(text: string): void {
    this.buffer += text;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (m[0] === "\r" && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
    if (this.buffer.length + this.size > MAX_EVENT) throw new Error("event stream: an event exceeds 64 MiB");
  }

  /** The stream ended: a CR held back as a possible CRLF ends its line; a pending event without its blank
   *  line is dropped, as the spec says. */
  end(): void {
    if (this.buffer.endsWith("\r")) this.push("\n");
    this.buffer = "";
    this.event = "";
    this.data = [];
    this.size = 0;
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length) this.onEvent({ event: this.event || "message", data: this.data.join("\n") });
      this.event = "";
      this.data = [];
      this.size = 0;
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") {
      this.data.push(value);
      this.size += value.length;
    }
  }
}
