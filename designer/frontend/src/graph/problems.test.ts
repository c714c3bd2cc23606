import { describe, expect, it } from "vitest";
import type { Problem } from "../types";
import { indexProblems, sortProblems, worstSeverity } from "./problems";

const problems: Problem[] = [
  { code: "dead_end", message: "m", severity: "warning", node: "t" },
  { code: "unknown_action", message: "m", severity: "error", node: "t", path: "nodes[1].config.action" },
  { code: "bad_expression", message: "m", severity: "error", node: "c", edge: "e2" },
  { code: "missing_start", message: "m", severity: "error" },
];

describe("problem index", () => {
  it("files problems under their edge, else their node, else the graph", () => {
    const index = indexProblems(problems);
    expect(index.byNode.get("t")!.map((p) => p.code)).toEqual(["dead_end", "unknown_action"]);
    expect(index.byEdge.get("e2")!.map((p) => p.code)).toEqual(["bad_expression"]);
    expect(index.byNode.has("c")).toBe(false);
    expect(index.general.map((p) => p.code)).toEqual(["missing_start"]);
    expect([index.errors, index.warnings]).toEqual([3, 1]);
  });

  it("reports the worst severity and sorts errors first", () => {
    expect(worstSeverity(problems.slice(0, 1))).toBe("warning");
    expect(worstSeverity(problems)).toBe("error");
    expect(worstSeverity([])).toBeNull();
    expect(sortProblems(problems)[3]!.severity).toBe("warning");
  });
});
