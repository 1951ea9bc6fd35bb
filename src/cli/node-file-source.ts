import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource } from "../core/io/byte-source";
import { checkRange } from "../core/io/byte-source";

/**
 * A ByteSource over a file opened read-only (O_RDONLY): evidence is never written. Reads go straight to
 * the file; caching is the dump's page cache's job.
 */
export class NodeFileSource implements ByteSource {
  readonly size: number;
  private fd: number;

  constructor(readonly name: string, path: string = name) {
    this.fd = openSync(path, "r");
    this.size = fstatSync(this.fd).size;
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.size, offset, length);
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n <= 0) break;
      done += n;
    }
    if (done !== length) checkRange(this.name, offset + done, offset, length);
    return buf;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
