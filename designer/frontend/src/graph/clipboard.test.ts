import { describe, expect, it } from "vitest";
import type { GraphDoc } from "../types";
import { copySelection, pasteClipboard } from "./clipboard";

const graph: GraphDoc = {
  format: "flowdesk.graph/v1",
  nodes: [
    { id: "start", type: "start", name: "Start", position: { x: 0, y: 0 }, config: {} },
    { id: "task_1", type: "task", name: "Echo", position: { x: 100, y: 0 }, config: { action: "core.echo" } },
    { id: "end_1", type: "end", name: "End", position: { x: 200, y: 0 }, config: {} },
  ],
  edges: [
    { id: "e1", source: "start", target: "task_1" },
    { id: "e2", source: "task_1", target: "end_1", label: "done" },
  ],
};

describe("copy and paste", () => {
  it("copies the selected nodes and only the edges between them", () => {
    const clip = copySelection(graph, new Set(["task_1", "end_1"]));
    expect(clip.nodes.map((n) => n.id)).toEqual(["task_1", "end_1"]);
    expect(clip.edges.map((e) => e.id)).toEqual(["e2"]);
  });

  it("pastes under fresh ids with edges rewired and positions offset", () => {
    const clip = copySelection(graph, new Set(["task_1", "end_1"]));
    const pasted = pasteClipboard(clip, graph, 10);
    expect(pasted.nodes.map((n) => n.id)).toEqual(["task_2", "end_2"]);
    expect(pasted.nodes[0]!.position).toEqual({ x: 110, y: 10 });
    expect(pasted.nodes[0]!.config).toEqual({ action: "core.echo" });
    expect(pasted.edges).toEqual([{ id: "e3", source: "task_2", target: "end_2", label: "done" }]);
  });

  it("does not share objects between the copy and the original", () => {
    const clip = copySelection(graph, new Set(["task_1"]));
    const pasted = pasteClipboard(clip, graph);
    (pasted.nodes[0]!.config as { action: string }).action = "changed";
    expect(graph.nodes[1]!.config).toEqual({ action: "core.echo" });
  });
});
