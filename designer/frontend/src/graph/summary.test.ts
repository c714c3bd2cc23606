import { describe, expect, it } from "vitest";
import { nodeSummary } from "./summary";

describe("node summaries", () => {
  it("says what each configured node does", () => {
    expect(nodeSummary({ id: "t", type: "task", config: { action: "email.send" } })).toBe("email.send");
    expect(nodeSummary({ id: "a", type: "approval", config: { assignees: { groups: ["managers"], users: ["ann"] } } })).toBe(
      "managers, ann",
    );
    expect(nodeSummary({ id: "w", type: "timer", config: { duration: "PT2H" } })).toBe("wait PT2H");
    expect(nodeSummary({ id: "s", type: "set", config: { assign: { a: "1", b: "2" } } })).toBe("sets a, b");
    expect(nodeSummary({ id: "e", type: "end", config: { result: "approved" } })).toBe("result: approved");
  });

  it("points out what is missing", () => {
    expect(nodeSummary({ id: "t", type: "task", config: {} })).toBe("no action chosen");
    expect(nodeSummary({ id: "a", type: "approval" })).toBe("nobody assigned");
    expect(nodeSummary({ id: "x", type: "parallel" })).toBe("");
  });
});
