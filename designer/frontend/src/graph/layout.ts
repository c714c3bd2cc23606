/** Auto-layout with dagre: left-to-right ranks, returning top-left positions for React Flow. */
import dagre from "@dagrejs/dagre";
import type { Position } from "../types";
import { NODE_HEIGHT, NODE_WIDTH } from "./convert";

export interface LayoutNode {
  id: string;
  width?: number;
  height?: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export function layoutGraph(nodes: LayoutNode[], edges: LayoutEdge[], direction: "LR" | "TB" = "LR"): Map<string, Position> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: 48, ranksep: 96, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width ?? NODE_WIDTH, height: n.height ?? NODE_HEIGHT });
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const positions = new Map<string, Position>();
  for (const n of nodes) {
    const laid = g.node(n.id);
    const w = n.width ?? NODE_WIDTH;
    const h = n.height ?? NODE_HEIGHT;
    positions.set(n.id, { x: Math.round(laid.x - w / 2), y: Math.round(laid.y - h / 2) });
  }
  return positions;
}
