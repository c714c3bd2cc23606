import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { saveErrorText } from "./useDraftSave";

describe("save error text", () => {
  it("names the first problem that blocks saving a draft", () => {
    const e = new ApiError(400, "graph_invalid", "The graph is not well-formed.", {
      problems: [{ message: "nodes[3].config: 'action' is required" }, { message: "another" }],
    });
    expect(saveErrorText(e)).toBe("Not saved until fixed: nodes[3].config: 'action' is required (+1 more)");
  });

  it("falls back to the server's message", () => {
    expect(saveErrorText(new ApiError(500, "http_500", "Server error"))).toBe("Not saved: Server error");
  });
});
