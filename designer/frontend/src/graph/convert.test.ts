import { describe, expect, it } from "vitest";
import type { GraphDoc } from "../types";
import expense from "./fixtures/expense-approval.json";
import incident from "./fixtures/incident-response.json";
import { flowToGraph, flowTypeFor, graphText, graphToFlow } from "./convert";

const roundTrip = (g: GraphDoc) => {
  const { meta, nodes, edges } = graphToFlow(g);
  return flowToGraph(meta, nodes, edges);
};

describe("graph <-> React Flow conversion", () => {
  it("round-trips the example graphs exactly, key order included", () => {
    for (const graph of [expense, incident] as unknown as GraphDoc[]) {
      expect(graphText(roundTrip(graph))).toBe(JSON.stringify(graph));
    }
  });

  it("keeps unknown fields on nodes, edges and the document", () => {
    const graph: GraphDoc = {
      format: "flowdesk.graph/v1",
      x_note: { by: "ann" },
      nodes: [{ id: "a", type: "start", name: "A", position: { x: 1, y: 2 }, config: {}, color: "teal" }],
      edges: [{ id: "e1", source: "a", target: "a", label: "loop", weight: 3 }],
    };
    expect(roundTrip(graph)).toEqual(graph);
    expect(Object.keys(roundTrip(graph))).toEqual(["format", "x_note", "nodes", "edges"]);
  });

  it("writes the position React Flow holds after a move", () => {
    const graph = expense as unknown as GraphDoc;
    const { meta, nodes, edges } = graphToFlow(graph);
    nodes[0]!.position = { x: 500, y: 600 };
    const out = flowToGraph(meta, nodes, edges);
    expect(out.nodes[0]!.position).toEqual({ x: 500, y: 600 });
    expect(Object.keys(out.nodes[0]!)).toEqual(Object.keys(graph.nodes[0]!));
  });

  it("gives nodes without a position a spread-out one", () => {
    const graph: GraphDoc = {
      format: "flowdesk.graph/v1",
      nodes: [
        { id: "a", type: "start" },
        { id: "b", type: "end" },
      ],
      edges: [],
    };
    const { nodes } = graphToFlow(graph);
    expect(nodes[0]!.position).not.toEqual(nodes[1]!.position);
  });

  it("renders unknown node types with the generic component", () => {
    expect(flowTypeFor("task")).toBe("task");
    expect(flowTypeFor("webhook")).toBe("generic");
  });
});
