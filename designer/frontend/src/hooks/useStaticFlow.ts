/** Read-only canvas content (a published version, a diff view): selectable and measurable, not editable. */
import { type EdgeChange, type NodeChange, applyEdgeChanges, applyNodeChanges } from "@xyflow/react";
import { useCallback, useEffect, useState } from "react";
import { type FlowEdge, type FlowNode, graphToFlow } from "../graph/convert";
import type { GraphDoc } from "../types";

const VIEW_ONLY = new Set(["select", "dimensions"]);

export function useStaticFlow(graph: GraphDoc | null) {
  const [nodes, setNodes] = useState<FlowNode[]>([]);
  const [edges, setEdges] = useState<FlowEdge[]>([]);
  useEffect(() => {
    const flow = graph ? graphToFlow(graph) : { nodes: [], edges: [] };
    setNodes(flow.nodes);
    setEdges(flow.edges);
  }, [graph]);
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => setNodes((ns) => applyNodeChanges(changes.filter((c) => VIEW_ONLY.has(c.type)), ns)),
    [],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => setEdges((es) => applyEdgeChanges(changes.filter((c) => c.type === "select"), es)),
    [],
  );
  return { nodes, edges, onNodesChange, onEdgesChange };
}
