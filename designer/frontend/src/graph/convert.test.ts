import { describe, expect, it } from "vitest";
import type { GraphDoc } from "../types";
import expense from "./fixtures/expense-approval.json";
import incident from "./fixtures/incident-response.json";
import { flowToGraph, flowToGraphSince, flowTypeFor, graphText, graphToFlow } from "./convert";

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

  it("keeps the same document when a change writes nothing new (selection, measured size)", () => {
    const { meta, nodes, edges } = graphToFlow(expense as unknown as GraphDoc);
    const first = flowToGraphSince(null, meta, nodes, edges);
    const selected = nodes.map((n, i) => (i === 1 ? { ...n, selected: true, measured: { width: 180, height: 64 } } : n));
    const picked = edges.map((e, i) => (i === 0 ? { ...e, selected: true } : e));

    const again = flowToGraphSince(first, meta, selected, picked);

    expect(again.graph).toBe(first.graph);
  });

  it("builds a new document when a node moves, is edited, added, or an edge changes", () => {
    const { meta, nodes, edges } = graphToFlow(expense as unknown as GraphDoc);
    const first = flowToGraphSince(null, meta, nodes, edges);
    const moved = nodes.map((n, i) => (i === 1 ? { ...n, position: { x: n.position.x + 16, y: n.position.y } } : n));
    const renamed = nodes.map((n, i) => (i === 1 ? { ...n, data: { raw: { ...n.data.raw, name: "Other" } } } : n));
    const rewired = edges.map((e, i) => (i === 0 ? { ...e, target: nodes[2]!.id } : e));

    for (const [ns, es] of [[moved, edges], [renamed, edges], [nodes.slice(1), edges], [nodes, rewired]] as const) {
      const next = flowToGraphSince(first, meta, [...ns], [...es]);
      expect(next.graph).not.toBe(first.graph);
      expect(next.graph).toEqual(flowToGraph(meta, [...ns], [...es]));
    }
    expect(flowToGraphSince(first, { ...meta }, nodes, edges).graph).not.toBe(first.graph);
  });
});
