import { describe, expect, it } from "vitest";
import { applyFilters, parseLine, tokenize } from "../../../src/core/session/pipeline";
import { UsageError } from "../../../src/core/io/errors";

const PS = "   PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM\n      1      0   1  ff16e68300a38000  IN   0.1     1928      920  init\n    324      1   2  ff16e6832ff60000  RU   0.1  2401352      744  mountinfo\n";

describe("command line parsing", () => {
  it("splits pipes and keeps quoted text whole", () => {
    expect(tokenize(`ps | grep "a b" | wc -l`)).toEqual(["ps", "|", "grep", "a b", "|", "wc", "-l"]);
    const p = parseLine("log -T | grep 'Oops' | head -3 > out.txt");
    expect(p.argv).toEqual(["log", "-T"]);
    expect(p.filters).toEqual([["grep", "Oops"], ["head", "-3"]]);
    expect(p.redirect).toEqual({ path: "out.txt", append: false });
  });
  it("marks words written as one '...' string (crash passes them on with their quotes) and keeps quoted | and > as text", () => {
    const p = parseLine(`ps 'post.*' a'b' "c" '' 'x'y | grep '|'`);
    expect(p.argv).toEqual(["ps", "post.*", "ab", "c", "", "xy"]);
    expect(p.singleQuoted).toEqual([false, true, false, false, true, false]);
    expect(p.filters).toEqual([["grep", "|"]]);
    expect(parseLine(`echo '>' x`).redirect).toBeUndefined();
  });
  it("rejects an empty pipe and unmatched quotes", () => {
    expect(() => parseLine("ps |")).toThrow(UsageError);
    expect(() => parseLine("ps | grep 'x")).toThrow(UsageError);
    expect(() => parseLine("ps > a b")).toThrow(UsageError);
  });
});

describe("filters", () => {
  it("grep, grep -v, grep -c, wc -l, head, tail", () => {
    expect(applyFilters(PS, [["grep", "mountinfo"]])).toBe(PS.split("\n")[2] + "\n");
    expect(applyFilters(PS, [["grep", "-v", "PID"], ["wc", "-l"]])).toBe("2\n");
    expect(applyFilters(PS, [["grep", "-c", "IN\\|RU"]])).toBe("2\n");
    expect(applyFilters(PS, [["grep", "-E", "IN|RU"], ["wc", "-l"]])).toBe("2\n");
    expect(applyFilters(PS, [["head", "-1"]])).toBe(PS.split("\n")[0] + "\n");
    expect(applyFilters(PS, [["tail", "-n", "1"]])).toBe(PS.split("\n")[2] + "\n");
    expect(applyFilters(PS, [["grep", "nothing-here"]])).toBe("");
  });
  it("refuses what it does not run", () => {
    expect(() => applyFilters(PS, [["awk", "{print}"]])).toThrow(/unsupported pipe command/);
    expect(() => applyFilters(PS, [["grep", "-E", "("]])).toThrow(UsageError);
  });
});
