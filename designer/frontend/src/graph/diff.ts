/** What changed between two graphs, by node and edge id, and a merged view that shows it on one canvas. */
import type { GraphDoc, GraphEdge, GraphNode } from "../types";

export type DiffStatus = "added" | "removed" | "changed";

export interface IdDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface GraphDiff {
  nodes: IdDiff;
  edges: IdDiff;
}

/** JSON with object keys sorted, so two equal values always give the same text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function diffById<T extends { id: string }>(before: T[], after: T[], normalise: (item: T) => unknown): IdDiff {
  const old = new Map(before.map((item) => [item.id, item]));
  const now = new Map(after.map((item) => [item.id, item]));
  const result: IdDiff = { added: [], removed: [], changed: [] };
  for (const [id, item] of now) {
    const previous = old.get(id);
    if (previous === undefined) result.added.push(id);
    else if (stableStringify(normalise(previous)) !== stableStringify(normalise(item))) result.changed.push(id);
  }
  for (const id of old.keys()) if (!now.has(id)) result.removed.push(id);
  return result;
}

function withoutPosition(node: GraphNode): unknown {
  const { position: _ignored, ...rest } = node;
  return rest;
}

/** Diff `after` against `before`. Moving a node is layout, not a change, unless `positions` is set. */
export function diffGraphs(before: GraphDoc, after: GraphDoc, options: { positions?: boolean } = {}): GraphDiff {
  const normaliseNode = options.positions ? (n: GraphNode) => n : withoutPosition;
  return {
    nodes: diffById(before.nodes, after.nodes, normaliseNode),
    edges: diffById(before.edges, after.edges, (e: GraphEdge) => e),
  };
}

export function isEmptyDiff(diff: GraphDiff): boolean {
  return [diff.nodes, diff.edges].every((d) => !d.added.length && !d.removed.length && !d.changed.length);
}

export function statusMap(diff: IdDiff): Map<string, DiffStatus> {
  const map = new Map<string, DiffStatus>();
  for (const id of diff.added) map.set(id, "added");
  for (const id of diff.removed) map.set(id, "removed");
  for (const id of diff.changed) map.set(id, "changed");
  return map;
}

/** Top-level fields (inputs, format, ...) that differ, by name. */
export function changedTopLevel(before: GraphDoc, after: GraphDoc): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete("nodes");
  keys.delete("edges");
  return [...keys].filter((k) => stableStringify(before[k]) !== stableStringify(after[k])).sort();
}

/**
 * The `after` graph plus whatever only `before` had, so removals can be drawn as ghosts beside
 * additions and changes. Removed edges are kept only when both of their ends are on the canvas.
 */
export function mergeForDiffView(before: GraphDoc, after: GraphDoc): GraphDoc {
  const nodeIds = new Set(after.nodes.map((n) => n.id));
  const removedNodes = before.nodes.filter((n) => !nodeIds.has(n.id));
  for (const n of removedNodes) nodeIds.add(n.id);
  const edgeIds = new Set(after.edges.map((e) => e.id));
  const removedEdges = before.edges.filter(
    (e) => !edgeIds.has(e.id) && nodeIds.has(e.source) && nodeIds.has(e.target),
  );
  return { ...after, nodes: [...after.nodes, ...removedNodes], edges: [...after.edges, ...removedEdges] };
}
