/** Copy/paste of a selection: the chosen nodes plus the edges running between them, under fresh ids. */
import type { GraphDoc, GraphEdge, GraphNode } from "../types";
import { nextEdgeId, nextNodeId } from "./ids";

export interface ClipboardContent {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const PASTE_OFFSET = 32;

export function copySelection(graph: GraphDoc, selected: ReadonlySet<string>): ClipboardContent {
  const nodes = graph.nodes.filter((n) => selected.has(n.id));
  const edges = graph.edges.filter((e) => selected.has(e.source) && selected.has(e.target));
  return structuredClone({ nodes, edges });
}

/**
 * Clone clipboard content for insertion into `graph`: new node and edge ids that clash with nothing,
 * edges rewired to the new ids, positions shifted by `offset` so the copy does not hide the original.
 */
export function pasteClipboard(clip: ClipboardContent, graph: GraphDoc, offset = PASTE_OFFSET): ClipboardContent {
  const nodeIds = new Set(graph.nodes.map((n) => n.id));
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((node) => {
    const id = nextNodeId(node.type, nodeIds);
    nodeIds.add(id);
    renamed.set(node.id, id);
    const copy: GraphNode = { ...structuredClone(node), id };
    const pos = node.position ?? { x: 0, y: 0 };
    copy.position = { x: pos.x + offset, y: pos.y + offset };
    return copy;
  });
  const edges: GraphEdge[] = [];
  for (const edge of clip.edges) {
    const source = renamed.get(edge.source);
    const target = renamed.get(edge.target);
    if (source === undefined || target === undefined) continue;
    const id = nextEdgeId(edgeIds);
    edgeIds.add(id);
    edges.push({ ...structuredClone(edge), id, source, target });
  }
  return { nodes, edges };
}
