import { describe, expect, it } from "vitest";
import type { GraphDoc } from "../types";
import expense from "./fixtures/expense-approval.json";
import { parseGraphFile, serializeGraph } from "./importExport";

describe("graph files", () => {
  it("reads back exactly what it wrote", () => {
    const text = serializeGraph(expense as unknown as GraphDoc);
    const parsed = parseGraphFile(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(serializeGraph(parsed.graph)).toBe(text);
  });

  it("takes the graph out of a definition export", () => {
    const parsed = parseGraphFile(JSON.stringify({ format: "flowdesk.definition/v1", key: "k", graph: expense }));
    expect(parsed.ok && parsed.graph.nodes.length).toBe(expense.nodes.length);
  });

  it.each([
    ["not json", /not valid JSON/],
    ["[1, 2]", /expected a JSON object/],
    ['{"nodes": []}', /format/],
    ['{"format": "flowdesk.graph/v9", "nodes": []}', /Unsupported graph format/],
    ['{"format": "flowdesk.graph/v1"}', /no "nodes" list/],
    ['{"format": "flowdesk.graph/v1", "nodes": [{"id": 1, "type": "start"}]}', /Node 1 needs/],
    ['{"format": "flowdesk.graph/v1", "nodes": [{"id": "a", "type": "start"}, {"id": "a", "type": "end"}]}', /share the id "a"/],
    ['{"format": "flowdesk.graph/v1", "nodes": [], "edges": [{"id": "e1"}]}', /Edge 1 needs/],
    ['{"format": "flowdesk.graph/v1", "nodes": [{"id": "a", "type": "start", "position": {"x": "1"}}]}', /position/],
  ])("rejects %s with a readable message", (text, message) => {
    const parsed = parseGraphFile(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it("accepts a graph without edges as one with an empty list", () => {
    const parsed = parseGraphFile('{"format": "flowdesk.graph/v1", "nodes": [{"id": "s", "type": "start"}]}');
    expect(parsed.ok && parsed.graph.edges).toEqual([]);
  });
});
