import { describe, expect, it } from "vitest";
import { ID_PATTERN, copyKey, nextEdgeId, nextNodeId } from "./ids";

describe("id generation", () => {
  it("names the first start node plainly and numbers everything else", () => {
    expect(nextNodeId("start", new Set())).toBe("start");
    expect(nextNodeId("start", new Set(["start"]))).toBe("start_1");
    expect(nextNodeId("task", new Set(["task_1", "task_3"]))).toBe("task_2");
  });

  it("always produces ids the graph format accepts", () => {
    for (const type of ["task", "weird type!", "", "x".repeat(100)]) {
      expect(nextNodeId(type, new Set())).toMatch(ID_PATTERN);
    }
  });

  it("numbers new edges after the highest existing e<n>", () => {
    expect(nextEdgeId(new Set())).toBe("e1");
    expect(nextEdgeId(new Set(["e1", "e7", "custom"]))).toBe("e8");
  });

  it("builds copy keys as <key>-copy-<n>", () => {
    expect(copyKey("expense", 2)).toBe("expense-copy-2");
  });
});
