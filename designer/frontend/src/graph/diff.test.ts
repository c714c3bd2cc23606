import { describe, expect, it } from "vitest";
import type { GraphDoc } from "../types";
import { changedTopLevel, diffGraphs, isEmptyDiff, mergeForDiffView, stableStringify, statusMap } from "./diff";

const before: GraphDoc = {
  format: "flowdesk.graph/v1",
  inputs: {},
  nodes: [
    { id: "s", type: "start", position: { x: 0, y: 0 }, config: {} },
    { id: "t", type: "task", position: { x: 1, y: 0 }, config: { action: "core.echo" } },
    { id: "old", type: "end", position: { x: 2, y: 0 }, config: {} },
  ],
  edges: [
    { id: "e1", source: "s", target: "t" },
    { id: "e2", source: "t", target: "old" },
  ],
};

const after: GraphDoc = {
  format: "flowdesk.graph/v1",
  inputs: { amount: { type: "number" } },
  nodes: [
    { id: "s", type: "start", position: { x: 50, y: 50 }, config: {} },
    { id: "t", type: "task", position: { x: 1, y: 0 }, config: { action: "core.log" } },
    { id: "new", type: "end", position: { x: 2, y: 0 }, config: {} },
  ],
  edges: [
    { id: "e1", source: "s", target: "t", label: "go" },
    { id: "e3", source: "t", target: "new" },
  ],
};

describe("graph diff", () => {
  it("lists added, removed and changed nodes and edges", () => {
    const diff = diffGraphs(before, after);
    expect(diff.nodes).toEqual({ added: ["new"], removed: ["old"], changed: ["t"] });
    expect(diff.edges).toEqual({ added: ["e3"], removed: ["e2"], changed: ["e1"] });
  });

  it("treats a move as layout unless positions are asked for", () => {
    expect(diffGraphs(before, after).nodes.changed).not.toContain("s");
    expect(diffGraphs(before, after, { positions: true }).nodes.changed).toContain("s");
  });

  it("finds no difference between a graph and itself, whatever the key order", () => {
    const reordered = JSON.parse(JSON.stringify(before)) as GraphDoc;
    reordered.nodes[1] = { config: { action: "core.echo" }, position: { x: 1, y: 0 }, type: "task", id: "t" };
    expect(isEmptyDiff(diffGraphs(before, reordered))).toBe(true);
    expect(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });

  it("names changed top-level fields", () => {
    expect(changedTopLevel(before, after)).toEqual(["inputs"]);
  });

  it("merges removed nodes and edges back in for the diff view", () => {
    const merged = mergeForDiffView(before, after);
    expect(merged.nodes.map((n) => n.id)).toEqual(["s", "t", "new", "old"]);
    expect(merged.edges.map((e) => e.id)).toEqual(["e1", "e3", "e2"]);
    expect(statusMap(diffGraphs(before, after).nodes).get("old")).toBe("removed");
  });
});
