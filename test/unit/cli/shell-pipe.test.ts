// Splitting `cmd | shell text [> FILE]` as crash hands a pipe to the shell: the first `|` outside quotes,
// and a redirect kdw writes itself only when it ends the line with one plain file name.
import { describe, expect, it } from "vitest";
import { shellWords, splitShellPipe } from "../../../src/cli/shell-pipe";

describe("splitShellPipe", () => {
  it("takes the first | outside quotes; the rest is the shell's", () => {
    expect(splitShellPipe("sys -t")).toBeUndefined();
    expect(splitShellPipe("ps | awk '{print $1}' | sort -n")).toEqual({ command: "ps", shell: "awk '{print $1}' | sort -n" });
    expect(splitShellPipe("p \"a|b\" | wc -l")).toEqual({ command: 'p "a|b"', shell: "wc -l" });
    expect(splitShellPipe("log | grep 'x | y'")).toEqual({ command: "log", shell: "grep 'x | y'" });
  });

  it("keeps a trailing > FILE or >> FILE for kdw to write, and leaves the shell's own redirects", () => {
    expect(splitShellPipe("ps | grep bash > out.txt")).toEqual({ command: "ps", shell: "grep bash", redirect: { path: "out.txt", append: false } });
    expect(splitShellPipe("ps | grep bash >> /tmp/log")).toEqual({ command: "ps", shell: "grep bash", redirect: { path: "/tmp/log", append: true } });
    expect(splitShellPipe("ps | grep bash 2>&1")).toEqual({ command: "ps", shell: "grep bash 2>&1" });
    expect(splitShellPipe("ps | grep bash 2> err")).toEqual({ command: "ps", shell: "grep bash 2> err" });
    expect(splitShellPipe("ps | awk '$1 > 5'")).toEqual({ command: "ps", shell: "awk '$1 > 5'" });
    expect(splitShellPipe("ps | cat > $HOME/x")).toEqual({ command: "ps", shell: "cat > $HOME/x" });
  });

  it("names the words a shell command could write to (for the evidence guard)", () => {
    expect(shellWords("tee -a /ev/dump.lzo")).toEqual(["tee", "/ev/dump.lzo"]);
    expect(shellWords("dd of=/ev/dump.lzo bs=1")).toEqual(["dd", "of", "/ev/dump.lzo", "bs", "1"]);
    expect(shellWords("cat > '/ev/x'")).toEqual(["cat", ">", "/ev/x"]);
  });
});
