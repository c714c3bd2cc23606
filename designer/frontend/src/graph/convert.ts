/**
 * Graph document <-> React Flow elements.
 *
 * Every React Flow node and edge carries the graph object it came from (`data.raw`), so fields the
 * designer does not know about survive untouched; serialising writes back the raw object with only
 * the parts React Flow owns (position, ids, ends) replaced in place. `flowToGraph(graphToFlow(g))`
 * is `g`, key order included, which lets JSON strings stand in for graph equality.
 */
import type { Edge, Node } from "@xyflow/react";
import type { GraphDoc, GraphEdge, GraphNode, Position } from "../types";

export type NodeData = { raw: GraphNode };
export type EdgeData = { raw: GraphEdge };
export type FlowNode = Node<NodeData>;
export type FlowEdge = Edge<EdgeData>;

/** The graph document without its node and edge lists (empty arrays keep their key positions). */
export type GraphMeta = GraphDoc;

export const GRAPH_FORMAT = "flowdesk.graph/v1";
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 64;
export const EDGE_TYPE = "workflow";

/** React Flow component keys we register; any other graph type renders with the generic node. */
export const KNOWN_NODE_TYPES = [
  "start",
  "end",
  "task",
  "approval",
  "condition",
  "parallel",
  "join",
  "timer",
  "signal",
  "subworkflow",
  "set",
] as const;
const KNOWN = new Set<string>(KNOWN_NODE_TYPES);

export function flowTypeFor(graphType: string): string {
  return KNOWN.has(graphType) ? graphType : "generic";
}

export function emptyGraph(): GraphDoc {
  return { format: GRAPH_FORMAT, inputs: {}, nodes: [], edges: [] };
}

function fallbackPosition(index: number): Position {
  return { x: (index % 5) * (NODE_WIDTH + 60), y: Math.floor(index / 5) * (NODE_HEIGHT + 80) };
}

export function toFlowNode(node: GraphNode, index = 0): FlowNode {
  const pos = node.position;
  const position =
    pos && typeof pos.x === "number" && typeof pos.y === "number" ? { x: pos.x, y: pos.y } : fallbackPosition(index);
  return { id: node.id, type: flowTypeFor(node.type), position, data: { raw: node } };
}

export function toFlowEdge(edge: GraphEdge): FlowEdge {
  return { id: edge.id, source: edge.source, target: edge.target, type: EDGE_TYPE, data: { raw: edge } };
}

export function graphToFlow(graph: GraphDoc): { meta: GraphMeta; nodes: FlowNode[]; edges: FlowEdge[] } {
  const meta: GraphMeta = { ...graph, nodes: [], edges: [] };
  return {
    meta,
    nodes: (graph.nodes ?? []).map((n, i) => toFlowNode(n, i)),
    edges: (graph.edges ?? []).map(toFlowEdge),
  };
}

export function fromFlowNode(node: FlowNode): GraphNode {
  const out: GraphNode = { ...node.data.raw, id: node.id };
  out.position = { x: node.position.x, y: node.position.y };
  return out;
}

export function fromFlowEdge(edge: FlowEdge): GraphEdge {
  const raw = edge.data?.raw ?? { id: edge.id, source: edge.source, target: edge.target };
  return { ...raw, id: edge.id, source: edge.source, target: edge.target };
}

export function flowToGraph(meta: GraphMeta, nodes: FlowNode[], edges: FlowEdge[]): GraphDoc {
  return { ...meta, nodes: nodes.map(fromFlowNode), edges: edges.map(fromFlowEdge) };
}

/** What `flowToGraph` was built from, kept to skip rebuilding it when nothing it writes changed. */
export interface FlowSource {
  meta: GraphMeta;
  nodes: FlowNode[];
  edges: FlowEdge[];
  graph: GraphDoc;
}

const samePosition = (a: Position, b: Position) => a === b || (a.x === b.x && a.y === b.y);

/** True when `flowToGraph` of both would write the same document (selection and measured sizes are not written). */
export function writesSameGraph(a: Omit<FlowSource, "graph">, meta: GraphMeta, nodes: FlowNode[], edges: FlowEdge[]): boolean {
  if (a.meta !== meta || a.nodes.length !== nodes.length || a.edges.length !== edges.length) return false;
  for (let i = 0; i < nodes.length; i++) {
    const [was, is] = [a.nodes[i]!, nodes[i]!];
    if (was !== is && (was.id !== is.id || was.data.raw !== is.data.raw || !samePosition(was.position, is.position))) return false;
  }
  for (let i = 0; i < edges.length; i++) {
    const [was, is] = [a.edges[i]!, edges[i]!];
    if (was !== is && (was.id !== is.id || was.source !== is.source || was.target !== is.target || was.data?.raw !== is.data?.raw)) return false;
  }
  return true;
}

/** `flowToGraph`, returning the previous document itself when a change wrote nothing new (a click that selects). */
export function flowToGraphSince(previous: FlowSource | null, meta: GraphMeta, nodes: FlowNode[], edges: FlowEdge[]): FlowSource {
  if (previous && writesSameGraph(previous, meta, nodes, edges)) return { meta, nodes, edges, graph: previous.graph };
  return { meta, nodes, edges, graph: flowToGraph(meta, nodes, edges) };
}

/** Canonical text of a graph: the designer's equality test, the saved payload and the export file. */
export function graphText(graph: GraphDoc): string {
  return JSON.stringify(graph);
}
