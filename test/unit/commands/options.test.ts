import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/core/commands/options";

const spec = { flags: "aflrx", values: "ce", numbers: ["8", "64"], words: ["--force"] } as const;
const read = (words: string) => parseArgs("cmd", spec, words.split(" ").filter(Boolean));

describe("parseArgs (crash's getopt, declared once per command)", () => {
  it("reads grouped letters, numbers, long words and operands in any order", () => {
    const a = read("-rl 1234 -64 --force name");
    expect([a.has("r"), a.has("l"), a.has("64"), a.has("--force"), a.has("a"), a.has("8")]).toEqual([true, true, true, true, false, false]);
    expect(a.flags).toEqual(["r", "l", "64", "--force"]);
    expect(a.operands).toEqual(["1234", "name"]);
  });

  it("takes a value from the next word or attached to its letter, also after a group", () => {
    expect(read("-c 1").value("c")).toBe("1");
    expect(read("-c1").value("c")).toBe("1");
    const g = read("-ac 2 x");
    expect([g.has("a"), g.value("c"), g.operands]).toEqual([true, "2", ["x"]]);
    const twice = read("-e a -e b");
    expect([twice.values("e"), twice.value("e")]).toEqual([["a", "b"], "b"]);
  });

  it("-- ends the options; a lone - is an operand", () => {
    expect(read("-a -- -r -c").operands).toEqual(["-r", "-c"]);
    expect(read("- -a").operands).toEqual(["-"]);
  });

  it("an unknown option or a missing value is the command's one-line error", () => {
    expect(() => read("-aq")).toThrow("cmd: invalid option: -q");
    expect(() => read("-16")).toThrow("cmd: invalid option: -16");
    expect(() => read("-c")).toThrow("cmd: option -c needs a value");
    expect(() => parseArgs("mount", { invalid: (o) => `unsupported option: ${o}` }, ["-i"])).toThrow("mount: unsupported option: -i");
  });

  it("dashOperands: negative counts and unknown words are operands; known letters still options", () => {
    const s = { flags: "oxd", dashOperands: true } as const;
    const a = parseArgs("struct", s, ["-o", "task_struct", "ffff", "-2", "-q"]);
    expect([a.has("o"), a.operands]).toEqual([true, ["task_struct", "ffff", "-2", "-q"]]);
  });

  it("raw: every word is an operand", () => {
    expect(parseArgs("eval", { raw: true }, ["-1", "+", "-x"]).operands).toEqual(["-1", "+", "-x"]);
  });
});
