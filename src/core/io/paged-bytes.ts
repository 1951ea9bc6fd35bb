// A range of a file held in one buffer that is filled a chunk at a time, as its parts are first asked for:
// a vmlinux's 4 MB .BTF, of which a session reads a few hundred type records and their names. The buffer
// is allocated whole (the system backs its pages only when they are first written, so the chunks never
// read cost nothing), and a reader asks for the bytes it is about to read (ensure, ensureString) or for
// all of them before a pass over everything (ensureAll). A byte not asked for reads as zero.

export class PagedBytes {
  /** The whole range; only the chunks asked for hold the file's bytes. */
  readonly bytes: Uint8Array;
  /** Per chunk: 1 once read. */
  private readonly loaded: Uint8Array;
  private missing: number;

  /**
   * `size` bytes, chunk c read by `fill(c * chunk, target)` (target: the chunk's place in `bytes`, several
   * chunks at once when they follow one another). A failed fill throws its error to the reader that asked.
   */
  constructor(
    size: number,
    private readonly fill: (offset: number, target: Uint8Array) => void,
    private readonly chunk = 4096,
  ) {
    this.bytes = new Uint8Array(size);
    this.loaded = new Uint8Array(Math.ceil(size / chunk));
    this.missing = this.loaded.length;
  }

  /** Every byte has been read. */
  get complete(): boolean {
    return this.missing === 0;
  }

  /** Chunks read so far. */
  get chunksRead(): number {
    return this.loaded.length - this.missing;
  }

  /** Bytes [start, end) (clipped to the range) hold the file's. */
  ensure(start: number, end: number): void {
    if (this.missing === 0) return;
    const from = Math.max(0, start);
    const to = Math.min(end, this.bytes.length);
    if (to <= from) return;
    const last = Math.floor((to - 1) / this.chunk);
    for (let c = Math.floor(from / this.chunk); c <= last; c++) {
      if (this.loaded[c]) continue;
      // A run of chunks not yet read: one read.
      let runEnd = c + 1;
      while (runEnd <= last && !this.loaded[runEnd]) runEnd++;
      const at = c * this.chunk;
      this.fill(at, this.bytes.subarray(at, Math.min(runEnd * this.chunk, this.bytes.length)));
      this.loaded.fill(1, c, runEnd);
      this.missing -= runEnd - c;
      c = runEnd - 1;
    }
  }

  /** The NUL-terminated string at `at` holds the file's bytes, its NUL included (to the range's end when there is none). */
  ensureString(at: number): void {
    let from = at;
    while (this.missing !== 0 && from < this.bytes.length) {
      const end = Math.min(this.bytes.length, (Math.floor(from / this.chunk) + 1) * this.chunk);
      this.ensure(from, end);
      if (this.bytes.subarray(from, end).indexOf(0) >= 0) return;
      from = end;
    }
  }

  ensureAll(): void {
    this.ensure(0, this.bytes.length);
  }
}
